/**
 * Fault targets are `KIND:NAME` strings; a pattern may use `*` for any run of
 * characters (`bmc:*`, `bmc:r1-*`, `addr:127.1.*:623`). Everything else is literal.
 */
export function compileTargetPattern(pattern: string): (target: string) => boolean {
  if (!pattern.includes('*')) return (target) => target === pattern;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (target) => regex.test(target);
}
