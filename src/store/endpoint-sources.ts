/**
 * The recorded data a patient's derived endpoints are computed from, read fresh on every request
 * (nothing derived is stored, so nothing can go stale). Records entered in error are left out.
 */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

export interface EndpointSourceRows {
  observations: {
    id: string;
    code: string;
    value_number: number | null;
    value_code: string | null;
    value_text: string | null;
    unit: string | null;
    effective_at: Date;
  }[];
  carNotes: { id: string; occurred_at: Date; title: string }[];
  medications: {
    id: string;
    drug: string;
    drug_code_system: string | null;
    drug_code: string | null;
    route: string | null;
    indication: string | null;
    start_date: string;
    stop_date: string | null;
  }[];
  assessments: { id: string; calculator: string; assessed_at: Date; result: unknown }[];
}

export async function endpointSources(
  db: Kysely<DB>,
  patientId: string,
  q: { observationCodes: string[]; calculators: string[]; carNotePrefix: string },
): Promise<EndpointSourceRows> {
  const observations = await db
    .selectFrom("observations")
    .select(["id", "code", "value_number", "value_code", "value_text", "unit", "effective_at"])
    .where("patient_id", "=", patientId)
    .where("code", "in", q.observationCodes)
    .where("status", "<>", "entered-in-error")
    .orderBy("effective_at")
    .orderBy("id")
    .execute();
  const carNotes = await db
    .selectFrom("clinical_events")
    .select(["id", "occurred_at", "title"])
    .where("patient_id", "=", patientId)
    .where("category", "=", "note")
    .where("title", "like", `${q.carNotePrefix}%`)
    .where("status", "<>", "entered-in-error")
    .orderBy("occurred_at")
    .orderBy("id")
    .execute();
  const medications = await db
    .selectFrom("medications")
    .select(["id", "drug", "drug_code_system", "drug_code", "route", "indication", "start_date", "stop_date"])
    .where("patient_id", "=", patientId)
    .where("status", "<>", "entered-in-error")
    .orderBy("start_date")
    .orderBy("id")
    .execute();
  const assessments = await db
    .selectFrom("assessments")
    .select(["id", "calculator", "assessed_at", "result"])
    .where("patient_id", "=", patientId)
    .where("calculator", "in", q.calculators)
    .where("status", "<>", "entered-in-error")
    .orderBy("assessed_at")
    .orderBy("id")
    .execute();
  return {
    observations: observations as EndpointSourceRows["observations"],
    carNotes: carNotes as EndpointSourceRows["carNotes"],
    medications: medications.map((m) => ({
      ...m,
      start_date: String(m.start_date),
      stop_date: m.stop_date === null ? null : String(m.stop_date),
    })),
    assessments: assessments as EndpointSourceRows["assessments"],
  };
}
