/**
 * Calculators as users meet them: evaluated on the fly (nothing stored), or stored on a patient as
 * an assessment with its inputs, result, rule-set version, assessor and study day. A stored result
 * is never recomputed in place: when the calculator's rule set has moved on, reading the
 * assessment shows the stored result and the current one side by side.
 */
import { v7 as uuidv7 } from "uuid";
import { type CalculatorResult, findCalculator } from "../domain/calculators/index.ts";
import { DomainError, validationError } from "../domain/errors.ts";
import { AssessmentCreate, AssessmentUpdate } from "../domain/schemas/assessment.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import { insertAssessment, listAssessments as listAssessmentRows } from "../store/assessments.ts";
import type { AssessmentRow } from "../store/schema.ts";
import { findSite } from "../store/sites.ts";
import { infusionDate } from "../store/studies.ts";
import { findVisit } from "../store/visits.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { auditCreated, defined, readScoped, updateRecord } from "./records.ts";
import { parseInput } from "./validate.ts";

function calculatorOrThrow(name: string) {
  const calc = findCalculator(name);
  if (!calc)
    throw new DomainError("not-found", `There is no calculator named ${name}.`, [
      { path: "/calculator", message: "unknown calculator" },
    ]);
  return calc;
}

/** Runs a calculator without storing anything; input problems come back under `prefix`. */
export function evaluateCalculator(name: string, inputs: unknown, prefix = ""): CalculatorResult {
  const calc = calculatorOrThrow(name);
  try {
    return calc.run(inputs);
  } catch (e) {
    if (e instanceof DomainError && e.code === "validation" && prefix)
      throw new DomainError(
        "validation",
        e.message,
        e.issues.map((i) => ({ ...i, path: prefix + i.path })),
      );
    throw e;
  }
}

/** A stored result: those stored before coded reasons (decision 0041) have no `reasonCodes`. */
export type StoredCalculatorResult = Omit<CalculatorResult, "reasonCodes"> &
  Partial<Pick<CalculatorResult, "reasonCodes">>;

export interface AssessmentDto extends Record<string, unknown> {
  id: string;
  patientId: string;
  calculator: string;
  assessedAt: string;
  studyDay: number | null;
  inputs: unknown;
  result: StoredCalculatorResult;
  label: string;
  ruleSet: string;
  ruleSetVersion: string;
  source: string;
  status: string;
  note: string | null;
  /** the protocol visit it was made at, if any */
  visitId: string | null;
  assessedBy: string;
  version: number;
  createdAt: string;
  /** present when the calculator's rule set changed since this was stored */
  current?: StoredCalculatorResult | { error: string };
}

function toDto(r: AssessmentRow): AssessmentDto {
  const dto: AssessmentDto = {
    id: r.id,
    patientId: r.patient_id,
    calculator: r.calculator,
    assessedAt: r.assessed_at.toISOString(),
    studyDay: r.study_day,
    inputs: r.inputs,
    result: r.result as StoredCalculatorResult,
    label: r.label,
    ruleSet: r.rule_set,
    ruleSetVersion: r.rule_set_version,
    source: r.source,
    status: r.status,
    note: r.note,
    visitId: r.visit_id,
    assessedBy: r.created_by,
    version: r.version,
    createdAt: r.created_at.toISOString(),
  };
  const calc = findCalculator(r.calculator);
  if (calc && calc.ruleSetVersion !== r.rule_set_version) {
    try {
      dto.current = calc.run(r.inputs);
    } catch (e) {
      dto.current = { error: (e as Error).message };
    }
  }
  return dto;
}

export async function recordAssessment(
  ctx: ServiceContext,
  patientId: string,
  raw: unknown,
  source: "entered" | "derived" = "entered",
): Promise<AssessmentDto> {
  const input = parseInput(AssessmentCreate, raw);
  const patient = await loadPatientFor(ctx, patientId, "clinical:write");
  const result = evaluateCalculator(input.calculator, input.inputs, "/inputs");
  return inTransaction(ctx, async (db) => {
    const site = (await findSite(db, patient.site_id))!;
    if (input.visitId) {
      const visit = await findVisit(db, input.visitId);
      if (!visit || visit.patient_id !== patient.id)
        throw validationError([{ path: "/visitId", message: "No visit with this id for this patient" }]);
    }
    const day0 = await infusionDate(db, patient.id);
    const at = new Date(input.assessedAt);
    const now = ctx.now();
    const row = await insertAssessment(db, {
      id: uuidv7(),
      patient_id: patient.id,
      site_id: patient.site_id,
      calculator: input.calculator,
      assessed_at: at,
      study_day: day0 ? studyDay(localDate(at, site.time_zone), day0) : null,
      inputs: JSON.stringify(input.inputs),
      result: JSON.stringify(result),
      label: result.label,
      rule_set: result.ruleSet,
      rule_set_version: result.ruleSetVersion,
      source,
      note: input.note ?? null,
      visit_id: input.visitId ?? null,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "assessment", row, toDto);
  });
}

export function getAssessment(ctx: ServiceContext, id: string): Promise<AssessmentDto> {
  return readScoped(ctx, "assessments", "assessment", id, "clinical:read", toDto);
}

export async function listAssessments(
  ctx: ServiceContext,
  patientId: string,
  q: { calculator?: string; limit: number; cursor?: string },
): Promise<Page<AssessmentDto>> {
  await loadPatientFor(ctx, patientId, "clinical:read");
  const after = decodeCursor(q.cursor, ["instant", "uuid"]);
  const rows = await listAssessmentRows(ctx.db, {
    patientId,
    calculator: q.calculator,
    after: after ?? undefined,
    limit: q.limit,
  });
  return toPage(rows, q.limit, (r) => [r.assessed_at.toISOString(), r.id], toDto);
}

export async function updateAssessment(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<AssessmentDto> {
  const input = parseInput(AssessmentUpdate, raw);
  return updateRecord(ctx, {
    table: "assessments",
    entity: "assessment",
    id,
    permission: "clinical:write",
    siteOf: (r) => r.site_id as string,
    toDto,
    changes: () => defined({ status: input.status, note: input.note }),
    expected: expectedVersion(ifMatch, input.version),
    reason: input.reason,
  });
}
