import { decide, type DecisionInput } from "../../src/core/decision";
import {
  decisionMessage,
  INFO_BAR_MAX,
  recipientSummary,
  SMART_ALERT_MAX,
} from "../../src/core/decisionText";
import { DEFAULT_POLICY } from "../../src/core/policy";
import type { Grade } from "../../src/core/verdict";
import { gradeReport } from "../helpers/reports";

const report = gradeReport;
const zip = {
  name: "見積書.zip",
  kind: "file" as const,
  finding: { format: "zip" as const, passwordProtected: true, method: "zipcrypto" },
};
const pdf = {
  name: "report.pdf",
  kind: "file" as const,
  finding: { format: "pdf" as const, passwordProtected: false },
};

function decision(domains: Array<[string, Grade]>, attachments: DecisionInput["attachments"]) {
  return decide({
    recipientDomains: domains.map(([d]) => d),
    reports: Object.fromEntries(domains.map(([d, g]) => [d, report(d, g)])),
    attachments,
    policy: DEFAULT_POLICY,
  });
}

describe("decision messages", () => {
  it("password ZIP to TLS recipients: send it plainly (ja, en)", () => {
    const d = decision([["partner.co.jp", "tls"]], [zip]);
    expect(decisionMessage("ja", d)).toContain("パスワードを付けずにそのまま添付してください");
    expect(decisionMessage("ja", d)).toContain("見積書.zip");
    expect(decisionMessage("en", d)).toContain("attach the file without a password");
  });

  it("password ZIP to a no-TLS recipient: use a download link (ja, en)", () => {
    const d = decision([["old.example", "no-tls"]], [zip]);
    expect(decisionMessage("ja", d)).toContain("ダウンロードリンクで送ってください");
    expect(decisionMessage("en", d)).toContain("use a download link");
    expect(decisionMessage("en", d)).toContain("old.example");
  });

  it("mixed recipients add the advice to send separately", () => {
    const d = decision(
      [
        ["a.example", "tls"],
        ["b.example", "no-tls"],
      ],
      [pdf],
    );
    const en = decisionMessage("en", d);
    expect(en).toContain("would travel unencrypted to b.example");
    expect(en).toContain("(a.example) can get the file plainly in a separate mail");
  });

  it("stays within Smart Alerts' 500 characters however many names", () => {
    const many = Array.from(
      { length: 60 },
      (_, i) => [`very-long-partner-domain-name-${i}.example.co.jp`, "no-tls"] as [string, Grade],
    );
    const files = Array.from({ length: 30 }, (_, i) => ({
      ...zip,
      name: `とても長いファイル名の見積書-${i}.zip`,
    }));
    for (const lang of ["ja", "en"] as const) {
      const text = decisionMessage(lang, decision(many, [...files, pdf]));
      expect(text.length).toBeLessThanOrEqual(SMART_ALERT_MAX);
      expect(text).toMatch(lang === "ja" ? /ほか \d+ 件/ : /and \d+ more/);
    }
  });

  it("the info bar summary fits in 150 characters", () => {
    const groups = {
      encrypted: [],
      unencrypted: Array.from({ length: 40 }, (_, i) => `partner-${i}.example.co.jp`),
      unknown: [],
    };
    for (const lang of ["ja", "en"] as const)
      expect(recipientSummary(lang, groups).length).toBeLessThanOrEqual(INFO_BAR_MAX);
    expect(recipientSummary("en", { encrypted: ["a.jp"], unencrypted: [], unknown: [] })).toBe(
      "Every external recipient accepts encrypted mail (STARTTLS).",
    );
    expect(recipientSummary("ja", { encrypted: [], unencrypted: [], unknown: ["b.jp"] })).toBe(
      "暗号化対応を確認中: b.jp",
    );
  });
});

describe("decisionMessage: partners that delete password-protected attachments", () => {
  const policy = {
    ...DEFAULT_POLICY,
    partners: { rejectsEncryptedAttachments: ["example.co.jp"] },
  };
  it("names the partner first, then the usual advice, in both languages", () => {
    const d = decide({
      recipientDomains: ["example.co.jp"],
      reports: { "example.co.jp": report("example.co.jp", "tls") },
      attachments: [zip],
      policy,
    });
    expect(decisionMessage("en", d)).toMatch(
      /^example\.co\.jp deletes password-protected attachments: it would not arrive\.\s[\s\S]*attach the file without a password/,
    );
    expect(decisionMessage("ja", d)).toMatch(
      /^example\.co\.jp はパスワード付きの添付ファイルを削除するため、届きません。/,
    );
    expect(decisionMessage("en", d).length).toBeLessThanOrEqual(SMART_ALERT_MAX);
  });
  it("with the password rule off, the advice still comes (a link when not encrypted)", () => {
    const d = decide({
      recipientDomains: ["example.co.jp"],
      reports: { "example.co.jp": report("example.co.jp", "no-tls") },
      attachments: [zip],
      policy: { ...policy, rules: { ...policy.rules, passwordProtectedAttachment: "off" } },
    });
    const en = decisionMessage("en", d);
    expect(en).toMatch(/^example\.co\.jp deletes password-protected attachments: it would not arrive\./);
    expect(en).toMatch(/download link/);
  });
});
