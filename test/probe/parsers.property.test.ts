/**
 * Property tests (fast-check) for the parsers that read what a stranger wrote, besides the
 * attachment inspector: SMTP replies and EHLO, the MTA-STS policy text, domains and addresses.
 */
import fc from "fast-check";
import { PassThrough } from "node:stream";
import type { Socket } from "node:net";
import { InvalidDomain, parseMailDomain } from "../../src/core/domain";
import { parseStsPolicy } from "../../src/probe/mtasts";
import { offersStartTls, ProbeError, ReplyReader, takeReply } from "../../src/probe/smtp";
import { MAX_RECIPIENTS, parseRecipients } from "../../src/server/files/routes";

const RUNS = { numRuns: 500 };
const code = fc.integer({ min: 200, max: 599 });
const text = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, " "));
/** A well-formed reply: its code, and its lines as sent. */
const reply = fc.tuple(code, fc.array(text, { minLength: 1, maxLength: 8 })).map(([c, lines]) => ({
  code: c,
  lines,
  wire: lines.map((l, i) => `${c}${i < lines.length - 1 ? "-" : " "}${l}`),
}));

describe("SMTP replies", () => {
  it("any lines at all: a reply, 'not yet', or a ProbeError — never another exception", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 5000 }), { maxLength: 300 }), (lines) => {
        try {
          const { reply: r, used } = takeReply(lines);
          if (r) expect(used).toBeGreaterThan(0);
          else expect(used).toBe(0);
        } catch (e) {
          expect(e).toBeInstanceOf(ProbeError);
        }
      }),
      RUNS,
    );
  });

  it("a well-formed multi-line reply comes back whole, and only its own lines are used", () => {
    fc.assert(
      fc.property(reply, fc.array(fc.string(), { maxLength: 3 }), (r, after) => {
        const { reply: got, used } = takeReply([...r.wire, ...after]);
        expect(got).toEqual({ code: r.code, lines: r.lines });
        expect(used).toBe(r.wire.length);
        // Cut short, it is not a reply yet.
        expect(takeReply(r.wire.slice(0, -1)).reply).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("STARTTLS is found among any extensions, in any case, and only as a keyword", () => {
    const ext = fc.constantFrom<string>(
      "PIPELINING",
      "SIZE 10240000",
      "8BITMIME",
      "AUTH PLAIN LOGIN",
      "ENHANCEDSTATUSCODES",
      "XSTARTTLS",
      "STARTTLSX",
    );
    fc.assert(
      fc.property(
        fc.array(ext, { maxLength: 6 }),
        fc.boolean(),
        fc.constantFrom("STARTTLS", "starttls", "StartTLS"),
        fc.nat(6),
        (exts, with_, kw, at) => {
          const lines = [...exts];
          if (with_) lines.splice(Math.min(at, lines.length), 0, kw);
          expect(offersStartTls({ code: 250, lines: ["mx.example.jp Hello", ...lines] })).toBe(with_);
        },
      ),
      RUNS,
    );
  });

  it("the socket reader gives the same replies however the bytes are split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(reply, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(50), { maxLength: 30 }),
        async (replies, cuts) => {
          const wire = replies.map((r) => r.wire.join("\r\n") + "\r\n").join("");
          const sock = new PassThrough();
          const reader = new ReplyReader(sock as unknown as Socket);
          let pos = 0;
          for (const c of cuts) {
            if (pos >= wire.length) break;
            sock.write(Buffer.from(wire.slice(pos, pos + c + 1), "latin1"));
            pos += c + 1;
          }
          sock.write(Buffer.from(wire.slice(pos), "latin1"));
          for (const r of replies)
            expect(await reader.read(1000, "t")).toEqual({ code: r.code, lines: r.lines });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("MTA-STS policy text", () => {
  it("any text: a policy within the limits, or an error with a code — never another exception", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom(
        "version: STSv1",
        "mode: enforce",
        "mode: testing",
        "max_age: 86400",
        "max_age: 99999999999",
      ),
      fc.string({ maxLength: 400 }).map((s) => `mx: ${s}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), fc.constantFrom("\n", "\r\n"), (lines, eol) => {
        let r;
        try {
          r = parseStsPolicy(lines.join(eol), "id1");
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^mta-sts-/);
          return;
        }
        if ("error" in r) return;
        expect(["enforce", "testing", "none"]).toContain(r.mode);
        expect(r.mx.length).toBeLessThanOrEqual(32);
        for (const m of r.mx) expect(m.length).toBeLessThanOrEqual(253);
        expect(r.maxAge).toBeLessThanOrEqual(31_557_600);
      }),
      RUNS,
    );
  });

  it("a valid policy is read back as written", () => {
    const host = fc.stringMatching(/^(\*\.)?[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){1,3}$/);
    fc.assert(
      fc.property(
        fc.constantFrom("enforce", "testing"),
        fc.array(host, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 31_557_600 }),
        (mode, mx, maxAge) => {
          const text = [
            "version: STSv1",
            `mode: ${mode}`,
            ...mx.map((m) => `mx: ${m}`),
            `max_age: ${maxAge}`,
          ].join("\r\n");
          expect(parseStsPolicy(text, "abc")).toEqual({ mode, id: "abc", mx, maxAge });
        },
      ),
      RUNS,
    );
  });
});

describe("domains and addresses", () => {
  const valid = (ascii: string) => {
    expect(ascii.length).toBeLessThanOrEqual(253);
    const labels = ascii.split(".");
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const l of labels) expect(l).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
  };

  it("any input: a valid ASCII domain whose Unicode form parses back to it, or InvalidDomain", () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: "grapheme", maxLength: 80 }),
      fc.constantFrom(
        "例え.テスト",
        "ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ",
        "a@b@c.jp",
        "[1.2.3.4]",
        "xn--zz.jp",
        "x..jp",
        "-a.jp",
      ),
    );
    fc.assert(
      fc.property(junk, (s) => {
        let d;
        try {
          d = parseMailDomain(s);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidDomain);
          return;
        }
        valid(d.ascii);
        expect(parseMailDomain(d.ascii).ascii).toBe(d.ascii);
        expect(parseMailDomain(d.unicode).ascii).toBe(d.ascii);
      }),
      RUNS,
    );
  });

  it("an address, a display-name form and the bare domain give the same domain", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 2, maxLength: 4 }),
        fc.stringMatching(/^[a-z0-9._+-]{1,20}$/),
        (labels, local) => {
          const domain = labels.join(".");
          let d;
          try {
            d = parseMailDomain(domain);
          } catch (e) {
            expect(e).toBeInstanceOf(InvalidDomain); // e.g. an all-digit top label
            return;
          }
          expect(parseMailDomain(`${local}@${domain}`)).toEqual(d);
          expect(parseMailDomain(`Taro <${local}@${domain.toUpperCase()}>`)).toEqual(d);
        },
      ),
      RUNS,
    );
  });

  it("a recipient list: each entry a lower-case address with a valid domain, no duplicates, at most 100 — or an error", () => {
    const entry = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/),
          fc.constantFrom("Partner.JP", "x.test", "例え.jp", "bad_.jp"),
        )
        .map(([l, d]) => `${l}@${d}`),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 120 }), (entries) => {
        let list: string[];
        try {
          list = parseRecipients(entries.join(","));
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          return;
        }
        expect(list.length).toBeLessThanOrEqual(MAX_RECIPIENTS);
        expect(new Set(list).size).toBe(list.length);
        for (const a of list) {
          expect(a).toBe(a.toLowerCase());
          expect(a).toMatch(/^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/);
          valid(parseMailDomain(a.slice(a.lastIndexOf("@") + 1)).ascii);
        }
      }),
      RUNS,
    );
  });
});
