import type { CliIO } from "../../src/cli/io";

/** Captures what a command prints, for in-process CLI tests. */
export function captureIO(
  env: Record<string, string | undefined> = {},
): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    env,
    out: (s: string) => void (io.stdout += s),
    err: (s: string) => void (io.stderr += s),
  };
  return io;
}
