import type { OrchestratorInventory } from './wire.js';

/** An inventory as a few readable lines, label → text; what the BMC did not report is left out. */
export function inventoryLines(inventory: OrchestratorInventory): [string, string][] {
  const lines: [string, string][] = [];
  const hw = inventory.hardware;
  if (hw) {
    const cores = hw.processors.reduce((sum, p) => sum + (p.cores ?? 0), 0);
    const models = [...new Set(hw.processors.map((p) => p.model).filter((m): m is string => m !== undefined))];
    if (hw.processors.length > 0) lines.push(['CPUs', `${hw.processors.length}× ${models.join(', ') || 'unknown model'}${cores > 0 ? `, ${cores} cores` : ''}`]);
    const memoryMiB = hw.memory.reduce((sum, m) => sum + (m.capacityMiB ?? 0), 0);
    if (hw.memory.length > 0) lines.push(['memory', `${hw.memory.length} DIMMs, ${Math.round(memoryMiB / 1024)} GiB`]);
    const bytes = hw.drives.reduce((sum, d) => sum + (d.capacityBytes ?? 0), 0);
    const media = [...new Set(hw.drives.map((d) => d.mediaType).filter((m): m is string => m !== undefined))];
    if (hw.drives.length > 0) lines.push(['drives', `${hw.drives.length}${media.length > 0 ? ` ${media.join('/')}` : ''}, ${(bytes / 1e12).toFixed(2)} TB`]);
    if (hw.nics.length > 0) lines.push(['NICs', hw.nics.map((n) => n.macAddress).join(', ')]);
    if (hw.serialNumber) lines.push(['serial', hw.serialNumber]);
    if (hw.biosVersion) lines.push(['BIOS', hw.biosVersion]);
  }
  const fru = inventory.fru;
  if (fru) {
    const product = [fru.productManufacturer, fru.productName ?? fru.boardProduct].filter((p) => p !== undefined).join(' ');
    if (product) lines.push(['FRU', `${product}${fru.productSerial ? `, serial ${fru.productSerial}` : ''}`]);
  }
  lines.push(['read', `over ${inventory.source} at ${new Date(inventory.readAtMs).toISOString().slice(11, 19)}`]);
  return lines;
}
