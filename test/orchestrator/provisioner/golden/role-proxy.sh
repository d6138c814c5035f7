#!/bin/sh
# drill work item: lab/proxy@lab-r1-u01 (3 resources; idempotent, rendered by the orchestrator)
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
drill_fc_1=0
# file /etc/apt/apt.conf.d/95drill-proxy
drill_file '/etc/apt/apt.conf.d/95drill-proxy' 644 'root' 'root' '# Managed by drill: changes here are overwritten.
Acquire::http::Proxy "http://proxy.lab:3128";
Acquire::https::Proxy "http://proxy.lab:3128";
'
if [ "$drill_did" = 1 ]; then drill_note file '/etc/apt/apt.conf.d/95drill-proxy'; drill_fc_0=1; fi
# file /etc/systemd/system/docker.service.d/http-proxy.conf
drill_file '/etc/systemd/system/docker.service.d/http-proxy.conf' 644 'root' 'root' '# Managed by drill: changes here are overwritten.
[Service]
Environment="HTTP_PROXY=http://proxy.lab:3128" "HTTPS_PROXY=http://proxy.lab:3128" "NO_PROXY=localhost,10.0.0.0/8"
'
if [ "$drill_did" = 1 ]; then drill_note file '/etc/systemd/system/docker.service.d/http-proxy.conf'; drill_fc_1=1; fi
# command /var/lib/drill/stamps/docker-proxy-03bc735e187c11b5
if [ -e "$R"'/var/lib/drill/stamps/docker-proxy-03bc735e187c11b5' ]; then :; else (cd / && sh -e -c 'systemctl daemon-reload
if systemctl is-active --quiet docker; then systemctl restart docker; fi
mkdir -p "$DRILL_ROOT/var/lib/drill/stamps"
touch "$DRILL_ROOT/var/lib/drill/stamps/docker-proxy-03bc735e187c11b5"'); drill_note command '/var/lib/drill/stamps/docker-proxy-03bc735e187c11b5'; fi
[ "$drill_changed" = 1 ] || printf 'drill: unchanged\n'
