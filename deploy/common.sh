# Helpers shared by deploy/install.sh and deploy/uninstall.sh. Source it, do not run it.
# shellcheck shell=bash

# shellcheck disable=SC2034  # the scripts that source this file use both names
readonly service_user=gatehouse
readonly unit_names=(gatehouse.target gatehouse-hub.service gatehouse-front.service)

# The script's name for messages, set by the script that sources this file.
script_name=${script_name:-gatehouse}

say() {
  printf '%s: %s\n' "$script_name" "$*"
}

warn() {
  printf '%s: warning: %s\n' "$script_name" "$*" >&2
}

# Print an error and exit with the given status (2 for usage errors, 1 for everything else).
fail() {
  local status=$1
  shift
  printf '%s: %s\n' "$script_name" "$*" >&2
  exit "$status"
}

# Resolve --root to an absolute path without a trailing slash ("" for the real root), so that
# "$root/etc" is always a correct path. Exits with status 2 when the folder does not exist.
resolve_root() {
  local requested=$1
  [[ -n $requested ]] || fail 2 "--root needs a folder"
  [[ -d $requested ]] || fail 2 "--root $requested: no such folder. Create it first, or omit --root to use /."
  local absolute
  absolute=$(cd "$requested" && pwd -P)
  if [[ $absolute == / ]]; then
    printf ''
  else
    printf '%s' "$absolute"
  fi
}

# Changing the real system needs uid 0: creating users, chown, and systemctl on /.
require_root_user_for() {
  local root=$1 action=$2
  if [[ -z $root && $(id -u) -ne 0 ]]; then
    fail 1 "$action on this system needs root (uid 0): run it with sudo."
  fi
}

# True when the root is the running system and systemd manages it, so systemctl can talk to it.
systemd_is_running() {
  local root=$1
  [[ -z $root && -d /run/systemd/system ]]
}

# Print a field (3 = uid, 4 = gid) of a user in the root's /etc/passwd; nothing when the user is missing.
passwd_field() {
  local root=$1 user=$2 field=$3
  awk -F: -v user="$user" -v field="$field" '$1 == user { print $field }' "$root/etc/passwd"
}

group_exists() {
  local root=$1 group=$2
  grep -q "^${group}:" "$root/etc/group"
}
