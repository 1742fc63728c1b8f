#!/usr/bin/env bash
# Set up and run Gatehouse with a simulated radio gateway: installs what is missing, builds, writes
# demo/gatehouse.yaml, creates the admin account on the first run, then runs `gatehouse start`.
# The admin password comes from GATEHOUSE_ADMIN_PASSWORD, or is generated and printed once.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v socat >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "demo: installing socat (the simulated radio gateway runs on a socat pseudo-terminal)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq socat >/dev/null
  else
    echo "demo: socat is missing (the simulated radio gateway needs it). Install it with:" >&2
    echo "  sudo apt-get install -y socat" >&2
    exit 2
  fi
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build

mkdir -p demo
config=demo/gatehouse.yaml
if [[ ! -f $config ]]; then
  # Ports above 1024 so the demo runs without root; a real install uses 80 and 443.
  cat > "$config" <<'YAML'
dataDir: ./data
front:
  httpPort: 8080
  httpsPort: 8443
hub:
  port: 8081
radio:
  port: ./data/radio-sim
  baudRate: 115200
  dialect: moteino
YAML
fi

if ! node bin/gatehouse.js user list --config "$config" 2>/dev/null | grep -q $'\tadmin\t'; then
  password=${GATEHOUSE_ADMIN_PASSWORD:-}
  if [[ -z $password ]]; then
    password=$(node -e "process.stdout.write(require('node:crypto').randomBytes(12).toString('base64url'))")
    echo "demo: created user 'admin' with password: $password"
    echo "demo: this password is shown only once; change it with: node bin/gatehouse.js user passwd admin --config $config"
  fi
  printf '%s\n' "$password" | node bin/gatehouse.js user add admin --role admin --password-stdin --config "$config" >/dev/null
fi

echo "demo: open https://localhost:8443/ and accept the self-signed certificate; log in as admin"
exec node bin/gatehouse.js start --simulate --config "$config"
