#!/usr/bin/env node
// Writes dist/manifest.xml from manifest.xml with the service's public URL (MAILTLS_PUBLIC_URL,
// default https://localhost:3000), and copies the icons to dist/addin/assets, which the service
// serves under /addin/assets. Admins upload dist/manifest.xml in the Microsoft 365 admin center.
const { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");

function renderManifest(template, publicUrl) {
  let url;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`MAILTLS_PUBLIC_URL="${publicUrl}" is not a URL`);
  }
  if (url.protocol !== "https:")
    throw new Error(
      `MAILTLS_PUBLIC_URL must be https (Office loads add-ins over https only), not ${publicUrl}`,
    );
  const base = url.origin + url.pathname.replace(/\/+$/, "");
  return template.split("${PUBLIC_URL}").join(base);
}

function buildManifest(publicUrl = process.env.MAILTLS_PUBLIC_URL || "https://localhost:3000") {
  const xml = renderManifest(readFileSync(join(root, "manifest.xml"), "utf8"), publicUrl);
  mkdirSync(join(root, "dist", "addin", "assets"), { recursive: true });
  writeFileSync(join(root, "dist", "manifest.xml"), xml);
  for (const f of readdirSync(join(root, "assets")).filter((f) => f.endsWith(".png")))
    copyFileSync(join(root, "assets", f), join(root, "dist", "addin", "assets", f));
  return xml;
}

module.exports = { renderManifest, buildManifest };

if (require.main === module) {
  try {
    buildManifest();
  } catch (e) {
    console.error(`mailtls: ${e.message}`);
    process.exit(2);
  }
}
