/**
 * Issue 15's `npm test` goal: the suite at least three times faster than at 4c7e5ff (the commit
 * the issue measured, 15.6 minutes then) with the same assertions. `BENCH_TIER=suite` unpacks
 * 4c7e5ff from this repository (`git archive`) into a temporary directory, installs its packages
 * with `npm ci`, and runs its whole suite against this checkout's copies of the same test files
 * (files added since are left out, so both sides check what 4c7e5ff checked; the files have grown
 * assertions since, never lost them). Each side is one `vitest run` as `npm test` runs it, timed
 * from spawning to exit, with the machine's busy CPU-seconds (/proc/stat) over the same span.
 * `BENCH_SUITE_RUNS` (default 1) sets how many times each side runs; the sides alternate,
 * this checkout first. One run took 10 minutes on a 2-core machine, `npm ci` included
 * (2026-12-07); nothing else should run meanwhile.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Comparison } from "./harness.ts";
import { median } from "./harness.ts";
import type { Log } from "./suites.ts";

const BASE = "4c7e5ff";
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Busy CPU-seconds of the whole machine so far (all fields of /proc/stat but idle and iowait). */
function busyCpuSeconds(): number | null {
  if (!existsSync("/proc/stat")) return null;
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

/** Runs `npx vitest run …` in `cwd`; its wall milliseconds and the machine's busy CPU-seconds. */
function timedVitest(cwd: string, files: string[]): Promise<{ ms: number; cpu: number | null }> {
  const cpu0 = busyCpuSeconds();
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["vitest", "run", ...files], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4000);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - start;
      const cpu1 = busyCpuSeconds();
      if (code !== 0) reject(new Error(`vitest in ${cwd} exited with ${code}; its last words:\n${errors}`));
      else resolve({ ms, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 });
    });
  });
}

export async function testSuiteVsBase(log: Log): Promise<Comparison[]> {
  const dir = mkdtempSync(join(tmpdir(), "v2v-suite-base-"));
  try {
    log(`  unpacking ${BASE} into ${dir}`);
    execFileSync("sh", ["-c", `git -C "$1" archive ${BASE} | tar -x -C "$2"`, "sh", ROOT, dir]);
    log(`  npm ci in ${BASE}`);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const baseFiles = execFileSync(
      "git",
      ["-C", ROOT, "ls-tree", "-r", "--name-only", BASE, "--", "test", "src"],
      {
        encoding: "utf8",
      },
    )
      .split("\n")
      .filter((f) => f.endsWith(".test.ts"));
    const files = baseFiles.filter((f) => existsSync(join(ROOT, f)));
    if (files.length === 0) throw new Error(`none of ${BASE}'s test files is in this checkout`);
    const runs = Number(process.env.BENCH_SUITE_RUNS ?? 1);
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(
        `BENCH_SUITE_RUNS must be a whole number of runs, 1 or more (got ${process.env.BENCH_SUITE_RUNS})`,
      );
    const now: { ms: number; cpu: number | null }[] = [];
    const then: { ms: number; cpu: number | null }[] = [];
    for (let r = 0; r < runs; r++) {
      log(`  run ${r + 1}/${runs}: this checkout, ${files.length} files`);
      now.push(await timedVitest(ROOT, files));
      log(`  run ${r + 1}/${runs}: ${BASE}, its ${baseFiles.length} files`);
      then.push(await timedVitest(dir, []));
    }
    const cpu = (xs: { cpu: number | null }[]) =>
      xs.every((x) => x.cpu !== null) ? median(xs.map((x) => x.cpu!)) : null;
    const cpuNow = cpu(now);
    const cpuThen = cpu(then);
    const ratio = median(now.map((x) => x.ms)) / median(then.map((x) => x.ms));
    return [
      {
        benchmark: `npm test, the test files ${BASE} had (${files.length} of ${baseFiles.length})`,
        backend: "pglite",
        baseline: `${BASE}'s npm test`,
        measured: "the same files now",
        baselineMs: then.map((x) => x.ms),
        measuredMs: now.map((x) => x.ms),
        notes: [
          ...(cpuNow !== null && cpuThen !== null
            ? [
                `CPU-seconds ${Math.round(cpuThen)} → ${Math.round(cpuNow)} (${(cpuNow / cpuThen).toFixed(2)})`,
              ]
            : []),
          `wall ${ratio.toFixed(2)} (goal ≤ 0.33: ${ratio <= 1 / 3 ? "met" : "not met"})`,
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
