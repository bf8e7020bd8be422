/**
 * Prefilled assessment drafts for a protocol visit: for each calculator the visit expects, the
 * inputs recorded data can answer (domain/assessment-prefill.ts), with their sources, and the
 * fields left to the clinician. Nothing is stored: the clinician completes a draft and stores it
 * with POST /api/v1/patients/{id}/assessments, naming the visit (visitId).
 */
import { z } from "zod";
import {
  type AssessmentDraft,
  buildDrafts,
  DEFAULT_SCORING_WINDOW_DAYS,
  ReferenceLimits,
} from "../domain/assessment-prefill.ts";
import { addDays } from "../domain/calendar.ts";
import { notFound } from "../domain/errors.ts";
import { localDate } from "../domain/study-day.ts";
import {
  clinicalEventsOfCategory,
  medicationsOfPatient,
  observationsInWindow,
} from "../store/clinical-records.ts";
import { findSite } from "../store/sites.ts";
import { findVisit } from "../store/visits.ts";
import { requireAt } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { loadPatientFor } from "./patients.ts";
import { parseInput } from "./validate.ts";

export const DraftQuery = ReferenceLimits.extend({
  windowDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .default(DEFAULT_SCORING_WINDOW_DAYS)
    .describe("SLEDAI-2K scoring window: the visit day and this many days before (10 original, up to 30)"),
});

export interface VisitDrafts {
  visitId: string;
  patientId: string;
  visitCode: string;
  /** the day the drafts are judged on: done date, else today inside the window, else the planned date */
  assessmentDate: string;
  windowDays: number;
  limits: ReferenceLimits;
  drafts: AssessmentDraft[];
  /** how to store a completed draft */
  store: {
    method: "POST";
    path: string;
    body: { calculator: string; inputs: string; assessedAt: string; visitId: string };
  };
}

export async function visitAssessmentDrafts(
  ctx: ServiceContext,
  visitId: string,
  raw: unknown,
): Promise<VisitDrafts> {
  const q = parseInput(DraftQuery, raw);
  const visit = await findVisit(ctx.db, visitId);
  if (!visit) throw notFound("visit", visitId);
  // Drafts carry clinical values, so they need clinical:read, not the enrolment:read of the visit list.
  requireAt(ctx.actor, visit.site_id, "clinical:read", "visit", visitId);
  const patient = await loadPatientFor(ctx, visit.patient_id, "clinical:read");
  const site = await findSite(ctx.db, visit.site_id);
  if (!site) throw notFound("site", visit.site_id);
  const today = localDate(ctx.now(), site.time_zone);
  const assessmentDate =
    visit.done_on ?? (today >= visit.window_start && today <= visit.window_end ? today : visit.nominal_date);
  const from = addDays(assessmentDate, -q.windowDays);
  // A day of slack either side: effective_at is an instant and the window is in the site's calendar.
  const observations = await observationsInWindow(
    ctx.db,
    patient.id,
    new Date(`${addDays(from, -1)}T00:00:00Z`),
    new Date(`${addDays(assessmentDate, 2)}T00:00:00Z`),
  );
  const medications = await medicationsOfPatient(ctx.db, patient.id, assessmentDate);
  const events = await clinicalEventsOfCategory(ctx.db, patient.id, "imaging");
  const { windowDays, ...limits } = q;
  const drafts = buildDrafts({
    calculators: visit.expected.assessments,
    assessmentDate,
    windowDays,
    limits,
    observations: observations.map((o) => ({
      id: o.id,
      code: o.code,
      valueNumber: o.value_number,
      unit: o.unit,
      referenceRange: o.reference_range,
      referenceLow: o.reference_low,
      referenceHigh: o.reference_high,
      valueComparator: o.value_comparator,
      originalValue: o.original_value,
      date: localDate(o.effective_at, site.time_zone),
    })),
    medications: medications.map((m) => ({
      id: m.id,
      drug: m.drug,
      drugCode: m.drug_code,
      doseValue: m.dose_value,
      doseUnit: m.dose_unit,
      route: m.route,
      frequency: m.frequency,
      startDate: m.start_date,
      stopDate: m.stop_date,
    })),
    events: events.map((e) => ({
      id: e.id,
      category: e.category,
      title: e.title,
      date: localDate(e.occurred_at, site.time_zone),
    })),
  });
  return {
    visitId: visit.id,
    patientId: patient.id,
    visitCode: visit.code,
    assessmentDate,
    windowDays,
    limits,
    drafts,
    store: {
      method: "POST",
      path: `/api/v1/patients/${patient.id}/assessments`,
      body: {
        calculator: "<draft.calculator>",
        inputs: "<draft.input, completed>",
        assessedAt: "<instant>",
        visitId: visit.id,
      },
    },
  };
}
