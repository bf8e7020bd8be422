/**
 * One chronological stream of everything recorded about a patient. Date-only facts (a diagnosis
 * onset, a drug start) are placed at local midnight of the site's time zone so they sort among
 * instants; `local_date` is the site-local calendar day, from which the study day is computed.
 * Each branch of the UNION filters on an index-leading (patient_id, time) pair, so a page of a
 * patient with a hundred thousand observations costs the same as one of a new patient.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";

export interface TimelineRow {
  kind: string;
  ref_id: string;
  at: Date;
  local_date: string;
  summary: string;
  detail: Record<string, unknown>;
}

export interface TimelineFilter {
  patientId: string;
  timeZone: string;
  from?: string;
  to?: string;
  kinds?: string[];
  /** keyset: (at ISO, kind, ref_id) of the last item seen */
  after?: [string, string, string];
  limit: number;
}

export async function timelineRows(db: Kysely<DB>, f: TimelineFilter): Promise<TimelineRow[]> {
  const tz = f.timeZone;
  const lower = f.after?.[0] ?? f.from ?? null;
  const upper = f.to ?? null;
  const localMidnight = (col: string) => sql`(${sql.ref(col)}::timestamp AT TIME ZONE ${tz})`;
  const localDay = (col: string) => sql`(${sql.ref(col)} AT TIME ZONE ${tz})::date`;
  const inRange = (expr: ReturnType<typeof sql>) =>
    sql`(${lower}::timestamptz IS NULL OR ${expr} >= ${lower}::timestamptz) AND (${upper}::timestamptz IS NULL OR ${expr} < ${upper}::timestamptz)`;

  const union = sql`
    SELECT 'condition' AS kind, c.id AS ref_id, ${localMidnight("c.onset_date")} AS at, c.onset_date AS local_date,
           c.display AS summary,
           jsonb_build_object('codeSystem', c.code_system, 'code', c.code, 'clinicalStatus', c.clinical_status) AS detail
      FROM conditions c WHERE c.patient_id = ${f.patientId} AND c.onset_date IS NOT NULL
       AND ${inRange(localMidnight("c.onset_date"))}
    UNION ALL
    SELECT 'condition-resolved', c.id, ${localMidnight("c.abatement_date")}, c.abatement_date,
           c.display || ' (' || c.clinical_status || ')',
           jsonb_build_object('codeSystem', c.code_system, 'code', c.code)
      FROM conditions c WHERE c.patient_id = ${f.patientId} AND c.abatement_date IS NOT NULL
       AND ${inRange(localMidnight("c.abatement_date"))}
    UNION ALL
    SELECT 'medication-start', m.id, ${localMidnight("m.start_date")}, m.start_date,
           m.drug || coalesce(' ' || m.dose_value::text || ' ' || coalesce(m.dose_unit, ''), '') || coalesce(' ' || m.frequency, ''),
           jsonb_build_object('drug', m.drug, 'doseValue', m.dose_value, 'doseUnit', m.dose_unit, 'route', m.route, 'frequency', m.frequency)
      FROM medications m WHERE m.patient_id = ${f.patientId} AND m.status <> 'entered-in-error'
       AND ${inRange(localMidnight("m.start_date"))}
    UNION ALL
    SELECT 'medication-stop', m.id, ${localMidnight("m.stop_date")}, m.stop_date, m.drug || ' stopped',
           jsonb_build_object('drug', m.drug)
      FROM medications m WHERE m.patient_id = ${f.patientId} AND m.stop_date IS NOT NULL AND m.status <> 'entered-in-error'
       AND ${inRange(localMidnight("m.stop_date"))}
    UNION ALL
    SELECT 'observation', o.id, o.effective_at, ${localDay("o.effective_at")},
           coalesce(o.display, o.code) || ': ' || coalesce(o.value_number::text, o.value_code, o.value_text) || coalesce(' ' || o.unit, ''),
           jsonb_build_object('code', o.code, 'valueNumber', o.value_number, 'valueCode', o.value_code,
                              'valueText', o.value_text, 'unit', o.unit, 'status', o.status)
      FROM observations o WHERE o.patient_id = ${f.patientId} AND o.status <> 'entered-in-error'
       AND ${inRange(sql`o.effective_at`)}
    UNION ALL
    SELECT 'event', e.id, e.occurred_at, ${localDay("e.occurred_at")}, e.title,
           jsonb_build_object('category', e.category, 'text', e.text)
      FROM clinical_events e WHERE e.patient_id = ${f.patientId} AND e.status <> 'entered-in-error'
       AND ${inRange(sql`e.occurred_at`)}
    UNION ALL
    SELECT 'consent', n.id, ${localMidnight("n.consent_date")}, n.consent_date,
           'Consent signed (' || s.short_name || ', version ' || n.consent_version || ')',
           jsonb_build_object('studyId', n.study_id, 'armCode', n.arm_code)
      FROM enrolments n JOIN studies s ON s.id = n.study_id WHERE n.patient_id = ${f.patientId}
       AND ${inRange(localMidnight("n.consent_date"))}
    UNION ALL
    SELECT 'enrolment', n.id, ${localMidnight("n.enrolled_on")}, n.enrolled_on,
           'Enrolled in ' || s.short_name || ', arm ' || n.arm_code || coalesce(', dose level ' || n.dose_level_code, ''),
           jsonb_build_object('studyId', n.study_id, 'armCode', n.arm_code, 'doseLevelCode', n.dose_level_code)
      FROM enrolments n JOIN studies s ON s.id = n.study_id WHERE n.patient_id = ${f.patientId} AND n.enrolled_on IS NOT NULL
       AND ${inRange(localMidnight("n.enrolled_on"))}
    UNION ALL
    SELECT 'infusion', n.id, ${localMidnight("n.infusion_date")}, n.infusion_date,
           'CAR-T infusion (' || s.short_name || ')',
           jsonb_build_object('studyId', n.study_id, 'doseLevelCode', n.dose_level_code)
      FROM enrolments n JOIN studies s ON s.id = n.study_id WHERE n.patient_id = ${f.patientId} AND n.infusion_date IS NOT NULL
       AND ${inRange(localMidnight("n.infusion_date"))}`;

  const kinds = f.kinds && f.kinds.length > 0 ? f.kinds : null;
  const after = f.after ?? null;
  const result = await sql<TimelineRow>`
    SELECT kind, ref_id, at, local_date::text AS local_date, summary, detail FROM (${union}) t
     WHERE (${kinds}::text[] IS NULL OR kind = ANY(${kinds}::text[]))
       AND (${after?.[0] ?? null}::timestamptz IS NULL
            OR (at, kind, ref_id) > (${after?.[0] ?? null}::timestamptz, ${after?.[1] ?? null}::text, ${after?.[2] ?? null}::uuid))
     ORDER BY at, kind, ref_id
     LIMIT ${f.limit + 1}`.execute(db);
  return result.rows;
}
