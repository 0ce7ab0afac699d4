import { BlockList, isIP } from "node:net";

/**
 * Which IP addresses a probe may connect to. Everything that is not a public unicast address is
 * refused — private, loopback, link-local, CGNAT, multicast, reserved, unspecified, documentation,
 * benchmarking — including IPv4 addresses embedded in IPv6 (mapped, NAT64, 6to4), unless the operator
 * allows a range (MAILTLS_ALLOW_PRIVATE, e.g. 127.0.0.0/8 for tests).
 */
const SPECIAL_V4: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast (deprecated)
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and broadcast
];

const SPECIAL_V6: Array<[string, number]> = [
  ["::", 128], // unspecified
  ["::1", 128],
  ["::", 96], // IPv4-compatible (deprecated)
  ["::ffff:0:0:0", 96], // IPv4-translated (RFC 2765)
  ["64:ff9b:1::", 48], // local-use IPv4/IPv6 translation (RFC 8215)
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation (RFC 9637)
  ["5f00::", 16], // segment routing SIDs (RFC 9602)
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
];

function blockList(v4: Array<[string, number]>, v6: Array<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, "ipv6");
  return list;
}

const special = blockList(SPECIAL_V4, SPECIAL_V6);

/** The IPv4 address inside an IPv6 one (mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16). */
export function embeddedIPv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const words = expandV6(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return v4(words[6], words[7]);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0))
    return v4(words[6], words[7]);
  if (words[0] === 0x2002) return v4(words[1], words[2]);
  return undefined;
}

function expandV6(address: string): number[] {
  let a = address.split("%")[0];
  // A trailing dotted IPv4 part becomes two words.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number);
    a = a.slice(0, dotted.index) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const h = head ? head.split(":").map((x) => parseInt(x, 16)) : [];
  const t = tail ? tail.split(":").map((x) => parseInt(x, 16)) : [];
  const zeros = tail === undefined ? [] : new Array<number>(8 - h.length - t.length).fill(0);
  return [...h, ...zeros, ...t];
}

/** Parses "127.0.0.0/8,::1/128" into a BlockList; throws a clear error on a bad entry. */
export function parseAllowList(spec: string | undefined): BlockList {
  const list = new BlockList();
  for (const raw of (spec ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [net, prefixText] = raw.split("/");
    const family = isIP(net);
    if (!family) throw new Error(`MAILTLS_ALLOW_PRIVATE: "${raw}" is not an address or CIDR range`);
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
      throw new Error(`MAILTLS_ALLOW_PRIVATE: "${raw}" has a bad prefix length`);
    list.addSubnet(net, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

function familyOf(address: string): "ipv4" | "ipv6" {
  return isIP(address) === 4 ? "ipv4" : "ipv6";
}

/** True when the probe may connect to `address`. */
export function isAllowedTarget(address: string, allow: BlockList): boolean {
  if (!isIP(address)) return false;
  if (allow.check(address, familyOf(address))) return true;
  if (special.check(address, familyOf(address))) return false;
  const inner = embeddedIPv4(address);
  if (inner && !allow.check(inner, "ipv4") && special.check(inner, "ipv4")) return false;
  return true;
}
