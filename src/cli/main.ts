/**
 * The `v2v` process: runs the command line (program.ts) on this process's environment and
 * streams, and exits with its code.
 */
import { processIo } from "./cli-context.ts";
import { runCli } from "./program.ts";

process.exitCode = await runCli(process.argv.slice(2), processIo());
