/** Strings in UTF-16 code-unit order (what `<` and a bare `sort()` use), for orders that must not depend on locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `strings` are already strictly in code-unit order (a sort would change nothing, and there are no repeats). */
export function inCodeUnitOrder(strings: readonly string[]): boolean {
  for (let i = 1; i < strings.length; i++) if (!(strings[i - 1]! < strings[i]!)) return false;
  return true;
}
