#!/bin/sh
# drill work item: lab/network@lab-r1-u01 (8 resources; idempotent, rendered by the orchestrator)
# (the prelude every work item shares: see role-hostname.sh)
drill_fc_0=0
drill_fc_1=0
# package ifupdown
if dpkg-query -W -f='${Status}' 'ifupdown' 2>/dev/null | grep -q ' installed$'; then :; else drill_apt_update; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends 'ifupdown'; drill_note package 'ifupdown'; fi
# package ifenslave
if dpkg-query -W -f='${Status}' 'ifenslave' 2>/dev/null | grep -q ' installed$'; then :; else drill_apt_update; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends 'ifenslave'; drill_note package 'ifenslave'; fi
# package vlan
if dpkg-query -W -f='${Status}' 'vlan' 2>/dev/null | grep -q ' installed$'; then :; else drill_apt_update; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends 'vlan'; drill_note package 'vlan'; fi
# check /etc/network/interfaces reads /etc/network/interfaces.d
if (cd / && sh -e -c 'grep -Eq "^(source|source-directory) +/etc/network/interfaces.d" "$DRILL_ROOT/etc/network/interfaces"'); then :; else printf 'drill: check failed: %s\n' '/etc/network/interfaces reads /etc/network/interfaces.d'; exit 1; fi
# file /etc/network/interfaces.d/drill-bond0
drill_file '/etc/network/interfaces.d/drill-bond0' 644 'root' 'root' '# Managed by drill: changes here are overwritten.
auto eno1
iface eno1 inet manual
    bond-master bond0

auto eno2
iface eno2 inet manual
    bond-master bond0

auto bond0
iface bond0 inet manual
    bond-slaves eno1 eno2
    bond-mode 802.3ad
    bond-miimon 100
    bond-lacp-rate fast
    bond-xmit-hash-policy layer3+4
'
if [ "$drill_did" = 1 ]; then drill_note file '/etc/network/interfaces.d/drill-bond0'; drill_fc_0=1; fi
# command /var/lib/drill/stamps/ifup-bond0-09fb38ba3a045c24
if [ -e "$R"'/var/lib/drill/stamps/ifup-bond0-09fb38ba3a045c24' ]; then :; else (cd / && sh -e -c 'if ifquery --state bond0 >/dev/null 2>&1; then ifdown bond0; fi
ifup bond0
mkdir -p "$DRILL_ROOT/var/lib/drill/stamps"
touch "$DRILL_ROOT/var/lib/drill/stamps/ifup-bond0-09fb38ba3a045c24"'); drill_note command '/var/lib/drill/stamps/ifup-bond0-09fb38ba3a045c24'; fi
# file /etc/network/interfaces.d/drill-bond0.100
drill_file '/etc/network/interfaces.d/drill-bond0.100' 644 'root' 'root' '# Managed by drill: changes here are overwritten.
auto bond0.100
iface bond0.100 inet static
    vlan-raw-device bond0
    address 10.0.100.5/24
'
if [ "$drill_did" = 1 ]; then drill_note file '/etc/network/interfaces.d/drill-bond0.100'; drill_fc_1=1; fi
# command /var/lib/drill/stamps/ifup-bond0.100-5db9efe435282c30
if [ -e "$R"'/var/lib/drill/stamps/ifup-bond0.100-5db9efe435282c30' ]; then :; else (cd / && sh -e -c 'if ifquery --state bond0.100 >/dev/null 2>&1; then ifdown bond0.100; fi
ifup bond0.100
mkdir -p "$DRILL_ROOT/var/lib/drill/stamps"
touch "$DRILL_ROOT/var/lib/drill/stamps/ifup-bond0.100-5db9efe435282c30"'); drill_note command '/var/lib/drill/stamps/ifup-bond0.100-5db9efe435282c30'; fi
[ "$drill_changed" = 1 ] || printf 'drill: unchanged\n'
