/**
 * The daily worst ASTCT CRS grade derived from recorded temperature, oxygen flow and vasopressor
 * and antipyretic/anti-cytokine medications, per site-local day that has a temperature. The
 * mapping from records to inputs and its stated assumptions live in
 * domain/derivations/daily-crs.ts; the grade comes from the `crs` calculator. Results are marked
 * provisional: a clinician confirms them by storing a CRS assessment.
 */
import { findCalculator } from "../domain/calculators/index.ts";
import {
  CRS_SOURCE_CODES,
  type DayRecord,
  deriveCrsInputs,
  isFeverMasking,
} from "../domain/derivations/daily-crs.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import { findSite } from "../store/sites.ts";
import { infusionDate } from "../store/studies.ts";
import type { ServiceContext } from "./context.ts";
import { loadPatientFor } from "./patients.ts";

export interface DerivedCrsDay {
  date: string;
  studyDay: number | null;
  grade: number;
  label: string;
  reasons: string[];
  assumptions: string[];
  inputs: Record<string, unknown>;
  provisional: true;
}

const FAHRENHEIT = "[degF]";

export async function deriveDailyCrs(
  ctx: ServiceContext,
  patientId: string,
  q: { from?: string; to?: string },
): Promise<{ patientId: string; ruleSet: string; ruleSetVersion: string; days: DerivedCrsDay[] }> {
  const patient = await loadPatientFor(ctx, patientId, "clinical:read");
  const crs = findCalculator("crs");
  if (!crs) throw new Error("crs calculator missing from the registry");
  const site = (await findSite(ctx.db, patient.site_id))!;
  const day0 = await infusionDate(ctx.db, patientId);

  let obsQuery = ctx.db
    .selectFrom("observations")
    .select(["code", "value_number", "unit", "effective_at"])
    .where("patient_id", "=", patientId)
    .where("code", "in", [CRS_SOURCE_CODES.temperature, CRS_SOURCE_CODES.oxygenFlow])
    .where("status", "<>", "entered-in-error")
    .where("value_number", "is not", null);
  if (q.from) obsQuery = obsQuery.where("effective_at", ">=", new Date(q.from));
  if (q.to) obsQuery = obsQuery.where("effective_at", "<", new Date(q.to));
  const observations = await obsQuery.execute();
  const medications = await ctx.db
    .selectFrom("medications")
    .select(["drug", "start_date", "stop_date"])
    .where("patient_id", "=", patientId)
    .where("status", "<>", "entered-in-error")
    .execute();

  const days = new Map<string, DayRecord>();
  const dayOf = (date: string) => {
    const d = days.get(date) ?? { temperaturesC: [], oxygenFlowsLpm: [], drugs: [] };
    days.set(date, d);
    return d;
  };
  for (const o of observations) {
    const d = dayOf(localDate(o.effective_at, site.time_zone));
    if (o.code === CRS_SOURCE_CODES.temperature) {
      if (o.unit === "Cel") d.temperaturesC.push(o.value_number!);
      else if (o.unit === FAHRENHEIT) d.temperaturesC.push(((o.value_number! - 32) * 5) / 9);
    } else if (o.unit === "L/min") d.oxygenFlowsLpm.push(o.value_number!);
  }

  const out: DerivedCrsDay[] = [];
  let onset: string | null = null;
  let masked = false;
  for (const date of [...days.keys()].sort()) {
    const d = days.get(date)!;
    if (d.temperaturesC.length === 0) continue; // no temperature, no derivation
    d.drugs = medications
      .filter((m) => m.start_date <= date && (m.stop_date === null || m.stop_date >= date))
      .map((m) => m.drug);
    if (onset && d.drugs.some(isFeverMasking)) masked = true;
    const { inputs, assumptions } = deriveCrsInputs(d, onset !== null, masked);
    const r = crs.run(inputs);
    if (onset === null && (r.value as number) >= 1) {
      onset = date;
      // therapy given on the onset day itself masks fever from the next day on
      masked = d.drugs.some(isFeverMasking);
    }
    out.push({
      date,
      studyDay: day0 ? studyDay(date, day0) : null,
      grade: r.value as number,
      label: `${r.label} (provisional)`,
      reasons: r.reasons,
      assumptions,
      inputs,
      provisional: true,
    });
  }
  return { patientId, ruleSet: crs.ruleSet, ruleSetVersion: crs.ruleSetVersion, days: out };
}
