import { Malformed, startsWith, u16, u32, utf16le } from "./bytes";
import type { ByteSource } from "./source";

/** OLE2 / Compound File Binary (MS-CFB): the container of encrypted Office files and of .doc/.xls/.ppt. */
export const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const END_OF_CHAIN = 0xfffffffe;
const MAX_SECTOR = 0xfffffffa;

export interface CfbEntry {
  name: string;
  type: number; // 1 storage, 2 stream, 5 root
  start: number;
  size: number;
}

/** A compound file's directory, and its streams read on demand. */
export interface CompoundFile {
  readonly entries: CfbEntry[];
  find(name: string): CfbEntry | undefined;
  /** The first `maxBytes` of a stream, from the mini stream when it is small. */
  read(entry: CfbEntry, maxBytes: number): Uint8Array;
}

/**
 * Opens a compound file, reading only the sectors it is asked for, so it works over a lazily decoded
 * Base64 source. (Closures, not a class: the minifier shortens local names but not property names,
 * and this is in the size-capped event bundle.)
 */
export function openCompoundFile(src: ByteSource, maxDirectoryBytes: number): CompoundFile {
  const h = src.read(0, 512);
  if (h.length < 512 || !startsWith(h, CFB_MAGIC)) throw new Malformed("not a compound file");
  const shift = u16(h, 0x1e);
  if (shift !== 9 && shift !== 12) throw new Malformed(`sector shift ${shift}`);
  const sectorSize = 1 << shift;
  const miniSectorSize = 1 << u16(h, 0x20);
  const miniCutoff = u32(h, 0x38);
  const sectorCount = Math.ceil((src.size - sectorSize) / sectorSize);
  const difat: number[] = [];
  const fatCache = new Map<number, Uint8Array>();

  const sector = (n: number): Uint8Array => {
    if (n >= sectorCount) throw new Malformed(`sector ${n} beyond the file`);
    return src.read((n + 1) * sectorSize, sectorSize);
  };

  const next = (n: number): number => {
    const per = sectorSize / 4;
    const k = Math.floor(n / per);
    if (k >= difat.length) throw new Malformed(`no FAT sector for ${n}`);
    let fat = fatCache.get(k);
    if (!fat) {
      fat = sector(difat[k]);
      fatCache.set(k, fat);
    }
    return u32(fat, (n % per) * 4);
  };

  /** Sector numbers of a chain, refusing loops and chains longer than the file. */
  const chain = (start: number, maxSectors: number, step: (n: number) => number, universe = sectorCount) => {
    const out: number[] = [];
    for (let s = start; s !== END_OF_CHAIN; s = step(s)) {
      if (s > MAX_SECTOR || s >= universe) throw new Malformed("broken sector chain");
      if (out.length >= maxSectors) break;
      out.push(s);
      // A chain longer than there are sectors must revisit one.
      if (out.length > universe) throw new Malformed("sector chain loops");
    }
    return out;
  };

  const readChain = (start: number, maxBytes: number): Uint8Array => {
    const sectors = chain(start, Math.ceil(maxBytes / sectorSize), next);
    const out = new Uint8Array(sectors.length * sectorSize);
    sectors.forEach((s, i) => out.set(sector(s), i * sectorSize));
    return out;
  };

  for (let i = 0; i < 109; i++) {
    const s = u32(h, 0x4c + i * 4);
    if (s > MAX_SECTOR) break;
    difat.push(s);
  }
  // Further FAT sector numbers live in a chain of DIFAT sectors.
  let more = u32(h, 0x44);
  for (let n = u32(h, 0x48); n > 0 && more <= MAX_SECTOR && more < sectorCount; n--) {
    const d = sector(more);
    const per = sectorSize / 4 - 1;
    for (let i = 0; i < per; i++) {
      const s = u32(d, i * 4);
      if (s <= MAX_SECTOR) difat.push(s);
    }
    more = u32(d, per * 4);
    if (difat.length > sectorCount) throw new Malformed("DIFAT loops");
  }

  const dir = readChain(u32(h, 0x30), maxDirectoryBytes);
  const entries: CfbEntry[] = [];
  for (let at = 0; at + 128 <= dir.length; at += 128) {
    const type = dir[at + 66];
    if (type === 0) continue;
    const nameLen = Math.min(64, u16(dir, at + 64));
    entries.push({
      name: utf16le(dir, at, at + nameLen),
      type,
      start: u32(dir, at + 116),
      size: u32(dir, at + 120),
    });
  }

  return {
    entries,
    find(name) {
      const lower = name.toLowerCase();
      return entries.find((e) => e.type === 2 && e.name.toLowerCase() === lower);
    },
    read(entry, maxBytes) {
      const want = Math.min(entry.size, maxBytes);
      if (entry.size >= miniCutoff) return readChain(entry.start, want).subarray(0, want);
      const root = entries.find((e) => e.type === 5);
      if (!root) throw new Malformed("no root entry");
      const miniFat = readChain(u32(h, 0x3c), u32(h, 0x40) * sectorSize);
      const miniStream = readChain(root.start, root.size);
      const nextMini = (n: number) => {
        if ((n + 1) * 4 > miniFat.length) throw new Malformed("mini FAT too short");
        return u32(miniFat, n * 4);
      };
      const miniSectors = Math.floor(miniStream.length / miniSectorSize);
      const sectors = chain(entry.start, Math.ceil(want / miniSectorSize), nextMini, miniSectors);
      const out = new Uint8Array(sectors.length * miniSectorSize);
      sectors.forEach((s, i) =>
        out.set(miniStream.subarray(s * miniSectorSize, (s + 1) * miniSectorSize), i * miniSectorSize),
      );
      return out.subarray(0, want);
    },
  };
}
