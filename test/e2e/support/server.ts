/**
 * The server for browser tests, on a port the OS picks, with a fresh copy of the demo program.
 * Most files use `serverForTests`: the app built as `v2v serve` builds it, served from the test
 * process on an in-memory copy of the demo snapshot. `startServer` runs the real process instead,
 * `bin/v2v.js serve` as `npm start` runs it on a temporary data directory: the login file starts
 * it so (the smoke test of the process a user starts), and the walk to infusion stops it and
 * starts it again on the same data a month later.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { V2V_VERSION } from "../../../src/cli/program.ts";
import { appOptionsFromConfig } from "../../../src/cli/serve.ts";
import { ensureWebBuild } from "../../../src/cli/web-build.ts";
import { readConfig } from "../../../src/config.ts";
import { demoSnapshot } from "../../../src/demo/snapshot.ts";
import { buildApp } from "../../../src/http/app.ts";
import { openSnapshot } from "../../../src/store/pglite-snapshots.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

export interface RunningServer {
  url: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  /** Stops the server and deletes its data directory, unless `keepData` (to start again on it). */
  stop: (options?: { keepData?: boolean }) => Promise<void>;
  /** The data directory (absent for a server in this process, or started elsewhere: V2V_E2E_URL). */
  dataDir?: string;
}

export interface ServerOptions {
  timeoutMs?: number;
  /** Start on this data directory (one a stopped server kept) instead of a fresh one with the demo. */
  dataDir?: string;
  /** Days the server's clock runs ahead (V2V_CLOCK_OFFSET_DAYS, config.ts; tests only). */
  clockOffsetDays?: number;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const timeoutMs = options.timeoutMs ?? 280_000;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "v2v-e2e-"));
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "bin/v2v.js"), "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      V2V_DEMO: "1",
      V2V_CLOCK_OFFSET_DAYS: String(options.clockOffsetDays ?? 0),
      NODE_ENV: "test",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    out += b.toString();
  });

  // If the test file fails before it could call stop() (e.g. no browser), the server must not
  // outlive the test process.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async (stopOptions: { keepData?: boolean } = {}) => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (!stopOptions.keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start in ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        const m = /is up at (http:\/\/localhost:\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]!.replace("localhost", "127.0.0.1"));
        }
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited with ${code} before it was up`));
      });
    });
    return { url, output: () => out, stop, dataDir };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- server output ---\n${out}`);
  }
}

/**
 * The app `v2v serve` builds (same options from the same configuration, the same web/dist), served
 * from this test process on an in-memory copy of the demo snapshot: no process to start, no data
 * directory to unpack, and the worker's loaded modules are used again (decision 0018's second
 * addendum). What only the process does (signals, the data directory, audit checkpoints, the export
 * worker) is tested by the login file's real server and by test/integration/server-process.test.ts.
 */
export async function startAppInProcess(): Promise<RunningServer> {
  await ensureWebBuild(() => undefined);
  const config = readConfig({ ...process.env, NODE_ENV: "test", V2V_CLOCK_OFFSET_DAYS: "0" });
  const database = await openSnapshot((await demoSnapshot()).path);
  let out = "";
  try {
    const app = await buildApp({
      database,
      version: V2V_VERSION,
      ...appOptionsFromConfig(config),
      // Warnings and errors kept for failure messages, as the real server's output is.
      logger: {
        level: "warn",
        stream: {
          write: (line: string) => {
            out += line;
          },
        },
      },
    });
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    return {
      url: address,
      output: () => out,
      stop: async () => {
        await app.close();
        await database.close();
      },
    };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** V2V_E2E_URL: use a server already running (with a fresh demo) while developing a screen. */
export const serverForTests = async (): Promise<RunningServer> => {
  const url = process.env.V2V_E2E_URL;
  return url ? { url, output: () => "", stop: async () => {} } : startAppInProcess();
};
