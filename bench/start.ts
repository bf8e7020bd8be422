/**
 * Start-up (issue 15: first start to serving ≤ 3 s after install with the demo, later starts
 * ≤ 2 s). Times `v2v serve` as `npm start` runs it, from spawning the process to its "is up" line,
 * on a new data directory (the first start: the demo snapshot is opened) and again on that same
 * directory (a later start). The baseline is `v2v --version` in the same run: Node starting and
 * loading the TypeScript entry point, which no start can beat. The snapshots and the web build are
 * made once before timing (`v2v prepare`, which `npm install` runs), since that is the state after
 * install.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend } from "./fixtures.ts";
import { type Comparison, check, comparePair, median } from "./harness.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const V2V = join(ROOT, "bin/v2v.js");
const REPETITIONS = 5;

const env = (dataDir: string) => ({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: "",
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  V2V_DEMO: "1",
});

/** Starts the server, resolves when it says it is up, then stops it (the stop is not timed). */
async function serveUntilUp(dataDir: string): Promise<{ ms: number; stop: () => Promise<void> }> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [V2V, "serve"], {
    cwd: ROOT,
    env: env(dataDir),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const ms = await new Promise<number>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes(" is up at ")) resolve(performance.now() - started);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`v2v serve exited with ${code}:\n${out}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { ms, stop };
}

export async function startUp(backend: Backend, _url: string | undefined, log: (m: string) => void) {
  if (backend !== "pglite") return []; // a start on PostgreSQL depends on that server, not on us
  const prepared = spawnSync(process.execPath, [V2V, "prepare"], {
    cwd: ROOT,
    env: process.env,
    encoding: "utf8",
  });
  check(prepared.status === 0, `v2v prepare failed: ${prepared.stderr}`);
  const dirs: string[] = [];
  const freshDir = () => {
    const d = mkdtempSync(join(tmpdir(), "v2v-bench-start-"));
    dirs.push(d);
    return d;
  };
  const version = async () => {
    const r = spawnSync(process.execPath, [V2V, "--version"], { cwd: ROOT, encoding: "utf8" });
    check(r.status === 0 && /\d+\.\d+\.\d+/.test(r.stdout), "v2v --version failed");
  };
  /** one start to its "up" line, in ms; the stop after it is not counted */
  const startIn = (dir: () => string) => async () => {
    const run = await serveUntilUp(dir());
    await run.stop();
    return run.ms;
  };
  const first = startIn(freshDir);
  const laterDir = freshDir();
  await startIn(() => laterDir)(); // its first start, untimed
  const later = startIn(() => laterDir);
  const pair = { warmups: 1, repetitions: REPETITIONS, baseline: version, measuredTimesItself: true };
  try {
    log("  first start");
    const a = await comparePair({ ...pair, measured: first });
    log("  later start");
    const b = await comparePair({ ...pair, measured: later });
    check(
      [...a.measuredMs, ...b.measuredMs].every((ms) => ms > 0),
      "a start was not timed",
    );
    const comparisons: Comparison[] = [
      {
        benchmark: "start: first, new data directory with the demo",
        backend,
        baseline: "v2v --version",
        measured: "serve until up",
        ...a,
        notes: [`goal ≤ 3000 ms: ${median(a.measuredMs) <= 3000 ? "met" : "NOT met"}`],
      },
      {
        benchmark: "start: later, same data directory",
        backend,
        baseline: "v2v --version",
        measured: "serve until up",
        ...b,
        notes: [`goal ≤ 2000 ms: ${median(b.measuredMs) <= 2000 ? "met" : "NOT met"}`],
      },
    ];
    return comparisons;
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
