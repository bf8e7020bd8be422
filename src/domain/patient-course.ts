/**
 * A patient's course around the infusion as chart series on the study-day axis (day 0 = the
 * infusion's calendar day in the site's time zone, domain/study-day.ts): CAR-T copies, CD19⁺ B
 * cells, anti-dsDNA, complement, blood counts and the daily systemic glucocorticoid dose in
 * prednisolone equivalents (domain/medications.ts, BNF equivalences). The web app draws these
 * points as they are; the study-day arithmetic, which codes make a chart and which medications
 * count are here, once.
 */
import { addDays } from "./calendar.ts";
import type { CarCopiesNote } from "./endpoints/car-copies-note.ts";
import { activeOn } from "./medications.ts";
import { localDate, studyDay } from "./study-day.ts";

/**
 * The LOINC codes of each chart's series (codes as in lab-import/canonical-units.ts; values in
 * those canonical units: /uL, [IU]/mL, mg/dL, 10*3/uL).
 */
export const COURSE_CHART_CODES = {
  cd19: { cd19: "8116-6" },
  antiDsDna: { antiDsDna: "5130-0" },
  complement: { c3: "4485-9", c4: "4498-2" },
  counts: { wbc: "6690-2", neutrophils: "751-8", lymphocytes: "731-0", platelets: "777-3" },
} as const satisfies Record<string, Record<string, string>>;

export const COURSE_CODES: readonly string[] = Object.values(COURSE_CHART_CODES).flatMap((c) =>
  Object.values(c),
);

/** One chart point: the study day and a value per series key. */
export interface CoursePoint {
  day: number;
  [series: string]: number;
}

export interface CourseInput {
  /** the infusion date (day 0), site calendar */
  day0: string;
  timeZone: string;
  /** final numeric results of the chart codes */
  observations: readonly { code: string; value: number; effectiveAt: Date }[];
  /** systemic glucocorticoid courses with their daily prednisolone equivalent (unrounded) */
  glucocorticoids: readonly { startDate: string; stopDate: string | null; prednisoloneMgPerDay: number }[];
  /** the CAR-T copies notes as the server reads them (endpoints/car-copies-note.ts) */
  copies: readonly { occurredAt: Date; reading: CarCopiesNote }[];
}

export interface PatientCourse {
  /** the first and last study day in view: three days beyond the data, day 0 and day 30 always in */
  window: { from: number; to: number };
  charts: {
    copies: CoursePoint[];
    cd19: CoursePoint[];
    antiDsDna: CoursePoint[];
    complement: CoursePoint[];
    counts: CoursePoint[];
    /** every study day of the window, 0 on days without a systemic glucocorticoid */
    glucocorticoidMgPerDay: CoursePoint[];
  };
}

const MARGIN_DAYS = 3;
const ALWAYS_TO_DAY = 30;

export function patientCourse(input: CourseInput): PatientCourse {
  const dayOf = (at: Date) => studyDay(localDate(at, input.timeZone), input.day0);
  const series = (codes: Record<string, string>) => {
    const keyOf = new Map(Object.entries(codes).map(([key, code]) => [code, key]));
    const byDay = new Map<number, CoursePoint>();
    const ordered = [...input.observations].sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime());
    for (const o of ordered) {
      const key = keyOf.get(o.code);
      if (!key) continue;
      const day = dayOf(o.effectiveAt);
      const point = byDay.get(day) ?? { day };
      // The last result of a day stands for the day.
      point[key] = o.value;
      byDay.set(day, point);
    }
    return [...byDay.values()].sort((a, b) => a.day - b.day);
  };
  // Below the limit of detection cannot be drawn on a log scale, so it is left out of the line.
  const copies = input.copies
    .flatMap((c) =>
      "value" in c.reading && c.reading.value > 0
        ? [{ day: dayOf(c.occurredAt), copies: c.reading.value }]
        : [],
    )
    .sort((a, b) => a.day - b.day);
  const charts = {
    copies,
    cd19: series(COURSE_CHART_CODES.cd19),
    antiDsDna: series(COURSE_CHART_CODES.antiDsDna),
    complement: series(COURSE_CHART_CODES.complement),
    counts: series(COURSE_CHART_CODES.counts),
  };
  const days = Object.values(charts).flatMap((points) => points.map((p) => p.day));
  const from = Math.min(0, ...days) - MARGIN_DAYS;
  const to = Math.max(ALWAYS_TO_DAY, ...days) + MARGIN_DAYS;
  const glucocorticoidMgPerDay: CoursePoint[] = [];
  for (let day = from; day <= to; day++) {
    const date = addDays(input.day0, day);
    const mg = input.glucocorticoids
      .filter((g) => activeOn(g, date))
      .reduce((sum, g) => sum + g.prednisoloneMgPerDay, 0);
    glucocorticoidMgPerDay.push({ day, mg: Math.round(mg * 100) / 100 });
  }
  return { window: { from, to }, charts: { ...charts, glucocorticoidMgPerDay } };
}
