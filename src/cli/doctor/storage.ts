/**
 * storage: whether the service can write where config.ts puts its files — the SQLite database's
 * directory (MAILTLS_DB; not used when Redis holds the verdicts) and the download-link store
 * (MAILTLS_DATA_DIR/files). Each directory gets a temporary file, created and deleted; a directory
 * that does not exist yet is made as the service would make it, then removed again. The database
 * itself is never created.
 */
import { randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { t } from "../../core/i18n";
import { storagePaths } from "../../server/config";
import { type Check, verdict } from "./types";

/** Throws the reason `dir` cannot take a new file; leaves nothing behind. */
function tryWrite(dir: string): void {
  const created = mkdirSync(dir, { recursive: true });
  try {
    const probe = join(dir, `.mailtls-doctor-${process.pid}-${randomBytes(4).toString("hex")}`);
    writeFileSync(probe, "", { flag: "wx" });
    unlinkSync(probe);
  } finally {
    // The directories made here go again, deepest first (only while empty).
    if (created) removeUpTo(dir, created);
  }
}

/** Removes `dir` and its parents up to `top` (included) while they are empty. */
function removeUpTo(dir: string, top: string): void {
  for (let d = dir; d.startsWith(top); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

export const storage: Check = async ({ env, lang }) => {
  const { dbPath, dataDir } = storagePaths(env);
  const targets: Array<{ dir: string; setting: string; db?: string }> = [];
  if (!env.MAILTLS_REDIS_URL && dbPath !== ":memory:") {
    const db = resolve(dbPath);
    targets.push({ dir: dirname(db), setting: "MAILTLS_DB", db });
  }
  targets.push({ dir: resolve(dataDir, "files"), setting: "MAILTLS_DATA_DIR" });
  for (const target of targets) {
    try {
      tryWrite(target.dir);
      if (target.db && existsSync(target.db)) {
        if (!statSync(target.db).isFile())
          throw Object.assign(new Error("not a file"), { code: "EISDIR", path: target.db });
        accessSync(target.db, constants.R_OK | constants.W_OK);
      }
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return verdict(
        "fail",
        t(lang, "doctor.storage.fail", {
          path: target.db && err.path === target.db ? target.db : target.dir,
          setting: target.setting,
          error: err.code ?? err.message,
        }),
        t(lang, "doctor.storage.fix"),
      );
    }
  }
  const paths = targets.map((x) => x.db ?? x.dir).join(", ");
  return verdict(
    "ok",
    t(lang, env.MAILTLS_REDIS_URL ? "doctor.storage.okRedis" : "doctor.storage.ok", { paths }),
  );
};
