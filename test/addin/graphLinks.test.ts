import { randomBytes } from "node:crypto";
import {
  FRAGMENT_UNIT,
  GraphLinkError,
  type GraphLinkOptions,
  type GraphShareRequest,
  retryAfterMs,
  sanitizeName,
  shareViaGraph,
} from "../../src/addin/graphLinks";
import { type GraphStandIn, startGraphStandIn } from "../helpers/graphStandIn";

let g: GraphStandIn;
let tokenCalls: number;

beforeEach(async () => {
  g = await startGraphStandIn();
  tokenCalls = 0;
});
afterEach(async () => {
  await g.close();
});

const EXPIRES = new Date("2030-01-02T03:04:05.678Z");

function opts(extra: Partial<GraphLinkOptions> = {}): GraphLinkOptions {
  return {
    baseUrl: g.baseUrl,
    token: async () => {
      tokenCalls++;
      return g.token;
    },
    timeoutMs: 5000,
    ...extra,
  };
}

function req(extra: Partial<GraphShareRequest> = {}): GraphShareRequest {
  return {
    name: "report.pdf",
    bytes: new Uint8Array(randomBytes(12_345)),
    scope: "recipients",
    recipients: ["ryan@fabrikam.example", "sara@contoso.example"],
    expiresAt: EXPIRES,
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<GraphLinkError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GraphLinkError);
    return e as GraphLinkError;
  }
  throw new Error("expected a GraphLinkError");
}

const graphCalls = () => g.requests.filter((r) => r.path.startsWith("/v1.0/"));
const uploadCalls = () => g.requests.filter((r) => r.path.startsWith("/upload/"));

describe("shareViaGraph against the Graph stand-in", () => {
  test("small file: one PUT into approot, invite for the recipients, bytes equal", async () => {
    const r = req();
    const progress: number[] = [];
    const out = await shareViaGraph(r, opts({ onProgress: (f) => progress.push(f) }));

    const puts = g.requests.filter((x) => x.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toBe("/v1.0/me/drive/special/approot:/MailTLS Guard/report.pdf:/content");
    expect(puts[0].rawUrl).toContain("/approot:/MailTLS%20Guard/report.pdf:/content");
    expect(puts[0].query.get("@microsoft.graph.conflictBehavior")).toBe("rename");
    expect(g.requests.some((x) => x.path.endsWith("/createUploadSession"))).toBe(false);

    const item = g.items.get(out.itemId)!;
    expect(Buffer.compare(item.bytes, Buffer.from(r.bytes))).toBe(0);
    expect(out).toMatchObject({ name: "report.pdf", size: 12_345, scope: "recipients" });

    const invite = g.requests.find((x) => x.path.endsWith("/invite"))!;
    expect(invite.path).toBe(`/v1.0/me/drive/items/${out.itemId}/invite`);
    expect(invite.json).toEqual({
      recipients: [{ email: "ryan@fabrikam.example" }, { email: "sara@contoso.example" }],
      requireSignIn: true,
      sendInvitation: false,
      roles: ["read"],
      expirationDateTime: "2030-01-02T03:04:05Z",
    });
    expect(g.requests.some((x) => x.path.endsWith("/createLink"))).toBe(false);
    const perm = item.permissions[0];
    expect(perm.link.scope).toBe("users");
    expect(perm.grantedToIdentitiesV2.map((i: any) => i.user.email)).toEqual(r.recipients);
    expect(out.url).toBe(perm.link.webUrl);
    expect(out.expiresAt).toBe("2030-01-02T03:04:05Z");
    expect(out.expiryConfirmed).toBe(true);
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(1);

    // A token for every Graph request, Authorization on each, the token itself never in a URL.
    expect(tokenCalls).toBe(graphCalls().length);
    for (const x of graphCalls()) expect(x.headers.authorization).toBe(`Bearer ${g.token}`);
    expect(g.requests.every((x) => !x.rawUrl.includes(g.token))).toBe(true);
    expect(g.violations).toEqual([]);
  });

  test("recipients when invite grants directly (no link): the item's webUrl, expiry not claimed as confirmed", async () => {
    g.inviteMode = "direct";
    const out = await shareViaGraph(req(), opts());
    const item = g.items.get(out.itemId)!;
    expect(item.permissions.map((p) => p.invitation.email)).toEqual([
      "ryan@fabrikam.example",
      "sara@contoso.example",
    ]);
    expect(out.url).toMatch(/^https:\/\/contoso-my\.sharepoint\.com\/personal\/.*report\.pdf$/);
    expect(out.expiryConfirmed).toBe(false);
    expect(g.requests.some((x) => x.path.endsWith("/createLink"))).toBe(false);
  });

  test("recipients with no addresses fails and leaves no file", async () => {
    const e = await failure(shareViaGraph(req({ recipients: [" "] }), opts()));
    expect(e.code).toBe("failed");
    expect(g.items.size).toBe(0);
  });

  test("large file (7 MB, chunk 4 × 320 KiB): upload session, fragments, progress to 1, bytes equal", async () => {
    const bytes = new Uint8Array(randomBytes(7_000_000));
    const chunk = 4 * FRAGMENT_UNIT;
    const progress: number[] = [];
    const out = await shareViaGraph(
      req({ name: "big video.mp4", bytes, scope: "organization" }),
      opts({ chunkBytes: chunk, onProgress: (f) => progress.push(f) }),
    );

    const create = g.requests.find((x) => x.path.endsWith("/createUploadSession"))!;
    expect(create.method).toBe("POST");
    expect(create.path).toBe(
      "/v1.0/me/drive/special/approot:/MailTLS Guard/big video.mp4:/createUploadSession",
    );
    expect(create.json).toEqual({ item: { "@microsoft.graph.conflictBehavior": "rename" } });

    const frags = uploadCalls().filter((x) => x.method === "PUT");
    expect(frags).toHaveLength(Math.ceil(bytes.length / chunk));
    frags.forEach((f, i) => {
      const start = i * chunk;
      const end = Math.min(start + chunk, bytes.length) - 1;
      expect(f.headers["content-range"]).toBe(`bytes ${start}-${end}/${bytes.length}`);
      expect(f.headers["content-length"]).toBe(String(end - start + 1));
      expect(f.headers.authorization).toBeUndefined();
      expect(f.status).toBe(i === frags.length - 1 ? 201 : 202);
    });
    expect(g.violations).toEqual([]);

    const item = g.items.get(out.itemId)!;
    expect(item.bytes.length).toBe(bytes.length);
    expect(Buffer.compare(item.bytes, Buffer.from(bytes))).toBe(0);
    expect(out.size).toBe(bytes.length);

    expect(progress.length).toBeGreaterThanOrEqual(frags.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]);
    expect(progress[progress.length - 1]).toBe(1);

    const link = g.requests.find((x) => x.path.endsWith("/createLink"))!;
    expect(link.json).toEqual({
      type: "view",
      scope: "organization",
      expirationDateTime: "2030-01-02T03:04:05Z",
    });
    expect(out.url).toBe(item.permissions[0].link.webUrl);
  });

  test("chunkBytes that is not a multiple of 320 KiB is refused before any request", async () => {
    const e = await failure(
      shareViaGraph(req({ bytes: new Uint8Array(5_000_000) }), opts({ chunkBytes: 1_000_000 })),
    );
    expect(e.code).toBe("failed");
    expect(g.requests).toHaveLength(0);
  });

  test.each(["organization", "anonymous"] as const)(
    "%s scope: createLink view with the expiry",
    async (scope) => {
      const out = await shareViaGraph(req({ scope }), opts());
      const link = g.requests.find((x) => x.path.endsWith("/createLink"))!;
      expect(link.path).toBe(`/v1.0/me/drive/items/${out.itemId}/createLink`);
      expect(link.json).toEqual({ type: "view", scope, expirationDateTime: "2030-01-02T03:04:05Z" });
      const perm = g.items.get(out.itemId)!.permissions[0];
      expect(perm.link.scope).toBe(scope);
      expect(out.url).toBe(perm.link.webUrl);
      expect(out.scope).toBe(scope);
      expect(out.expiresAt).toBe("2030-01-02T03:04:05Z");
      expect(g.requests.some((x) => x.path.endsWith("/invite"))).toBe(false);
    },
  );

  test("a name with / and : is sanitised and stays readable; conflicts are renamed by Graph", async () => {
    const a = await shareViaGraph(req({ name: 'Q3/report: "final"?.pdf', scope: "organization" }), opts());
    expect(a.name).toBe("Q3_report_ _final_.pdf");
    const put = g.requests.find((x) => x.method === "PUT")!;
    expect(put.rawUrl).toContain("/approot:/MailTLS%20Guard/Q3_report_%20_final_.pdf:/content");
    const b = await shareViaGraph(req({ name: 'Q3:report: "final"?.pdf', scope: "organization" }), opts());
    expect(b.name).toBe("Q3_report_ _final_ 1.pdf");
    expect(g.violations).toEqual([]);
  });

  test("custom folder is created under approot with encoded segments", async () => {
    const out = await shareViaGraph(
      req({ scope: "anonymous", name: "a#b%c.txt" }),
      opts({ folder: "Outbox/2030 #1" }),
    );
    const put = g.requests.find((x) => x.method === "PUT")!;
    expect(put.rawUrl).toContain("/approot:/Outbox/2030%20%231/a%23b%25c.txt:/content");
    expect(g.items.get(out.itemId)!.folder).toBe("Outbox/2030 #1");
  });

  test("cancel mid-session: DELETE of the uploadUrl, 'cancelled', nothing stored", async () => {
    const ac = new AbortController();
    const bytes = new Uint8Array(randomBytes(3_000_000));
    const e = await failure(
      shareViaGraph(
        req({ bytes }),
        opts({
          simpleUploadMaxBytes: 1_000_000,
          chunkBytes: 2 * FRAGMENT_UNIT,
          signal: ac.signal,
          onProgress: (f) => {
            if (f > 0.3) ac.abort();
          },
        }),
      ),
    );
    expect(e.code).toBe("cancelled");
    const frags = uploadCalls().filter((x) => x.method === "PUT");
    expect(frags.length).toBeGreaterThan(1);
    expect(frags.length).toBeLessThan(Math.ceil(bytes.length / (2 * FRAGMENT_UNIT)));
    const del = uploadCalls().filter((x) => x.method === "DELETE");
    expect(del).toHaveLength(1);
    expect(del[0].path).toBe(frags[0].path);
    expect(del[0].headers.authorization).toBeUndefined();
    expect(del[0].status).toBe(204);
    expect([...g.sessions.values()].every((s) => s.cancelled)).toBe(true);
    expect(g.items.size).toBe(0);
    expect(g.requests.some((x) => x.path.endsWith("/invite"))).toBe(false);
  });

  test("cancel while a fragment is in flight: the request is aborted, session deleted", async () => {
    const ac = new AbortController();
    g.fail({ method: "PUT", path: /^\/upload\//, status: 0, delayMs: 2000 });
    const p = shareViaGraph(
      req({ bytes: new Uint8Array(2_000_000) }),
      opts({ simpleUploadMaxBytes: 1_000_000, chunkBytes: FRAGMENT_UNIT, signal: ac.signal }),
    );
    setTimeout(() => ac.abort(), 200);
    const t0 = Date.now();
    const e = await failure(p);
    expect(e.code).toBe("cancelled");
    expect(Date.now() - t0).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 100));
    expect(uploadCalls().some((x) => x.method === "DELETE")).toBe(true);
    expect(g.items.size).toBe(0);
  });

  test("already-aborted signal: nothing is sent", async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await failure(shareViaGraph(req(), opts({ signal: ac.signal })));
    expect(e.code).toBe("cancelled");
    expect(g.requests).toHaveLength(0);
  });

  test("429 with Retry-After: 1 is retried after the wait, then succeeds", async () => {
    g.fail({ method: "PUT", path: /:\/content$/, status: 429, headers: { "Retry-After": "1" } });
    const t0 = Date.now();
    const out = await shareViaGraph(req({ scope: "organization" }), opts());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const puts = g.requests.filter((x) => x.method === "PUT");
    expect(puts.map((x) => x.status)).toEqual([429, 201]);
    expect(g.items.get(out.itemId)).toBeDefined();
    expect(tokenCalls).toBe(graphCalls().length); // a fresh token for the retry too
  });

  test("503 on an upload fragment is retried on the same range", async () => {
    g.fail({ method: "PUT", path: /^\/upload\//, status: 503, headers: { "Retry-After": "0" } });
    const bytes = new Uint8Array(randomBytes(1_500_000));
    const out = await shareViaGraph(
      req({ bytes, scope: "anonymous" }),
      opts({ simpleUploadMaxBytes: 1_000_000, chunkBytes: 2 * FRAGMENT_UNIT }),
    );
    const frags = uploadCalls().filter((x) => x.method === "PUT");
    expect(frags[0].status).toBe(503);
    expect(frags[1].headers["content-range"]).toBe(frags[0].headers["content-range"]);
    expect(Buffer.compare(g.items.get(out.itemId)!.bytes, Buffer.from(bytes))).toBe(0);
    expect(g.violations).toEqual([]);
  });

  test("429 three times: 'throttled' after 2 retries", async () => {
    g.fail({ method: "PUT", status: 429, headers: { "Retry-After": "0" }, times: 5 });
    const e = await failure(shareViaGraph(req(), opts()));
    expect(e.code).toBe("throttled");
    expect(e.status).toBe(429);
    expect(g.requests.filter((x) => x.method === "PUT")).toHaveLength(3);
  });

  test("401 → 'auth', no file created", async () => {
    const e = await failure(shareViaGraph(req(), opts({ token: async () => "expired-token" })));
    expect(e.code).toBe("auth");
    expect(e.status).toBe(401);
    expect(e.message).not.toContain("expired-token");
    expect(g.items.size).toBe(0);
  });

  test("token() throwing → 'auth' before any request", async () => {
    const e = await failure(
      shareViaGraph(
        req(),
        opts({
          token: async () => {
            throw new Error("interaction_required");
          },
        }),
      ),
    );
    expect(e.code).toBe("auth");
    expect(g.requests).toHaveLength(0);
  });

  test("401 on createLink after the upload: 'auth' and the uploaded item is deleted", async () => {
    g.fail({ path: /\/createLink$/, status: 401 });
    const e = await failure(shareViaGraph(req({ scope: "organization" }), opts()));
    expect(e.code).toBe("auth");
    expect(g.items.size).toBe(0);
    expect(g.requests.some((x) => x.method === "DELETE" && /^\/v1\.0\/me\/drive\/items\//.test(x.path))).toBe(
      true,
    );
  });

  test("403 on the anonymous scope → 'not-allowed' with Graph's message, no wider link, item deleted", async () => {
    g.deniedScopes.add("anonymous");
    const e = await failure(shareViaGraph(req({ scope: "anonymous" }), opts()));
    expect(e.code).toBe("not-allowed");
    expect(e.status).toBe(403);
    expect(e.message).toBe("Anonymous sharing links are disabled by your organization's policy.");
    const links = g.requests.filter((x) => x.path.endsWith("/createLink"));
    expect(links).toHaveLength(1); // no retry with "organization" or "users"
    expect(links[0].json.scope).toBe("anonymous");
    const del = g.requests.find((x) => x.method === "DELETE")!;
    expect(del.path).toMatch(/^\/v1\.0\/me\/drive\/items\/01[0-9A-F]+$/);
    expect(del.status).toBe(204);
    expect(g.items.size).toBe(0);
  });

  test("400 with a sharing-policy error on invite → 'not-allowed', item deleted", async () => {
    g.fail({
      path: /\/invite$/,
      status: 400,
      code: "invalidRequest",
      message: "The expiration date exceeds the maximum allowed by your organization's sharing policy.",
    });
    const e = await failure(shareViaGraph(req(), opts()));
    expect(e.code).toBe("not-allowed");
    expect(e.status).toBe(400);
    expect(g.items.size).toBe(0);
  });

  test("quota: 507 quotaLimitReached → 'quota' (simple upload and session)", async () => {
    g.quotaBytes = 1000;
    const a = await failure(shareViaGraph(req(), opts()));
    expect(a.code).toBe("quota");
    expect(a.status).toBe(507);
    const b = await failure(
      shareViaGraph(req({ bytes: new Uint8Array(700_000) }), opts({ simpleUploadMaxBytes: 100_000 })),
    );
    expect(b.code).toBe("quota");
    expect(uploadCalls().some((x) => x.method === "DELETE")).toBe(true);
    expect(g.items.size).toBe(0);
  });

  test("too large: 413 / maxFileSizeExceeded → 'too-large'", async () => {
    g.fail({ method: "PUT", status: 413, code: "maxFileSizeExceeded", message: "The file is too large." });
    const e = await failure(shareViaGraph(req(), opts()));
    expect(e.code).toBe("too-large");
    g.fail({
      method: "POST",
      path: /createUploadSession$/,
      status: 400,
      code: "invalidRequest",
      innerCode: "maxFileSizeExceeded",
    });
    const f = await failure(
      shareViaGraph(req({ bytes: new Uint8Array(600_000) }), opts({ simpleUploadMaxBytes: 1 })),
    );
    expect(f.code).toBe("too-large");
  });

  test("request timeout → 'failed', and the uploaded item is removed", async () => {
    g.fail({ path: /\/createLink$/, status: 0, delayMs: 1500 });
    const t0 = Date.now();
    const e = await failure(shareViaGraph(req({ scope: "organization" }), opts({ timeoutMs: 300 })));
    expect(e.code).toBe("failed");
    expect(e.message).toMatch(/300 ms/);
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(g.items.size).toBe(0);
  });

  test("network error → 'failed'", async () => {
    const base = g.baseUrl;
    await g.close();
    const e = await failure(shareViaGraph(req(), { ...opts(), baseUrl: base }));
    expect(e.code).toBe("failed");
    g = await startGraphStandIn(); // for afterEach
  });
});

describe("helpers", () => {
  test("sanitizeName", () => {
    expect(sanitizeName('a/b\\c:d*e?f"g<h>i|j.txt')).toBe("a_b_c_d_e_f_g_h_i_j.txt");
    expect(sanitizeName("tab\there\u0000.doc")).toBe("tab_here_.doc");
    expect(sanitizeName("  name.  ")).toBe("name");
    expect(sanitizeName("")).toBe("attachment");
    expect(sanitizeName("///")).toBe("attachment");
    expect(sanitizeName("CON.txt")).toBe("_CON.txt");
    expect(sanitizeName("~$lock.docx")).toBe("_~$lock.docx");
    expect(sanitizeName("請求書 2030年.pdf")).toBe("請求書 2030年.pdf");
    const long = sanitizeName("x".repeat(300) + ".xlsx");
    expect(long).toHaveLength(200);
    expect(long.endsWith(".xlsx")).toBe(true);
  });

  test("retryAfterMs: seconds or HTTP date", () => {
    expect(retryAfterMs("1")).toBe(1000);
    expect(retryAfterMs(null)).toBe(1000);
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(retryAfterMs("Tue, 01 Jan 2030 00:00:05 GMT", now)).toBe(5000);
  });
});
