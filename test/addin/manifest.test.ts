/** Offline checks of the add-in manifest (Microsoft's validator needs the internet; `npm run validate` calls it). */
import { XMLParser } from "fast-xml-parser";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HANDLER_NAMES } from "../../src/addin/handlerNames";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderManifest } = require("../../scripts/build-manifest.cjs") as {
  renderManifest(t: string, url: string, clientId?: string): string;
};

const ROOT = join(__dirname, "..", "..");
const template = readFileSync(join(ROOT, "manifest.xml"), "utf8");
const xml = renderManifest(template, "https://mailtls.example.co.jp");
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});
const doc = parser.parse(xml);

/** Every element, depth first, with its tag name. */
function* walk(node: unknown, name = ""): Generator<{ name: string; node: Record<string, unknown> }> {
  if (Array.isArray(node)) for (const n of node) yield* walk(n, name);
  else if (node && typeof node === "object") {
    yield { name, node: node as Record<string, unknown> };
    for (const [k, v] of Object.entries(node)) if (!k.startsWith("@")) yield* walk(v, k);
  }
}
const elements = [...walk(doc)];
const attr = (n: Record<string, unknown>, a: string) => n["@" + a] as string | undefined;

describe("manifest.xml", () => {
  it("parses, and is a mail add-in asking for ReadWriteItem", () => {
    expect(xml).toContain('xsi:type="MailApp"');
    expect(elements.find((e) => e.name === "Permissions")?.node["#text"]).toEqual("ReadWriteItem");
  });

  it("defines every resid it uses", () => {
    const defined = new Set(
      elements
        .filter((e) => /^bt:(Image|Url|String)$/.test(e.name) && attr(e.node, "id"))
        .map((e) => attr(e.node, "id")),
    );
    const used = elements.map((e) => attr(e.node, "resid")).filter(Boolean);
    expect(used.length).toBeGreaterThan(10);
    for (const r of used) expect(defined).toContain(r);
  });

  it("uses https for every URL, all on the public URL", () => {
    const urls = [...xml.matchAll(/(?:DefaultValue|Value)="(https?:[^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(10);
    for (const u of urls) expect(u.startsWith("https://mailtls.example.co.jp/")).toBe(true);
    expect(xml).not.toContain("${PUBLIC_URL}");
  });

  it("names exactly the four handlers, with SoftBlock on send", () => {
    const events = elements.filter((e) => e.name === "LaunchEvent");
    expect(events.map((e) => [attr(e.node, "Type"), attr(e.node, "FunctionName")])).toEqual([
      ["OnNewMessageCompose", "onNewMessageComposeHandler"],
      ["OnMessageRecipientsChanged", "onMessageRecipientsChangedHandler"],
      ["OnMessageAttachmentsChanged", "onMessageAttachmentsChangedHandler"],
      ["OnMessageSend", "onMessageSendHandler"],
    ]);
    expect(attr(events[3].node, "SendMode")).toBe("SoftBlock");
    expect(events.map((e) => attr(e.node, "FunctionName"))).toEqual([...HANDLER_NAMES]);
  });

  it("keeps strings within the schema's limits, with Japanese overrides", () => {
    const limits: Record<string, number> = { DisplayName: 125, Description: 250 };
    for (const e of elements) {
      const value = attr(e.node, "DefaultValue");
      if (!value) continue;
      if (e.name in limits) expect(value.length).toBeLessThanOrEqual(limits[e.name]);
    }
    for (const group of ["bt:ShortStrings", "bt:LongStrings"]) {
      const max = group === "bt:ShortStrings" ? 125 : 250;
      for (const g of elements.filter((e) => e.name === group))
        for (const s of [...walk(g.node)].filter((e) => e.name === "bt:String" || e.name === "bt:Override")) {
          const v = attr(s.node, "DefaultValue") ?? attr(s.node, "Value") ?? "";
          expect(v.length).toBeLessThanOrEqual(max);
        }
    }
    const ja = elements.filter((e) => /Override$/.test(e.name) && attr(e.node, "Locale") === "ja-JP");
    expect(ja.length).toBeGreaterThanOrEqual(8); // display name, description, labels and tooltips, in both overrides
  });

  it("declares the runtimes: the HTML page and the JavaScript override for classic Outlook", () => {
    const runtime = elements.find((e) => e.name === "Runtime");
    expect(attr(runtime!.node, "resid")).toBe("WebViewRuntime.Url");
    const override = [...walk(runtime!.node)].find((e) => e.name === "Override");
    expect(attr(override!.node, "type")).toBe("javascript");
    expect(xml).toContain('DefaultValue="https://mailtls.example.co.jp/addin/launchevent.js"');
  });

  it("has every icon size it refers to", () => {
    for (const size of [16, 32, 64, 80, 128])
      expect(() => readFileSync(join(ROOT, "assets", `icon-${size}.png`))).not.toThrow();
  });

  it("declares the Entra app for single sign-on only when built with a client ID", () => {
    const id = "0d2b5e3c-1111-4a4a-9b9b-123456789abc";
    expect(xml).not.toContain("<WebApplicationInfo>");
    const sso = renderManifest(template, "https://mailtls.example.co.jp:8443", id);
    const info = [...walk(parser.parse(sso))].find((e) => e.name === "WebApplicationInfo");
    expect(info).toBeDefined();
    const text = (name: string) => [...walk(info!.node)].find((e) => e.name === name)?.node;
    expect(JSON.stringify(text("Id"))).toContain(id);
    expect(JSON.stringify(text("Resource"))).toContain(`api://mailtls.example.co.jp:8443/${id}`);
    // After Resources, inside VersionOverrides 1.1, as the schema orders them.
    expect(sso.indexOf("<WebApplicationInfo>")).toBeGreaterThan(sso.lastIndexOf("</Resources>"));
    expect(sso.indexOf("<WebApplicationInfo>")).toBeLessThan(sso.indexOf("</VersionOverrides>"));
    expect(() => renderManifest(template, "https://mailtls.example.co.jp", "not-a-guid")).toThrow(/GUID/);
  });

  it("refuses a public URL that is not https", () => {
    expect(() => renderManifest(template, "http://mailtls.example.co.jp")).toThrow(/must be https/);
    expect(() => renderManifest(template, "not a url")).toThrow(/not a URL/);
  });
});
