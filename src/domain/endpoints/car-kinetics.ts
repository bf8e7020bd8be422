/**
 * CAR-T expansion and persistence endpoints (Cmax, Tmax, AUC0–28d, last detectable day) from a
 * recorded peripheral-blood series. The arithmetic is the `cellular-kinetics` calculator's, so the
 * conventions are stated once, in clinical-rules.md §7.1 and that calculator:
 * - values below the LLOQ count as 0 in the AUC; C(0) = 0 without a day-0 sample;
 * - AUC0–28d by the linear trapezoidal rule; without a day-28 sample but with samples on both
 *   sides, C(28) is interpolated linearly; when the last sample is before day 28 the AUC0–28d is
 *   not evaluable and AUC0–Tlast is reported in its details, flagged;
 * - Tlast (last detectable day) is the last sample ≥ LLOQ; censored when the last sample is still
 *   quantifiable.
 * What this module adds is the mapping from records: calendar dates become study days, samples
 * before day 0 are left out (no CAR cells before the infusion), and one sample per day is used
 * (the first drawn that day; the calculator refuses two values for one day).
 */

import type { CarKinetics, CarUnit } from "../calculators/dosing-kinetics/cellular-kinetics.ts";
import { cellularKineticsCalculator } from "../calculators/dosing-kinetics/cellular-kinetics.ts";
import { addDays } from "../calendar.ts";
import { studyDay } from "../study-day.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, type RecordRef, reached } from "./endpoint.ts";

const SOURCE =
  "Non-compartmental parameters as in the CAR-T US labels, section 12.3; conventions of shared/domain/clinical-rules.md §7.1, via the cellular-kinetics calculator";

export const CAR_ENDPOINTS = {
  cmax: {
    key: "car-cmax",
    title: "CAR-T peak level (Cmax)",
    rule: "Highest observed quantifiable level after infusion, never interpolated; dated at Tmax.",
    source: SOURCE,
  },
  tmax: {
    key: "car-tmax",
    title: "Time to CAR-T peak (Tmax)",
    rule: "Study day of Cmax; the first one when values tie.",
    source: SOURCE,
  },
  auc: {
    key: "car-auc-0-28d",
    title: "CAR-T exposure AUC0–28d",
    rule: "Linear trapezoidal rule over day 0–28; below-LLOQ = 0; C(0) = 0 without a day-0 sample; C(28) interpolated between neighbours when missing; not evaluable when the last sample is before day 28 (AUC0–Tlast given instead, flagged).",
    source: SOURCE,
  },
  tlast: {
    key: "car-last-detectable",
    title: "Last detectable CAR-T day (Tlast)",
    rule: "Last study day with a level ≥ LLOQ; censored when the last sample is still quantifiable; loss of persistence = two consecutive samples below the LLOQ with none quantifiable later.",
    source: SOURCE,
  },
} as const satisfies Record<string, EndpointDefinition>;

export const CAR_UNIT_TEXT: Record<CarUnit, string> = {
  COPIES_PER_UG_GDNA: "copies/µg gDNA",
  CAR_POS_CELLS_PER_UL: "CAR+ cells/µL",
};
const AUC_UNIT_TEXT: Record<CarUnit, string> = {
  COPIES_PER_UG_GDNA: "copies·day/µg gDNA",
  CAR_POS_CELLS_PER_UL: "cells·day/µL",
};

export interface CarSample {
  /** site-local calendar date of the draw */
  date: string;
  /** the measured level; absent when the laboratory reports it only as below the LLOQ */
  value?: number;
  belowLloq?: boolean;
  ref: RecordRef;
}

export interface CarSeriesInput {
  unit: CarUnit;
  /** the assay's lower limit of quantification, when known */
  lloq: number | null;
  samples: CarSample[];
}

export function carKineticsEndpoints(series: CarSeriesInput, day0: string | null): Endpoint[] {
  const all = Object.values(CAR_ENDPOINTS);
  if (!day0) return all.map((d) => notEvaluable(d, "No CAR-T infusion recorded: there is no day 0."));
  const refsByDay = new Map<number, CarSample>();
  const notes: string[] = [];
  const sorted = [...series.samples].sort((a, b) => a.date.localeCompare(b.date));
  for (const s of sorted) {
    const day = studyDay(s.date, day0);
    if (day < 0) continue;
    if (refsByDay.has(day)) {
      notes.push(`Day ${day} has more than one sample; the first recorded is used.`);
      continue;
    }
    refsByDay.set(day, s);
  }
  if (refsByDay.size === 0)
    return all.map((d) => notEvaluable(d, "No CAR-T level recorded on or after the infusion day."));

  const unitText = CAR_UNIT_TEXT[series.unit];
  let lloq = series.lloq;
  if (lloq === null) {
    if ([...refsByDay.values()].some((s) => s.belowLloq || s.value === undefined))
      return all.map((d) =>
        notEvaluable(d, "A sample is reported below the limit, but the assay's LLOQ is not recorded."),
      );
    const positives = [...refsByDay.values()].map((s) => s.value!).filter((v) => v > 0);
    if (positives.length === 0)
      return all.map((d) => notEvaluable(d, "Every level is 0 and no LLOQ is recorded."));
    lloq = Math.min(...positives);
    notes.push(
      `The assay's LLOQ is not recorded; every sample is reported as a number, so the lowest (${lloq} ${unitText}) is taken as the limit, which changes no parameter.`,
    );
  }
  const samples = [...refsByDay.entries()].map(([day, s]) =>
    s.belowLloq || s.value === undefined
      ? { day, belowLloq: true, ...(s.value !== undefined && s.value < lloq! ? { value: s.value } : {}) }
      : { day, value: s.value, belowLloq: s.value < lloq! },
  );
  const result = cellularKineticsCalculator.run({ carSeries: { unit: series.unit, lloq, samples } });
  const k = result.value.car as CarKinetics;
  const reasons = [...notes, ...result.reasons];
  const at = (day: number) => refsByDay.get(day)!;
  const details = { lloq, unit: series.unit, ruleSetVersion: result.ruleSetVersion };

  const cmax =
    k.cmax === null
      ? reached(CAR_ENDPOINTS.cmax, {
          status: "not-met",
          value: null,
          date: null,
          day0,
          derivedFrom: [...refsByDay.values()].map((s) => s.ref),
          reasons,
          details,
        })
      : reached(CAR_ENDPOINTS.cmax, {
          value: k.cmax,
          unit: unitText,
          date: at(k.tmaxDay!).date,
          day0,
          derivedFrom: [at(k.tmaxDay!).ref],
          reasons,
          details,
        });
  const tmax =
    k.tmaxDay === null
      ? { ...cmax, ...CAR_ENDPOINTS.tmax }
      : reached(CAR_ENDPOINTS.tmax, {
          value: k.tmaxDay,
          unit: "day",
          date: at(k.tmaxDay).date,
          day0,
          derivedFrom: [at(k.tmaxDay).ref],
          reasons,
          details,
        });
  const windowRefs = [...refsByDay.entries()]
    .filter(([day]) => day <= 28 || (k.c28?.interpolated && day === firstAfter(refsByDay, 28)))
    .map(([, s]) => s.ref);
  const auc =
    k.auc0to28 === null
      ? {
          ...notEvaluable(
            CAR_ENDPOINTS.auc,
            reasons.find((r) => r.startsWith("AUC0–28d not evaluable")) ?? "AUC0–28d not evaluable.",
            windowRefs,
          ),
          details: { ...details, auc0toTlast: k.auc0toTlast },
        }
      : reached(CAR_ENDPOINTS.auc, {
          value: k.auc0to28,
          unit: AUC_UNIT_TEXT[series.unit],
          date: addDays(day0, 28),
          day0,
          derivedFrom: windowRefs,
          reasons,
          details: { ...details, c28: k.c28 },
        });
  const tlast =
    k.tlastDay === null
      ? { ...cmax, ...CAR_ENDPOINTS.tlast }
      : reached(CAR_ENDPOINTS.tlast, {
          value: k.tlastDay,
          unit: "day",
          date: at(k.tlastDay).date,
          day0,
          derivedFrom: [
            at(k.tlastDay).ref,
            ...[...refsByDay.entries()].filter(([d]) => d > k.tlastDay!).map(([, s]) => s.ref),
          ],
          reasons,
          details: {
            ...details,
            persistenceCensored: k.persistenceCensored,
            lossOfPersistence: k.lossOfPersistence,
          },
        });
  return [cmax, tmax, auc, tlast];
}

function firstAfter(byDay: Map<number, unknown>, day: number): number | undefined {
  return [...byDay.keys()].filter((d) => d > day).sort((a, b) => a - b)[0];
}
