/** One line of text for an event's data, for the log: the interesting fields, short. */
export function describeData(type: string, data: Readonly<Record<string, unknown>>): string {
  if (type.endsWith('power') && typeof data.from === 'string' && typeof data.to === 'string') return `power ${data.from} → ${data.to}`;
  if (type.endsWith('booted')) return `POST, booting from ${String((data.boot as { device?: unknown } | undefined)?.device ?? 'the boot order')}`;
  if (type.endsWith('log')) {
    const entry = data.entry as { kind?: unknown; crossing?: { sensor?: unknown; to?: unknown } } | undefined;
    return `BMC log: ${String(entry?.kind)}${entry?.crossing ? ` (${String(entry.crossing.sensor)} ${String(entry.crossing.to)})` : ''}`;
  }
  if (type.endsWith('stage') && typeof data.stage === 'string') return `stage ${data.stage}${typeof data.detail === 'string' ? ` (${data.detail})` : ''}`;
  const fields = Object.entries(data)
    .filter(([key]) => key !== 'server')
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  return `${type}${fields ? ` ${fields}` : ''}`.slice(0, 160);
}
