import { parseArgs } from "node:util";
import { inspectSource, type InspectionResult } from "../core/attachments";
import { type Lang, langFromLocale, methodLabel, t } from "../core/i18n";
import { openFileSource } from "./fileSource";
import { type CliIO, UsageError } from "./io";
import { renderTable } from "./table";

/** One row of `mailtls inspect --json`: the same keys for every file, null where a value is absent. */
export interface InspectRow {
  file: string;
  format: InspectionResult["format"] | null;
  passwordProtected: boolean | null;
  method: string | null;
  detail: string | null;
}

function inspectFile(path: string, lang: Lang): InspectRow {
  let src;
  try {
    src = openFileSource(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const detail =
      code === "ENOENT"
        ? t(lang, "error.notFound")
        : code === "EISDIR"
          ? t(lang, "error.isDirectory")
          : t(lang, "error.cannotRead", { reason: code ?? String(e) });
    return { file: path, format: null, passwordProtected: null, method: null, detail };
  }
  try {
    const r = inspectSource(src);
    return {
      file: path,
      format: r.format,
      passwordProtected: r.passwordProtected,
      method: r.method ?? null,
      detail: r.detail ?? null,
    };
  } catch (e) {
    // Reading a directory through an fd fails at the first read (EISDIR).
    const code = (e as NodeJS.ErrnoException).code;
    const detail =
      code === "EISDIR"
        ? t(lang, "error.isDirectory")
        : t(lang, "error.cannotRead", { reason: code ?? String(e) });
    return { file: path, format: null, passwordProtected: null, method: null, detail };
  } finally {
    src.close();
  }
}

function passwordCell(r: InspectRow, lang: Lang): string {
  if (r.passwordProtected === null) return t(lang, "inspect.unreadable");
  if (r.passwordProtected) return t(lang, "inspect.protected");
  return r.method === "restricted" ? t(lang, "inspect.restricted") : t(lang, "inspect.plain");
}

export function runInspect(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { json: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const files = parsed.positionals;
  if (files.length === 0) throw new UsageError("inspect needs at least one FILE");
  const lang = langFromLocale(io.env.LANG);
  const rows = files.map((f) => inspectFile(f, lang));
  if (parsed.values.json) io.out(JSON.stringify(rows, null, 2) + "\n");
  else {
    const header = ["file", "format", "password", "method", "detail"].map((k) =>
      t(lang, `inspect.header.${k}` as Parameters<typeof t>[1]),
    );
    io.out(
      renderTable(
        header,
        rows.map((r) => [
          r.file,
          r.format ?? "-",
          passwordCell(r, lang),
          r.method ? methodLabel(lang, r.method) : "",
          r.detail ?? "",
        ]),
      ) + "\n",
    );
    const protectedCount = rows.filter((r) => r.passwordProtected).length;
    io.out("\n" + t(lang, "inspect.summary", { total: rows.length, protected: protectedCount }) + "\n");
    if (protectedCount > 0) io.out(t(lang, "inspect.advice") + "\n");
  }
  return rows.every((r) => r.passwordProtected !== null) ? 0 : 1;
}
