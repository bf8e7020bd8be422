/**
 * What every `v2v` command is given instead of reaching for the process: the environment, the
 * three standard streams, and how to get the database. `bin/v2v.js` passes the process's own;
 * tests run commands in their own process with captured streams and an already open database
 * (test/support/cli.ts), so a command is tested exactly as written without starting Node again.
 */
import type { Database } from "../store/database.ts";

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** An open, migrated database used instead of the configured one, and left open afterwards. */
  database?: Database;
}

export type WithDatabase = <T>(fn: (database: Database) => Promise<T>) => Promise<T>;

export interface Cli {
  io: CliIo;
  /** a line on standard output */
  out(line: unknown): void;
  /** a line on standard error */
  err(line: unknown): void;
  /** opens (and migrates) the configured database for the length of `fn` */
  withDatabase: WithDatabase;
  /** set to non-zero by a command that ran but found a problem (e.g. a chain that does not verify) */
  exitCode: number;
}

export const processIo = (): CliIo => ({
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
