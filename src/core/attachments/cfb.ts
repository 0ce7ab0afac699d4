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

/** Reads only the sectors it is asked for, so it works over a lazily decoded Base64 source. */
export class CompoundFile {
  private readonly sectorSize: number;
  private readonly miniSectorSize: number;
  private readonly miniCutoff: number;
  private readonly sectorCount: number;
  private readonly difat: number[] = [];
  private readonly fatCache = new Map<number, Uint8Array>();
  readonly entries: CfbEntry[];

  constructor(
    private readonly src: ByteSource,
    maxDirectoryBytes: number,
  ) {
    const h = src.read(0, 512);
    if (h.length < 512 || !startsWith(h, CFB_MAGIC)) throw new Malformed("not a compound file");
    const shift = u16(h, 0x1e);
    if (shift !== 9 && shift !== 12) throw new Malformed(`sector shift ${shift}`);
    this.sectorSize = 1 << shift;
    this.miniSectorSize = 1 << u16(h, 0x20);
    this.miniCutoff = u32(h, 0x38);
    this.sectorCount = Math.ceil((src.size - this.sectorSize) / this.sectorSize);
    for (let i = 0; i < 109; i++) {
      const s = u32(h, 0x4c + i * 4);
      if (s > MAX_SECTOR) break;
      this.difat.push(s);
    }
    // Further FAT sector numbers live in a chain of DIFAT sectors.
    let next = u32(h, 0x44);
    for (let n = u32(h, 0x48); n > 0 && next <= MAX_SECTOR && next < this.sectorCount; n--) {
      const d = this.sector(next);
      const per = this.sectorSize / 4 - 1;
      for (let i = 0; i < per; i++) {
        const s = u32(d, i * 4);
        if (s <= MAX_SECTOR) this.difat.push(s);
      }
      next = u32(d, per * 4);
      if (this.difat.length > this.sectorCount) throw new Malformed("DIFAT loops");
    }
    this.entries = this.readDirectory(u32(h, 0x30), maxDirectoryBytes);
  }

  private sector(n: number): Uint8Array {
    if (n >= this.sectorCount) throw new Malformed(`sector ${n} beyond the file`);
    return this.src.read((n + 1) * this.sectorSize, this.sectorSize);
  }

  private next(n: number): number {
    const per = this.sectorSize / 4;
    const k = Math.floor(n / per);
    if (k >= this.difat.length) throw new Malformed(`no FAT sector for ${n}`);
    let fat = this.fatCache.get(k);
    if (!fat) {
      fat = this.sector(this.difat[k]);
      this.fatCache.set(k, fat);
    }
    return u32(fat, (n % per) * 4);
  }

  /** Sector numbers of a chain, refusing loops and chains longer than the file. */
  private chain(
    start: number,
    maxSectors: number,
    next: (n: number) => number,
    universe = this.sectorCount,
  ): number[] {
    const out: number[] = [];
    for (let s = start; s !== END_OF_CHAIN; s = next(s)) {
      if (s > MAX_SECTOR || s >= universe) throw new Malformed("broken sector chain");
      if (out.length >= maxSectors) break;
      out.push(s);
      // A chain longer than there are sectors must revisit one.
      if (out.length > universe) throw new Malformed("sector chain loops");
    }
    return out;
  }

  private readChain(start: number, maxBytes: number): Uint8Array {
    const sectors = this.chain(start, Math.ceil(maxBytes / this.sectorSize), (n) => this.next(n));
    const out = new Uint8Array(sectors.length * this.sectorSize);
    sectors.forEach((s, i) => out.set(this.sector(s), i * this.sectorSize));
    return out;
  }

  private readDirectory(start: number, maxBytes: number): CfbEntry[] {
    const dir = this.readChain(start, maxBytes);
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
    return entries;
  }

  find(name: string): CfbEntry | undefined {
    const lower = name.toLowerCase();
    return this.entries.find((e) => e.type === 2 && e.name.toLowerCase() === lower);
  }

  /** The first `maxBytes` of a stream, from the mini stream when it is small. */
  read(entry: CfbEntry, maxBytes: number): Uint8Array {
    const want = Math.min(entry.size, maxBytes);
    if (entry.size >= this.miniCutoff) return this.readChain(entry.start, want).subarray(0, want);
    const root = this.entries.find((e) => e.type === 5);
    if (!root) throw new Malformed("no root entry");
    const h = this.src.read(0, 512);
    const miniFat = this.readChain(u32(h, 0x3c), u32(h, 0x40) * this.sectorSize);
    const miniStream = this.readChain(root.start, root.size);
    const nextMini = (n: number) => {
      if ((n + 1) * 4 > miniFat.length) throw new Malformed("mini FAT too short");
      return u32(miniFat, n * 4);
    };
    const miniSectors = Math.floor(miniStream.length / this.miniSectorSize);
    const sectors = this.chain(entry.start, Math.ceil(want / this.miniSectorSize), nextMini, miniSectors);
    const out = new Uint8Array(sectors.length * this.miniSectorSize);
    sectors.forEach((s, i) =>
      out.set(
        miniStream.subarray(s * this.miniSectorSize, (s + 1) * this.miniSectorSize),
        i * this.miniSectorSize,
      ),
    );
    return out.subarray(0, want);
  }
}
