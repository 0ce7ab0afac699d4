import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Stops every process the global setup started. */
export default function globalTeardown(): void {
  if (process.env.MAILTLS_TEST_NO_HARNESS === "1") return;
  execFileSync("bash", [join(__dirname, "down.sh")], {
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 60000,
  });
}
