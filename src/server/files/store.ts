import Database from "better-sqlite3";
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, type ReadStream } from "node:fs";
import { open, readdir, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * The built-in store behind "replace an attachment with a download link": files on disk, named by
 * the SHA-256 of their token, and a small SQLite table of metadata. The token itself is never
 * stored, so a copy of the data directory does not give away working links.
 */

/** 32 random bytes, base64url: 43 characters, 256 bits. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const TEMP_SUFFIX = ".tmp";
/** Temp files and orphans older than this are a crash's leftovers (an upload in progress is younger). */
const LEFTOVER_MS = 3600 * 1000;

export type PutErrorCode = "too-large" | "disk-full" | "empty" | "bad-name" | "quota" | "length-mismatch";

export class FileStoreError extends Error {
  constructor(
    readonly code: PutErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface FileMeta {
  name: string;
  size: number;
  contentType: string;
  senderDomain?: string;
  createdAt: number;
  expiresAt: number;
  maxDownloads: number;
  downloads: number;
  /** The download needs a one-time code mailed to one of the recipients the sender named. */
  needsCode: boolean;
}

/**
 * One-time codes: how long one is valid and how many guesses it allows. Each code belongs to the
 * page that asked for it (a random challenge carried by its form), so a stranger who knows a
 * recipient's address can neither guess against that recipient's code nor use up its guesses.
 */
export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_ATTEMPTS = 5;
/** Mails to one recipient for one file in a rolling hour (against mail bombing through the relay). */
export const CODE_MAX_SENDS = 10;
export const CODE_SEND_WINDOW_MS = 3600 * 1000;
/** Live codes kept per recipient and file; asking again replaces the oldest. */
const CODE_LIVE = 5;

export type IssueResult =
  { ok: true; code: string } | { ok: false; reason: "not-recipient" | "too-many" | Unavailable };
export type CheckResult = { ok: true } | { ok: false; reason: "wrong-code" | "no-code" };

export type Unavailable = "not-found" | "expired" | "exhausted";

export interface PutInput {
  name: string;
  bytes: AsyncIterable<Buffer | Uint8Array> | Buffer;
  contentType?: string;
  senderDomain?: string;
  expiresAt: number;
  maxDownloads: number;
  maxBytes: number;
  /** Addresses that may ask for a one-time code; absent or empty: the link needs none. */
  recipients?: string[];
  /** Whose quota the file counts against: an API key's or Entra tenant's ID, or "anonymous". */
  owner?: string;
  /** The size the client declared (Content-Length), if it did: reserved against the quotas at once. */
  declaredBytes?: number;
  /** Disk the owner's live files may take, and all files together. */
  quota?: { perOwnerBytes: number; totalBytes: number };
}

export type InfoResult = { ok: true; meta: FileMeta } | { ok: false; reason: Unavailable };
export type ClaimResult =
  { ok: true; meta: FileMeta; stream: ReadStream } | { ok: false; reason: Unavailable };

export function looksLikeToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

/**
 * A display name safe to show and to put in a header: no directories (the part after the last `/`
 * or `\`), no control or bidirectional-override characters (which can disguise `exe` as `txt`), at
 * most 255 characters. Never used as a path: files are named by their token's hash.
 */
export function cleanName(raw: string): string {
  const base = raw.normalize("NFC").split(/[/\\]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const visible = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "");
  const trimmed = visible.trim();
  if (trimmed === "." || trimmed === "..") return "";
  return Array.from(trimmed).slice(0, 255).join("").trim();
}

interface Row {
  name: string;
  size: number;
  content_type: string;
  sender_domain: string | null;
  created_at: number;
  expires_at: number;
  max_downloads: number;
  downloads: number;
  recipients: string | null;
}

interface ChallengeRow {
  address: string;
  code_hash: string;
  expires_at: number;
  attempts: number;
}

function toMeta(r: Row): FileMeta {
  return {
    name: r.name,
    size: r.size,
    contentType: r.content_type,
    ...(r.sender_domain ? { senderDomain: r.sender_domain } : {}),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    maxDownloads: r.max_downloads,
    downloads: r.downloads,
    needsCode: recipientsOf(r).length > 0,
  };
}

function recipientsOf(r: Row): string[] {
  if (!r.recipients) return [];
  try {
    const list: unknown = JSON.parse(r.recipients);
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** Codes are kept only as a hash bound to the file, the address and the page that asked. */
function codeHash(hash: string, address: string, challenge: string, code: string): string {
  return createHash("sha256").update(`${hash}\n${address}\n${challenge}\n${code}`).digest("hex");
}

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL";
}

async function* once(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

function prepare(db: Database.Database) {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS files (
      hash TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      size INTEGER NOT NULL,
      content_type TEXT NOT NULL,
      sender_domain TEXT,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      max_downloads INTEGER NOT NULL,
      downloads INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS files_expiry ON files (expires_at);
    DROP TABLE IF EXISTS codes;
    CREATE TABLE IF NOT EXISTS challenges (
      challenge_hash TEXT PRIMARY KEY,
      hash TEXT NOT NULL,
      address TEXT NOT NULL,
      code_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS challenges_recipient ON challenges (hash, address, created_at);
    CREATE TABLE IF NOT EXISTS code_sends (
      hash TEXT NOT NULL,
      address TEXT NOT NULL,
      window_start INTEGER NOT NULL,
      sends INTEGER NOT NULL,
      PRIMARY KEY (hash, address)
    );
  `);
  // Stores made before one-time codes existed gain the column.
  const columns = db.prepare<[], { name: string }>("PRAGMA table_info(files)").all();
  if (!columns.some((c) => c.name === "recipients")) db.exec("ALTER TABLE files ADD COLUMN recipients TEXT");
  if (!columns.some((c) => c.name === "owner")) db.exec("ALTER TABLE files ADD COLUMN owner TEXT");
  db.exec("CREATE INDEX IF NOT EXISTS files_owner ON files (owner)");
  return {
    insert: db.prepare(`INSERT INTO files
      (hash, name, size, content_type, sender_domain, created_at, expires_at, max_downloads, recipients, owner)
      VALUES (@hash, @name, @size, @contentType, @senderDomain, @createdAt, @expiresAt, @maxDownloads,
              @recipients, @owner)`),
    // Live files only: an expired or used-up one is already gone from disk, or soon will be.
    usedBy: db.prepare<[string, number], { bytes: number | null }>(
      "SELECT SUM(size) AS bytes FROM files WHERE owner = ? AND expires_at > ? AND downloads < max_downloads",
    ),
    usedAll: db.prepare<[number], { bytes: number | null }>(
      "SELECT SUM(size) AS bytes FROM files WHERE expires_at > ? AND downloads < max_downloads",
    ),
    // One more mail in the recipient's rolling window, unless the window is full (then no row).
    countSend: db.prepare<
      { hash: string; address: string; now: number; window: number; max: number },
      { sends: number }
    >(
      `INSERT INTO code_sends (hash, address, window_start, sends) VALUES (@hash, @address, @now, 1)
       ON CONFLICT (hash, address) DO UPDATE SET
         sends = CASE WHEN window_start <= @now - @window THEN 1 ELSE sends + 1 END,
         window_start = CASE WHEN window_start <= @now - @window THEN @now ELSE window_start END
       WHERE window_start <= @now - @window OR sends < @max
       RETURNING sends`,
    ),
    putChallenge: db.prepare(`INSERT INTO challenges
      (challenge_hash, hash, address, code_hash, created_at, expires_at) VALUES
      (@challengeHash, @hash, @address, @codeHash, @now, @expiresAt)`),
    // Only the newest few codes of a recipient stay live.
    trimChallenges: db.prepare<{ hash: string; address: string; keep: number }>(
      `DELETE FROM challenges WHERE hash = @hash AND address = @address AND challenge_hash NOT IN
        (SELECT challenge_hash FROM challenges WHERE hash = @hash AND address = @address
         ORDER BY created_at DESC LIMIT @keep)`,
    ),
    // Counted before the comparison, in one statement: parallel guesses cannot share an attempt.
    attempt: db.prepare<[string, string, number, number], ChallengeRow>(
      `UPDATE challenges SET attempts = attempts + 1
       WHERE challenge_hash = ? AND hash = ? AND attempts < ? AND expires_at > ? RETURNING *`,
    ),
    // Used: the code cannot be used again.
    spend: db.prepare<[string]>("DELETE FROM challenges WHERE challenge_hash = ?"),
    removeCodes: db.prepare<[string]>("DELETE FROM challenges WHERE hash = ?"),
    removeSends: db.prepare<[string]>("DELETE FROM code_sends WHERE hash = ?"),
    expiredChallenges: db.prepare<[number]>("DELETE FROM challenges WHERE expires_at <= ?"),
    get: db.prepare<[string], Row>("SELECT * FROM files WHERE hash = ?"),
    // One statement: the check and the increment cannot be split by another download.
    claim: db.prepare<[string, number], Row>(
      `UPDATE files SET downloads = downloads + 1
       WHERE hash = ? AND downloads < max_downloads AND expires_at > ? RETURNING *`,
    ),
    done: db.prepare<[number], { hash: string }>(
      "SELECT hash FROM files WHERE expires_at <= ? OR downloads >= max_downloads",
    ),
    remove: db.prepare<[string]>("DELETE FROM files WHERE hash = ?"),
    exists: db.prepare<[string], { hash: string }>("SELECT hash FROM files WHERE hash = ?"),
  };
}

export interface FileStoreOptions {
  /** The directory of the files and of files.db (`<MAILTLS_DATA_DIR>/files`). */
  dir: string;
  now?: () => number;
}

export class FileStore {
  readonly dir: string;
  /** The store's clock (tests move it): expiry times are on it. */
  readonly now: () => number;
  private db?: Database.Database;
  private stmts?: ReturnType<typeof prepare>;
  private closed = false;
  /** Bytes reserved by uploads in progress, by owner and in all. */
  private readonly reserved = new Map<string, number>();
  private reservedAll = 0;

  constructor(opts: FileStoreOptions) {
    this.dir = opts.dir;
    this.now = opts.now ?? Date.now;
  }

  private get dbPath(): string {
    return join(this.dir, "files.db");
  }

  /** Opened on first use, so a service that never shares a file creates nothing on disk. */
  private sql(): ReturnType<typeof prepare> {
    if (this.closed) throw new Error("the file store is closed");
    if (!this.stmts) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.db = new Database(this.dbPath);
      this.stmts = prepare(this.db);
    }
    return this.stmts;
  }

  private pathOf(hash: string): string {
    return join(this.dir, hash);
  }

  /**
   * Reserves room for an upload within the quotas: the declared size if there is one, else the
   * largest the file may be. Concurrent uploads cannot together pass a quota. Throws "quota".
   */
  private reserve(input: PutInput): { bytes: number; release(): void } {
    const owner = input.owner ?? "anonymous";
    const want = Math.min(input.declaredBytes ?? input.maxBytes, input.maxBytes);
    if (input.quota) {
      const sql = this.sql();
      const now = this.now();
      const mine = (sql.usedBy.get(owner, now)?.bytes ?? 0) + (this.reserved.get(owner) ?? 0);
      const all = (sql.usedAll.get(now)?.bytes ?? 0) + this.reservedAll;
      if (mine + want > input.quota.perOwnerBytes)
        throw new FileStoreError(
          "quota",
          "this caller's files take all the room they may (MAILTLS_FILES_MAX_PER_CALLER_MB)",
        );
      if (all + want > input.quota.totalBytes)
        throw new FileStoreError("quota", "the file store is full (MAILTLS_FILES_MAX_TOTAL_MB)");
    }
    this.reserved.set(owner, (this.reserved.get(owner) ?? 0) + want);
    this.reservedAll += want;
    let done = false;
    return {
      bytes: want,
      release: () => {
        if (done) return;
        done = true;
        const left = (this.reserved.get(owner) ?? want) - want;
        if (left > 0) this.reserved.set(owner, left);
        else this.reserved.delete(owner);
        this.reservedAll -= want;
      },
    };
  }

  async put(input: PutInput): Promise<{ token: string; meta: FileMeta }> {
    const name = cleanName(input.name);
    if (!name) throw new FileStoreError("bad-name", "the file name is empty");
    const reservation = this.reserve(input);
    try {
      return await this.write(input, name, reservation.bytes);
    } finally {
      reservation.release();
    }
  }

  private async write(
    input: PutInput,
    name: string,
    maxBytes: number,
  ): Promise<{ token: string; meta: FileMeta }> {
    const sql = this.sql();
    const token = randomBytes(32).toString("base64url");
    const hash = hashOf(token);
    // Written under a temporary name and renamed when complete: a crash or a full disk never
    // leaves a partial file under a real name.
    const temp = join(this.dir, `.${randomBytes(12).toString("hex")}${TEMP_SUFFIX}`);
    let size = 0;
    try {
      const fh = await open(temp, "wx", 0o600);
      try {
        const source = Buffer.isBuffer(input.bytes) ? once(input.bytes) : input.bytes;
        // Read by hand rather than with for-await, which would destroy a request stream (and its
        // socket) on the first error: the caller decides what becomes of the rest of the upload.
        const it = source[Symbol.asyncIterator]();
        for (let next = await it.next(); !next.done; next = await it.next()) {
          const chunk = next.value;
          size += chunk.length;
          if (size > maxBytes)
            throw new FileStoreError(
              size > input.maxBytes ? "too-large" : "length-mismatch",
              size > input.maxBytes
                ? `the file is larger than ${input.maxBytes} bytes`
                : "the file is larger than its declared length",
            );
          await fh.write(chunk);
        }
        // Durable before it gets its real name (a full disk may only show here, too).
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (size === 0) throw new FileStoreError("empty", "the file is empty");
      await rename(temp, this.pathOf(hash));
    } catch (e) {
      await removeQuietly(temp);
      if (isDiskFull(e)) throw new FileStoreError("disk-full", "no space left for the file");
      throw e;
    }
    const meta: FileMeta = {
      name,
      size,
      contentType: input.contentType || "application/octet-stream",
      ...(input.senderDomain ? { senderDomain: input.senderDomain } : {}),
      createdAt: this.now(),
      expiresAt: input.expiresAt,
      maxDownloads: input.maxDownloads,
      downloads: 0,
      needsCode: (input.recipients ?? []).length > 0,
    };
    const recipients = [...new Set((input.recipients ?? []).map((a) => a.toLowerCase()))];
    try {
      sql.insert.run({
        hash,
        name: meta.name,
        size: meta.size,
        contentType: meta.contentType,
        senderDomain: meta.senderDomain ?? null,
        createdAt: meta.createdAt,
        expiresAt: meta.expiresAt,
        maxDownloads: meta.maxDownloads,
        recipients: recipients.length > 0 ? JSON.stringify(recipients) : null,
        owner: input.owner ?? "anonymous",
      });
    } catch (e) {
      await removeQuietly(this.pathOf(hash));
      if (isDiskFull(e)) throw new FileStoreError("disk-full", "no space left for the file's record");
      throw e;
    }
    return { token, meta };
  }

  private why(row: Row | undefined): Unavailable | undefined {
    if (!row) return "not-found";
    if (row.expires_at <= this.now()) return "expired";
    if (row.downloads >= row.max_downloads) return "exhausted";
    return undefined;
  }

  info(token: string): InfoResult {
    if (!looksLikeToken(token)) return { ok: false, reason: "not-found" };
    const row = this.sql().get.get(hashOf(token));
    const reason = this.why(row);
    return reason || !row ? { ok: false, reason: reason ?? "not-found" } : { ok: true, meta: toMeta(row) };
  }

  /**
   * A new one-time code for `address` and the page that asked (`challenge`), if the sender named
   * the address as a recipient of this file and it has not had too many mails this hour; the
   * caller mails it. Older codes of the recipient stay valid (the newest few).
   */
  issueCode(token: string, address: string, challenge: string): IssueResult {
    const info = this.info(token);
    if (!info.ok) return info;
    const hash = hashOf(token);
    const sql = this.sql();
    const row = sql.get.get(hash);
    const who = address.trim().toLowerCase();
    if (!row || !recipientsOf(row).includes(who)) return { ok: false, reason: "not-recipient" };
    const now = this.now();
    const counted = sql.countSend.get({
      hash,
      address: who,
      now,
      window: CODE_SEND_WINDOW_MS,
      max: CODE_MAX_SENDS,
    });
    if (!counted) return { ok: false, reason: "too-many" };
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    sql.putChallenge.run({
      challengeHash: hashOf(challenge),
      hash,
      address: who,
      codeHash: codeHash(hash, who, challenge, code),
      now,
      expiresAt: now + CODE_TTL_MS,
    });
    sql.trimChallenges.run({ hash, address: who, keep: CODE_LIVE });
    return { ok: true, code };
  }

  /** Spends one of the code's attempts; a right code is then used up. */
  checkCode(token: string, challenge: string, address: string, code: string): CheckResult {
    if (!looksLikeToken(token) || !challenge) return { ok: false, reason: "no-code" };
    const hash = hashOf(token);
    const who = address.trim().toLowerCase();
    const sql = this.sql();
    const row = sql.attempt.get(hashOf(challenge), hash, CODE_MAX_ATTEMPTS, this.now());
    const given = Buffer.from(codeHash(hash, who, challenge, code.trim()), "hex");
    // The same work whether or not the challenge exists: the comparison runs against a dummy.
    const stored = Buffer.from(row?.code_hash ?? "0".repeat(64), "hex");
    if (!row || row.address !== who || !timingSafeEqual(given, stored))
      return { ok: false, reason: "wrong-code" };
    sql.spend.run(hashOf(challenge));
    return { ok: true };
  }

  /** Counts one download, if one is left and the link has not expired, and opens the file. */
  async claimDownload(token: string): Promise<ClaimResult> {
    if (!looksLikeToken(token)) return { ok: false, reason: "not-found" };
    const hash = hashOf(token);
    const sql = this.sql();
    const row = sql.claim.get(hash, this.now());
    if (!row) return { ok: false, reason: this.why(sql.get.get(hash)) ?? "exhausted" };
    const path = this.pathOf(hash);
    let stream: ReadStream;
    try {
      const fh = await open(path, "r");
      stream = fh.createReadStream();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ok: false, reason: "not-found" };
      throw e;
    }
    // The last download: the file goes once it has been read (the row stays, for the 410 page,
    // until the next sweep).
    if (row.downloads >= row.max_downloads) stream.once("close", () => void removeQuietly(path));
    return { ok: true, meta: toMeta(row), stream };
  }

  /**
   * Deletes expired and used-up entries and their files, and a crash's leftovers (temp files,
   * files without a row). Returns how many entries went.
   */
  async sweep(now: number = this.now()): Promise<number> {
    // Nothing was ever stored: do not create the store just to sweep it.
    if (this.closed || (!this.stmts && !existsSync(this.dbPath))) return 0;
    const sql = this.sql();
    const done = sql.done.all(now);
    for (const { hash } of done) {
      await removeQuietly(this.pathOf(hash));
      if (this.closed) return 0;
      sql.remove.run(hash);
      sql.removeCodes.run(hash);
      sql.removeSends.run(hash);
    }
    sql.expiredChallenges.run(now);
    await this.sweepLeftovers();
    return done.length;
  }

  private async sweepLeftovers(): Promise<void> {
    // File times are the real clock's, whatever clock the store was given.
    const old = Date.now() - LEFTOVER_MS;
    for (const f of await readdir(this.dir).catch(() => [] as string[])) {
      const temp = f.endsWith(TEMP_SUFFIX);
      if (!temp && !/^[0-9a-f]{64}$/.test(f)) continue;
      const st = await stat(join(this.dir, f)).catch(() => undefined);
      if (!st || st.mtimeMs > old || this.closed) continue;
      if (temp || !this.sql().exists.get(f)) await removeQuietly(join(this.dir, f));
    }
  }

  close(): void {
    this.closed = true;
    this.db?.close();
  }
}
