import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The harness's relay (Postfix on 127.0.0.41, started by test/harness/up.sh) delivers every message
 * to one maildir; these read it. Use a fresh address per test so parallel tests never meet.
 */
export const RELAY = {
  MAILTLS_SMTP_RELAY: "smtp://127.0.0.41:25",
  MAILTLS_MAIL_FROM: "noreply@ours.example",
};
const INBOX = join(process.env.TMPDIR || tmpdir(), "mailtls-harness/postfix/relay.test/mail/inbox/new");

export const freshAddress = (domain: string) => `r${Math.random().toString(36).slice(2, 12)}@${domain}`;

/** The messages the relay delivered to `address` so far. */
export function mailTo(address: string): string[] {
  if (!existsSync(INBOX)) return [];
  return readdirSync(INBOX)
    .map((f) => readFileSync(join(INBOX, f), "utf8"))
    .filter((m) => new RegExp(`^To: ${address.replace(/[.]/g, "\\.")}\\s*$`, "mi").test(m));
}

/** A header's value with RFC 2047 encoded words (how nodemailer writes a Japanese subject) decoded. */
export function header(mail: string, name: string): string {
  const raw = new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, "mi").exec(mail)?.[1] ?? "";
  return raw
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === "b"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9a-f]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    );
}

/** The one-time code in the first mail to `address`, waiting up to 10 s for it to arrive. */
export async function codeFor(address: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = mailTo(address)[0];
    const code = m && /(\d{6})/.exec(header(m, "Subject"))?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code arrived for ${address}`);
}

/** The one-time codes in the first `n` mails to `address`, oldest first, waiting up to 10 s for them. */
export async function codesFor(address: string, n: number): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const mails = mailTo(address);
    if (mails.length >= n) {
      const dated = mails.map((m) => ({ m, at: Date.parse(header(m, "Date")) || 0 }));
      return dated
        .sort((a, b) => a.at - b.at)
        .map(({ m }) => /(\d{6})/.exec(header(m, "Subject"))?.[1] ?? "");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`fewer than ${n} codes arrived for ${address}`);
}
