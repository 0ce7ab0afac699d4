/** Splits what the user typed in a recipient field into addresses (",", ";" or whitespace separate them). */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

/** Adds addresses to a list, skipping ones already there (case-insensitively, as Outlook resolves them). */
export function mergeAddresses(list: readonly string[], added: readonly string[]): string[] {
  const out = [...list];
  const seen = new Set(list.map((a) => a.toLowerCase()));
  for (const a of added)
    if (!seen.has(a.toLowerCase())) {
      seen.add(a.toLowerCase());
      out.push(a);
    }
  return out;
}
