import { DEFAULT_POLICY, parsePolicy, PolicyError } from "../../src/core/policy";

describe("parsePolicy", () => {
  it("fills the defaults and keeps what is given", () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
    const p = parsePolicy({ rules: { unknownGrade: "warn" }, links: { maxFileMb: 20 }, failOpen: false });
    expect(p.rules.unknownGrade).toBe("warn");
    expect(p.links.maxFileMb).toBe(20);
    expect(p.failOpen).toBe(false);
  });

  it.each([
    [{ rules: { constructor: "block" } }, /unknown rule "constructor"/],
    [{ rules: { toString: "off" } }, /unknown rule "toString"/],
    [{ rules: JSON.parse('{"__proto__": "block"}') }, /unknown rule "__proto__"/],
    [{ links: { constructor: 1 } }, /unknown links setting "constructor"/],
    [{ links: { hasOwnProperty: true } }, /unknown links setting "hasOwnProperty"/],
    [JSON.parse('{"__proto__": {"failOpen": false}}'), /unknown policy key "__proto__"/],
    [{ constructor: {} }, /unknown policy key "constructor"/],
  ])("refuses inherited names as keys: %j", (input, message) => {
    expect(() => parsePolicy(input)).toThrow(PolicyError);
    expect(() => parsePolicy(input)).toThrow(message);
    // And nothing leaked into the defaults.
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
  });

  it.each([
    [[], /JSON object/],
    [{ rules: { passwordMail: "maybe" } }, /block, warn, off/],
    [{ links: { maxDownloads: -1 } }, /positive number/],
    [{ links: { scope: "world" } }, /links.scope/],
    [{ linkProvider: "dropbox" }, /linkProvider/],
  ])("refuses a bad value: %j", (input, message) => {
    expect(() => parsePolicy(input)).toThrow(message);
  });
});
