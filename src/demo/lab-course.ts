/**
 * How a synthetic patient's lab values move around a CAR-T infusion. Each curve follows the usual
 * textbook shape rather than any real patient's data:
 * - lymphodepletion (fludarabine/cyclophosphamide, days −5 to −3) gives a neutrophil and platelet
 *   nadir around days 4–8 and recovery by day 28; lymphocytes rise again as CAR-T cells expand;
 * - IL-6, then CRP, then ferritin peak with cytokine release syndrome, higher with higher grade;
 * - B cells vanish from about day 3 and return months later (sooner in autoimmune disease);
 * - in lupus remission anti-dsDNA falls below the cut-off, ANA turns negative and complement
 *   normalises; with only low disease activity they improve but stay abnormal;
 * - lymphoma LDH and myeloma IgG (the paraprotein) follow the tumour response.
 * Study day `d` < 0 means before infusion, where values scatter around the patient's baseline.
 */
import type { LabKey } from "./codes.ts";
import { type Random, round } from "./random.ts";

export type Disease = "dlbcl" | "myeloma" | "sle" | "ln" | "sle-dlbcl";
/**
 * Lymphoma and myeloma: CR, PR, progression (never in remission), relapse (CR, later back, then a
 * second remission after salvage). Lupus: remission (DORIS, off drugs) or low-activity (LLDAS).
 * "pending": too early to tell.
 */
export type Outcome = "CR" | "PR" | "progression" | "relapse" | "remission" | "low-activity" | "pending";
/** ASTCT grade; 0 = none. */
export type Grade = 0 | 1 | 2 | 3;

export const isLupus = (d: Disease) => d === "sle" || d === "ln" || d === "sle-dlbcl";
export const isLymphoma = (d: Disease) => d === "dlbcl" || d === "sle-dlbcl";
export const isOncology = (d: Disease) => d !== "sle" && d !== "ln";
export const remits = (o: Outcome) => o === "CR" || o === "remission";

/** Days from relapse to a second complete response after salvage therapy. */
export const SALVAGE_DAYS = 150;

type Curve = { days: number[]; values: number[] };
const curve = (days: number[], values: number[]): Curve => ({ days, values });

/** Linear interpolation through a curve, flat beyond both ends. */
export function interp(c: Curve, d: number): number {
  const { days, values } = c;
  if (d <= days[0]!) return values[0]!;
  for (let i = 1; i < days.length; i++)
    if (d <= days[i]!)
      return (
        values[i - 1]! + ((values[i]! - values[i - 1]!) * (d - days[i - 1]!)) / (days[i]! - days[i - 1]!)
      );
  return values[values.length - 1]!;
}

/** A bell around `peak`: 1 at the peak, rising over `rise` days and falling over `fall` days. */
function pulse(d: number, peak: number, rise: number, fall: number): number {
  const x = d - peak;
  const w = x < 0 ? rise : fall;
  return Math.exp(-(x * x) / (2 * w * w));
}

/** Fractions of baseline after lymphodepletion, by study day. */
const NEUTROPHILS = curve(
  [0, 2, 4, 6, 8, 10, 14, 21, 28, 56, 90],
  [0.55, 0.3, 0.15, 0.12, 0.25, 0.45, 0.65, 0.75, 0.82, 0.92, 1],
);
const HEMOGLOBIN = curve([0, 7, 14, 28, 56, 90, 180], [0.96, 0.88, 0.86, 0.92, 0.97, 1.02, 1.05]);
const PLATELETS = curve([0, 4, 6, 10, 14, 28, 56, 90], [0.85, 0.6, 0.45, 0.5, 0.65, 0.85, 0.95, 1]);
const NEPHRITIS_CREATININE = curve([0, 90, 180], [1, 0.8, 0.7]);
/** CAR transgene copies as a fraction of the patient's peak, by study day. */
const CAR_COPIES = curve([7, 10, 14, 28, 90], [0.7, 1, 0.55, 0.08, 0.004]);

export interface Baseline {
  anc: number;
  lym: number;
  /** monocytes and the rest of the differential, 10*3/uL */
  other: number;
  hb: number;
  plt: number;
  crp: number;
  ferritin: number;
  il6: number;
  ldh: number;
  creatinine: number;
  cd19: number;
  dsDna: number;
  c3: number;
  c4: number;
  upcr: number;
  igg: number;
  ecog: number;
  sbp: number;
  weight: number;
  height: number;
}

function baseline(disease: Disease, sex: "female" | "male", r: Random): Baseline {
  const female = sex === "female";
  const byDisease = (lymphoma: number, myeloma: number, lupus: number) =>
    isLymphoma(disease) ? lymphoma : disease === "myeloma" ? myeloma : lupus;
  return {
    anc: r.between(2.6, 4.8, 2),
    lym: isLupus(disease) ? r.between(0.7, 1.4, 2) : r.between(0.9, 1.9, 2),
    other: r.between(0.3, 0.6, 2),
    hb:
      disease === "myeloma"
        ? r.between(8.8, 11.2, 1)
        : female
          ? r.between(10.2, 12.8, 1)
          : r.between(11.8, 14.6, 1),
    plt: disease === "myeloma" ? r.between(110, 190) : r.between(150, 290),
    crp: isLymphoma(disease) ? r.between(10, 42) : r.between(2, 14),
    ferritin: isLymphoma(disease) ? r.between(300, 800) : r.between(90, 380),
    il6: isOncology(disease) ? r.between(4, 14, 1) : r.between(2.5, 8, 1),
    ldh: byDisease(r.between(290, 640), r.between(190, 320), r.between(150, 235)),
    creatinine:
      disease === "ln"
        ? r.between(1.05, 1.8, 2)
        : disease === "myeloma"
          ? r.between(0.8, 1.6, 2)
          : female
            ? r.between(0.55, 0.85, 2)
            : r.between(0.7, 1.05, 2),
    cd19: isLupus(disease) ? r.between(60, 260) : r.between(20, 160),
    dsDna: disease === "ln" ? r.between(160, 600) : r.between(80, 420),
    c3: r.between(35, 72),
    c4: r.between(3.5, 9.5, 1),
    upcr: r.between(1500, 4500),
    igg: disease === "myeloma" ? r.between(3500, 6500) : r.between(1400, 2300),
    ecog: isOncology(disease) ? r.int(1, 2) : r.int(0, 1),
    sbp: r.between(104, 134),
    weight: female ? r.between(47, 68, 1) : r.between(58, 82, 1),
    height: female ? r.between(150, 168) : r.between(162, 181),
  };
}

export interface CourseParams {
  disease: Disease;
  sex: "female" | "male";
  outcome: Outcome;
  crs: Grade;
  /** study day of progression or relapse */
  turnDay?: number;
}

type Values = Partial<Record<LabKey, number | string>>;

export interface LabCourse {
  baseline: Baseline;
  /** CRS timing and features, so events and medications can match the vitals */
  crs: {
    grade: Grade;
    onset: number;
    peak: number;
    feverDays: number;
    hypotension: boolean;
    hypoxia: boolean;
  };
  bloodCount(d: number): Values;
  inflammation(d: number, withIl6: boolean): Values;
  ldh(d: number): number;
  creatinine(d: number): number;
  bCells(d: number): number;
  /** disease markers: lupus serology (and proteinuria in nephritis) or the myeloma paraprotein */
  diseaseMarkers(d: number): Values;
  /** daily maximum temperature, lowest SpO2 and lowest systolic pressure */
  vitals(d: number): Values;
  ecog(d: number): number;
  carCopies(d: number): number;
}

export function labCourse(p: CourseParams, r: Random): LabCourse {
  const { disease, outcome, crs } = p;
  const b = baseline(disease, p.sex, r);
  const depth = r.between(0.85, 1.25, 2) * (isOncology(disease) ? 1.15 : 1) * (crs === 3 ? 1.3 : 1);
  const expansion = r.between(0.2, 1.0, 2);
  const onset = crs === 0 ? 2 : crs === 1 ? r.int(1, 3) : crs === 2 ? r.int(1, 2) : 1;
  const peak = onset + 1;
  const feverDays = [0, r.int(2, 3), r.int(3, 4), r.int(4, 5)][crs]!;
  const il6Peak = [r.between(10, 22), r.between(40, 130), r.between(150, 600), r.between(800, 3000)][crs]!;
  const crpPeak = [r.between(10, 25), r.between(40, 85), r.between(85, 160), r.between(150, 280)][crs]!;
  const ferritinFactor = [1.3, r.between(2, 3, 1), r.between(3, 6, 1), r.between(6, 15, 1)][crs]!;
  const fall = [1.5, 2, 3, 4][crs]!;
  const hypotension = crs === 3 || (crs === 2 && r.chance(0.5));
  const hypoxia = crs === 3 || (crs === 2 && !hypotension);
  const bRecovery = isOncology(disease) ? r.int(150, 320) : r.int(60, 150);
  const copiesPeak = isOncology(disease) ? r.between(40_000, 320_000) : r.between(15_000, 90_000);
  const turn = p.turnDay ?? Number.POSITIVE_INFINITY;
  // Progression runs to the end of the story; a relapse is brought back into remission by salvage.
  const worsening = (d: number) =>
    (outcome === "progression" && d >= turn) ||
    (outcome === "relapse" && d >= turn && d < turn + SALVAGE_DAYS);
  const anaNegativeFrom = remits(outcome) ? r.pick([90, 180]) : Number.POSITIVE_INFINITY;
  const target = {
    c3: remits(outcome) ? r.between(95, 130) : r.between(82, 92),
    c4: remits(outcome) ? r.between(16, 30) : r.between(11, 14),
    dsDna: remits(outcome) ? r.between(2, 7) : r.between(18, 45),
    upcr: outcome === "remission" ? r.between(80, 220) : b.upcr * 0.4,
    ldh:
      outcome === "CR" || outcome === "relapse"
        ? r.between(170, 225)
        : outcome === "PR" || outcome === "progression"
          ? r.between(240, 290)
          : b.ldh,
    relapseLdh: r.between(480, 620),
    myelomaIgg: outcome === "CR" ? r.between(450, 700) : r.between(1300, 1900),
    lupusIggLow: r.between(700, 900),
  };
  const ldhRise = r.between(2, 3.5);
  // Myeloma in remission frees the marrow: the anaemia it caused resolves over months.
  const marrowGain = (d: number) =>
    disease === "myeloma" && remits(outcome) ? interp(curve([28, 180], [1, 1.25]), d) : 1;
  const iggRise = r.between(12, 20);

  return {
    baseline: b,
    crs: { grade: crs, onset, peak, feverDays, hypotension, hypoxia },

    bloodCount(d) {
      const late = worsening(d) ? 0.85 : 1;
      const ancF = d < 0 ? 1 : interp(NEUTROPHILS, d) ** depth;
      const lymF =
        d < 0
          ? 1
          : interp(
              curve(
                [0, 3, 7, 10, 14, 21, 28, 56, 90, 180],
                [
                  0.15,
                  0.15,
                  0.15 + expansion,
                  0.2 + expansion * 0.8,
                  0.35 + expansion * 0.5,
                  0.55,
                  0.65,
                  0.8,
                  0.9,
                  1,
                ],
              ),
              d,
            );
      const anc = r.jitter(b.anc * ancF * late, 0.06, 2);
      const lym = r.jitter(b.lym * lymF, 0.06, 2);
      return {
        // WBC is the sum of the differential, so the counts never contradict each other.
        wbc: round(anc + lym + b.other * Math.sqrt(ancF), 1),
        neutrophils: anc,
        lymphocytes: lym,
        hemoglobin: r.jitter(b.hb * (d < 0 ? 1 : interp(HEMOGLOBIN, d) * marrowGain(d)) * late, 0.03, 1),
        platelets: Math.max(8, r.jitter(b.plt * (d < 0 ? 1 : interp(PLATELETS, d) ** depth) * late, 0.06)),
      };
    },

    inflammation(d, withIl6) {
      const late = worsening(d) ? 2 : 1;
      const crp = d < 0 ? b.crp : (b.crp + (crpPeak - b.crp) * pulse(d, peak + 1, 1.2, fall + 1)) * late;
      const ferritin =
        d < 0 ? b.ferritin : b.ferritin * (1 + (ferritinFactor - 1) * pulse(d, peak + 2, 1.5, fall + 3));
      const il6 = d < 0 ? b.il6 : b.il6 + (il6Peak - b.il6) * pulse(d, peak, 0.8, fall);
      return {
        crp: r.jitter(crp, 0.08, 1),
        ferritin: r.jitter(ferritin, 0.06),
        ...(withIl6 ? { il6: r.jitter(il6, 0.08, 1) } : {}),
      };
    },

    ldh(d) {
      if (d < 0 || !isOncology(disease)) return r.jitter(b.ldh, 0.06);
      let v = interp(curve([0, 28], [b.ldh, target.ldh]), d);
      if (outcome === "progression" && d >= turn) v = Math.max(v, 260) + (d - turn) * ldhRise;
      if (outcome === "relapse" && d >= turn)
        v = interp(curve([turn, turn + 40, turn + SALVAGE_DAYS], [260, target.relapseLdh, target.ldh]), d);
      return r.jitter(v, 0.04);
    },

    creatinine(d) {
      let v = b.creatinine;
      if (d >= 0 && disease === "ln" && outcome === "remission")
        v = Math.max(0.7, b.creatinine * interp(NEPHRITIS_CREATININE, d));
      // Grade 3 CRS often brings a transient acute kidney injury.
      if (d >= 0 && crs === 3) v *= 1 + 0.6 * pulse(d, peak + 2, 1, 2);
      return r.jitter(v, 0.05, 2);
    },

    bCells(d) {
      if (d < 0) return r.jitter(b.cd19, 0.08);
      if (d < 3) return r.jitter(b.cd19 * 0.2, 0.2);
      if (d < bRecovery) return 0;
      return Math.round(Math.min(1.2, (d - bRecovery) / 120) * b.cd19 * r.between(0.9, 1.1, 2));
    },

    diseaseMarkers(d) {
      const out: Values = {};
      if (disease === "myeloma") {
        let v = d < 0 ? b.igg : target.myelomaIgg + (b.igg - target.myelomaIgg) * Math.exp(-d / 30);
        if (worsening(d)) v += (d - turn) * iggRise;
        out.igg = r.jitter(v, 0.04);
      }
      if (!isLupus(disease)) return out;
      if (d < 0) {
        out.antiDsDna = r.jitter(b.dsDna, 0.08);
        out.ana = "positive";
        out.c3 = r.jitter(b.c3, 0.05);
        out.c4 = r.jitter(b.c4, 0.08, 1);
        if (disease === "ln") out.urineProteinCreatinine = r.jitter(b.upcr, 0.08);
        return out;
      }
      // Remission: anti-dsDNA reaches about 6 IU/mL by day 90 (below the 10 IU/mL cut-off).
      const tau = remits(outcome) ? 90 / Math.log(b.dsDna / 6) : 40;
      out.antiDsDna = Math.max(
        1,
        r.jitter(target.dsDna + (b.dsDna - target.dsDna) * Math.exp(-d / tau), 0.08),
      );
      out.ana = d >= anaNegativeFrom ? "negative" : "positive";
      out.c3 = r.jitter(target.c3 + (b.c3 - target.c3) * Math.exp(-d / 35), 0.04);
      out.c4 = r.jitter(target.c4 + (b.c4 - target.c4) * Math.exp(-d / 35), 0.06, 1);
      if (disease === "ln")
        out.urineProteinCreatinine = r.jitter(target.upcr + (b.upcr - target.upcr) * Math.exp(-d / 50), 0.08);
      // IgG falls as the BCMA arm clears plasma cells and climbs back with the B cells.
      const recovered = d > bRecovery ? Math.min(1, (d - bRecovery) / 180) * 350 : 0;
      out.igg = round(target.lupusIggLow + (b.igg - target.lupusIggLow) * Math.exp(-d / 40) + recovered);
      return out;
    },

    vitals(d) {
      const fever = crs > 0 && d >= onset && d < onset + feverDays;
      const worst = crs > 1 && d >= peak && d <= peak + 1;
      return {
        temperature: fever ? r.between(38.1, [0, 38.9, 39.6, 40.2][crs]!, 1) : r.between(36.4, 37.2, 1),
        spo2: worst && hypoxia ? (crs === 3 ? r.int(86, 89) : r.int(90, 93)) : r.int(96, 99),
        systolicBp:
          worst && hypotension ? (crs === 3 ? r.int(72, 82) : r.int(84, 92)) : r.jitter(b.sbp, 0.05),
      };
    },

    ecog(d) {
      if (worsening(d))
        return outcome === "relapse" ? b.ecog + 1 : Math.min(4, b.ecog + 1 + Math.floor((d - turn) / 60));
      if (d < 28) return b.ecog;
      if (remits(outcome) || outcome === "relapse") return d >= 90 ? 0 : Math.max(0, b.ecog - 1);
      return Math.max(0, b.ecog - (d >= 90 ? 1 : 0));
    },

    carCopies(d) {
      return Math.round(copiesPeak * interp(CAR_COPIES, d));
    },
  };
}
