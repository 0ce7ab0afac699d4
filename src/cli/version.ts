import { readFileSync } from "node:fs";
import { join } from "node:path";

/** "MailTLS Guard 0.1.0", from package.json (two levels up from both src/cli and dist/cli). */
export function generatorName(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
      version?: string;
    };
    return `MailTLS Guard ${pkg.version ?? ""}`.trim();
  } catch {
    return "MailTLS Guard";
  }
}
