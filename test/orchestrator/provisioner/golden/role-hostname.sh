#!/bin/sh
# drill work item: lab/hostname@lab-r1-u01 (1 resources; idempotent, rendered by the orchestrator)
set -eu
R=${DRILL_ROOT:-}
export DRILL_ROOT="$R"
drill_changed=0
drill_apt_updated=0
drill_note() { printf 'drill: changed %s %s\n' "$1" "$2"; drill_changed=1; }
# drill_file PATH MODE OWNER GROUP CONTENT: sets drill_did=1 when it changed the file.
# A changed file is written beside the old one with its final mode and owner, then renamed over it.
drill_file() {
  drill_p=$R$1
  drill_d=${drill_p%/*}
  drill_did=0
  [ -d "$drill_d" ] || mkdir -p "$drill_d"
  if [ -f "$drill_p" ] && [ ! -L "$drill_p" ] && printf '%s' "$5" | cmp -s - "$drill_p"; then :; else
    drill_t=$(mktemp "$drill_d/.drill.XXXXXX")
    chmod "$2" "$drill_t"
    [ -z "$3" ] || chown "$3" "$drill_t"
    [ -z "$4" ] || chgrp "$4" "$drill_t"
    printf '%s' "$5" > "$drill_t"
    mv -f "$drill_t" "$drill_p"
    drill_did=1
  fi
  if [ "$(stat -c %a "$drill_p")" != "$2" ]; then chmod "$2" "$drill_p"; drill_did=1; fi
  if [ -n "$3" ] && [ "$(stat -c %U "$drill_p")" != "$3" ]; then chown "$3" "$drill_p"; drill_did=1; fi
  if [ -n "$4" ] && [ "$(stat -c %G "$drill_p")" != "$4" ]; then chgrp "$4" "$drill_p"; drill_did=1; fi
}
drill_apt_update() {
  [ "$drill_apt_updated" = 1 ] || { apt-get update -q; drill_apt_updated=1; }
}
# hostname lab-r1-u01
drill_file /etc/hostname 644 '' '' 'lab-r1-u01
'
if [ -z "$R" ] && [ "$(hostname)" != 'lab-r1-u01' ]; then hostname 'lab-r1-u01'; drill_did=1; fi
if [ "$drill_did" = 1 ]; then drill_note hostname 'lab-r1-u01'; fi
[ "$drill_changed" = 1 ] || printf 'drill: unchanged\n'
