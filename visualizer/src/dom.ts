/** A tiny element builder: the page's few dynamic bits are plain DOM, text always set as text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`Invariant violated: the page has no #${id}`);
  return found as T;
}

/** `14:03:07.120` in UTC, the way the CLI prints times. */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 23);
}
