/** What a command needs from its process: output streams and the environment; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

/** Raised for a bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};
