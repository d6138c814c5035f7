#!/bin/sh
# drill work item: lab/dns-client@lab-r1-u01 (1 resources; idempotent, rendered by the orchestrator)
# (the prelude every work item shares: see role-hostname.sh)
drill_fc_0=0
# file /etc/resolv.conf
drill_file '/etc/resolv.conf' 644 'root' 'root' '# Managed by drill: changes here are overwritten.
nameserver 10.0.0.53
search lab.example.com
'
if [ "$drill_did" = 1 ]; then drill_note file '/etc/resolv.conf'; drill_fc_0=1; fi
[ "$drill_changed" = 1 ] || printf 'drill: unchanged\n'
