import { getJson, postJson, type RunningService, startService } from "../helpers/service";

describe("probe service API against the local real servers", () => {
  let svc: RunningService;
  beforeAll(async () => (svc = await startService()));
  afterAll(() => svc.close());

  it("GET /api/v1/domains/:domain probes, then serves from the cache", async () => {
    const first = await getJson(`${svc.url}/api/v1/domains/good.test`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ domain: "good.test", grade: "tls" });
    expect(first.body.mx[0].tls.certificate).toMatchObject({ trusted: true, nameMatches: true });
    const before = svc.prober.probes;
    const second = await getJson(`${svc.url}/api/v1/domains/good.test`);
    expect(second.body.checkedAt).toBe(first.body.checkedAt);
    expect(svc.prober.probes).toBe(before);
  });

  it("answers with the MTA-STS, TLS-RPT and DANE facts, through the response schema and from the cache", async () => {
    for (let i = 0; i < 2; i++) {
      const sts = (await getJson(`${svc.url}/api/v1/domains/sts-enforce.test`)).body;
      expect(sts.grade).toBe("secure");
      expect(sts.mtaSts).toMatchObject({ mode: "enforce", mx: ["mx1.good.test"], maxAge: 86400 });
      expect(sts.tlsRpt).toEqual({ rua: ["mailto:tlsrpt@sts-enforce.test"] });
      const dane = (await getJson(`${svc.url}/api/v1/domains/dane-valid.test`)).body;
      expect(dane.grade).toBe("secure");
      expect(dane.mx[0].dane).toMatchObject({ dnssec: true, matched: true });
      expect(dane.dane).toEqual({ tlsa: true, dnssec: true, usable: true });
    }
  });

  it("accepts an address or a Unicode domain and answers for the domain", async () => {
    const r = await getJson(`${svc.url}/api/v1/domains/${encodeURIComponent("担当@例え.test")}`);
    expect(r.body).toMatchObject({ domain: "xn--r8jz45g.test", displayDomain: "例え.test", grade: "tls" });
  });

  it("POST /check answers in ASCII only (Japanese as \\u escapes), which no charset guess can garble", async () => {
    const res = await fetch(`${svc.url}/api/v1/check?view=compact`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ domains: ["例え.test"] }),
    });
    const text = await res.text();
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).toContain("\\u4f8b\\u3048.test");
    expect(JSON.parse(text).reports[0]).toMatchObject({
      domain: "xn--r8jz45g.test",
      displayDomain: "例え.test",
    });
  });

  it("?refresh=true probes again", async () => {
    await getJson(`${svc.url}/api/v1/domains/notls.test`);
    const before = svc.prober.byDomain.get("notls.test");
    const r = await getJson(`${svc.url}/api/v1/domains/notls.test?refresh=true`);
    expect(r.body.grade).toBe("no-tls");
    expect(svc.prober.byDomain.get("notls.test")).toBe((before ?? 0) + 1);
  });

  it("POST /api/v1/check returns reports in request order, addresses reduced to domains", async () => {
    const r = await postJson(`${svc.url}/api/v1/check?waitMs=10000`, {
      domains: ["a@partial.test", "nullmx.test", "GOOD.test", "someone@good.test"],
    });
    expect(r.status).toBe(200);
    expect(r.body.reports.map((x: { domain: string; grade: string }) => [x.domain, x.grade])).toEqual([
      ["partial.test", "partial"],
      ["nullmx.test", "no-mail"],
      ["good.test", "tls"],
      ["good.test", "tls"],
    ]);
  });

  it("?view=compact answers with the grade and reasons only, as the add-in asks", async () => {
    const r = await postJson(`${svc.url}/api/v1/check?view=compact&waitMs=10000`, {
      domains: ["partial.test"],
    });
    expect(r.status).toBe(200);
    expect(r.body.reports).toEqual([
      {
        domain: "partial.test",
        displayDomain: "partial.test",
        grade: "partial",
        checkedAt: expect.any(String),
        expiresAt: expect.any(String),
        reasons: ["mx-no-starttls:mx2.partial.test"],
      },
    ]);
    const bad = await postJson(`${svc.url}/api/v1/check?view=tiny`, { domains: ["partial.test"] });
    expect(bad.status).toBe(400);
  });

  it("domains not done within waitMs come back as unknown and pending, and finish in the background", async () => {
    const r = await postJson(`${svc.url}/api/v1/check?waitMs=0`, { domains: ["mismatch.test"] });
    expect(r.body.reports[0]).toMatchObject({ domain: "mismatch.test", grade: "unknown", pending: true });
    for (let i = 0; i < 100; i++) {
      const again = await postJson(`${svc.url}/api/v1/check?waitMs=0`, { domains: ["mismatch.test"] });
      if (!again.body.reports[0].pending) {
        expect(again.body.reports[0].grade).toBe("tls");
        return;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error("the background probe never finished");
  });

  describe("bad input gets a 4xx with an error code and probes nothing", () => {
    it.each([
      ["GET", "/api/v1/domains/localhost", undefined, 400, "invalid-domain"],
      ["GET", "/api/v1/domains/192.0.2.1", undefined, 400, "invalid-domain"],
      ["GET", `/api/v1/domains/${encodeURIComponent("bad_name.test")}`, undefined, 400, "invalid-domain"],
      ["GET", "/api/v1/domains/good.test?waitMs=-1", undefined, 400, "bad-request"],
      ["POST", "/api/v1/check", { domains: ["good.test", "localhost"] }, 400, "invalid-domain"],
      [
        "POST",
        "/api/v1/check",
        { domains: Array.from({ length: 101 }, (_, i) => `d${i}.test`) },
        400,
        "bad-request",
      ],
      ["POST", "/api/v1/check", { domains: [] }, 400, "bad-request"],
      ["POST", "/api/v1/check", { domain: "good.test" }, 400, "bad-request"],
      ["POST", "/api/v1/check", "{not json", 400, "invalid-json"],
      ["POST", "/api/v1/check", { domains: ["x".repeat(400) + ".test"] }, 400, "bad-request"],
      ["GET", "/api/v1/nothing-here", undefined, 404, "not-found"],
    ])("%s %s %j → %i %s", async (method, path, body, status, code) => {
      const before = svc.prober.probes;
      const r = await getJson(svc.url + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      expect(r.status).toBe(status);
      expect(r.body).toEqual({ error: { code, message: expect.any(String) } });
      expect(svc.prober.probes).toBe(before);
    });

    it("a body over the size limit is refused", async () => {
      const r = await getJson(`${svc.url}/api/v1/check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ domains: ["a.test"], pad: "x".repeat(100_000) }),
      });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe("too-large");
    });
  });

  it("GET /api/v1/policy returns the documented defaults", async () => {
    const r = await getJson(`${svc.url}/api/v1/policy`);
    expect(r.body).toMatchObject({
      failOpen: true,
      linkProvider: "builtin",
      rules: { passwordProtectedAttachment: "block" },
    });
  });

  it("health, readiness, metrics and OpenAPI", async () => {
    expect((await getJson(`${svc.url}/healthz`)).body).toEqual({ status: "ok" });
    expect((await getJson(`${svc.url}/readyz`)).body).toEqual({ status: "ready", store: "sqlite" });
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/mailtls_probes_total\{grade="tls"\} \d+/);
    expect(metrics).toMatch(/mailtls_cache_hits_total [1-9]/);
    expect(metrics).toMatch(/mailtls_cache_misses_total [1-9]/);
    expect(metrics).toMatch(/mailtls_http_request_duration_seconds_bucket/);
    const api = (await getJson(`${svc.url}/openapi.json`)).body;
    expect(api.openapi).toMatch(/^3\./);
    expect(Object.keys(api.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/domains/{domain}",
        "/api/v1/check",
        "/api/v1/policy",
        "/api/v1/admin/domains",
      ]),
    );
    expect(api.components.schemas.DomainReport ?? api.components.schemas["def-0"]).toBeDefined();
  });

  it("logs never contain full e-mail addresses", async () => {
    await getJson(`${svc.url}/api/v1/domains/${encodeURIComponent("taro.yamada@good.test")}`);
    await getJson(`${svc.url}/api/v1/domains/hanako@good.test`);
    const all = svc.logs.join("\n");
    expect(all).toContain("***");
    expect(all).not.toMatch(/taro\.yamada|hanako/);
  });
});

describe("answers made once for the same names", () => {
  let svc: RunningService;
  beforeAll(async () => (svc = await startService()));
  afterAll(() => svc.close());

  it("the same list asked again gets the same answer until a verdict changes, then the new one", async () => {
    const ask = async (domains: string[], view = "full") =>
      (await postJson(`${svc.url}/api/v1/check?view=${view}&waitMs=8000`, { domains })).body as {
        reports: Array<{ domain: string; checkedAt: string; mx?: unknown }>;
      };
    const hits = async () =>
      Number(/^mailtls_cache_hits_total (\d+)/m.exec(await (await fetch(`${svc.url}/metrics`)).text())?.[1]);
    const first = await ask(["good.test", "notls.test"]);
    const again = await ask(["good.test", "notls.test"]);
    expect(again).toEqual(first);
    // Answers served again still count their look-ups, each domain each time.
    const before = await hits();
    for (let i = 0; i < 5; i++) expect(await ask(["good.test", "notls.test"])).toEqual(first);
    expect((await hits()) - before).toBe(10);
    // Another view, an address, a repeat: each answered for what was asked, in its order.
    const compact = await ask(["sato@notls.test", "good.test", "GOOD.TEST"], "compact");
    expect(compact.reports.map((r) => r.domain)).toEqual(["notls.test", "good.test", "good.test"]);
    expect(compact.reports[0].mx).toBeUndefined();
    // Checked again: the next answer carries the new verdict.
    const fresh = (await getJson(`${svc.url}/api/v1/domains/good.test?refresh=true`)).body as {
      checkedAt: string;
    };
    expect(fresh.checkedAt).not.toBe(first.reports[0].checkedAt);
    const after = await ask(["good.test", "notls.test"]);
    expect(after.reports[0].checkedAt).toBe(fresh.checkedAt);
    expect(after.reports[1]).toEqual(first.reports[1]);
  });
});
