/**
 * The recorded data a patient's derived endpoints are computed from, read fresh on every request
 * (nothing derived is stored, so nothing can go stale). Records entered in error are left out.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";

export interface EndpointSourceRows {
  observations: {
    id: string;
    code: string;
    value_number: number | null;
    /** a censored result ("<0.5"): value_number is the limit (migration 0021) */
    value_comparator: "<" | "<=" | ">=" | ">" | null;
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
  /** `inputs` only for LLDAS assessments (DORIS is judged from them too), else null */
  assessments: { id: string; calculator: string; assessed_at: Date; result: unknown; inputs: unknown }[];
  /** when the journey recorded the patient's death, if it did */
  diedAt: Date | null;
}

/**
 * All four sources in one statement (one round trip: issue 15 counted 13 per timeline request),
 * each as a JSON array in its order; times come back as ISO text and become Dates here.
 */
export async function endpointSources(
  db: Kysely<DB>,
  patientId: string,
  q: { observationCodes: string[]; calculators: string[]; carNotePrefix: string },
): Promise<EndpointSourceRows> {
  const list = (values: string[]) => (values.length ? sql.join(values.map((v) => sql`${v}`)) : sql`NULL`);
  const res = await sql<{
    observations: (Omit<EndpointSourceRows["observations"][number], "effective_at"> & {
      effective_at: string;
    })[];
    car_notes: (Omit<EndpointSourceRows["carNotes"][number], "occurred_at"> & { occurred_at: string })[];
    medications: EndpointSourceRows["medications"];
    assessments: (Omit<EndpointSourceRows["assessments"][number], "assessed_at"> & { assessed_at: string })[];
    died_at: string | Date | null;
  }>`
    SELECT
      coalesce((SELECT json_agg(json_build_object('id', o.id, 'code', o.code, 'value_number', o.value_number,
                  'value_comparator', o.value_comparator, 'value_code', o.value_code, 'value_text', o.value_text, 'unit', o.unit,
                  'effective_at', o.effective_at) ORDER BY o.effective_at, o.id)
                  FROM observations o
                 WHERE o.patient_id = ${patientId} AND o.code IN (${list(q.observationCodes)})
                   AND o.status <> 'entered-in-error'), '[]'::json) AS observations,
      coalesce((SELECT json_agg(json_build_object('id', e.id, 'occurred_at', e.occurred_at, 'title', e.title)
                  ORDER BY e.occurred_at, e.id)
                  FROM clinical_events e
                 WHERE e.patient_id = ${patientId} AND e.category = 'note'
                   AND e.title LIKE ${`${q.carNotePrefix}%`} AND e.status <> 'entered-in-error'), '[]'::json) AS car_notes,
      coalesce((SELECT json_agg(json_build_object('id', m.id, 'drug', m.drug, 'drug_code_system', m.drug_code_system,
                  'drug_code', m.drug_code, 'route', m.route, 'indication', m.indication,
                  'start_date', m.start_date, 'stop_date', m.stop_date) ORDER BY m.start_date, m.id)
                  FROM medications m
                 WHERE m.patient_id = ${patientId} AND m.status <> 'entered-in-error'), '[]'::json) AS medications,
      coalesce((SELECT json_agg(json_build_object('id', a.id, 'calculator', a.calculator,
                  'assessed_at', a.assessed_at, 'result', a.result,
                  'inputs', CASE WHEN a.calculator = 'lldas' THEN a.inputs END) ORDER BY a.assessed_at, a.id)
                  FROM assessments a
                 WHERE a.patient_id = ${patientId} AND a.calculator IN (${list(q.calculators)})
                   AND a.status <> 'entered-in-error'), '[]'::json) AS assessments,
      (SELECT min(je.at) FROM journey_events je JOIN journeys j ON j.id = je.journey_id
        WHERE j.patient_id = ${patientId} AND je.event_type = 'die') AS died_at`.execute(db);
  const r = res.rows[0]!;
  return {
    observations: r.observations.map((o) => ({ ...o, effective_at: new Date(o.effective_at) })),
    carNotes: r.car_notes.map((n) => ({ ...n, occurred_at: new Date(n.occurred_at) })),
    medications: r.medications.map((m) => ({
      ...m,
      start_date: String(m.start_date),
      stop_date: m.stop_date === null ? null : String(m.stop_date),
    })),
    assessments: r.assessments.map((a) => ({ ...a, assessed_at: new Date(a.assessed_at) })),
    diedAt: r.died_at === null ? null : new Date(r.died_at),
  };
}
