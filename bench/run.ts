/**
 * `npm run bench`: every benchmark on in-memory PGlite, and again on PostgreSQL when
 * BENCH_DATABASE_URL is set (each benchmark in a throw-away schema). Prints one Markdown table to
 * stdout, writes it to bench/results/latest.md, and reports progress on stderr.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { Backend } from "./fixtures.ts";
import { type Comparison, median, ratio } from "./harness.ts";
import { SUITES } from "./suites.ts";
import { testSuiteVsBase } from "./test-suite.ts";
import { type TierM, tierM, tierMTable } from "./tier-m.ts";

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

const ms = (x: number) => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ms`;
const times = (x: number) => `${x >= 0.1 ? x.toFixed(2) : x.toFixed(3)}`;

export function table(results: Comparison[]): string {
  const rows = results.map((c) => [
    c.benchmark,
    c.backend,
    `${c.baseline}: ${ms(median(c.baselineMs))}`,
    `${c.measured}: ${ms(median(c.measuredMs))}`,
    times(ratio(c)),
    [`n=${c.measuredMs.length}`, ...(c.notes ?? [])].join("; "),
  ]);
  const header = [
    "Benchmark",
    "Backend",
    "Baseline (median)",
    "Measured (median)",
    "Ratio (measured ÷ baseline)",
    "Notes",
  ];
  // Columns padded to their widest cell: readable on a terminal, and already in the layout the
  // repository's Markdown formatter (biome) would give the generated file.
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * BENCH_TIER: S (the default: the benchmarks above), M (tier-m.ts, 10,000 patients), SUITE
 * (test-suite.ts, `npm test` against 4c7e5ff's), or several, e.g. "S,M".
 */
const tiers = (process.env.BENCH_TIER || "S")
  .toUpperCase()
  .split(",")
  .map((t) => t.trim());

async function main() {
  const url = process.env.BENCH_DATABASE_URL || undefined;
  // PGlite, and PostgreSQL when BENCH_DATABASE_URL is set; BENCH_BACKENDS=postgres (or pglite)
  // runs tiers S and M on one of them only.
  const wanted = (process.env.BENCH_BACKENDS ?? "").split(",").filter(Boolean);
  const available = ((url ? ["pglite", "postgres"] : ["pglite"]) as Backend[]).filter(
    (b) => wanted.length === 0 || wanted.includes(b),
  );
  const backends = tiers.includes("S") ? available : [];
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const started = performance.now();
  const results: Comparison[] = [];
  for (const backend of backends) {
    // BENCH_ONLY=substring,… runs the tier-S benchmarks whose names contain one of them.
    const only = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);
    for (const [name, suite] of SUITES) {
      if (only.length && !only.some((o) => name.includes(o))) continue;
      log(`[${backend}] ${name}`);
      const t = performance.now();
      results.push(...(await suite(backend, url, log)));
      log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  if (tiers.includes("SUITE")) {
    log("[pglite] npm test against 4c7e5ff's");
    const t = performance.now();
    results.push(...(await testSuiteVsBase(log)));
    log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  // Tier M on PostgreSQL when BENCH_DATABASE_URL is set, and on PGlite.
  const ms: TierM[] = [];
  if (tiers.includes("M")) {
    for (const backend of available) {
      log(`[${backend}] tier M`);
      const t = performance.now();
      ms.push(await tierM(backend, url, log));
      log(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const outS = results.length ? table(results) : "";
  const outM = ms
    .map((m) =>
      [
        `Tier M on ${m.backend === "postgres" ? "PostgreSQL" : "PGlite"}: ${m.patients.toLocaleString("en-US")} patients (${Object.entries(
          m.rows,
        )
          .map(([t, n]) => `${n.toLocaleString("en-US")} ${t}`)
          .join(
            ", ",
          )}); ${m.connections} clients, load from ${m.generator}; each route warmed by ${m.warmSeconds} s loads plain and gzip, not counted, then in ${m.rounds} rounds of ${m.roundSeconds} s loads (HTTP, gzip, same bytes${
          m.backend === "postgres" ? ", pgbench" : ""
        }; forwards, then backwards), the hello-world once for ${m.seconds} s. Goal: p95 ≤ 25 ms and HTTP ≥ 0.7 × its limit, the lower of ${
          m.backend === "postgres"
            ? "pgbench"
            : "the main query back to back (once, before the server starts)"
        } and a bare Fastify sending as many bytes, measured in the same round; the median of the rounds.`,
        "",
        tierMTable(m),
      ].join("\n"),
    )
    .join("\n\n");
  const out = [outS, outM].filter(Boolean).join("\n\n");
  process.stdout.write(`${out}\n`);
  log(`total ${seconds} s`);

  const cpu = cpus();
  const report = [
    "# Benchmark results (generated by `npm run bench`; overwritten on every run)",
    "",
    `Run ${new Date().toISOString()} on Node ${process.version}, ${process.platform}/${process.arch}, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}; tiers: ${tiers.join(", ")}; backends: ${[...backends, ...ms.map((m) => `${m.backend} (tier M)`)].join(", ")}; ${seconds} s in all.`,
    "",
    "Times are medians of the repetitions (n); compare the ratios, not the milliseconds, between machines.",
    "",
    out,
    "",
  ].join("\n");
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.md`, report);
}

await main();
