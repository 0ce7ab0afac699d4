/**
 * The XML manifest converted to the unified (JSON) manifest by Microsoft's converter, offline
 * (no image download), and checked against the JSON schema it names, from @microsoft/app-manifest.
 */
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { convert } from "office-addin-manifest-converter";
import { HANDLER_NAMES } from "../../src/addin/handlerNames";

const CLIENT_ID = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderManifest } = require("../../scripts/build-manifest.cjs") as {
  renderManifest(t: string, url: string, clientId?: string): string;
};

const ROOT = join(__dirname, "..", "..");
const SCHEMAS = join(
  dirname(require.resolve("@microsoft/app-manifest/package.json")),
  "build",
  "json-schemas",
);

type Json = Record<string, unknown>;

/** The schema a document names in `$schema` (…/teams/v1.17/X.schema.json), from the local package. */
function validatorFor(doc: Json) {
  const m = /\/(teams\/v[\d.]+|teams\/vDevPreview)\/([\w.]+\.schema\.json)/.exec(String(doc.$schema));
  if (!m) throw new Error(`unknown $schema ${String(doc.$schema)}`);
  const schema = JSON.parse(readFileSync(join(SCHEMAS, m[1], m[2]), "utf8")) as Json;
  delete schema.$schema;
  // The localization schema's key patterns are not valid Unicode-mode regular expressions.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe("unified manifest conversion", () => {
  let manifest: Json;
  let files: Record<string, Json>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "mailtls-manifest-"));
    const xmlPath = join(dir, "manifest.xml");
    writeFileSync(
      xmlPath,
      // With an Entra client ID, so that the single sign-on declaration is converted and checked too.
      renderManifest(
        readFileSync(join(ROOT, "manifest.xml"), "utf8"),
        "https://mailtls.example.co.jp",
        CLIENT_ID,
      ),
    );
    const out = join(dir, "json");
    await convert(xmlPath, out, false);
    manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Json;
    const localization = manifest.localizationInfo as {
      additionalLanguages?: { languageTag: string; file: string }[];
    };
    files = { "manifest.json": manifest };
    for (const l of localization.additionalLanguages ?? [])
      files[l.file] = JSON.parse(readFileSync(join(out, l.file), "utf8")) as Json;
  });

  it("converts, with a Japanese localization file", () => {
    expect(Object.keys(files)).toContain("ja-jp.json");
  });

  it("carries the Entra app for single sign-on", () => {
    expect(manifest.webApplicationInfo).toEqual({
      id: CLIENT_ID,
      resource: `api://mailtls.example.co.jp/${CLIENT_ID}`,
    });
  });

  it("is valid against the JSON schemas it names", () => {
    for (const [name, doc] of Object.entries(files)) {
      const validate = validatorFor(doc);
      const ok = validate(doc);
      expect({ name, errors: ok ? [] : validate.errors }).toEqual({ name, errors: [] });
    }
  });

  it("loses nothing: no string had to be truncated", () => {
    for (const [name, doc] of Object.entries(files))
      expect({ name, json: JSON.stringify(doc) }).not.toMatchObject({
        json: expect.stringContaining("<TRUNCATED>"),
      });
  });

  it("keeps the four event handlers and the task pane", () => {
    const json = JSON.stringify(manifest);
    for (const name of HANDLER_NAMES) expect(json).toContain(`"id":"${name}"`);
    expect(json).toContain("https://mailtls.example.co.jp/addin/commands.html");
    expect(json).toContain("https://mailtls.example.co.jp/addin/taskpane.html");
  });
});
