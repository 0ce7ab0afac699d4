import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../core/attachments";

/**
 * A ByteSource over an open file: the inspector reads only the ranges it needs, so a 2 GB archive
 * costs a few kilobytes of I/O and memory. Call `close()` when done.
 */
export function openFileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, "r");
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
    const size = stat.size;
    return {
      size,
      read(offset, length) {
        const start = Math.max(0, Math.min(offset, size));
        const n = Math.max(0, Math.min(length, size - start));
        const buf = new Uint8Array(n);
        let got = 0;
        while (got < n) {
          const r = readSync(fd, buf, got, n - got, start + got);
          if (r === 0) break;
          got += r;
        }
        return buf.subarray(0, got);
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
