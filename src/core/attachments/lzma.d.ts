declare module "lzma/src/lzma-d.js" {
  /** LZMA-JS decoder: a string when the output is valid UTF-8 text, else the bytes as signed numbers. */
  export const LZMA: { decompress(data: Uint8Array | number[]): string | number[] };
}
