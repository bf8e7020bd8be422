/**
 * Turns the records the API returns into chart series on the study-day axis (day 0 = infusion,
 * calendar days in the site's time zone, as the server's timeline counts them).
 */
import type { ClinicalEvent, Medication, Observation } from "../../api/types.ts";

export interface Point {
  day: number;
  [series: string]: number;
}

/** LOINC codes the demo and the lab import record under (src/demo/codes.ts). */
export const LOINC = {
  cd19: "8116-6",
  antiDsDna: "5130-0",
  c3: "4485-9",
  c4: "4498-2",
  wbc: "6690-2",
  neutrophils: "751-8",
  lymphocytes: "731-0",
  platelets: "777-3",
  hemoglobin: "718-7",
} as const;

const MS_PER_DAY = 86_400_000;

export function localDateIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(instant));
}

export function dayFrom(date: string, day0: string): number {
  return Math.round(
    (Date.parse(`${date.slice(0, 10)}T00:00:00Z`) - Date.parse(`${day0}T00:00:00Z`)) / MS_PER_DAY,
  );
}

/** Several observation codes merged into one series per day (the last value of a day wins). */
export function observationSeries(
  observations: Observation[],
  codes: Record<string, string>,
  day0: string,
  timeZone: string,
): Point[] {
  const byDay = new Map<number, Point>();
  for (const o of observations) {
    if (o.status !== "final" || o.valueNumber === null) continue;
    const name = Object.keys(codes).find((k) => codes[k] === o.code);
    if (!name) continue;
    const day = dayFrom(localDateIn(o.effectiveAt, timeZone), day0);
    const point = byDay.get(day) ?? { day };
    point[name] = o.valueNumber;
    byDay.set(day, point);
  }
  return [...byDay.values()].sort((a, b) => a.day - b.day);
}

/**
 * CAR-T transgene copies per µg gDNA, as the server reads them from the copies notes (the same
 * reading as the derived kinetics), on the study day of the note's date at the site.
 */
export function carCopiesSeries(events: ClinicalEvent[], day0: string, timeZone: string): Point[] {
  const points: Point[] = [];
  for (const e of events) {
    const reading = e.derived.carCopies;
    // Log scale: below the limit of detection cannot be drawn, so it is left out of the line.
    if (!reading || !("value" in reading) || reading.value <= 0) continue;
    points.push({ day: dayFrom(localDateIn(e.occurredAt, timeZone), day0), copies: reading.value });
  }
  return points.sort((a, b) => a.day - b.day);
}

/**
 * Daily systemic glucocorticoid dose in prednisolone-equivalent mg per study day. Which records are
 * systemic glucocorticoids and their daily equivalent come from the API (domain/medications.ts:
 * BNF equivalences, written frequencies), so the chart shows what the SLEDAI/DORIS drafts read.
 */
export function steroidSeries(medications: Medication[], day0: string, from: number, to: number): Point[] {
  const points: Point[] = [];
  const steroids = medications.filter((m) => m.derived.prednisoloneEquivalentMgPerDay !== null);
  for (let day = from; day <= to; day++) {
    let mg = 0;
    for (const m of steroids) {
      const start = dayFrom(m.startDate, day0);
      const stop = m.stopDate ? dayFrom(m.stopDate, day0) : Number.POSITIVE_INFINITY;
      if (day >= start && day <= stop) mg += m.derived.prednisoloneEquivalentMgPerDay!;
    }
    points.push({ day, mg: Math.round(mg * 100) / 100 });
  }
  return points;
}
