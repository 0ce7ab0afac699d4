#!/usr/bin/env node
// `npm run playground`: the service on this machine only (127.0.0.1), with anonymous uploads on so
// that the playground's "Replace with a download link" works without a sign-in. Never a production
// start: a production service keeps MAILTLS_ANONYMOUS_UPLOADS unset (uploads need a verified caller).
const { spawn, execSync } = require("node:child_process");
const { join } = require("node:path");

const root = join(__dirname, "..");
execSync("node scripts/ensure-built.cjs", { cwd: root, stdio: "inherit" });
const port = process.env.MAILTLS_PORT || "3000";
const env = {
  ...process.env,
  MAILTLS_HOST: "127.0.0.1",
  MAILTLS_PORT: port,
  MAILTLS_PUBLIC_URL: `http://localhost:${port}`,
  MAILTLS_ANONYMOUS_UPLOADS: "true",
};
console.error(`mailtls playground: http://localhost:${port}/addin/playground.html (this machine only)`);
const child = spawn(process.execPath, [join(root, "dist", "server", "main.js")], { env, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
