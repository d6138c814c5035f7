/**
 * One shell word holding exactly `text`: single quotes keep every byte
 * literal, and a quote inside is closed, escaped and reopened. NUL is the one
 * byte no shell word can carry; the resource schemas refuse it before here.
 */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
