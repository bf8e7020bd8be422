/**
 * The daily worst ASTCT CRS grade derived from recorded temperature, oxygen flow and vasopressor
 * and antipyretic/anti-cytokine medications, per site-local day that has a temperature. The
 * mapping from records to inputs and its stated assumptions live in
 * domain/derivations/daily-crs.ts; the grade comes from the `crs` calculator. Results are marked
 * provisional: a clinician confirms them by storing a CRS assessment.
 */
import { findCalculator } from "../domain/calculators/index.ts";
import { CRS_SOURCE_CODES, dailyCrsCourse } from "../domain/derivations/daily-crs.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import { medicationCoursesOf, numericObservationsOf } from "../store/clinical-records.ts";
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
  const observations = await numericObservationsOf(
    ctx.db,
    patientId,
    [CRS_SOURCE_CODES.temperature, CRS_SOURCE_CODES.oxygenFlow],
    q,
  );
  const medications = await medicationCoursesOf(ctx.db, patientId);
  const course = dailyCrsCourse(
    observations.map((o) => ({
      date: localDate(o.effective_at, site.time_zone),
      code: o.code,
      value: o.value_number!,
      unit: o.unit,
    })),
    medications.map((m) => ({ drug: m.drug, startDate: m.start_date, stopDate: m.stop_date })),
  );
  const days = course.map(
    (d): DerivedCrsDay => ({
      ...d,
      studyDay: day0 ? studyDay(d.date, day0) : null,
      label: `${d.label} (provisional)`,
      provisional: true,
    }),
  );
  return { patientId, ruleSet: crs.ruleSet, ruleSetVersion: crs.ruleSetVersion, days };
}
