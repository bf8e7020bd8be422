/**
 * Program metrics of the vein-to-vein process, as pure functions of dated facts (issue 4,
 * "Metrics"): vein-to-vein time, manufacturing turnaround, and manufacturing failure and
 * out-of-specification rates. A rate is never given without its numerator and denominator, and a
 * duration summary always carries its n (shared/domain/workflow-standards.md §1.2 reports medians
 * and ranges for these intervals [S01][S03]).
 *
 * Definitions (ours, stated so the numbers can be compared):
 * - Vein-to-vein days: calendar days (site-local) from the apheresis whose material was infused
 *   (the last apheresis before the infusion, after any re-apheresis) to the infusion.
 * - Manufacturing lot: one apheresis collection that started manufacture. Its outcome: failed when
 *   the collection or any bag made from it was declared failed; else out-of-specification when any
 *   bag was declared OOS; else released when a bag was released; else pending.
 * - Turnaround days: from the start of manufacture to the first QC disposition of the lot (release
 *   or OOS declaration).
 * - Failure rate = failed lots / decided lots; OOS rate = OOS lots / decided lots, where decided =
 *   released + OOS + failed (pending lots have no outcome yet and are not in the denominator).
 */
import { daysBetween } from "./calendar.ts";

export interface JourneyFacts {
  siteId: string;
  productKey: string;
  /** site-local dates of each recorded apheresis, any order */
  apheresisDates: string[];
  /** site-local date of the infusion, if infused */
  infusionDate: string | null;
}

export type LotOutcome = "released" | "out-of-specification" | "failed" | "pending";

export interface LotFacts {
  siteId: string;
  productKey: string;
  manufactureStartDate: string;
  outcome: LotOutcome;
  /** site-local date of the first release or OOS declaration */
  qcDispositionDate: string | null;
}

export interface DurationSummary {
  n: number;
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** null when the denominator is 0: no rate without cases */
  rate: number | null;
}

export interface Metrics {
  veinToVeinDays: DurationSummary;
  manufacturingTurnaroundDays: DurationSummary;
  lots: { started: number; released: number; outOfSpecification: number; failed: number; pending: number };
  failureRate: Rate;
  oosRate: Rate;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarise(values: readonly number[]): DurationSummary {
  return {
    n: values.length,
    median: median(values),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
  };
}

export const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator,
});

/** Vein-to-vein days of one journey, or null when it has no infusion or no apheresis before it. */
export function veinToVeinDays(j: Pick<JourneyFacts, "apheresisDates" | "infusionDate">): number | null {
  if (!j.infusionDate) return null;
  const before = j.apheresisDates.filter((d) => d <= j.infusionDate!).sort();
  const last = before.at(-1);
  return last === undefined ? null : daysBetween(last, j.infusionDate);
}

export function metricsOf(journeys: readonly JourneyFacts[], lots: readonly LotFacts[]): Metrics {
  const v2v = journeys.map(veinToVeinDays).filter((d): d is number => d !== null);
  const turnaround = lots
    .filter((l) => l.qcDispositionDate !== null)
    .map((l) => daysBetween(l.manufactureStartDate, l.qcDispositionDate!));
  const count = (o: LotOutcome) => lots.filter((l) => l.outcome === o).length;
  const released = count("released");
  const oos = count("out-of-specification");
  const failed = count("failed");
  const decided = released + oos + failed;
  return {
    veinToVeinDays: summarise(v2v),
    manufacturingTurnaroundDays: summarise(turnaround),
    lots: { started: lots.length, released, outOfSpecification: oos, failed, pending: count("pending") },
    failureRate: rate(failed, decided),
    oosRate: rate(oos, decided),
  };
}

/** Metrics per value of `key` (a product or a site), in the order keys first appear. */
export function metricsBy(
  journeys: readonly JourneyFacts[],
  lots: readonly LotFacts[],
  key: (x: { siteId: string; productKey: string }) => string,
): Map<string, Metrics> {
  const keys = [...new Set([...journeys.map(key), ...lots.map(key)])];
  return new Map(
    keys.map((k) => [
      k,
      metricsOf(
        journeys.filter((j) => key(j) === k),
        lots.filter((l) => key(l) === k),
      ),
    ]),
  );
}

/** A lot's outcome from the dispositions recorded on the collection and its bags. */
export function lotOutcome(events: readonly { type: string }[]): LotOutcome {
  const has = (t: string) => events.some((e) => e.type === t);
  if (has("declare-failed")) return "failed";
  if (has("declare-oos")) return "out-of-specification";
  if (has("release")) return "released";
  return "pending";
}
