import {
  type AttachmentFacts,
  decide,
  type DecisionInput,
  looksLikePasswordMail,
} from "../../src/core/decision";
import { DEFAULT_POLICY, type RuleMode, type TenantPolicy } from "../../src/core/policy";
import type { Grade } from "../../src/core/verdict";
import { gradeReport } from "../helpers/reports";

const report = gradeReport;

const zipcrypto: AttachmentFacts = {
  name: "見積.zip",
  kind: "file",
  finding: { format: "zip", passwordProtected: true, method: "zipcrypto" },
};
const pdf: AttachmentFacts = {
  name: "report.pdf",
  kind: "file",
  finding: { format: "pdf", passwordProtected: false },
};
const cloud: AttachmentFacts = { name: "big.pptx", kind: "cloud" };
const unreadable: AttachmentFacts = {
  name: "odd.bin",
  kind: "file",
  finding: { format: "zip", passwordProtected: null, detail: "truncated" },
};

function input(
  grades: Grade[],
  attachments: AttachmentFacts[],
  policy: Partial<TenantPolicy> = {},
  extra: Partial<DecisionInput> = {},
): DecisionInput {
  const domains = grades.map((g, i) => `${g}${i}.example`);
  return {
    recipientDomains: domains,
    userDomain: "ours.example",
    reports: Object.fromEntries(domains.map((d, i) => [d, report(d, grades[i])])),
    attachments,
    policy: { ...DEFAULT_POLICY, ...policy, rules: { ...DEFAULT_POLICY.rules, ...(policy.rules ?? {}) } },
    ...extra,
  };
}

describe("decide: the table of design §4", () => {
  const gradeSets: Array<[string, Grade[]]> = [
    ["all tls", ["tls", "secure"]],
    ["one partial", ["tls", "partial"]],
    ["one no-tls", ["no-tls"]],
    ["one unknown", ["tls", "unknown"]],
    ["one no-mail", ["tls", "no-mail"]],
  ];
  const cases: Array<[string, AttachmentFacts[], Record<string, [string, string[]]>]> = [
    // attachments, then per grade set: [action, suggestion codes]
    [
      "a password-protected archive",
      [zipcrypto],
      {
        "all tls": ["block", ["send-plainly"]],
        "one partial": ["block", ["use-download-link", "send-separately"]],
        "one no-tls": ["block", ["use-download-link"]],
        "one unknown": ["block", ["use-download-link"]],
        "one no-mail": ["block", ["use-download-link"]],
      },
    ],
    [
      "plain files",
      [pdf],
      {
        "all tls": ["allow", []],
        "one partial": ["warn", ["use-download-link", "send-separately"]],
        "one no-tls": ["warn", ["use-download-link"]],
        "one unknown": ["allow", []],
        "one no-mail": ["allow", []],
      },
    ],
    [
      "no attachments",
      [],
      {
        "all tls": ["allow", []],
        "one partial": ["allow", []],
        "one no-tls": ["allow", []],
        "one unknown": ["allow", []],
        "one no-mail": ["allow", []],
      },
    ],
    [
      "only a cloud attachment (a link already)",
      [cloud],
      {
        "all tls": ["allow", []],
        "one partial": ["allow", []],
        "one no-tls": ["allow", []],
        "one unknown": ["allow", []],
        "one no-mail": ["allow", []],
      },
    ],
    [
      "an unreadable file counts as plain",
      [unreadable],
      {
        "all tls": ["allow", []],
        "one partial": ["warn", ["use-download-link", "send-separately"]],
        "one no-tls": ["warn", ["use-download-link"]],
        "one unknown": ["allow", []],
        "one no-mail": ["allow", []],
      },
    ],
  ];
  for (const [label, attachments, expected] of cases) {
    describe(label, () => {
      it.each(gradeSets)("%s", (set, grades) => {
        const d = decide(input(grades, attachments));
        expect([d.action, d.suggestions.map((s) => s.code)]).toEqual(expected[set]);
      });
    });
  }
});

describe("decide: policy modes", () => {
  it.each<[RuleMode, string]>([
    ["block", "block"],
    ["warn", "warn"],
    ["off", "allow"],
  ])("passwordProtectedAttachment=%s → %s", (mode, action) => {
    expect(
      decide(
        input(["tls"], [zipcrypto], {
          rules: { ...DEFAULT_POLICY.rules, passwordProtectedAttachment: mode },
        }),
      ).action,
    ).toBe(action);
  });

  it.each<[RuleMode, string]>([
    ["block", "block"],
    ["warn", "warn"],
    ["off", "allow"],
  ])("plainFileToUnencrypted=%s → %s", (mode, action) => {
    expect(
      decide(input(["no-tls"], [pdf], { rules: { ...DEFAULT_POLICY.rules, plainFileToUnencrypted: mode } }))
        .action,
    ).toBe(action);
  });

  it("unknownGrade=warn warns about files to domains that could not be checked", () => {
    const d = decide(
      input(["tls", "unknown"], [pdf], { rules: { ...DEFAULT_POLICY.rules, unknownGrade: "warn" } }),
    );
    expect(d.action).toBe("warn");
    expect(d.reasons).toEqual([{ code: "unknown-grade", action: "warn", domains: ["unknown1.example"] }]);
  });

  it("a pending report counts as unknown, not as its placeholder grade", () => {
    const i = input(["tls"], [zipcrypto]);
    i.reports["tls0.example"] = report("tls0.example", "tls", true);
    expect(decide(i).suggestions[0].code).toBe("use-download-link");
  });
});

describe("decide: internal recipients", () => {
  it("the user's own domain, its subdomains and the policy's internal domains are left out", () => {
    const d = decide({
      ...input([], [zipcrypto], { internalDomains: ["group.example"] }),
      recipientDomains: ["ours.example", "mail.ours.example", "group.example", "sub.group.example"],
    });
    expect(d).toEqual({
      action: "allow",
      reasons: [],
      suggestions: [],
      groups: { encrypted: [], unencrypted: [], unknown: [] },
    });
  });

  it("mixed internal and external: only the external decide", () => {
    const i = input(["no-tls"], [pdf]);
    i.recipientDomains.push("ours.example");
    const d = decide(i);
    expect(d.action).toBe("warn");
    expect(d.reasons[0].domains).toEqual(["no-tls0.example"]);
  });
});

describe("decide: service unreachable", () => {
  it("fails open by default: allow, with the reason to show in an info bar", () => {
    const d = decide(input(["unknown"], [pdf], {}, { serviceReachable: false }));
    expect(d.action).toBe("allow");
    expect(d.reasons.map((r) => r.code)).toEqual(["service-unreachable"]);
  });
  it("fails closed when the policy says so", () => {
    expect(decide(input(["unknown"], [pdf], { failOpen: false }, { serviceReachable: false })).action).toBe(
      "block",
    );
  });
  it("a password archive is blocked either way: that needs no verdict", () => {
    expect(decide(input(["unknown"], [zipcrypto], {}, { serviceReachable: false })).action).toBe("block");
  });
});

describe("the password mail of PPAP", () => {
  it.each([
    "先ほどお送りしたファイルのパスワードです。\nPW: Xk8#pq2Lm",
    "パスワード：abc12345\nよろしくお願いいたします。",
    "Password for the ZIP: Tr0ub4dor&3",
    "The pass is  hunter22 ",
  ])("%j looks like one", (body) => expect(looksLikePasswordMail(body, [])).toBe(true));

  it.each([
    "会議は 10 時からです。よろしくお願いいたします。",
    "Please reset your password on the portal.",
    "パスワードは別途お電話でお伝えします。",
  ])("%j does not", (body) => expect(looksLikePasswordMail(body, [])).toBe(false));

  it("not when a file is attached, nor in a long mail", () => {
    expect(looksLikePasswordMail("パスワード: abc12345", [pdf])).toBe(false);
    expect(looksLikePasswordMail("パスワード: abc12345 " + "あ".repeat(700), [])).toBe(false);
  });

  it("warns on send to an external recipient", () => {
    const d = decide(input(["tls"], [], {}, { body: "パスワード: Zz9kk2Qp" }));
    expect(d).toMatchObject({ action: "warn", reasons: [{ code: "password-mail", action: "warn" }] });
  });
});

describe("decide: partners that delete password-protected attachments", () => {
  const deleters = { partners: { rejectsEncryptedAttachments: ["tls0.example"] } };

  it("blocks a password-protected file to them whatever the grade, with its own reason", () => {
    const d = decide(input(["tls"], [zipcrypto], deleters));
    expect(d.action).toBe("block");
    expect(d.reasons.map((r) => r.code)).toEqual(["deletes-encrypted", "password-attachment"]);
    expect(d.reasons[0]).toMatchObject({ action: "block", domains: ["tls0.example"] });
    // The usual advice comes with it: plainly, since the path is encrypted.
    expect(d.suggestions.map((s) => s.code)).toContain("send-plainly");
  });

  it("blocks even when the password rule is off, and still advises", () => {
    const d = decide(
      input(["tls"], [zipcrypto], {
        ...deleters,
        rules: { ...DEFAULT_POLICY.rules, passwordProtectedAttachment: "off" },
      }),
    );
    expect(d.action).toBe("block");
    expect(d.reasons.map((r) => r.code)).toEqual(["deletes-encrypted"]);
    expect(d.suggestions.map((s) => s.code)).toContain("send-plainly");
  });

  it("advises a link when the path is not encrypted; covers the partner's subdomains", () => {
    const d = decide({
      ...input(["no-tls"], [zipcrypto], { partners: { rejectsEncryptedAttachments: ["no-tls0.example"] } }),
      recipientDomains: ["mail.no-tls0.example"],
      reports: { "mail.no-tls0.example": report("mail.no-tls0.example", "no-tls") },
    });
    expect(d.reasons[0]).toMatchObject({ code: "deletes-encrypted", domains: ["mail.no-tls0.example"] });
    expect(d.suggestions.map((s) => s.code)).toContain("use-download-link");
  });

  it("says nothing of it for plain files, or for partners not on the list", () => {
    expect(decide(input(["tls"], [pdf], deleters)).reasons.map((r) => r.code)).not.toContain(
      "deletes-encrypted",
    );
    expect(
      decide(
        input(["tls"], [zipcrypto], { partners: { rejectsEncryptedAttachments: ["other.example"] } }),
      ).reasons.map((r) => r.code),
    ).not.toContain("deletes-encrypted");
  });
});
