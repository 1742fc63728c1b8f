#!/usr/bin/env bash
# Run every check and test: installs missing Debian test peers (as root), the npm packages from the
# lockfile, builds, type-checks, lints, then runs the test files. `.ci/run` calls this script.
set -euo pipefail
shopt -s globstar nullglob
cd "$(dirname "$0")/.."

# Debian packages the tests drive as real peers: command name -> package name.
declare -A peers=([socat]=socat [ip]=iproute2 [ss]=iproute2 [openssl]=openssl [htpasswd]=apache2-utils [chromium]=chromium [nginx]=nginx [fail2ban-regex]=fail2ban)
missing=()
for command in "${!peers[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${peers[$command]}")
done
if ((${#missing[@]} > 0)); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "test: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test: missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi

# npm ci only when the installed tree is older than the lockfile, so repeated local runs stay quick.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

npm run --silent build
npm run --silent typecheck
npx eslint .

files=("$@")
if ((${#files[@]} == 0)); then
  files=(test/**/*.test.ts)
fi
node --import tsx --test --test-concurrency=2 --test-timeout=120000 "${files[@]}"
