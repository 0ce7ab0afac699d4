#!/usr/bin/env node
// `npm start` builds what is missing: the compiled service and, when the sources exist, the pages.
const { existsSync } = require("node:fs");
const { execSync } = require("node:child_process");
const { join } = require("node:path");

const root = join(__dirname, "..");
const needs = [join(root, "dist", "server", "main.js")];
if (existsSync(join(root, "src", "web"))) needs.push(join(root, "dist", "web", "index.html"));
if (existsSync(join(root, "src", "web", "admin")))
  needs.push(join(root, "dist", "web", "admin", "index.html"));
needs.push(join(root, "dist", "manifest.xml"));
if (existsSync(join(root, "src", "addin", "playground")))
  needs.push(join(root, "dist", "addin", "taskpane.html"), join(root, "dist", "addin", "playground.html"));
const missing = needs.filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(`mailtls: building (${missing.map((f) => f.slice(root.length + 1)).join(", ")} missing)…`);
  execSync("npm run -s build", { cwd: root, stdio: "inherit" });
}
