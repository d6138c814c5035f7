/**
 * The iPXE scripts of docs/provisioning.md, in the subset both real iPXE and
 * the twin understand. Every value placed in a script is checked by the
 * caller (MACs by pattern, node names by the API's name rule, tokens are
 * base64url): kernel arguments are words without spaces.
 */

export function bootstrapScript(base: string): string {
  return ['#!ipxe', `chain ${base}/boot/ipxe?mac=\${net0/mac}`, ''].join('\n');
}

export function discoverScript(base: string, mac: string): string {
  return [
    '#!ipxe',
    `echo drill: discovery boot for ${mac}`,
    `kernel ${base}/images/discovery/vmlinuz initrd=initrd.img drill.stage=discover drill.boot=${base} drill.mac=${mac}`,
    `initrd ${base}/images/discovery/initrd.img`,
    'boot',
    '',
  ].join('\n');
}

/** `os` is the image directory, e.g. `debian-12`. */
export function installScript(base: string, os: { name: string; version: string }, node: string, token: string): string {
  const image = `${base}/images/${os.name}-${os.version}`;
  return [
    '#!ipxe',
    `echo drill: installing ${os.name}-${os.version} on ${node}`,
    `kernel ${image}/vmlinuz initrd=initrd.img drill.stage=install drill.boot=${base} drill.node=${node} drill.token=${token}`,
    `initrd ${image}/initrd.img`,
    'boot',
    '',
  ].join('\n');
}

/** The discovery image again, told to erase every disk and report to `B/boot/wipe/NODE/done` with `token`. */
export function wipeScript(base: string, node: string, token: string): string {
  return [
    '#!ipxe',
    `echo drill: wiping every disk of ${node}`,
    `kernel ${base}/images/discovery/vmlinuz initrd=initrd.img drill.stage=wipe drill.boot=${base} drill.node=${node} drill.token=${token}`,
    `initrd ${base}/images/discovery/initrd.img`,
    'boot',
    '',
  ].join('\n');
}

export function localScript(what: string): string {
  return ['#!ipxe', `echo drill: ${what}: booting from the local disk`, 'exit', ''].join('\n');
}
