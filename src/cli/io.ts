/** What a command needs from its process: output streams and the environment; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Standard input, whole (for `--from -`); absent: none. */
  readStdin?: (maxBytes: number) => Promise<Uint8Array>;
  /** Standard error is a terminal: progress may be drawn there. */
  errIsTTY?: boolean;
}

/** Raised for a bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  errIsTTY: process.stderr.isTTY === true,
  async readStdin(maxBytes) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new UsageError(`standard input is larger than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  },
};
