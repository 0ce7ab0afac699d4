#!/usr/bin/env node
import { runCheck } from "./check";
import { runDoctor } from "./doctor";
import { runExchangeConfig } from "./exchangeConfig";
import { runInspect } from "./inspect";
import { type CliIO, processIO, UsageError } from "./io";

const USAGE = `usage: mailtls check [--format text|table|json|csv] [--json] [--timeout MS] [--concurrency N] [--from FILE|-] [DOMAIN_OR_ADDRESS...] | mailtls inspect [--json] FILE... | mailtls exchange-config [--from FILE|-] [--out FILE] [--rollback FILE] [--max-age-days N] [--include-unverified] [--enforce] [--json] [DOMAIN...] | mailtls doctor [--json] [--domain DOMAIN] [--dnssec-name NAME] [--timeout MS]`;

type Command = (argv: string[], io: CliIO) => number | Promise<number>;

const commands: Record<string, Command> = {
  check: runCheck,
  inspect: runInspect,
  "exchange-config": runExchangeConfig,
  doctor: runDoctor,
};

/** Runs one command line and returns the exit code: 0 fine, 1 a file or check failed, 2 usage. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(USAGE + "\n");
    return 0;
  }
  const command = name === undefined ? undefined : commands[name];
  try {
    if (!command) throw new UsageError(name === undefined ? "no command given" : `unknown command: ${name}`);
    return await command(rest, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`mailtls: ${e.message} (${USAGE})\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`mailtls: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
