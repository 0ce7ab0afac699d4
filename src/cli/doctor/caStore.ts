/**
 * ca-store: the certificates the probe judges MX certificates and fetches MTA-STS policies with —
 * Node's bundled roots, and NODE_EXTRA_CA_CERTS (a PEM file Node reads once at start) when set.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { t } from "../../core/i18n";
import { type Check, errorText, verdict } from "./types";

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The number of certificates in a PEM file; throws with the reason it is not one. */
function countCertificates(text: string): number {
  const blocks = text.match(PEM) ?? [];
  if (blocks.length === 0) throw new Error("no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch (e) {
      throw new Error(`certificate ${i + 1}: ${errorText(e)}`);
    }
  });
  return blocks.length;
}

export const caStore: Check = async ({ env, lang }) => {
  const roots = rootCertificates.length;
  if (roots === 0) return verdict("fail", t(lang, "doctor.ca.noRoots"), t(lang, "doctor.ca.noRoots.fix"));
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return verdict("ok", t(lang, "doctor.ca.ok", { roots }));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return verdict(
      "fail",
      t(lang, "doctor.ca.unreadable", { file, error: (e as NodeJS.ErrnoException).code ?? errorText(e) }),
      t(lang, "doctor.ca.extra.fix"),
    );
  }
  try {
    return verdict("ok", t(lang, "doctor.ca.okExtra", { roots, file, n: countCertificates(text) }));
  } catch (e) {
    return verdict(
      "fail",
      t(lang, "doctor.ca.garbage", { file, error: (e as Error).message }),
      t(lang, "doctor.ca.extra.fix"),
    );
  }
};
