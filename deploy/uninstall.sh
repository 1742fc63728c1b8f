#!/usr/bin/env bash
# Remove what deploy/install.sh installed: the units and /opt/gatehouse. The config, the data and the
# user gatehouse stay unless --purge is given.
set -euo pipefail

script_name=uninstall.sh
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=deploy/common.sh
source "$script_dir/common.sh"

usage() {
  cat <<'EOF'
Usage: deploy/uninstall.sh [--root DIR] [--purge]

Stop and disable the Gatehouse units, then delete them and /opt/gatehouse.
/etc/gatehouse and /var/lib/gatehouse (users, tokens, certificates, audit log)
are kept.

  --root DIR  uninstall from the folder DIR instead of /
  --purge     also delete /etc/gatehouse, /var/lib/gatehouse and the user and
              group gatehouse
  -h, --help  print this help
EOF
}

root_argument=/
purge=false
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
    --purge)
      purge=true
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
require_root_user_for "$root" "uninstalling Gatehouse"

unit_dir=$root/etc/systemd/system
installed_units=()
for unit in "${unit_names[@]}"; do
  [[ ! -e $unit_dir/$unit ]] || installed_units+=("$unit")
done

if ((${#installed_units[@]} > 0)); then
  if systemd_is_running "$root"; then
    systemctl stop "${installed_units[@]}"
    systemctl disable --quiet "${installed_units[@]}"
  else
    systemctl --root "$root_for_tools" disable --quiet "${installed_units[@]}"
  fi
  for unit in "${installed_units[@]}"; do
    rm -f "$unit_dir/$unit"
  done
  # Delete the .wants folder of the target when disable left it empty.
  rmdir --ignore-fail-on-non-empty "$unit_dir/gatehouse.target.wants" 2>/dev/null || true
  if systemd_is_running "$root"; then
    systemctl daemon-reload
  fi
  say "disabled and deleted ${installed_units[*]}"
else
  say "no Gatehouse units in $unit_dir"
fi

app=$root/opt/gatehouse
if [[ -e $app ]]; then
  rm -rf "$app"
  say "deleted $app"
fi

config_dir=$root/etc/gatehouse
data_dir=$root/var/lib/gatehouse
if [[ $purge == true ]]; then
  rm -rf "$config_dir" "$data_dir"
  say "deleted $config_dir and $data_dir"
  if [[ -n $(passwd_field "$root" "$service_user" 3) ]]; then
    userdel --root "$root_for_tools" "$service_user"
    say "deleted user $service_user"
  fi
  # userdel deletes the group gatehouse only when it was the user's own group and no other user uses it.
  if group_exists "$root" "$service_user"; then
    if groupdel --root "$root_for_tools" "$service_user"; then
      say "deleted group $service_user"
    else
      warn "kept group $service_user, because groupdel failed (another user may have it as primary group)"
    fi
  fi
else
  say "kept $config_dir and $data_dir (delete them with --purge)"
fi
