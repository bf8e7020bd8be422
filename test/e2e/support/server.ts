/**
 * The real server for browser tests: `bin/v2v.js serve` as `npm start` runs it (so the web app is
 * built the same way), on a fresh temporary data directory with the demo program loaded and a
 * port the OS picks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");

export interface RunningServer {
  url: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  /** Stops the server and deletes its data directory, unless `keepData` (to start again on it). */
  stop: (options?: { keepData?: boolean }) => Promise<void>;
  /** The data directory (absent for a server started elsewhere, V2V_E2E_URL). */
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

/** V2V_E2E_URL: use a server already running (with a fresh demo) while developing a screen. */
export const serverForTests = async (): Promise<RunningServer> => {
  const url = process.env.V2V_E2E_URL;
  return url ? { url, output: () => "", stop: async () => {} } : startServer();
};
