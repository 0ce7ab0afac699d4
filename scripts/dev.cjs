#!/usr/bin/env node
// `npm run dev`: the service over HTTPS on https://localhost:3000 with office-addin-dev-certs'
// localhost certificate, as Office needs for sideloading. The certificate's CA is installed into the
// system's trust store where office-addin-dev-certs can do so (Windows, macOS; Linux with sudo);
// elsewhere it is generated and you are told where it is.
const { existsSync } = require("node:fs");
const { spawn, execSync } = require("node:child_process");
const { join } = require("node:path");
const certs = require("office-addin-dev-certs");
const defaults = require("office-addin-dev-certs/lib/defaults");

(async () => {
  try {
    await certs.getHttpsServerOptions();
  } catch (e) {
    console.error(`mailtls dev: could not install the development CA (${e.message || e}).`);
    if (!existsSync(defaults.localhostCertificatePath)) await certs.generateCertificates();
    console.error(`mailtls dev: trust ${defaults.caCertificatePath} yourself to sideload without warnings.`);
  }
  const root = join(__dirname, "..");
  execSync("node scripts/ensure-built.cjs", { cwd: root, stdio: "inherit" });
  const env = {
    ...process.env,
    MAILTLS_TLS_CERT: process.env.MAILTLS_TLS_CERT || defaults.localhostCertificatePath,
    MAILTLS_TLS_KEY: process.env.MAILTLS_TLS_KEY || defaults.localhostKeyPath,
    MAILTLS_PUBLIC_URL: process.env.MAILTLS_PUBLIC_URL || "https://localhost:3000",
    MAILTLS_HOST: process.env.MAILTLS_HOST || "localhost",
  };
  const child = spawn(process.execPath, [join(root, "dist", "server", "main.js")], { env, stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code) => process.exit(code ?? 0));
})();
