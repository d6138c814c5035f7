#!/bin/sh
# drill work item: lab/ntp@lab-r1-u01 (3 resources; idempotent, rendered by the orchestrator)
# (the prelude every work item shares: see role-hostname.sh)
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
