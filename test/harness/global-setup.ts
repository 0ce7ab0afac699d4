import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * Starts the real-server harness once for the whole test run: dnsmasq on 127.0.0.53 and the private
 * Postfix instances (test/harness/up.sh). Needs root and Debian's postfix and dnsmasq-base, which
 * .ci/run installs. Fails loudly rather than skipping: a probe test without servers proves nothing.
 */
export default function globalSetup(): void {
  if (process.env.MAILTLS_TEST_NO_HARNESS === "1") return;
  execFileSync("bash", [join(__dirname, "up.sh")], { stdio: ["ignore", "pipe", "inherit"], timeout: 120000 });
}
