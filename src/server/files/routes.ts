/**
 * Download links from the built-in store: the add-in uploads a file (POST /api/v1/files), the
 * recipient opens /d/<token> and downloads it with a button.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Readable } from "node:stream";
import { InvalidDomain, parseMailDomain } from "../../core/domain";
import type { Lang } from "../../core/i18n";
import type { createAuthenticator } from "../auth";
import type { ServerConfig } from "../config";
import type { Mailer } from "../mailer";
import { largestFileMb, policyFor } from "../policies";
import {
  codeEntryPage,
  codeRequestPage,
  contentDisposition,
  downloadPage,
  langFromAcceptLanguage,
  PAGE_CSP,
  unavailablePage,
} from "./page";
import { randomBytes } from "node:crypto";
import { guardedBody, SlowBody } from "../limits/timeouts";
import { UploadSlots } from "../limits/uploads";
import { CodeQueue, type CodeOutcome } from "./codeQueue";
import { cleanName, FileStoreError, type FileStore, looksLikeToken, type Unavailable } from "./store";

export interface FilesDeps {
  config: ServerConfig;
  store: FileStore;
  auth: ReturnType<typeof createAuthenticator>;
  /** Sends one-time codes; without it links need none. */
  mailer?: Mailer;
  /** Counts what became of each code request (metrics). */
  onCodeOutcome?: (o: CodeOutcome) => void;
}

/** At most this many recipients may ask for a code for one file. */
export const MAX_RECIPIENTS = 100;
const ADDRESS = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/;

/** `to`: comma-separated addresses, each with a valid mail domain; lower-cased. Throws with the reason. */
export function parseRecipients(raw: string): string[] {
  const list = raw
    .split(",")
    .map((a) => a.trim().toLowerCase())
    .filter(Boolean);
  if (list.length > MAX_RECIPIENTS) throw new Error(`at most ${MAX_RECIPIENTS} recipients`);
  for (const a of list) {
    if (!ADDRESS.test(a)) throw new Error(`"${a}" is not an e-mail address`);
    parseMailDomain(a.slice(a.lastIndexOf("@") + 1));
  }
  return [...new Set(list)];
}

/** A form field as one string (forms may repeat a field; the first counts). */
function field(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v.trim() : "";
}

/** Expired and used-up files are deleted this often (and once at start). */
const SWEEP_MS = 5 * 60 * 1000;
/** Megabytes as the add-in counts them (decimal). */
const MB = 1_000_000;

const uploaded = {
  type: "object",
  properties: {
    token: { type: "string" },
    url: { type: "string" },
    name: { type: "string" },
    size: { type: "integer" },
    expiresAt: { type: "string", format: "date-time" },
    maxDownloads: { type: "integer" },
    oneTimeCode: { type: "boolean", description: "the recipient must enter a code mailed to them" },
  },
  required: ["token", "url", "name", "size", "expiresAt", "maxDownloads", "oneTimeCode"],
} as const;

function fail(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  // The rest of an unread upload is not worth receiving: close the connection after the answer.
  return reply
    .status(status)
    .headers(headers)
    .header("connection", "close")
    .send({ error: { code, message } });
}

/** Content-Length as a number of bytes, when the client sent a valid one. */
function declaredLength(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export async function registerFiles(app: FastifyInstance, deps: FilesDeps): Promise<{ codes: CodeQueue }> {
  const { config, store, auth, mailer } = deps;
  const slots = new UploadSlots(config.limits.uploadsMax, config.limits.uploadsPerClient);
  const codes = new CodeQueue({ store, mailer, log: app.log, onOutcome: deps.onCodeOutcome });
  app.addHook("onClose", async () => codes.close());
  // Before the caller (and so their policy) is known, the largest file any policy allows (asked
  // each time: policies can be reloaded).
  const ceilingMb = () => largestFileMb(config);
  // Form actions under the public URL's path, in case the service is published below a prefix.
  const base = new URL(config.publicUrl).pathname.replace(/\/+$/, "");

  let timer: NodeJS.Timeout | undefined;
  const sweep = () =>
    void store.sweep().catch((err: unknown) => app.log.warn({ err }, "sweeping the file store failed"));
  app.addHook("onReady", async () => {
    sweep();
    timer = setInterval(sweep, SWEEP_MS);
    timer.unref();
  });
  app.addHook("onClose", async () => clearInterval(timer));

  // Encapsulated: these parsers (a raw stream for uploads, empty forms for the download button)
  // exist only for these routes; the rest of the API keeps JSON with its 64 KB limit.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("application/octet-stream", (req, payload, done) => {
      // Refused before a byte is read when the declared length is already too much.
      if (Number(req.headers["content-length"]) > Math.floor(ceilingMb() * MB))
        done(Object.assign(new Error("the file is too large"), { code: "FST_ERR_CTP_BODY_TOO_LARGE" }));
      else done(null, payload);
    });
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 1024 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.setErrorHandler((err: Error & { code?: string }, _req, reply) => {
      if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
        return fail(reply, 413, "too-large", `too large: files are limited to ${ceilingMb()} MB`);
      if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
        return fail(reply, 415, "unsupported-media-type", "send the file as application/octet-stream");
      throw err; // the app's handler answers the rest
    });

    scope.post<{ Querystring: { name: string; from?: string; to?: string } }>(
      "/api/v1/files",
      {
        // The request timeout does not fit a large file: an upload has its own, and a minimum rate.
        handlerTimeout: config.limits.uploadTimeoutMs,
        preParsing: async (_req, _reply, payload) =>
          config.limits.uploadMinBytesPerSecond > 0
            ? guardedBody(payload, {
                minBytesPerSecond: config.limits.uploadMinBytesPerSecond,
                graceMs: config.limits.uploadGraceMs,
                windowMs: config.limits.uploadWindowMs,
              })
            : payload,
        // No bodyLimit: fastify applies it only to bodies it buffers; this one streams, and the
        // parser (declared length) and the store (bytes as they come) enforce the policy's limit.
        schema: {
          summary: "Upload a file for a download link (the raw file as the body)",
          querystring: {
            type: "object",
            properties: {
              name: { type: "string", minLength: 1, maxLength: 1024, description: "the file's name" },
              from: { type: "string", maxLength: 320, description: "the sender's domain or address" },
              to: {
                type: "string",
                maxLength: 32_000,
                description:
                  "the message's recipients, comma-separated: with a relay configured, only they can download, with a one-time code",
              },
            },
            required: ["name"],
            additionalProperties: false,
          },
          response: { 201: uploaded },
        },
      },
      async (req, reply) => {
        const caller = await auth.caller(req);
        // A file offered under the company's URL needs someone to answer for it.
        if (caller.kind === "anonymous" && !config.anonymousUploads)
          return fail(
            reply,
            401,
            "unauthorized",
            "uploads need an API key or an Entra token (or MAILTLS_ANONYMOUS_UPLOADS=true on the service)",
          );
        const owner = caller.kind === "anonymous" ? "anonymous" : caller.id;
        const slot = slots.take(caller.rateKey ?? "ip:" + req.ip);
        if (slot === "busy")
          return fail(reply, 503, "busy", "too many uploads in progress: try again shortly", {
            "retry-after": "30",
          });
        if (slot === "client-busy")
          return fail(
            reply,
            429,
            "too-many-uploads",
            `at most ${config.limits.uploadsPerClient} uploads at once`,
            {
              "retry-after": "10",
            },
          );
        reply.raw.once("close", slot);
        const policy = policyFor(config, caller);
        const maxBytes = Math.floor(policy.links.maxFileMb * MB);
        // Codes need a relay to send them and a policy that wants them.
        const codes = mailer !== undefined && policy.links.oneTimeCode;
        if (Number(req.headers["content-length"]) > maxBytes)
          return fail(reply, 413, "too-large", `files are limited to ${policy.links.maxFileMb} MB`);
        if (policy.linkProvider !== "builtin")
          return fail(reply, 503, "provider-disabled", `download links are set to "${policy.linkProvider}"`);
        if (!(req.body instanceof Readable))
          return fail(reply, 415, "unsupported-media-type", "send the file as application/octet-stream");
        const name = cleanName(req.query.name);
        if (!name) return fail(reply, 400, "bad-request", "name: the file name is empty");
        let senderDomain: string | undefined;
        if (req.query.from) {
          try {
            senderDomain = parseMailDomain(req.query.from).unicode;
          } catch (e) {
            if (e instanceof InvalidDomain) return fail(reply, 400, "invalid-domain", `from: ${e.message}`);
            throw e;
          }
        }
        let recipients: string[] = [];
        if (codes && req.query.to) {
          try {
            recipients = parseRecipients(req.query.to);
          } catch (e) {
            return fail(reply, 400, "bad-request", `to: ${(e as Error).message}`);
          }
        }
        const { links } = policy;
        try {
          const { token, meta } = await store.put({
            recipients,
            name,
            bytes: req.body,
            senderDomain,
            expiresAt: store.now() + links.expiryHours * 3600 * 1000,
            maxDownloads: Math.floor(links.maxDownloads),
            maxBytes,
            owner,
            declaredBytes: declaredLength(req.headers["content-length"]),
            quota: {
              perOwnerBytes: config.limits.filesMaxBytesPerCaller,
              totalBytes: config.limits.filesMaxBytes,
            },
          });
          return reply.status(201).send({
            token,
            url: `${config.publicUrl}/d/${token}`,
            name: meta.name,
            size: meta.size,
            expiresAt: new Date(meta.expiresAt).toISOString(),
            maxDownloads: meta.maxDownloads,
            oneTimeCode: meta.needsCode,
          });
        } catch (e) {
          // The client went away mid-upload: nothing was kept, and nobody is left to answer.
          if (e instanceof SlowBody) throw e;
          if (req.raw.destroyed && !(e instanceof FileStoreError))
            return fail(reply, 400, "bad-request", "the upload was interrupted");
          if (!(e instanceof FileStoreError)) throw e;
          if (e.code === "quota") return fail(reply, 507, "quota-exceeded", e.message);
          if (e.code === "too-large")
            return fail(reply, 413, "too-large", `files are limited to ${links.maxFileMb} MB`);
          if (e.code === "disk-full") return fail(reply, 507, "disk-full", "the service has no space left");
          return fail(reply, 400, "bad-request", e.message);
        }
      },
    );

    function sendPage(reply: FastifyReply, status: number, lang: Lang, html: string) {
      return reply
        .status(status)
        .header("content-security-policy", PAGE_CSP)
        .header("cache-control", "no-store")
        .header("content-language", lang)
        .header("vary", "accept-language")
        .type("text/html; charset=utf-8")
        .send(html);
    }
    function sendUnavailable(req: FastifyRequest, reply: FastifyReply, reason: Unavailable) {
      const lang = langFromAcceptLanguage(req.headers["accept-language"]);
      return sendPage(reply, reason === "not-found" ? 404 : 410, lang, unavailablePage(lang, reason));
    }

    // The page only shows the file: link scanners (Safe Links and the like) fetch GET URLs before
    // the recipient does, so only the button's POST counts a download.
    scope.get<{ Params: { token: string } }>("/d/:token", { schema: { hide: true } }, async (req, reply) => {
      const { token } = req.params;
      if (!looksLikeToken(token)) return sendUnavailable(req, reply, "not-found");
      const info = store.info(token);
      if (!info.ok) return sendUnavailable(req, reply, info.reason);
      const lang = langFromAcceptLanguage(req.headers["accept-language"]);
      const html = info.meta.needsCode
        ? codeRequestPage(lang, info.meta, `${base}/d/${token}/code`)
        : downloadPage(lang, info.meta, `${base}/d/${token}`);
      return sendPage(reply, 200, lang, html);
    });

    // Codes and guesses are limited per address (IP) beyond the store's own per-recipient limits.
    const strict = { rateLimit: { max: config.linkRateLimitPerMinute, timeWindow: 60_000 } };

    /** A link's file, the page's language and forms, and the address the form sent; undefined when a 404/410 page went. */
    function linkRequest(req: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) {
      const { token } = req.params;
      const info = looksLikeToken(token) ? store.info(token) : ({ ok: false, reason: "not-found" } as const);
      if (!info.ok) {
        void sendUnavailable(req, reply, info.reason);
        return undefined;
      }
      return {
        token,
        meta: info.meta,
        lang: langFromAcceptLanguage(req.headers["accept-language"]),
        actions: { download: `${base}/d/${token}`, code: `${base}/d/${token}/code` },
        address: field(req.body, "address").toLowerCase(),
      };
    }

    scope.post<{ Params: { token: string } }>(
      "/d/:token/code",
      { schema: { hide: true }, config: strict },
      async (req, reply) => {
        const link = linkRequest(req, reply);
        if (!link) return reply;
        const { token, meta, lang, actions, address } = link;
        if (!meta.needsCode) return sendPage(reply, 200, lang, downloadPage(lang, meta, actions.download));
        if (!ADDRESS.test(address))
          return sendPage(reply, 400, lang, codeRequestPage(lang, meta, actions.code));
        // Everyone gets this page at once, recipient or not: the code is issued and mailed from
        // the queue, after the answer, so neither the words nor the timing tell who is a recipient.
        const challenge = randomBytes(18).toString("base64url");
        codes.push({ token, address, challenge, lang });
        return sendPage(reply, 200, lang, codeEntryPage(lang, meta, actions, address, challenge));
      },
    );

    scope.post<{ Params: { token: string } }>(
      "/d/:token",
      { schema: { hide: true }, config: strict },
      async (req, reply) => {
        const link = linkRequest(req, reply);
        if (!link) return reply;
        const { token } = link;
        if (link.meta.needsCode) {
          // Only a recipient's right code opens it; every try spends one of the code's attempts.
          const { lang, actions, address, meta } = link;
          if (!address) return sendPage(reply, 403, lang, codeRequestPage(lang, meta, actions.code));
          const challenge = field(req.body, "challenge");
          const checked = store.checkCode(token, challenge, address, field(req.body, "code"));
          if (!checked.ok)
            return sendPage(
              reply,
              403,
              lang,
              codeEntryPage(lang, meta, actions, address, challenge.slice(0, 64), "wrong-code"),
            );
        }
        const claim = await store.claimDownload(token);
        if (!claim.ok) return sendUnavailable(req, reply, claim.reason);
        const { meta, stream } = claim;
        return reply
          .header("content-type", meta.contentType)
          .header("content-disposition", contentDisposition(meta.name))
          .header("content-length", String(meta.size))
          .header("x-content-type-options", "nosniff")
          .header("cache-control", "no-store")
          .header("content-security-policy", "default-src 'none'; sandbox")
          .send(stream);
      },
    );
  });
  return { codes };
}
