/**
 * The what-if outcomes a clinician asks about, read off one simulated trajectory: CAR-T peak
 * (Cmax, Tmax), B-cell aplasia (start, end, duration), IgG nadir and its day, time to anti-dsDNA
 * negativity (and any rebound), and tumour response. Crossing days are interpolated between
 * samples on the log scale, where these populations change exponentially; sample densely (see
 * `outcomeDays`) for day-level precision.
 */
import { carT, ERROR_MODELS } from "./observations.ts";
import type { Trajectory } from "./simulate.ts";

/**
 * Anti-dsDNA "negative" below this many IU/mL unless the caller gives its laboratory's cut-off.
 * Cut-offs are assay-specific (about 10–30 IU/mL in kinetics-model.md §3.3; Mummert E et al.,
 * J Immunol Methods 2018, doi:10.1016/j.jim.2018.05.014, on assay disagreement; the 2019 WHO
 * reference reagent for anti-dsDNA was not commutable enough to fix one, Fox BJ et al. Ann Rheum
 * Dis 2019;78:1677). 30 is the upper end of that range [A].
 */
export const ANTI_DSDNA_NEGATIVE_BELOW = 30;

/**
 * Progression: burden at least 1.2 × baseline, the criterion kinetics-model.md §3.3 attributes to
 * Kimmel 2021 (not re-read there) [R].
 */
export const PROGRESSION_RATIO = 1.2;

export interface OutcomeOptions {
  /** B cells/µL below which there is aplasia (default: the B-cell assay LLOQ, 1/µL [A]) */
  bCellLloq?: number;
  /** anti-dsDNA IU/mL below which it is negative */
  antiDsDnaNegativeBelow?: number;
  /** day of the tumour response assessment (reference case: PET-CT about a month after infusion) */
  tumourAssessmentDay?: number;
}

export interface Outcomes {
  horizonDays: number;
  carT: { peakCellsPerUL: number; peakDay: number };
  bCellAplasia: {
    /** first day B cells are below the limit; null if they never are */
    startDay: number | null;
    /** first day after that they are at or above it again; null if not by the horizon */
    endDay: number | null;
    durationDays: number | null;
    ongoingAtHorizon: boolean;
  };
  igG: { nadirGPerL: number; nadirDay: number; nadirFractionOfBaseline: number };
  antiDsDna: {
    threshold: number;
    baseline: number;
    /** first day below the threshold; 0 if never positive */
    negativeDay: number | null;
    /** first day back at or above it after turning negative */
    reboundDay: number | null;
    negativeAtHorizon: boolean;
  };
  /** null without lymphoma */
  tumour: {
    nadirRatio: number;
    nadirDay: number;
    ratioAtAssessment: number | null;
    /** below the burden at which the model's regrowth stops (tumourCureFraction × baseline) */
    cleared: boolean;
    progressionDay: number | null;
  } | null;
}

/**
 * A sampling grid for outcomes: every 0.25 day through expansion and the first weeks of depletion
 * (to day 60), then daily. The peak is refined between samples, crossings interpolated.
 */
export function outcomeDays(horizonDays: number): number[] {
  const days: number[] = [];
  for (let i = 0; i / 4 < Math.min(60, horizonDays); i++) days.push(i / 4);
  for (let d = 60; d <= horizonDays; d++) days.push(d);
  if (days.at(-1) !== horizonDays) days.push(horizonDays);
  return days;
}

/** Day where the series crosses `level` between samples i−1 and i (log-linear when both > 0). */
function crossing(days: readonly number[], v: readonly number[], i: number, level: number): number {
  const [d0, d1, a, b] = [days[i - 1]!, days[i]!, v[i - 1]!, v[i]!];
  if (a === b) return d1;
  const f = a > 0 && b > 0 && level > 0 ? Math.log(level / a) / Math.log(b / a) : (level - a) / (b - a);
  return d0 + Math.min(1, Math.max(0, f)) * (d1 - d0);
}

/** First index ≥ from where pred holds. */
const firstIndex = (v: readonly number[], from: number, pred: (x: number) => boolean) => {
  for (let i = from; i < v.length; i++) if (pred(v[i]!)) return i;
  return -1;
};

export function outcomes(trajectory: Trajectory, options: OutcomeOptions = {}): Outcomes {
  const { days, states, layout: L, parameters: p } = trajectory;
  if (days.length < 2 || days[0] !== 0) throw new RangeError("outcomes need a trajectory sampled from day 0");
  const horizonDays = days.at(-1)!;
  const bLloq = options.bCellLloq ?? ERROR_MODELS.bCellsPerUL.lloq;
  const threshold = options.antiDsDnaNegativeBelow ?? ANTI_DSDNA_NEGATIVE_BELOW;

  // Clamped at 0: values a hair below it are solver noise within the absolute tolerance.
  const car = states.map((y) => Math.max(0, carT(y, L)));
  let peak = 0;
  for (let i = 1; i < car.length; i++) if (car[i]! > car[peak]!) peak = i;
  let peakDay = days[peak]!;
  let peakValue = car[peak]!;
  if (peak > 0 && peak < car.length - 1) {
    // vertex of the parabola through the three samples around the largest
    const [x0, x1, x2] = [days[peak - 1]!, days[peak]!, days[peak + 1]!];
    const [y0, y1, y2] = [car[peak - 1]!, car[peak]!, car[peak + 1]!];
    const denom = (x0 - x1) * (x0 - x2) * (x1 - x2);
    const a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom;
    const b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom;
    if (a < 0) {
      const xv = -b / (2 * a);
      if (xv > x0 && xv < x2) {
        peakDay = xv;
        peakValue = Math.max(y1, y1 + a * (xv - x1) * (xv - x1) + (2 * a * x1 + b) * (xv - x1));
      }
    }
  }

  const b = states.map((y) => Math.max(0, y[L.Bn]! + y[L.Ba]!));
  const below = firstIndex(b, 0, (x) => x < bLloq);
  const back = below < 0 ? -1 : firstIndex(b, below, (x) => x >= bLloq);
  const startDay = below < 0 ? null : below === 0 ? 0 : crossing(days, b, below, bLloq);
  const endDay = back < 0 ? null : crossing(days, b, back, bLloq);

  const g = states.map((y) => Math.max(0, y[L.G]!));
  let nadir = 0;
  for (let i = 1; i < g.length; i++) if (g[i]! < g[nadir]!) nadir = i;

  const d = states.map((y) => Math.max(0, y[L.D]!));
  const negative = firstIndex(d, 0, (x) => x < threshold);
  const rebound = negative < 0 ? -1 : firstIndex(d, negative, (x) => x >= threshold);

  let tumour: Outcomes["tumour"] = null;
  if (p.tumour0 > 0) {
    const ratio = states.map((y) => Math.max(0, y[L.T]!) / p.tumour0);
    let low = 0;
    for (let i = 1; i < ratio.length; i++) if (ratio[i]! < ratio[low]!) low = i;
    const progression = firstIndex(ratio, low, (x) => x >= PROGRESSION_RATIO);
    const at = options.tumourAssessmentDay ?? 28;
    const atIndex = days.indexOf(at);
    tumour = {
      nadirRatio: ratio[low]!,
      nadirDay: days[low]!,
      ratioAtAssessment: atIndex < 0 ? null : ratio[atIndex]!,
      cleared: ratio[low]! < p.tumourCureFraction,
      progressionDay: progression < 0 ? null : crossing(days, ratio, progression, PROGRESSION_RATIO),
    };
  }

  return {
    horizonDays,
    carT: { peakCellsPerUL: peakValue, peakDay },
    bCellAplasia: {
      startDay,
      endDay,
      durationDays: startDay !== null && endDay !== null ? endDay - startDay : null,
      ongoingAtHorizon: startDay !== null && endDay === null,
    },
    igG: { nadirGPerL: g[nadir]!, nadirDay: days[nadir]!, nadirFractionOfBaseline: g[nadir]! / p.igG0 },
    antiDsDna: {
      threshold,
      baseline: p.antiDsDna0,
      negativeDay: negative < 0 ? null : negative === 0 ? 0 : crossing(days, d, negative, threshold),
      reboundDay: rebound < 0 ? null : crossing(days, d, rebound, threshold),
      negativeAtHorizon: d.at(-1)! < threshold,
    },
    tumour,
  };
}
