#!/usr/bin/env bash
# Install or upgrade Gatehouse as systemd services on Debian or Raspberry Pi OS.
#
# The app goes to /opt/gatehouse (owned by root), the config to /etc/gatehouse/gatehouse.yaml (written
# only when missing), the data to /var/lib/gatehouse (owned by the system user gatehouse), and the
# units to /etc/systemd/system, with gatehouse.target enabled. A second run replaces the app and the
# units and keeps the config and the data.
set -euo pipefail

script_name=install.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=deploy/common.sh
source "$script_dir/common.sh"

default_source=$(cd "$script_dir/.." && pwd -P)
readonly node_path=/usr/bin/node
readonly minimum_node_major=20

usage() {
  cat <<EOF
Usage: deploy/install.sh [--root DIR] [--source DIR]

Install or upgrade Gatehouse as the systemd units gatehouse-hub.service and
gatehouse-front.service, grouped by gatehouse.target, run by the system user
gatehouse. A second run upgrades the app and the units and keeps
/etc/gatehouse/gatehouse.yaml and /var/lib/gatehouse.

  --root DIR    install into the folder DIR instead of / (for images and tests);
                nothing is started there
  --source DIR  built Gatehouse checkout to install (default: $default_source);
                run "npm ci && npm run build" in it first
  -h, --help    print this help
EOF
}

root_argument=/
source_dir=$default_source
while (($# > 0)); do
  case $1 in
    --root)
      (($# >= 2)) || fail 2 "--root needs a folder (see --help)"
      root_argument=$2
      shift 2
      ;;
    --root=*)
      root_argument=${1#--root=}
      shift
      ;;
    --source)
      (($# >= 2)) || fail 2 "--source needs a folder (see --help)"
      source_dir=$2
      shift 2
      ;;
    --source=*)
      source_dir=${1#--source=}
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      fail 2 "unknown option \"$1\" (see --help)"
      ;;
  esac
done

root=$(resolve_root "$root_argument")
root_for_tools=${root:-/}
# useradd --root and chown need uid 0, also for a folder.
[[ $(id -u) -eq 0 ]] || fail 1 "installing into $root_for_tools needs root (uid 0) to create the user gatehouse and set owners: run it with sudo."

# --- checks before anything changes ---------------------------------------------------------------

for tool in useradd groupadd usermod systemctl npm; do
  command -v "$tool" >/dev/null || fail 1 "the command $tool is missing: install it (Debian packages passwd, systemd and npm)."
done

[[ -d $source_dir ]] || fail 2 "--source $source_dir: no such folder"
source_dir=$(cd "$source_dir" && pwd -P)
for file in package.json package-lock.json bin/gatehouse.js deploy/systemd/gatehouse.target deploy/systemd/gatehouse-hub.service deploy/systemd/gatehouse-front.service; do
  [[ -f $source_dir/$file ]] || fail 1 "$source_dir is not a Gatehouse checkout: $file is missing."
done
for file in dist/server/cli/main.js dist/web/index.html node_modules/.package-lock.json; do
  [[ -f $source_dir/$file ]] || fail 1 "$source_dir has no build ($file is missing): run \"npm ci && npm run build\" in $source_dir first."
done

# The units start /usr/bin/node, so on this system it must be there and new enough. In a --root
# folder it may come later (an image build), so a missing node is only a warning there.
if [[ -z $root ]]; then
  [[ -x $node_path ]] || fail 1 "$node_path is missing, and the units run it: install Node.js $minimum_node_major or newer first."
  node_major=$("$node_path" -p 'process.versions.node.split(".")[0]')
  ((node_major >= minimum_node_major)) || fail 1 "$node_path is Node.js $node_major, and Gatehouse needs $minimum_node_major or newer: install a newer Node.js first."
elif [[ ! -x $root$node_path ]]; then
  warn "$root$node_path is missing, and the units run $node_path: install Node.js $minimum_node_major or newer there."
fi
# The front runs openssl to make its self-signed certificate when the config names no certificate.
[[ -x $root/usr/bin/openssl ]] || warn "$root/usr/bin/openssl is missing, and the front needs it for a self-signed certificate: apt-get install openssl."

staging=$root/opt/gatehouse.new
npm_cache=$(mktemp -d)
cleanup() {
  rm -rf "$staging" "$npm_cache"
}
trap cleanup EXIT

# --- user and groups --------------------------------------------------------------------------------

# Debian and Raspberry Pi OS always have dialout (the group of serial devices), but a bare folder may not.
if ! group_exists "$root" dialout; then
  groupadd --system --root "$root_for_tools" dialout
  say "created group dialout"
fi

if [[ -z $(passwd_field "$root" "$service_user" 3) ]]; then
  group_option=(--user-group)
  if group_exists "$root" "$service_user"; then
    group_option=(--gid "$service_user")
  fi
  useradd --system --root "$root_for_tools" "${group_option[@]}" --no-create-home \
    --home-dir /var/lib/gatehouse --shell /usr/sbin/nologin --comment "Gatehouse gateway" "$service_user"
  say "created system user $service_user (uid $(passwd_field "$root" "$service_user" 3))"
else
  say "kept existing user $service_user (uid $(passwd_field "$root" "$service_user" 3))"
fi
uid=$(passwd_field "$root" "$service_user" 3)
gid=$(passwd_field "$root" "$service_user" 4)

dialout_members=$(awk -F: '$1 == "dialout" { print $4 }' "$root/etc/group")
if [[ ",$dialout_members," != *",$service_user,"* ]]; then
  usermod --root "$root_for_tools" --append --groups dialout "$service_user"
  say "added $service_user to group dialout"
fi

# --- the app in /opt/gatehouse -----------------------------------------------------------------------

# The app is assembled beside the old one and then swapped in with two renames, so a failed copy
# leaves the installed version untouched. Running services keep their open files until restarted.
app=$root/opt/gatehouse
rm -rf "$staging" "$app.old"
mkdir -p "$staging"
cp -a "$source_dir/bin" "$source_dir/dist" "$source_dir/package.json" "$source_dir/package-lock.json" "$staging/"
[[ ! -f $source_dir/README.md ]] || cp -a "$source_dir/README.md" "$staging/"
[[ ! -d $source_dir/docs ]] || cp -a "$source_dir/docs" "$staging/"

# The production packages are copied from the source's node_modules, which already contains native
# modules built for this machine, so nothing is downloaded. Copying only them (about a third of the
# folder) saves time on an SD card. npm ls fails when a production dependency is missing, which
# happens when package.json changed after the last npm ci.
npm_offline=(--offline --cache "$npm_cache" --loglevel=error)
package_list=$(cd "$source_dir" && npm ls --omit=dev --all --parseable "${npm_offline[@]}" 2>/dev/null) ||
  fail 1 "the node_modules in $source_dir do not match package-lock.json: run \"npm ci && npm run build\" there first."
top_level_packages=()
while IFS= read -r package_dir; do
  relative=${package_dir#"$source_dir"/}
  # A nested package comes along with the top-level package that contains it.
  if [[ $relative == node_modules/* && $relative != node_modules/*/node_modules/* ]]; then
    top_level_packages+=("$relative")
  fi
done <<<"$package_list"
mkdir -p "$staging/node_modules"
if ((${#top_level_packages[@]} > 0)); then
  (cd "$source_dir" && cp -a --parents "${top_level_packages[@]}" "$staging/")
fi
# npm ls in the copy checks that it is complete.
(
  cd "$staging"
  npm ls --omit=dev --all "${npm_offline[@]}" >/dev/null 2>&1 ||
    fail 1 "the production packages copied from $source_dir/node_modules are incomplete: run \"npm ci && npm run build\" there first."
)
say "copied ${#top_level_packages[@]} production packages from $source_dir/node_modules"

chown -R 0:0 "$staging"
chmod -R u+rwX,go+rX,go-w "$staging"
chmod 0755 "$staging"
if [[ -e $app ]]; then
  mv "$app" "$app.old"
  mv "$staging" "$app"
  rm -rf "$app.old"
  say "upgraded $app from $source_dir"
else
  mv "$staging" "$app"
  say "installed $app from $source_dir"
fi

# --- config and data ---------------------------------------------------------------------------------

config_dir=$root/etc/gatehouse
config=$config_dir/gatehouse.yaml
if [[ ! -d $config_dir ]]; then
  install -d -m 0750 -o 0 -g "$gid" "$config_dir"
fi
if [[ -e $config ]]; then
  say "kept existing $config"
else
  cat >"$config.new" <<'EOF'
# Gatehouse configuration, written by deploy/install.sh, which never changes it afterwards.
# /opt/gatehouse/docs/configuration.md lists every key and its default.
dataDir: /var/lib/gatehouse
front:
  httpPort: 80
  httpsPort: 443
hub:
  port: 8080
radio:
  # The Raspberry Pi's UART. For a USB radio gateway use its /dev/serial/by-id/... path.
  port: /dev/serial0
  baudRate: 115200
  dialect: moteino
EOF
  chown "0:$gid" "$config.new"
  chmod 0640 "$config.new"
  mv "$config.new" "$config"
  say "wrote $config"
fi

data_dir=$root/var/lib/gatehouse
if [[ -d $data_dir ]]; then
  say "kept existing $data_dir"
  data_owner=$(stat -c %u "$data_dir")
  [[ $data_owner == "$uid" ]] || warn "$data_dir belongs to uid $data_owner, not to $service_user (uid $uid), so the services cannot write there: chown -R $service_user:$service_user $data_dir"
else
  mkdir -p "$root/var/lib"
  install -d -m 0700 -o "$uid" -g "$gid" "$data_dir"
  say "created $data_dir"
fi

# --- systemd units -----------------------------------------------------------------------------------

unit_dir=$root/etc/systemd/system
mkdir -p "$unit_dir"
for unit in "${unit_names[@]}"; do
  install -m 0644 -o 0 -g 0 "$source_dir/deploy/systemd/$unit" "$unit_dir/$unit"
done
say "installed ${unit_names[*]} in $unit_dir"

if systemd_is_running "$root"; then
  systemctl daemon-reload
  systemctl enable --quiet gatehouse.target
  say "enabled gatehouse.target"
  # is-active succeeds when at least one of the units runs.
  if systemctl is-active --quiet gatehouse-hub.service gatehouse-front.service; then
    systemctl restart gatehouse.target
    say "restarted gatehouse.target"
  else
    say "next: add a user, then start the services:"
    say "  sudo -u $service_user $node_path /opt/gatehouse/bin/gatehouse.js user add alice --role admin --config /etc/gatehouse/gatehouse.yaml"
    say "  sudo systemctl start gatehouse.target"
  fi
else
  systemctl --root "$root_for_tools" enable --quiet gatehouse.target
  say "enabled gatehouse.target in $root_for_tools (systemd does not run there, so nothing was started)"
fi
