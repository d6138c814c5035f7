#!/bin/sh
# drill work item: lab/proxy@lab-r1-u01 (3 resources; idempotent, rendered by the orchestrator)
# (the prelude every work item shares: see role-hostname.sh)
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
