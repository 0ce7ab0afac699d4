#!/usr/bin/env node
// Writes dist/manifest.xml from manifest.xml with the service's public URL (MAILTLS_PUBLIC_URL,
// default https://localhost:3000), and copies the icons to dist/addin/assets, which the service
// serves under /addin/assets. Admins upload dist/manifest.xml in the Microsoft 365 admin center.
// With MAILTLS_ENTRA_CLIENT_ID the manifest also declares the Entra app (WebApplicationInfo), so that
// Office's single sign-on gives the add-in a token for the service.
const { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The single sign-on declaration: the app's ID and its API (api://host/clientId), after Resources. */
function webApplicationInfo(url, clientId) {
  if (!GUID.test(clientId))
    throw new Error(
      `MAILTLS_ENTRA_CLIENT_ID must be the app registration's client ID (a GUID), not "${clientId}"`,
    );
  return [
    "      <WebApplicationInfo>",
    `        <Id>${clientId}</Id>`,
    `        <Resource>api://${url.host}/${clientId}</Resource>`,
    "        <Scopes>",
    "          <Scope>openid</Scope>",
    "          <Scope>profile</Scope>",
    "        </Scopes>",
    "      </WebApplicationInfo>",
  ].join("\n");
}

function renderManifest(template, publicUrl, clientId = "") {
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
  let xml = template.split("${PUBLIC_URL}").join(base);
  if (clientId) {
    // The last </Resources> closes VersionOverrides 1.1's resources; WebApplicationInfo follows it.
    const at = xml.lastIndexOf("</Resources>") + "</Resources>".length;
    xml = xml.slice(0, at) + "\n" + webApplicationInfo(url, clientId) + xml.slice(at);
  }
  return xml;
}

function buildManifest(
  publicUrl = process.env.MAILTLS_PUBLIC_URL || "https://localhost:3000",
  clientId = process.env.MAILTLS_ENTRA_CLIENT_ID || "",
) {
  const xml = renderManifest(readFileSync(join(root, "manifest.xml"), "utf8"), publicUrl, clientId);
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
