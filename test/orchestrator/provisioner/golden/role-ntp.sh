#!/bin/sh
# drill work item: lab/ntp@lab-r1-u01 (3 resources; idempotent, rendered by the orchestrator)
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
drill_fc_0=0
# package chrony
if dpkg-query -W -f='${Status}' 'chrony' 2>/dev/null | grep -q ' installed$'; then :; else drill_apt_update; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends 'chrony'; drill_note package 'chrony'; fi
# file /etc/chrony/chrony.conf
drill_file '/etc/chrony/chrony.conf' 644 'root' 'root' '# Managed by drill: changes here are overwritten.
server 10.0.0.1 iburst
server 10.0.0.2 iburst
driftfile /var/lib/chrony/chrony.drift
keyfile /etc/chrony/chrony.keys
logdir /var/log/chrony
makestep 1.0 3
rtcsync
'
if [ "$drill_did" = 1 ]; then drill_note file '/etc/chrony/chrony.conf'; drill_fc_0=1; fi
# service chrony
drill_did=0
if systemctl is-enabled --quiet 'chrony'; then :; else systemctl enable --quiet 'chrony'; drill_did=1; fi
if systemctl is-active --quiet 'chrony'; then if [ "$drill_fc_0" != "0" ]; then systemctl restart 'chrony'; drill_did=1; fi; else systemctl start 'chrony'; drill_did=1; fi
if [ "$drill_did" = 1 ]; then drill_note service 'chrony'; fi
[ "$drill_changed" = 1 ] || printf 'drill: unchanged\n'
