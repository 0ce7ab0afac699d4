/**
 * A local stand-in for the Microsoft Graph v1.0 endpoints graphLinks.ts uses (node:http, 127.0.0.1,
 * port 0). Shapes follow the v1.0 docs: driveItem, uploadSession (uploadUrl back at this server,
 * expirationDateTime, nextExpectedRanges), permission (link.webUrl, grantedToIdentitiesV2,
 * grantedToV2, invitation), error bodies { error: { code, message, innerError } }.
 *
 *   PUT    /v1.0/me/drive/special/approot:/{path}:/content?@microsoft.graph.conflictBehavior=rename
 *   POST   /v1.0/me/drive/special/approot:/{path}:/createUploadSession
 *   PUT    /upload/{session}            (no Authorization; Content-Range, 320 KiB multiples)
 *   DELETE /upload/{session}
 *   POST   /v1.0/me/drive/items/{id}/invite
 *   POST   /v1.0/me/drive/items/{id}/createLink
 *   DELETE /v1.0/me/drive/items/{id}
 *   GET    /v1.0/me/drive/items/{id}    (for tests)
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FRAGMENT_UNIT = 320 * 1024;

export interface RecordedRequest {
  method: string;
  /** Path without the query string, percent-decoded. */
  path: string;
  rawUrl: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  bodyLength: number;
  json?: any;
  status: number;
}

export interface StoredItem {
  id: string;
  name: string;
  /** approot-relative folder, e.g. "MailTLS Guard". */
  folder: string;
  bytes: Buffer;
  createdDateTime: string;
  permissions: any[];
}

export interface FailureRule {
  method?: string;
  /** Matched against the decoded path ("/v1.0/me/drive/items/…/createLink", "/upload/…"). */
  path?: RegExp;
  status: number;
  code?: string;
  innerCode?: string;
  message?: string;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Answer this rule after a delay (with status 0 = answer normally after the delay). */
  delayMs?: number;
}

interface Session {
  id: string;
  folder: string;
  name: string;
  received: Buffer[];
  next: number;
  total?: number;
  expirationDateTime: string;
  cancelled: boolean;
}

export interface GraphStandIn {
  /** e.g. http://127.0.0.1:1234/v1.0 — pass as baseUrl. */
  baseUrl: string;
  origin: string;
  /** The bearer token it accepts. */
  token: string;
  requests: RecordedRequest[];
  items: Map<string, StoredItem>;
  sessions: Map<string, Session>;
  /** Errors it reports (bad Content-Range, chunk size…), so a test can assert there were none. */
  violations: string[];
  /** Scopes the "tenant" refuses on createLink (403 accessDenied with a policy message). */
  deniedScopes: Set<string>;
  /** "link": invite answers with a specific-people sharing link (OneDrive for Business); "direct": a plain grant without a link. */
  inviteMode: "link" | "direct";
  /** Free space in bytes; uploads beyond it get 507 quotaLimitReached. */
  quotaBytes: number;
  fail(rule: FailureRule): void;
  itemByName(name: string): StoredItem | undefined;
  close(): Promise<void>;
}

function graphError(res: ServerResponse, status: number, code: string, message: string, extraHeaders = {}) {
  const body = JSON.stringify({
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString(),
        "request-id": randomUUID(),
        "client-request-id": randomUUID(),
      },
    },
  });
  res.writeHead(status, { "Content-Type": "application/json", ...extraHeaders });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

function splitName(n: string): [string, string] {
  const i = n.lastIndexOf(".");
  return i > 0 ? [n.slice(0, i), n.slice(i)] : [n, ""];
}

export async function startGraphStandIn(): Promise<GraphStandIn> {
  const rules: (FailureRule & { left: number })[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const s: GraphStandIn = {
    baseUrl: "",
    origin: "",
    token: "graph-test-token-" + randomBytes(6).toString("hex"),
    requests: [],
    items: new Map(),
    sessions: new Map(),
    violations: [],
    deniedScopes: new Set(),
    inviteMode: "link",
    quotaBytes: Number.MAX_SAFE_INTEGER,
    fail(rule) {
      rules.push({ ...rule, left: rule.times ?? 1 });
    },
    itemByName(name) {
      return [...s.items.values()].find((i) => i.name === name);
    },
    close: () =>
      new Promise((resolve) => {
        for (const so of sockets) so.destroy();
        server.close(() => resolve());
      }),
  };

  const used = () => [...s.items.values()].reduce((a, i) => a + i.bytes.length, 0);

  const driveItem = (it: StoredItem) => ({
    "@odata.context": `${s.baseUrl}/$metadata#drives('b!standin')/items/$entity`,
    id: it.id,
    name: it.name,
    size: it.bytes.length,
    createdDateTime: it.createdDateTime,
    lastModifiedDateTime: it.createdDateTime,
    eTag: `"{${it.id}},1"`,
    cTag: `"c:{${it.id}},1"`,
    webUrl: `https://contoso-my.sharepoint.com/personal/adele_contoso_com/Documents/Apps/MailTLS/${encodeURIComponent(it.folder)}/${encodeURIComponent(it.name)}`,
    file: { mimeType: "application/octet-stream", hashes: {} },
    parentReference: {
      driveType: "business",
      driveId: "b!standin",
      path: `/drive/special/approot:/${it.folder}`,
    },
  });

  /** conflictBehavior=rename: "report.pdf" → "report 1.pdf", "report 2.pdf", … */
  const freeName = (folder: string, name: string) => {
    const taken = (n: string) => [...s.items.values()].some((i) => i.folder === folder && i.name === n);
    if (!taken(name)) return name;
    const [stem, ext] = splitName(name);
    for (let k = 1; ; k++) if (!taken(`${stem} ${k}${ext}`)) return `${stem} ${k}${ext}`;
  };

  const store = (folder: string, name: string, bytes: Buffer): StoredItem => {
    const it: StoredItem = {
      id: "01" + randomBytes(16).toString("hex").toUpperCase(),
      name: freeName(folder, name),
      folder,
      bytes,
      createdDateTime: new Date().toISOString(),
      permissions: [],
    };
    s.items.set(it.id, it);
    return it;
  };

  // eslint-disable-next-line no-control-regex
  const badName = (n: string) => /[\\/:*?"<>|\u0000-\u001f]/.test(n) || n.trim() !== n || n.endsWith(".");

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, body: Buffer) {
    const method = rec.method;
    const path = rec.path;

    // --- upload session URL (pre-authenticated: Graph documents that an Authorization header must not be sent)
    const up = /^\/upload\/([^/]+)$/.exec(path);
    if (up) {
      const sess = s.sessions.get(up[1]);
      if (req.headers.authorization) {
        s.violations.push("Authorization header sent to uploadUrl");
        return graphError(
          res,
          401,
          "unauthenticated",
          "The uploadUrl is pre-authenticated; do not send Authorization.",
        );
      }
      if (!sess || sess.cancelled)
        return graphError(res, 404, "itemNotFound", "The upload session was not found.");
      if (method === "DELETE") {
        sess.cancelled = true;
        res.writeHead(204).end();
        return;
      }
      if (method === "GET") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            expirationDateTime: sess.expirationDateTime,
            nextExpectedRanges: [`${sess.next}-`],
          }),
        );
        return;
      }
      if (method !== "PUT") return graphError(res, 405, "invalidRequest", "Method not allowed");
      const cr = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers["content-range"] ?? ""));
      const cl = Number(req.headers["content-length"]);
      if (!cr) {
        s.violations.push(`bad Content-Range: ${req.headers["content-range"]}`);
        return graphError(res, 400, "invalidRequest", "Invalid Content-Range header.");
      }
      const [a, b, total] = [Number(cr[1]), Number(cr[2]), Number(cr[3])];
      if (sess.total !== undefined && sess.total !== total) {
        s.violations.push(`total changed ${sess.total} → ${total}`);
        return graphError(res, 400, "invalidRange", "The total length changed.");
      }
      if (a !== sess.next) {
        s.violations.push(`fragment starts at ${a}, expected ${sess.next}`);
        return graphError(
          res,
          416,
          "invalidRange",
          "The fragment does not start at the next expected range.",
        );
      }
      if (b < a || b >= total || b - a + 1 !== body.length || cl !== body.length) {
        s.violations.push(`range ${a}-${b}/${total} vs body ${body.length}, Content-Length ${cl}`);
        return graphError(res, 400, "invalidRange", "Content-Range does not match the body.");
      }
      const last = b === total - 1;
      if (!last && body.length % FRAGMENT_UNIT !== 0) {
        s.violations.push(`fragment of ${body.length} bytes is not a multiple of 320 KiB`);
        return graphError(res, 400, "invalidRange", "Fragment size must be a multiple of 320 KiB.");
      }
      if (used() + total > s.quotaBytes)
        return graphError(res, 507, "quotaLimitReached", "Insufficient Space Available");
      sess.total = total;
      sess.received.push(body);
      sess.next = b + 1;
      if (!last) {
        res.writeHead(202, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            expirationDateTime: sess.expirationDateTime,
            nextExpectedRanges: [`${sess.next}-`],
          }),
        );
        return;
      }
      s.sessions.delete(sess.id);
      const it = store(sess.folder, sess.name, Buffer.concat(sess.received));
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify(driveItem(it)));
      return;
    }

    if (!path.startsWith("/v1.0/"))
      return graphError(res, 404, "BadRequest", "Resource not found for the segment.");
    if (req.headers.authorization !== `Bearer ${s.token}`)
      return graphError(
        res,
        401,
        "InvalidAuthenticationToken",
        req.headers.authorization
          ? "Access token validation failure. Invalid audience."
          : "Access token is empty.",
        { "WWW-Authenticate": 'Bearer realm="", error="invalid_token"' },
      );
    const rest = path.slice("/v1.0".length);

    // --- approot path addressing
    const pa = /^\/me\/drive\/special\/approot:\/(.+):\/(content|createUploadSession)$/.exec(rest);
    if (pa) {
      const segs = pa[1].split("/");
      const name = segs.pop()!;
      const folder = segs.join("/");
      if (segs.some(badName) || badName(name))
        return graphError(res, 400, "invalidRequest", "The provided name contains invalid characters.");
      if (pa[2] === "content") {
        if (method !== "PUT") return graphError(res, 405, "invalidRequest", "Method not allowed");
        if (rec.query.get("@microsoft.graph.conflictBehavior") !== "rename")
          s.violations.push("simple upload without conflictBehavior=rename");
        if (body.length > 250 * 1024 * 1024)
          return graphError(
            res,
            413,
            "maxFileSizeExceeded",
            "The file exceeds the maximum size for a simple upload.",
          );
        if (used() + body.length > s.quotaBytes)
          return graphError(res, 507, "quotaLimitReached", "Insufficient Space Available");
        const it = store(folder, name, body);
        res.writeHead(201, { "Content-Type": "application/json" });
        res.end(JSON.stringify(driveItem(it)));
        return;
      }
      if (method !== "POST") return graphError(res, 405, "invalidRequest", "Method not allowed");
      if (rec.json?.item?.["@microsoft.graph.conflictBehavior"] !== "rename")
        s.violations.push("upload session without item.@microsoft.graph.conflictBehavior=rename");
      const sess: Session = {
        id: randomBytes(12).toString("hex"),
        folder,
        name,
        received: [],
        next: 0,
        expirationDateTime: new Date(Date.now() + 15 * 60_000).toISOString(),
        cancelled: false,
      };
      s.sessions.set(sess.id, sess);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          "@odata.context": `${s.baseUrl}/$metadata#microsoft.graph.uploadSession`,
          uploadUrl: `${s.origin}/upload/${sess.id}`,
          expirationDateTime: sess.expirationDateTime,
          nextExpectedRanges: ["0-"],
        }),
      );
      return;
    }

    // --- items by id
    const m = /^\/me\/drive\/items\/([^/]+)(?:\/(invite|createLink))?$/.exec(rest);
    if (!m) return graphError(res, 400, "BadRequest", `Resource not found for the segment '${rest}'.`);
    const it = s.items.get(m[1]);
    if (!it) return graphError(res, 404, "itemNotFound", "The resource could not be found.");
    if (!m[2]) {
      if (method === "DELETE") {
        s.items.delete(it.id);
        res.writeHead(204).end();
        return;
      }
      if (method === "GET") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(driveItem(it)));
        return;
      }
      return graphError(res, 405, "invalidRequest", "Method not allowed");
    }
    if (method !== "POST") return graphError(res, 405, "invalidRequest", "Method not allowed");
    const j = rec.json ?? {};
    const shareId = randomBytes(9).toString("base64url");

    if (m[2] === "createLink") {
      if (j.type !== "view" && j.type !== "edit")
        return graphError(res, 400, "invalidRequest", "Invalid value for the link type.");
      const scope = j.scope ?? "organization";
      if (!["anonymous", "organization", "users"].includes(scope))
        return graphError(res, 400, "invalidRequest", "Invalid value for the link scope.");
      if (s.deniedScopes.has(scope))
        return graphError(
          res,
          403,
          "accessDenied",
          scope === "anonymous"
            ? "Anonymous sharing links are disabled by your organization's policy."
            : `Sharing links with scope '${scope}' are not allowed by your organization's policy.`,
        );
      const perm: any = {
        id: randomUUID(),
        roles: [j.type === "edit" ? "write" : "read"],
        shareId,
        hasPassword: false,
        link: {
          scope,
          type: j.type,
          webUrl: `https://contoso-my.sharepoint.com/:u:/g/personal/adele_contoso_com/${shareId}`,
          preventsDownload: false,
          application: { id: "00000000-0000-0000-0000-00000000abcd", displayName: "MailTLS Guard" },
        },
      };
      if (j.expirationDateTime) perm.expirationDateTime = j.expirationDateTime;
      it.permissions.push(perm);
      res.writeHead(201, { "Content-Type": "application/json" });
      res.end(JSON.stringify(perm));
      return;
    }

    // invite
    const recips: any[] = Array.isArray(j.recipients) ? j.recipients : [];
    if (recips.length === 0 || recips.some((r) => typeof r.email !== "string" || !r.email.includes("@")))
      return graphError(res, 400, "invalidRequest", "Invalid recipients.");
    if (s.deniedScopes.has("users"))
      return graphError(
        res,
        403,
        "accessDenied",
        "Sharing with people outside your organization is not allowed.",
      );
    const identities = recips.map((r) => ({
      user: { displayName: r.email.split("@")[0], email: r.email, id: randomUUID() },
    }));
    let value: any[];
    if (s.inviteMode === "link") {
      const perm: any = {
        id: randomUUID(),
        roles: j.roles ?? ["read"],
        shareId,
        hasPassword: false,
        grantedToIdentitiesV2: identities.map((i) => ({
          ...i,
          siteUser: { displayName: i.user.displayName },
        })),
        grantedToIdentities: identities,
        link: {
          scope: "users",
          type: "view",
          webUrl: `https://contoso-my.sharepoint.com/:u:/g/personal/adele_contoso_com/${shareId}`,
          preventsDownload: false,
        },
      };
      if (j.expirationDateTime) perm.expirationDateTime = j.expirationDateTime;
      value = [perm];
    } else {
      value = identities.map((i) => ({
        id: randomUUID(),
        roles: j.roles ?? ["read"],
        hasPassword: false,
        grantedToV2: { user: i.user },
        invitation: { email: i.user.email, signInRequired: j.requireSignIn !== false },
      }));
    }
    it.permissions.push(...value);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(
      JSON.stringify({
        "@odata.context": `${s.baseUrl}/$metadata#Collection(microsoft.graph.permission)`,
        value,
      }),
    );
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const body = await readBody(req);
    let json: any;
    if (String(req.headers["content-type"] ?? "").startsWith("application/json") && body.length > 0) {
      try {
        json = JSON.parse(body.toString("utf8"));
      } catch {
        json = undefined;
      }
    }
    const rec: RecordedRequest = {
      method: req.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      rawUrl: req.url ?? "",
      query: url.searchParams,
      headers: { ...req.headers },
      bodyLength: body.length,
      json,
      status: 0,
    };
    s.requests.push(rec);
    res.on("finish", () => (rec.status = res.statusCode));

    const rule = rules.find(
      (r) => r.left > 0 && (!r.method || r.method === rec.method) && (!r.path || r.path.test(rec.path)),
    );
    if (rule) {
      rule.left--;
      if (rule.delayMs) {
        // Slow answer; ends early when the client gives up (so no timer outlives the test).
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, rule.delayMs);
          res.on("close", () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      if (res.destroyed) return;
      if (rule.status !== 0) {
        const code =
          rule.code ??
          (
            {
              401: "InvalidAuthenticationToken",
              403: "accessDenied",
              429: "TooManyRequests",
              503: "serviceNotAvailable",
              507: "quotaLimitReached",
            } as Record<number, string>
          )[rule.status] ??
          "generalException";
        const bodyJson = JSON.stringify({
          error: {
            code,
            message: rule.message ?? `Stand-in failure ${rule.status}`,
            innerError: rule.innerCode ? { code: rule.innerCode } : { date: new Date().toISOString() },
          },
        });
        res.writeHead(rule.status, { "Content-Type": "application/json", ...rule.headers });
        res.end(bodyJson);
        return;
      }
    }
    try {
      await handle(req, res, rec, body);
    } catch (e) {
      if (!res.headersSent) graphError(res, 500, "generalException", String(e));
    }
  });
  server.on("connection", (so) => {
    sockets.add(so);
    so.on("close", () => sockets.delete(so));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  s.origin = `http://127.0.0.1:${port}`;
  s.baseUrl = `${s.origin}/v1.0`;
  return s;
}
