import { Malformed, startsWith, u64 } from "./bytes";
import { type InspectContext, plainResult, protectedResult, unreadable } from "./context";
import { inflateCapped } from "./inflate";
import { lzma2Decode, lzmaDecode } from "./lzma";
import type { ByteSource } from "./source";
import type { InspectionResult } from "./types";

export const SEVEN_ZIP_MAGIC = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

// Property IDs of the 7z header (7zFormat.txt).
const K_END = 0x00;
const K_HEADER = 0x01;
const K_ARCHIVE_PROPERTIES = 0x02;
const K_ADDITIONAL_STREAMS = 0x03;
const K_MAIN_STREAMS = 0x04;
const K_PACK_INFO = 0x06;
const K_UNPACK_INFO = 0x07;
const K_SIZE = 0x09;
const K_CRC = 0x0a;
const K_FOLDER = 0x0b;
const K_CODERS_UNPACK_SIZE = 0x0c;
const K_ENCODED_HEADER = 0x17;

const AES = "06f10701";
const LZMA_ID = "030101";

interface Folder {
  coders: string[];
  /** Properties of each coder, by index. */
  props: Uint8Array[];
  unpackSizes: number[];
}

interface StreamsInfo {
  packPos: number;
  packSizes: number[];
  folders: Folder[];
}

/** A cursor over a 7z header with its variable-length NUMBER encoding. */
class Reader {
  at = 0;
  constructor(readonly b: Uint8Array) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Malformed("7z header ends early");
    return this.b[this.at++];
  }
  number(): number {
    const first = this.byte();
    let mask = 0x80;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      if ((first & mask) === 0) return value + (first & (mask - 1)) * 2 ** (8 * i);
      value += this.byte() * 2 ** (8 * i);
      mask >>= 1;
    }
    return value;
  }
  bytes(n: number): Uint8Array {
    if (n < 0 || this.at + n > this.b.length) throw new Malformed("7z header ends early");
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  skipBits(count: number): void {
    const allDefined = this.byte();
    if (!allDefined) this.bytes(Math.ceil(count / 8));
  }
}

function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

function readFolder(r: Reader): Folder {
  const numCoders = r.number();
  if (numCoders > 64) throw new Malformed("too many coders");
  const coders: string[] = [];
  const props: Uint8Array[] = [];
  let totalIn = 0;
  let totalOut = 0;
  for (let i = 0; i < numCoders; i++) {
    const flag = r.byte();
    coders.push(hex(r.bytes(flag & 0x0f)));
    if (flag & 0x10) {
      totalIn += r.number();
      totalOut += r.number();
    } else {
      totalIn++;
      totalOut++;
    }
    props.push(flag & 0x20 ? r.bytes(r.number()) : new Uint8Array(0));
  }
  const bindPairs = totalOut - 1;
  for (let i = 0; i < bindPairs; i++) {
    r.number();
    r.number();
  }
  const packed = totalIn - bindPairs;
  if (packed > 1) for (let i = 0; i < packed; i++) r.number();
  return { coders, props, unpackSizes: new Array<number>(totalOut).fill(0) };
}

function readStreamsInfo(r: Reader): StreamsInfo {
  const info: StreamsInfo = { packPos: 0, packSizes: [], folders: [] };
  for (let id = r.byte(); id !== K_END; id = r.byte()) {
    if (id === K_PACK_INFO) {
      info.packPos = r.number();
      const n = r.number();
      for (let p = r.byte(); p !== K_END; p = r.byte()) {
        if (p === K_SIZE) for (let i = 0; i < n; i++) info.packSizes.push(r.number());
        else if (p === K_CRC) {
          r.skipBits(n);
          r.bytes(4 * n);
        } else throw new Malformed(`unexpected property ${p} in pack info`);
      }
    } else if (id === K_UNPACK_INFO) {
      if (r.byte() !== K_FOLDER) throw new Malformed("folder list expected");
      const n = r.number();
      if (n > 1_000_000) throw new Malformed("too many folders");
      if (r.byte() !== 0) throw new Malformed("external folders are not supported");
      for (let i = 0; i < n; i++) info.folders.push(readFolder(r));
      if (r.byte() !== K_CODERS_UNPACK_SIZE) throw new Malformed("unpack sizes expected");
      for (const f of info.folders)
        for (let i = 0; i < f.unpackSizes.length; i++) f.unpackSizes[i] = r.number();
      // What follows (CRCs, then the substreams) says nothing about encryption: stop here.
      return info;
    } else {
      return info;
    }
  }
  return info;
}

/** Names of the coders a 7z header may be packed with, for the detail when we cannot unpack it. */
const CODERS: Record<string, string> = {
  "00": "Copy",
  "21": "LZMA2",
  [LZMA_ID]: "LZMA",
  "040108": "Deflate",
  "040109": "Deflate64",
  "040202": "BZip2",
  "030401": "PPMd",
  "03030103": "BCJ",
  "0303011b": "BCJ2",
};

/**
 * Unpacks the packed header: LZMA (7-Zip), LZMA2 (py7zr, bsdtar), Deflate or Copy, a single coder;
 * anything else (BZip2, PPMd, filter chains) is Unsupported, with the coders named.
 */
function unpackHeader(src: ByteSource, info: StreamsInfo, ctx: InspectContext): Uint8Array {
  const folder = info.folders[0];
  const coders = folder ? folder.coders : [];
  const id = coders.length === 1 ? coders[0] : "";
  const outSize = folder ? folder.unpackSizes[0] : 0;
  const inSize = info.packSizes[0] || 0;
  if (outSize > ctx.limits.maxDirectoryBytes || inSize > ctx.limits.maxDirectoryBytes)
    throw new Unsupported(`header of ${outSize} bytes is over the limit`);
  const packed = src.read(32 + info.packPos, inSize);
  const out =
    id === "00"
      ? packed
      : id === LZMA_ID
        ? lzmaDecode(folder.props[0], packed, outSize)
        : id === "21"
          ? lzma2Decode(packed, outSize)
          : id === "040108"
            ? inflateCapped((o, n) => packed.subarray(o, o + n), inSize, outSize).out
            : undefined;
  if (!out)
    throw new Unsupported(
      `packed with ${coders.map((c) => CODERS[c] || `coder ${c}`).join(" + ") || "nothing"}, which is not supported`,
    );
  if (out.length !== outSize) throw new Malformed("7z header is shorter than declared");
  return out;
}

class Unsupported extends Error {}

function mainFolders(header: Uint8Array): Folder[] {
  const r = new Reader(header);
  if (r.byte() !== K_HEADER) throw new Malformed("7z header expected");
  let id = r.byte();
  if (id === K_ARCHIVE_PROPERTIES) {
    for (let t = r.byte(); t !== K_END; t = r.byte()) r.bytes(r.number());
    id = r.byte();
  }
  if (id === K_ADDITIONAL_STREAMS) {
    readStreamsInfo(r);
    id = r.byte();
  }
  if (id !== K_MAIN_STREAMS) return [];
  return readStreamsInfo(r).folders;
}

export function inspect7z(src: ByteSource, ctx: InspectContext): InspectionResult {
  const start = src.read(0, 32);
  if (start.length < 32 || !startsWith(start, SEVEN_ZIP_MAGIC))
    return unreadable("7z", "truncated 7z signature header");
  const nextOffset = u64(start, 12);
  const nextSize = u64(start, 20);
  if (nextSize === 0) return plainResult("7z", "empty archive");
  if (32 + nextOffset + nextSize > src.size)
    return unreadable("7z", "truncated archive: its header is missing");
  if (nextSize > ctx.limits.maxDirectoryBytes)
    return unreadable("7z", `header of ${nextSize} bytes is over the limit`);
  let header = src.read(32 + nextOffset, nextSize);
  try {
    if (header[0] === K_ENCODED_HEADER) {
      const info = readStreamsInfo(new Reader(header.subarray(1)));
      if (info.folders.some((f) => f.coders.includes(AES)))
        return protectedResult("7z", "7z-aes", "7z archive with encrypted headers (file names hidden too)");
      header = unpackHeader(src, info, ctx);
    }
    const folders = mainFolders(header);
    const enc = folders.filter((f) => f.coders.includes(AES)).length;
    if (enc > 0)
      return protectedResult(
        "7z",
        "7z-aes",
        `${enc} of ${folders.length} compressed block(s) encrypted with AES-256`,
      );
    return plainResult("7z", `${folders.length} compressed block(s), none encrypted`);
  } catch (e) {
    if (e instanceof Unsupported || e instanceof Malformed)
      return unreadable("7z", `cannot read the 7z header: ${e.message}`);
    throw e;
  }
}
