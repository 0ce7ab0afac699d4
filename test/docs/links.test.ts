/**
 * Every relative link in README.md and docs/**\/*.md resolves: the file (or directory) exists, and a
 * #fragment into a Markdown file names a heading there (GitHub's anchors) or an explicit
 * `<a id=…>` / `name=…`. Links to http(s) and mailto, and anything inside code, are not checked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

/** GitHub's heading anchor (github-slugger): lowercase, punctuation and symbols out, spaces to hyphens. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** A heading's text as GitHub renders it: code spans, links, images, emphasis and HTML reduced to text. */
export function headingText(raw: string): string {
  // Code spans are kept as they are; markup goes from the rest.
  return raw
    .split(/(`+)(.*?)\1/)
    .map((part, i) => {
      if (i % 3 === 1) return "";
      if (i % 3 === 2) return part;
      return (
        part
          .replace(/<[^>]+>/g, "")
          .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
          .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
          .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
          .replace(/(\*\*|__)(.+?)\1/g, "$2")
          .replace(/\*(\S(?:.*?\S)?)\*/g, "$1")
          // Underscores inside words (MAILTLS_POLICY_FILE) are not emphasis.
          .replace(/(^|[^\p{L}\p{N}])_(\S(?:.*?\S)?)_(?![\p{L}\p{N}])/gu, "$1$2")
          .replace(/~~(.+?)~~/g, "$1")
      );
    })
    .join("")
    .trim();
}

/** The lines of a Markdown text outside fenced code blocks (``` or ~~~); code lines come back as "". */
export function proseLines(md: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split(/\r?\n/)) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && m) {
      fence = m[1];
      out.push("");
    } else if (fence !== undefined) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
      out.push("");
    } else out.push(line);
  }
  return out;
}

/** Every anchor a Markdown text offers: headings' slugs (duplicates -1, -2, …) and explicit ids/names. */
export function anchorsOf(md: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (text: string) => {
    const base = slug(headingText(text));
    const n = seen.get(base);
    seen.set(base, (n ?? -1) + 1);
    anchors.add(n === undefined ? base : `${base}-${n + 1}`);
  };
  const lines = proseLines(md);
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(line);
    if (atx) add(atx[1] ?? "");
    else if (/^ {0,3}(=+|-+)\s*$/.test(line) && i > 0 && lines[i - 1].trim() !== "") {
      const prev = lines[i - 1];
      // A setext heading's underline follows a paragraph line (not a table row, a list item or a heading).
      if (!/^\s*([|>*+-]|#|\d+[.)]\s)/.test(prev) && !/\|/.test(prev)) add(prev);
    }
    for (const m of line.matchAll(/<[a-z][^>]*?\s(?:id|name)\s*=\s*["']([^"']+)["'][^>]*>/gi))
      anchors.add(m[1]);
  });
  return anchors;
}

/** The link targets of a Markdown text, outside code: inline links and images, reference definitions, HTML href/src. */
export function linksOf(md: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  proseLines(md).forEach((raw, i) => {
    const line = raw.replace(/(`+)(?:(?!\1).)+?\1/g, (s) => " ".repeat(s.length));
    const push = (target: string) => out.push({ line: i + 1, target: target.trim() });
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g))
      push(m[1].replace(/^<|>$/g, ""));
    const def = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (def) push(def[1].replace(/^<|>$/g, ""));
    for (const m of line.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']/gi)) push(m[1]);
  });
  return out;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(path: string): Set<string> {
  let a = anchorCache.get(path);
  if (!a) anchorCache.set(path, (a = anchorsOf(readFileSync(path, "utf8"))));
  return a;
}

/** The broken relative links of one Markdown file, as "line N: target (why)". */
export function brokenLinks(file: string, md: string = readFileSync(file, "utf8")): string[] {
  const broken: string[] = [];
  for (const { line, target } of linksOf(md)) {
    if (target === "" || isExternal(target)) continue;
    const hash = target.indexOf("#");
    const pathPart = decode((hash >= 0 ? target.slice(0, hash) : target).replace(/\?.*$/, ""));
    const fragment = hash >= 0 ? decode(target.slice(hash + 1)) : undefined;
    const dest = pathPart === "" ? file : resolve(dirname(file), pathPart);
    if (dest !== file && !existsSync(dest)) {
      broken.push(`line ${line}: ${target} (no such file: ${relative(ROOT, dest)})`);
      continue;
    }
    if (
      fragment === undefined ||
      fragment === "" ||
      !/\.md$/i.test(dest) ||
      (dest !== file && statSync(dest).isDirectory())
    )
      continue;
    const anchors = dest === file ? anchorsOf(md) : anchorsOfFile(dest);
    if (!anchors.has(fragment))
      broken.push(`line ${line}: ${target} (no heading or anchor "${fragment}" in ${relative(ROOT, dest)})`);
  }
  return broken;
}

function markdownUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? markdownUnder(join(dir, e.name))
      : e.name.toLowerCase().endsWith(".md")
        ? [join(dir, e.name)]
        : [],
  );
}

const files = [join(ROOT, "README.md"), ...markdownUnder(join(ROOT, "docs"))].map((f) => relative(ROOT, f));

describe("documentation links", () => {
  it.each(files)("%s: every relative link resolves", (file) => {
    expect(brokenLinks(join(ROOT, file))).toEqual([]);
  });
});

describe("the link checker", () => {
  it.each([
    [
      "Exchange Online enforcement (`mailtls exchange-config`)",
      "exchange-online-enforcement-mailtls-exchange-config",
    ],
    ["Exchange Online での強制（日本語）", "exchange-online-での強制日本語"],
    ["「取引先」への依頼、送信。", "取引先への依頼送信"],
    ["Tenant policy (`MAILTLS_POLICY_FILE`)", "tenant-policy-mailtls_policy_file"],
    ["Playground: try the add-in without Outlook", "playground-try-the-add-in-without-outlook"],
    ["`mailtls check`", "mailtls-check"],
    ["MAILTLS_POLICY_FILE and _emphasis_", "mailtls_policy_file-and-emphasis"],
    ["`MAILTLS_TTL_<GRADE>_SECONDS` and `__x__`", "mailtls_ttl_grade_seconds-and-__x__"],
    ["Grades & reasons", "grades--reasons"],
    ["**Bold** and [a link](x.md)", "bold-and-a-link"],
  ])("slugs %j as GitHub does", (heading, anchor) => {
    expect(slug(headingText(heading))).toBe(anchor);
  });

  it("numbers duplicate headings and reads explicit anchors", () => {
    const a = anchorsOf('# A\n## Setup\n### Setup\n#### Setup\n<a id="here"></a>\n<a name="there"></a>\n');
    expect([...a]).toEqual(expect.arrayContaining(["a", "setup", "setup-1", "setup-2", "here", "there"]));
  });

  it("ignores headings and links inside code", () => {
    const md = "```sh\n# not a heading\n[x](missing.md)\n```\n`[y](missing.md)`\n";
    expect(anchorsOf(md).has("not-a-heading")).toBe(false);
    expect(linksOf(md)).toEqual([]);
  });

  it("finds a missing file and a missing anchor, and lets good links and external ones pass", () => {
    const file = join(ROOT, "docs", "example.md");
    const md = [
      "# Example",
      "[ok](../README.md) [self](#example) [dir](../test/docs/)",
      "[gone](nowhere.md) [bad anchor](#no-such-heading) ![img](img/missing.png)",
      "[web](https://example.com/x.md) [mail](mailto:a@example.jp)",
      "[ref]: ../package.json",
      "[ref2]: missing.json",
    ].join("\n");
    expect(brokenLinks(file, md)).toEqual([
      "line 3: nowhere.md (no such file: docs/nowhere.md)",
      'line 3: #no-such-heading (no heading or anchor "no-such-heading" in docs/example.md)',
      "line 3: img/missing.png (no such file: docs/img/missing.png)",
      "line 6: missing.json (no such file: docs/missing.json)",
    ]);
  });
});
