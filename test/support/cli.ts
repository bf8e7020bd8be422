/**
 * Runs a `v2v` command line in this process, as bin/v2v.js would (src/cli/program.ts), on a database
 * the test holds open, with captured output and an optional standard input. One real-process
 * smoke test (server-process.test.ts, cli-process.test.ts) covers the entry point itself.
 */
import { Readable } from "node:stream";
import { runCli } from "../../src/cli/program.ts";
import type { Database } from "../../src/store/database.ts";

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** `database` undefined: commands that need none (calc) or that must refuse before opening one. */
export async function runV2v(
  database: Database | undefined,
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, {
    env: { LOG_LEVEL: "warn", ...options.env },
    stdin: Readable.from(options.input === undefined ? [] : [options.input]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    ...(database ? { database } : {}),
  });
  return { status, stdout, stderr };
}
