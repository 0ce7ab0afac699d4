import { isAllowedTarget, parseAllowList } from "../../src/probe/addresses";

const none = parseAllowList("");

describe("probe targets", () => {
  it.each([
    "8.8.8.8",
    "203.0.112.1",
    "2001:4860:4860::8888",
    "2404:6800:4004:80a::200e",
    "3fff:1000::1", // just past 3fff::/20
    "5f01::1", // just past 5f00::/16
  ])("public %s is allowed", (a) => expect(isAllowedTarget(a, none)).toBe(true));

  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1", // CGNAT
    "169.254.169.254", // link-local (cloud metadata)
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "192.0.2.10", // documentation
    "198.18.0.1", // benchmarking
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1", // IPv4-mapped
    "::ffff:10.0.0.1",
    "64:ff9b::a00:1", // NAT64 of 10.0.0.1
    "2002:c0a8:0101::1", // 6to4 of 192.168.1.1
    "64:ff9b:1::808:808", // local-use NAT64 (RFC 8215), even of a public IPv4
    "64:ff9b:1:ffff:ffff::1",
    "::ffff:0:808:808", // IPv4-translated (RFC 2765)
    "::ffff:0:7f00:1",
    "3fff::1", // documentation (RFC 9637)
    "3fff:fff:ffff::1",
    "5f00::1", // SRv6 SIDs (RFC 9602)
    "5f00:ffff::1",
    "not-an-ip",
  ])("special %s is refused", (a) => expect(isAllowedTarget(a, none)).toBe(false));

  it("an operator allowance opens a range, and only that range", () => {
    const allow = parseAllowList("127.0.0.0/8, ::1");
    expect(isAllowedTarget("127.0.0.11", allow)).toBe(true);
    expect(isAllowedTarget("::1", allow)).toBe(true);
    expect(isAllowedTarget("::ffff:127.0.0.2", allow)).toBe(true);
    expect(isAllowedTarget("10.0.0.1", allow)).toBe(false);
  });

  it.each(["nonsense", "127.0.0.0/33", "10.0.0.0/x"])("a bad allowance %j is a clear error", (spec) => {
    expect(() => parseAllowList(spec)).toThrow(/MAILTLS_ALLOW_PRIVATE/);
  });
});
