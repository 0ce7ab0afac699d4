/**
 * PowerShell literals for generated scripts: every value the generator writes goes through here,
 * so that nothing from a report (a name, a reason) can end a string or a comment early.
 */

/**
 * A single-quoted string: nothing inside is expanded. PowerShell takes the typographic quotes
 * ‘ ’ ‚ ‛ for ' as well, so each of them is doubled too.
 */
export function quote(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new Error("a PowerShell value may not hold control characters");
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** `@('a', 'b')`, one item a line when there are several. */
export function array(values: readonly string[], indent: string): string {
  if (values.length <= 1) return `@(${values.map(quote).join("")})`;
  return `@(\n${values.map((v) => `${indent}  ${quote(v)}`).join(",\n")}\n${indent})`;
}

/** Columns a character takes on a terminal: two for the wide (CJK, full-width) ones. */
const columns = (ch: string) =>
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
    ? 2
    : 1;

/** Closing punctuation a line may not begin with (禁則). */
const NO_LINE_START =
  /[、。，．・：；？！）」』】〕］｝〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.;:!?)\]}]/;

/**
 * Comment lines: line breaks, other control characters and the bidirectional overrides (which
 * could make a line read differently from what runs) become spaces; long text is wrapped at
 * `width` columns — at a space, or between two characters where one is Japanese, never inside an
 * English word or before closing punctuation. `outer` goes before the #, `inner` after it.
 */
export function comment(
  text: string,
  opts: { outer?: string; inner?: string; width?: number } = {},
): string[] {
  const { outer = "", inner = "", width = 96 } = opts;
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, " ").trim();
  if (clean === "") return [`${outer}#`];
  const chars = [...clean];
  const out: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let used = 0;
    let end = start;
    let lastBreak = -1;
    while (end < chars.length && used + columns(chars[end]) <= width - inner.length) {
      used += columns(chars[end]);
      end++;
      const prev = chars[end - 1];
      const next = chars[end];
      if (
        end < chars.length &&
        (next === " " || prev === " " || columns(prev) === 2 || columns(next) === 2) &&
        !NO_LINE_START.test(next)
      )
        lastBreak = end;
    }
    const cut = end >= chars.length ? end : lastBreak > start ? lastBreak : end;
    out.push(chars.slice(start, cut).join("").trimEnd());
    start = cut;
    while (chars[start] === " ") start++;
  }
  return out.map((l) => `${outer}# ${inner}${l}`);
}
