/**
 * Lymphoma imaging → the model's relative tumour burden T/T₀ (`tumourRelative`, observations.ts),
 * the mapping kinetics-model.md §3.3 asks for ("T/T0 mapped to SPD or MTV ratio"). What is read is
 * what the stored Lugano 2014 assessments hold (calculators/lymphoma-response/): the SPD of the CT
 * target lesions with the baseline SPD it was compared with, and the PET-CT metabolic response.
 * No SUVmax or MTV is recorded as a number anywhere, so neither is read.
 *
 * The rules, each with its source:
 * - **CT, SPD → burden.** T/T₀ = (SPD / SPD₀)^{3/2}: the model counts cells, which scale with a
 *   lesion's volume, and the SPD is an area (the product of the longest and the perpendicular
 *   diameter, Cheson 2014 Table 3); a lesion shrinking alike in all three axes loses volume as the
 *   area to the power 3/2 [A]. So a Lugano PR threshold of −50 % SPD is a burden of 0.35.
 * - **The baseline SPD₀** is the burden at infusion, which is what T₀ is (parameters.ts `tumour0`):
 *   the SPD of the last Lugano CT scan before day 0 when one is recorded (the same rule as the
 *   blood values' baselines, the last value before day 0, services/kinetics.ts), otherwise the
 *   baseline SPD the scan itself was read against (Cheson 2014 Table 3: response is measured from
 *   the pre-treatment baseline). Both assume the target lesions stay the same, as Lugano requires.
 * - **A CT complete response** (every target node ≤ 15 mm in its longest diameter and nothing else
 *   left, Cheson 2014 Table 3 CR row) calls those nodes normal: what remains measures no lymphoma,
 *   so it reaches the fit as left-censored at its own ratio (at most this much lymphoma; Beal's M3
 *   in observations.ts), never as a value the model would have to reach.
 * - **PET-CT complete metabolic response** (Deauville 1–3 at every site, no new FDG-avid lesion,
 *   no marrow uptake; Cheson 2014, Barrington 2014) reads as below the limit of `tumourRelative`,
 *   1 % of the baseline burden (observations.ts ERROR_MODELS; why 1 % is written there). A PMR,
 *   NMR or PMD gives no number: a Deauville score compares uptake with mediastinum and liver
 *   (Barrington 2014), it measures no volume. Those are listed as skipped with the reason.
 *
 * The measurement error of a CT burden is the log-normal error of `tumourRelative` in
 * observations.ts, where its size is justified.
 */
import { ERROR_MODELS } from "./observations.ts";
import type { DataPoint } from "./report.ts";

/** A stored Lugano assessment as the mapping needs it: its calculator, date, study day and result. */
export interface ImagingAssessment {
  calculator: string;
  /** date of the assessment in the site's time zone */
  date: string;
  /** study day of `date` (day 0: infusion) */
  day: number;
  /** the stored calculator result: `value` and, for lugano-ct, `details.spdMm2`/`baselineSpdMm2` */
  result: unknown;
}

export interface ImagingSkip {
  code: string;
  date: string;
  reason: string;
}

/** Exponent from a sum of areas (SPD) to a volume, hence a cell count: 3/2 (module comment). */
export const SPD_TO_BURDEN_EXPONENT = 1.5;

interface CtScan {
  date: string;
  day: number;
  value: string;
  spdMm2: number;
  baselineSpdMm2: number;
}

function ctScan(a: ImagingAssessment): CtScan | null {
  const r = a.result as { value?: unknown; details?: { spdMm2?: unknown; baselineSpdMm2?: unknown } } | null;
  const spd = r?.details?.spdMm2;
  const base = r?.details?.baselineSpdMm2;
  if (typeof r?.value !== "string" || typeof spd !== "number" || typeof base !== "number" || !(base > 0))
    return null;
  return { date: a.date, day: a.day, value: r.value, spdMm2: spd, baselineSpdMm2: base };
}

/**
 * The tumour burden points of a patient's Lugano assessments (any order), and the assessments
 * that give none with the reason. Points are for day ≥ 0; pre-infusion CT scans set the baseline.
 */
export function tumourBurdenPoints(assessments: readonly ImagingAssessment[]): {
  data: DataPoint[];
  skipped: ImagingSkip[];
  /** the SPD the ratios of scans without their own pre-infusion baseline are taken against */
  baseline: { spdMm2: number; date: string } | null;
} {
  const sorted = [...assessments].sort((a, b) => a.day - b.day || a.date.localeCompare(b.date));
  const limit = ERROR_MODELS.tumourRelative.lloq;
  const data: DataPoint[] = [];
  const skipped: ImagingSkip[] = [];
  const ct = sorted.filter((a) => a.calculator === "lugano-ct");
  const scans: CtScan[] = [];
  for (const a of ct) {
    const s = ctScan(a);
    if (s) scans.push(s);
    else skipped.push({ code: a.calculator, date: a.date, reason: "no SPD or baseline SPD in the result" });
  }
  const before = scans.filter((s) => s.day < 0).at(-1);
  const baseline = before && before.spdMm2 > 0 ? { spdMm2: before.spdMm2, date: before.date } : null;
  for (const s of scans) {
    if (s.day < 0) continue;
    const spd0 = baseline?.spdMm2 ?? s.baselineSpdMm2;
    const burden = (s.spdMm2 / spd0) ** SPD_TO_BURDEN_EXPONENT;
    const censored = s.value === "CR" || burden < limit;
    data.push({
      observable: "tumourRelative",
      day: s.day,
      date: s.date,
      value: censored ? null : burden,
      lloq: censored ? Math.max(limit, burden) : limit,
      censored,
      recorded: {
        value: s.spdMm2,
        unit: "mm²",
        text: `SPD ${s.spdMm2} mm² / ${spd0} mm² (Lugano CT ${s.value})`,
      },
    });
  }
  for (const a of sorted.filter((x) => x.calculator === "lugano-pet")) {
    const value = (a.result as { value?: unknown } | null)?.value;
    if (a.day < 0) {
      skipped.push({
        code: a.calculator,
        date: a.date,
        reason: "before the infusion: no burden to compare with",
      });
      continue;
    }
    if (value === "CMR")
      data.push({
        observable: "tumourRelative",
        day: a.day,
        date: a.date,
        value: null,
        lloq: limit,
        censored: true,
        recorded: { value: null, unit: "", text: "Lugano PET-CT CMR" },
      });
    else
      skipped.push({
        code: a.calculator,
        date: a.date,
        reason: `${String(value)} is a Deauville reading, not a measured burden`,
      });
  }
  data.sort((a, b) => a.day - b.day);
  return { data, skipped, baseline };
}
