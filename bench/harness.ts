/**
 * Timing: a baseline and a measured operation are warmed up, then run alternately (A B, B A, …)
 * so drift of a noisy machine hits both alike. Only the ratio of their medians is meant to be
 * compared between machines and runs.
 */
import { performance } from "node:perf_hooks";

export interface Comparison {
  benchmark: string;
  backend: string;
  baseline: string;
  measured: string;
  baselineMs: number[];
  measuredMs: number[];
  /** extra facts for the notes column, e.g. rows per second */
  notes?: string[];
}

export const median = (xs: number[]): number => {
  if (xs.length === 0) throw new Error("median of nothing");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** measured median ÷ baseline median (time): below 1 means the measured operation is faster. */
export const ratio = (c: Comparison): number => median(c.measuredMs) / median(c.baselineMs);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export interface PairOptions {
  /** untimed runs of each before measuring (may use a smaller workload: see `warmup*`) */
  warmups: number;
  repetitions: number;
  baseline: () => Promise<unknown>;
  measured: () => Promise<unknown>;
  /** what to run while warming up, when the full workload is too slow to repeat untimed */
  warmupBaseline?: () => Promise<unknown>;
  warmupMeasured?: () => Promise<unknown>;
  /**
   * `measured` resolves to its own time in milliseconds, to be used instead of its whole duration
   * (a server start timed to its "up" line, its shutdown afterwards not counted)
   */
  measuredTimesItself?: boolean;
  /** the same for `baseline` (e.g. input built untimed before each run) */
  baselineTimesItself?: boolean;
}

export async function comparePair(o: PairOptions): Promise<{ baselineMs: number[]; measuredMs: number[] }> {
  for (let i = 0; i < o.warmups; i++) {
    await (o.warmupBaseline ?? o.baseline)();
    await (o.warmupMeasured ?? o.measured)();
  }
  const baselineMs: number[] = [];
  const measuredMs: number[] = [];
  const measure = o.measuredTimesItself ? async () => Number(await o.measured()) : () => timed(o.measured);
  const base = o.baselineTimesItself ? async () => Number(await o.baseline()) : () => timed(o.baseline);
  for (let i = 0; i < o.repetitions; i++) {
    if (i % 2 === 0) {
      baselineMs.push(await base());
      measuredMs.push(await measure());
    } else {
      measuredMs.push(await measure());
      baselineMs.push(await base());
    }
  }
  return { baselineMs, measuredMs };
}

/** Fails the run if a benchmark silently measured the wrong thing (an empty page, say). */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`benchmark sanity check failed: ${message}`);
}
