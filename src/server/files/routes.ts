/**
 * Download links from the built-in store: the add-in uploads a file (POST /api/v1/files), the
 * recipient opens /d/<token> and downloads it with a button.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Readable } from "node:stream";
import { InvalidDomain, parseMailDomain } from "../../core/domain";
import type { Lang } from "../../core/i18n";
import type { TenantPolicy } from "../../core/policy";
import type { createAuthenticator } from "../auth";
import type { ServerConfig } from "../config";
import { contentDisposition, downloadPage, langFromAcceptLanguage, PAGE_CSP, unavailablePage } from "./page";
import { cleanName, FileStoreError, type FileStore, looksLikeToken, type Unavailable } from "./store";

export interface FilesDeps {
  config: ServerConfig;
  store: FileStore;
  auth: ReturnType<typeof createAuthenticator>;
  policy: TenantPolicy;
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
  },
  required: ["token", "url", "name", "size", "expiresAt", "maxDownloads"],
} as const;

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  // The rest of an unread upload is not worth receiving: close the connection after the answer.
  return reply.status(status).header("connection", "close").send({ error: { code, message } });
}

export async function registerFiles(app: FastifyInstance, deps: FilesDeps): Promise<void> {
  const { config, store, auth, policy } = deps;
  const maxBytes = Math.floor(policy.links.maxFileMb * MB);
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
      if (Number(req.headers["content-length"]) > maxBytes)
        done(Object.assign(new Error("the file is too large"), { code: "FST_ERR_CTP_BODY_TOO_LARGE" }));
      else done(null, payload);
    });
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: 1024 },
      (_req, _body, done) => done(null, {}),
    );
    scope.setErrorHandler((err: Error & { code?: string }, _req, reply) => {
      if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
        return fail(reply, 413, "too-large", `too large: files are limited to ${policy.links.maxFileMb} MB`);
      if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
        return fail(reply, 415, "unsupported-media-type", "send the file as application/octet-stream");
      throw err; // the app's handler answers the rest
    });

    scope.post<{ Querystring: { name: string; from?: string } }>(
      "/api/v1/files",
      {
        bodyLimit: maxBytes,
        schema: {
          summary: "Upload a file for a download link (the raw file as the body)",
          querystring: {
            type: "object",
            properties: {
              name: { type: "string", minLength: 1, maxLength: 1024, description: "the file's name" },
              from: { type: "string", maxLength: 320, description: "the sender's domain or address" },
            },
            required: ["name"],
            additionalProperties: false,
          },
          response: { 201: uploaded },
        },
      },
      async (req, reply) => {
        await auth.caller(req);
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
        const { links } = policy;
        try {
          const { token, meta } = await store.put({
            name,
            bytes: req.body,
            senderDomain,
            expiresAt: store.now() + links.expiryHours * 3600 * 1000,
            maxDownloads: Math.floor(links.maxDownloads),
            maxBytes,
          });
          return reply.status(201).send({
            token,
            url: `${config.publicUrl}/d/${token}`,
            name: meta.name,
            size: meta.size,
            expiresAt: new Date(meta.expiresAt).toISOString(),
            maxDownloads: meta.maxDownloads,
          });
        } catch (e) {
          // The client went away mid-upload: nothing was kept, and nobody is left to answer.
          if (req.raw.destroyed && !(e instanceof FileStoreError))
            return fail(reply, 400, "bad-request", "the upload was interrupted");
          if (!(e instanceof FileStoreError)) throw e;
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
      return sendPage(reply, 200, lang, downloadPage(lang, info.meta, `${base}/d/${token}`));
    });

    scope.post<{ Params: { token: string } }>("/d/:token", { schema: { hide: true } }, async (req, reply) => {
      const { token } = req.params;
      if (!looksLikeToken(token)) return sendUnavailable(req, reply, "not-found");
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
    });
  });
}
