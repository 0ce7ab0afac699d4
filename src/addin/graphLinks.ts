/**
 * Microsoft Graph (OneDrive for Business / SharePoint) client for "replace an attachment with a
 * download link": upload the file into the user's app folder, create a link of the requested
 * scope, and hand back the URL to put in the mail.
 *
 * Graph v1.0 pages this follows:
 * - driveitem-put-content        (simple upload, PUT …:/content, conflictBehavior as a query parameter)
 * - driveitem-createuploadsession (upload session; fragments a multiple of 320 KiB; no Authorization
 *   header on the uploadUrl; 202 + nextExpectedRanges between fragments, 200/201 + driveItem at the
 *   end; DELETE uploadUrl cancels)
 * - drive-get-specialfolder       (special folder "approot": the app's own folder, created on first use)
 * - driveitem-invite              (grant named people access; sendInvitation false = no mail from Graph)
 * - driveitem-createlink          (scope "anonymous" | "organization"; type "view"; expirationDateTime)
 * - driveitem-delete, /graph/errors, /graph/throttling (Retry-After in seconds on 429/503)
 *
 * Limits (what this client does NOT do):
 * - Only the signed-in user's own drive (/me/drive, special folder approot). No group/site drives,
 *   no app-only tokens, no national-cloud discovery beyond `baseUrl`.
 * - It does not acquire tokens; `token()` is called before every Graph request (never logged). The
 *   pre-authenticated uploadUrl is called without a token, as Graph documents.
 * - Uploads are not resumable across calls: a failed or cancelled session is deleted, not resumed.
 *   Within a session it follows the server's nextExpectedRanges, but does not GET the session
 *   status after a lost response, and does not retry 5xx other than 503.
 * - Retries only 429/503, at most 2 times per request, honouring Retry-After (seconds or HTTP
 *   date); a Retry-After above 120 s is not waited for (→ "throttled"). Network errors and
 *   timeouts are not retried (→ "failed").
 * - "recipients" scope uses driveItem: invite with requireSignIn (see linkForRecipients). On OneDrive
 *   for Business an expiry is only guaranteed for sharing-link permissions; when Graph does not echo
 *   an expirationDateTime the result says so (expiryConfirmed: false) rather than pretending.
 * - Never widens a scope: if the tenant refuses the requested one, it fails with "not-allowed".
 * - No password-protected links (OneDrive personal only), no "blocksDownload"/"review" links (beta),
 *   no sharing mail from Graph (the add-in puts the link into the message itself).
 * - Name sanitising covers characters and names OneDrive rejects; it does not check the 400-char
 *   total path limit beyond capping the file name at 200 characters.
 * - Cleanup (DELETE of the uploaded item or upload session) is best effort: if that fails too, the
 *   file stays in the app folder (the first error is what is thrown).
 */

export interface GraphLinkOptions {
  /** Bearer token for Microsoft Graph (Files.ReadWrite); called before each request, may refresh. */
  token(): Promise<string>;
  /** Base URL, default "https://graph.microsoft.com/v1.0"; tests point it at the stand-in. */
  baseUrl?: string;
  fetchFn?: typeof fetch;
  /** Folder under the app's folder (drive special folder "approot"), default "MailTLS Guard". */
  folder?: string;
  /** Files at or below this size go in one PUT; larger ones through an upload session. Default 4 MB (Graph's limit for a simple upload). */
  simpleUploadMaxBytes?: number;
  /** Chunk size for upload sessions: a multiple of 320 KiB (Graph's rule), default 10 × 320 KiB. */
  chunkBytes?: number;
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
  /** Per-request timeout, default 60 s. */
  timeoutMs?: number;
}

export type LinkScope = "recipients" | "organization" | "anonymous";

export interface GraphShareRequest {
  name: string;
  bytes: Uint8Array;
  scope: LinkScope;
  recipients: string[];
  expiresAt: Date;
}

export interface GraphShared {
  name: string;
  size: number;
  url: string;
  expiresAt: string;
  itemId: string;
  scope: LinkScope;
  /** True when Graph echoed the expiry on the permission; false when it accepted the request without confirming one. */
  expiryConfirmed?: boolean;
}

export type GraphLinkErrorCode =
  "cancelled" | "auth" | "too-large" | "quota" | "throttled" | "not-allowed" | "failed";

export class GraphLinkError extends Error {
  constructor(
    readonly code: GraphLinkErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "GraphLinkError";
  }
}

export const DEFAULT_GRAPH_BASE = "https://graph.microsoft.com/v1.0";
export const DEFAULT_FOLDER = "MailTLS Guard";
/** Graph: upload-session fragments must be a multiple of 320 KiB. */
export const FRAGMENT_UNIT = 320 * 1024;
const DEFAULT_SIMPLE_MAX = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_RETRIES = 2;
const MAX_RETRY_AFTER_MS = 120_000;
/** Graph allows at most 60 MiB per fragment. */
const MAX_FRAGMENT = 192 * FRAGMENT_UNIT;

// ---------------------------------------------------------------------------------------------
// Names

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|\.lock|desktop\.ini|_vti_)$/i;

/**
 * A file or folder name OneDrive/SharePoint accepts, as close to the original as possible:
 * / \ : * ? " < > | and control characters become "_", leading/trailing spaces and trailing dots
 * are dropped, reserved names (CON, .lock, desktop.ini, ~$…, _vti_) get a "_" prefix, at most 200 chars.
 */
export function sanitizeName(raw: string, fallback = "attachment"): string {
  // eslint-disable-next-line no-control-regex
  let n = raw.normalize("NFC").replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, "_");
  n = n
    .replace(/_{2,}/g, "_")
    .trim()
    .replace(/[. ]+$/, "");
  if (n === "" || /^_+$/.test(n) || n === "." || n === "..") n = fallback;
  const dot = n.lastIndexOf(".");
  const stem = dot > 0 ? n.slice(0, dot) : n;
  if (RESERVED.test(stem) || RESERVED.test(n) || n.startsWith("~$") || /_vti_/i.test(n))
    n = "_" + n.replace(/_vti_/gi, "vti");
  if (n.length > 200) {
    const ext = dot > 0 && n.length - dot <= 16 ? n.slice(n.lastIndexOf(".")) : "";
    n = n.slice(0, 200 - ext.length).trimEnd() + ext;
  }
  return n;
}

function encodePath(folder: string, name: string): string {
  const segs = folder
    .split(/[/\\]+/)
    .filter((s) => s.trim() !== "")
    .map((s) => sanitizeName(s, "MailTLS Guard"));
  segs.push(name);
  return segs.map(encodeURIComponent).join("/");
}

// ---------------------------------------------------------------------------------------------
// Requests

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: { code?: string } };
}

interface Ctx {
  o: GraphLinkOptions;
  base: string;
  fetchFn: typeof fetch;
  timeoutMs: number;
}

interface Sent {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

function cancelled(): GraphLinkError {
  return new GraphLinkError("cancelled", "cancelled");
}

function userAborted(o: GraphLinkOptions): boolean {
  return o.signal?.aborted === true;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Retry-After: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(v: string | null, now = Date.now()): number {
  if (!v) return 1000;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? 1000 : Math.max(0, t - now);
}

/**
 * One HTTP exchange (response body read in full) under the per-request timeout and the caller's
 * signal. Network errors and timeouts → "failed"; the caller's abort → "cancelled".
 */
async function sendOnce(ctx: Ctx, url: string, init: RequestInit, ignoreUserSignal = false): Promise<Sent> {
  const { o } = ctx;
  if (!ignoreUserSignal && userAborted(o)) throw cancelled();
  const ac = typeof AbortController === "function" ? new AbortController() : undefined;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onUserAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      ac?.abort();
      reject(new GraphLinkError("failed", `no answer from Microsoft Graph within ${ctx.timeoutMs} ms`));
    }, ctx.timeoutMs);
  });
  const userAbort = new Promise<never>((_, reject) => {
    if (!ignoreUserSignal && o.signal) {
      onUserAbort = () => {
        ac?.abort();
        reject(cancelled());
      };
      o.signal.addEventListener("abort", onUserAbort, { once: true });
    }
  });
  const run = (async () => {
    // Typed structurally: the pane's DOM typings and Node's both fit.
    const res: { status: number; headers: { get(name: string): string | null }; text(): Promise<string> } =
      await ctx.fetchFn(url, { ...init, signal: ac?.signal });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  })();
  try {
    return await Promise.race([run, timeout, userAbort]);
  } catch (e) {
    if (e instanceof GraphLinkError) throw e;
    if (!ignoreUserSignal && userAborted(o)) throw cancelled();
    if (timedOut)
      throw new GraphLinkError("failed", `no answer from Microsoft Graph within ${ctx.timeoutMs} ms`);
    throw new GraphLinkError(
      "failed",
      `cannot reach Microsoft Graph: ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onUserAbort) o.signal?.removeEventListener("abort", onUserAbort);
    run.catch(() => undefined);
    timeout.catch(() => undefined);
    userAbort.catch(() => undefined);
  }
}

function parseJson<T>(text: string): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function graphError(s: Sent): { code: string; message: string } {
  const b = parseJson<GraphErrorBody>(s.text);
  const code = b?.error?.innerError?.code ?? b?.error?.code ?? "";
  const outer = b?.error?.code ?? "";
  const message = b?.error?.message || `Microsoft Graph answered HTTP ${s.status}`;
  return { code: code === outer || !outer ? code : `${outer}/${code}`, message };
}

/** Maps a non-2xx answer to a GraphLinkError. `policyStep` marks link creation, where 403/400 policy errors mean "not-allowed". */
function toError(s: Sent, policyStep = false): GraphLinkError {
  const { code, message } = graphError(s);
  const c = code.toLowerCase();
  if (s.status === 401)
    return new GraphLinkError("auth", `Microsoft Graph refused the sign-in: ${message}`, 401);
  if (s.status === 413 || /itemtoolarge|maxfilesizeexceeded|filetoolarge/.test(c))
    return new GraphLinkError("too-large", message, s.status);
  if (s.status === 507 || /quotalimitreached|insufficientstorage/.test(c))
    return new GraphLinkError("quota", message, s.status);
  if (s.status === 429 || s.status === 503) return new GraphLinkError("throttled", message, s.status);
  if (policyStep) {
    if (s.status === 403) return new GraphLinkError("not-allowed", message, 403);
    if (
      s.status === 400 &&
      /polic|sharing|disabled|not allowed|notallowed|not supported|notsupported|expir|external|guest|scope/i.test(
        `${code} ${message}`,
      )
    )
      return new GraphLinkError("not-allowed", message, 400);
  }
  if (s.status === 403) return new GraphLinkError("failed", `access denied: ${message}`, 403);
  return new GraphLinkError("failed", message, s.status);
}

/**
 * A request with 429/503 retries (Retry-After, at most MAX_RETRIES). `auth` adds the bearer token
 * (fetched anew for every attempt); the uploadUrl is called without it.
 */
async function request(
  ctx: Ctx,
  method: string,
  url: string,
  opts: {
    auth: boolean;
    json?: unknown;
    body?: Uint8Array;
    headers?: Record<string, string>;
    ignoreUserSignal?: boolean;
  },
): Promise<Sent> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth) {
      let token: string;
      try {
        token = await ctx.o.token();
      } catch (e) {
        throw new GraphLinkError(
          "auth",
          `no token for Microsoft Graph: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      headers.Authorization = `Bearer ${token}`;
    }
    let body: RequestInit["body"];
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      body = opts.body as unknown as RequestInit["body"];
    }
    const s = await sendOnce(ctx, url, { method, headers, body }, opts.ignoreUserSignal);
    if ((s.status === 429 || s.status === 503) && attempt < MAX_RETRIES) {
      const wait = retryAfterMs(s.headers.get("retry-after"));
      if (wait <= MAX_RETRY_AFTER_MS) {
        await sleep(wait, opts.ignoreUserSignal ? undefined : ctx.o.signal);
        continue;
      }
    }
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Graph shapes (the parts used)

interface DriveItem {
  id: string;
  name: string;
  size?: number;
  webUrl?: string;
}
interface UploadSession {
  uploadUrl: string;
  expirationDateTime?: string;
  nextExpectedRanges?: string[];
}
interface Permission {
  id?: string;
  roles?: string[];
  link?: { type?: string; scope?: string; webUrl?: string };
  expirationDateTime?: string;
  invitation?: { email?: string; signInRequired?: boolean };
}

function itemFrom(s: Sent): DriveItem {
  const it = parseJson<DriveItem>(s.text);
  if (!it || typeof it.id !== "string")
    throw new GraphLinkError("failed", "Microsoft Graph returned no driveItem", s.status);
  return it;
}

// ---------------------------------------------------------------------------------------------
// Upload

async function simpleUpload(ctx: Ctx, path: string, bytes: Uint8Array): Promise<DriveItem> {
  const url = `${ctx.base}/me/drive/special/approot:/${path}:/content?@microsoft.graph.conflictBehavior=rename`;
  const s = await request(ctx, "PUT", url, {
    auth: true,
    body: bytes,
    headers: { "Content-Type": "application/octet-stream" },
  });
  if (s.status !== 200 && s.status !== 201) throw toError(s);
  ctx.o.onProgress?.(1);
  return itemFrom(s);
}

/** First byte of the first range in nextExpectedRanges ("12345-" or "12345-67890"). */
function nextStart(ranges: string[] | undefined, fallback: number): number {
  const m = ranges && ranges.length > 0 ? /^(\d+)-/.exec(ranges[0]) : null;
  return m ? Number(m[1]) : fallback;
}

async function sessionUpload(ctx: Ctx, path: string, bytes: Uint8Array, chunk: number): Promise<DriveItem> {
  const create = await request(
    ctx,
    "POST",
    `${ctx.base}/me/drive/special/approot:/${path}:/createUploadSession`,
    {
      auth: true,
      json: { item: { "@microsoft.graph.conflictBehavior": "rename" } },
    },
  );
  if (create.status !== 200) throw toError(create);
  const session = parseJson<UploadSession>(create.text);
  if (!session?.uploadUrl)
    throw new GraphLinkError("failed", "Microsoft Graph returned no uploadUrl", create.status);
  const uploadUrl = session.uploadUrl;
  const total = bytes.length;
  try {
    let start = nextStart(session.nextExpectedRanges, 0);
    for (;;) {
      if (userAborted(ctx.o)) throw cancelled();
      const end = Math.min(start + chunk, total); // exclusive
      const part = bytes.subarray(start, end);
      const s = await request(ctx, "PUT", uploadUrl, {
        auth: false,
        body: part,
        headers: {
          "Content-Length": String(part.length),
          "Content-Range": `bytes ${start}-${end - 1}/${total}`,
        },
      });
      if (s.status === 200 || s.status === 201) {
        ctx.o.onProgress?.(1);
        return itemFrom(s);
      }
      if (s.status !== 202) throw toError(s);
      const next = parseJson<UploadSession>(s.text);
      const n = nextStart(next?.nextExpectedRanges, end);
      if (n <= start || n > total)
        throw new GraphLinkError("failed", `upload session expects bytes from ${n}`, 202);
      start = n;
      ctx.o.onProgress?.(Math.min(start / total, 0.999));
    }
  } catch (e) {
    // Graph: DELETE on the uploadUrl cancels the session and discards the fragments.
    await request(ctx, "DELETE", uploadUrl, { auth: false, ignoreUserSignal: true }).catch(() => undefined);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Links

/** Graph wants yyyy-MM-ddTHH:mm:ssZ. */
function graphDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new GraphLinkError("failed", "invalid expiry date");
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

interface Linked {
  url: string;
  expiresAt?: string;
}

/**
 * "recipients": driveItem: invite (v1.0) with requireSignIn true, sendInvitation false, roles read.
 * Why not createLink: the v1.0 createLink page documents scope "users" but no recipients parameter
 * (that is beta only), so a v1.0 "users" link would name nobody. invite is the documented v1.0 way
 * to give named people, and only them, access ("a permission is granted directly without sending a
 * notification"). The URL: OneDrive for Business answers an invite with a "specific people" sharing
 * link (permission.link, scope "users", grantedToIdentitiesV2 = the recipients) — use its webUrl.
 * When no link comes back (direct grant: grantedToV2 + invitation), the item's own webUrl is the URL:
 * the file sits in the user's private app folder, so only the owner and the invitees can open it
 * after signing in. Never a wider link.
 */
async function linkForRecipients(
  ctx: Ctx,
  item: DriveItem,
  recipients: string[],
  expires: string,
): Promise<Linked> {
  const emails = [...new Set(recipients.map((r) => r.trim()).filter((r) => r !== ""))];
  if (emails.length === 0) throw new GraphLinkError("failed", "no recipients to share with");
  const s = await request(ctx, "POST", `${ctx.base}/me/drive/items/${encodeURIComponent(item.id)}/invite`, {
    auth: true,
    json: {
      recipients: emails.map((email) => ({ email })),
      requireSignIn: true,
      sendInvitation: false,
      roles: ["read"],
      expirationDateTime: expires,
    },
  });
  if (s.status !== 200 && s.status !== 201) throw toError(s, true);
  const perms = parseJson<{ value?: Permission[] }>(s.text)?.value ?? [];
  const withLink = perms.find(
    (p) => p.link?.webUrl && (p.link.scope === undefined || p.link.scope === "users"),
  );
  const url = withLink?.link?.webUrl ?? item.webUrl;
  if (!url)
    throw new GraphLinkError(
      "failed",
      "Microsoft Graph returned neither a sharing link nor the item's webUrl",
    );
  const exp = (withLink ?? perms[0])?.expirationDateTime;
  return { url, expiresAt: exp };
}

async function linkForScope(
  ctx: Ctx,
  item: DriveItem,
  scope: "organization" | "anonymous",
  expires: string,
): Promise<Linked> {
  const s = await request(
    ctx,
    "POST",
    `${ctx.base}/me/drive/items/${encodeURIComponent(item.id)}/createLink`,
    {
      auth: true,
      json: { type: "view", scope, expirationDateTime: expires },
    },
  );
  if (s.status !== 200 && s.status !== 201) throw toError(s, true);
  const p = parseJson<Permission>(s.text);
  const url = p?.link?.webUrl;
  if (!url) throw new GraphLinkError("failed", "Microsoft Graph returned no link", s.status);
  // Never accept a wider link than asked for (e.g. a tenant default answering with "anonymous").
  if (p.link?.scope && p.link.scope !== scope)
    throw new GraphLinkError(
      "not-allowed",
      `Microsoft Graph created a "${p.link.scope}" link instead of "${scope}"`,
    );
  return { url, expiresAt: p.expirationDateTime };
}

// ---------------------------------------------------------------------------------------------

/** Upload `req.bytes` to approot/{folder}/{name} and return a link of `req.scope`. */
export async function shareViaGraph(req: GraphShareRequest, o: GraphLinkOptions): Promise<GraphShared> {
  const ctx: Ctx = {
    o,
    base: (o.baseUrl ?? DEFAULT_GRAPH_BASE).replace(/\/+$/, ""),
    fetchFn: o.fetchFn ?? ((...a: Parameters<typeof fetch>) => fetch(...a)),
    timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  if (userAborted(o)) throw cancelled();
  const expires = graphDate(req.expiresAt);
  const name = sanitizeName(req.name);
  const path = encodePath(o.folder ?? DEFAULT_FOLDER, name);
  const simpleMax = o.simpleUploadMaxBytes ?? DEFAULT_SIMPLE_MAX;
  const chunk = o.chunkBytes ?? 10 * FRAGMENT_UNIT;
  if (chunk <= 0 || chunk % FRAGMENT_UNIT !== 0 || chunk > MAX_FRAGMENT)
    throw new GraphLinkError(
      "failed",
      `chunkBytes must be a multiple of ${FRAGMENT_UNIT} up to ${MAX_FRAGMENT}`,
    );

  o.onProgress?.(0);
  const item =
    req.bytes.length <= simpleMax
      ? await simpleUpload(ctx, path, req.bytes)
      : await sessionUpload(ctx, path, req.bytes, chunk);

  try {
    if (userAborted(o)) throw cancelled();
    const linked =
      req.scope === "recipients"
        ? await linkForRecipients(ctx, item, req.recipients, expires)
        : await linkForScope(ctx, item, req.scope, expires);
    return {
      name: item.name,
      size: item.size ?? req.bytes.length,
      url: linked.url,
      expiresAt: linked.expiresAt ?? new Date(expires).toISOString(),
      itemId: item.id,
      scope: req.scope,
      expiryConfirmed: linked.expiresAt !== undefined,
    };
  } catch (e) {
    // No orphan file: remove what was uploaded (best effort, even after a cancel).
    await request(ctx, "DELETE", `${ctx.base}/me/drive/items/${encodeURIComponent(item.id)}`, {
      auth: true,
      ignoreUserSignal: true,
    }).catch(() => undefined);
    throw e;
  }
}
