#!/bin/sh
# drill work item: lab/ssh-keys@lab-r1-u01 (1 resources; idempotent, rendered by the orchestrator)
# (the prelude every work item shares: see role-hostname.sh)
# user ops
drill_did=0
if id -u 'ops' >/dev/null 2>&1; then if [ "$(getent passwd 'ops' | cut -d: -f7)" != '/bin/bash' ]; then usermod --shell '/bin/bash' 'ops'; drill_did=1; fi; else useradd --create-home --home-dir '/home/ops' --shell '/bin/bash' 'ops'; drill_did=1; fi
drill_user_did=$drill_did
if [ ! -d "$R"'/home/ops/.ssh' ]; then mkdir -p "$R"'/home/ops/.ssh'; chmod 700 "$R"'/home/ops/.ssh'; chown 'ops:' "$R"'/home/ops/.ssh'; drill_user_did=1; fi
drill_file '/home/ops/.ssh/authorized_keys' 600 'ops' '' 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 ops@laptop
'
if [ "$drill_did$drill_user_did" != 00 ]; then drill_note user 'ops'; fi
[ "$drill_changed" = 1 ] || printf 'drill: unchanged\n'
