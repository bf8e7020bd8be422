/**
 * One chronological stream of everything recorded about a patient. Date-only facts (a diagnosis
 * onset, a drug start) are placed at local midnight of the site's time zone so they sort among
 * instants; `local_date` is the site-local calendar day, from which the study day is computed.
 *
 * Each branch of the UNION applies the keyset condition and its own ORDER BY … LIMIT page+1, so
 * the final sort sees at most (branches × page) rows however long the patient's record is. (A
 * first version sorted every remaining row; `npm run bench` showed the first page of a
 * 50,000-observation patient costing four times a deep page.)
 *
 * `summary` is an English sentence for API clients; `detail` carries every value it is made of
 * (states, event types, DIN, parties, study, visit label), so the web app words each entry in the
 * reader's language from the detail (issue 11) and never parses the summary.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import { prepared } from "./prepared-statements.ts";
import { readManyUntilWrite } from "./reads-until-write.ts";
import type { DB } from "./schema.ts";
import { uuidArray } from "./uuid-array.ts";

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
  /**
   * Items computed by the service (derived endpoints), merged as one more branch from a bound JSON
   * parameter so the database sorts, filters and pages them with everything else.
   */
  derived?: { id: string; localDate: string; summary: string; detail: Record<string, unknown> }[];
}

interface Branch {
  kind: string;
  id: RawBuilder<unknown>;
  at: RawBuilder<unknown>;
  localDate: RawBuilder<unknown>;
  summary: RawBuilder<unknown>;
  detail: RawBuilder<unknown>;
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
}

/**
 * The patient with the site's time zone, the infusion date (day 0), the version of the records
 * the derived endpoints read (migration 0024) and that of everything the timeline lists
 * (migration 0034), each null before the first write, in one query: the timeline needs all of
 * them before anything else.
 */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function patientWithDay0(db: Kysely<DB>, patientId: string) {
  // Requests for any patients at once share one statement, on PostgreSQL's pool (decision 0064)
  // and on PGlite, where each patient's row is then kept until the next write (decision 0063).
  // Keyed as the database writes ids (lower case), which is how the rows come back.
  return readManyUntilWrite(db, "patientWithDay0", patientId.toLowerCase(), async (ids) => {
    // An id that is no UUID finds no patient rather than failing the statement its sharers wait on.
    const valid = ids.filter((id) => CANONICAL_UUID.test(id));
    const rows = valid.length > 0 ? await patientWithDay0Query(db, valid).execute() : [];
    // Frozen: every caller until the next write is given the same row.
    return new Map(rows.map((row) => [row.id, Object.freeze(row)]));
  });
}

const patientWithDay0Query = (db: Kysely<DB>, patientIds: readonly string[]) =>
  db
    .selectFrom("patients as p")
    .innerJoin("sites as s", "s.id", "p.site_id")
    .selectAll("p")
    .select((eb) => [
      "s.time_zone",
      eb
        .selectFrom("enrolments as e")
        .whereRef("e.patient_id", "=", "p.id")
        .select((e) => e.fn.min("e.infusion_date").as("d"))
        .as("day0"),
      eb
        .selectFrom("cohort_patient_facts as cf")
        .whereRef("cf.patient_id", "=", "p.id")
        // The version with the transaction that last moved it: versions start again when the
        // table is emptied (a cache), the transaction ids do not.
        .select(sql<string>`cf.version::text || ':' || coalesce(cf.changed_xid::text, '')`.as("v"))
        .as("record_version"),
      eb
        .selectFrom("patient_record_versions as rv")
        .whereRef("rv.patient_id", "=", "p.id")
        .select(sql<string>`rv.version::text || ':' || rv.changed_xid::text`.as("v"))
        .as("timeline_version"),
    ])
    .where(sql<boolean>`p.id = ANY(${uuidArray(patientIds)})`);

export async function timelineRows(db: Kysely<DB>, f: TimelineFilter): Promise<TimelineRow[]> {
  const tz = f.timeZone;
  const p = f.patientId;
  const midnight = (col: string) => sql`(${sql.ref(col)}::timestamp AT TIME ZONE ${tz})`;
  const day = (col: string) => sql`(${sql.ref(col)} AT TIME ZONE ${tz})::date`;
  const dateCol = (col: string) => sql`${sql.ref(col)}`;

  const branches: Branch[] = [
    {
      kind: "condition",
      id: sql`c.id`,
      at: midnight("c.onset_date"),
      localDate: dateCol("c.onset_date"),
      summary: sql`c.display`,
      detail: sql`jsonb_build_object('codeSystem', c.code_system, 'code', c.code, 'clinicalStatus', c.clinical_status,
                                     'display', c.display)`,
      from: sql`conditions c`,
      where: sql`c.patient_id = ${p} AND c.onset_date IS NOT NULL`,
    },
    {
      kind: "condition-resolved",
      id: sql`c.id`,
      at: midnight("c.abatement_date"),
      localDate: dateCol("c.abatement_date"),
      summary: sql`c.display || ' (' || c.clinical_status || ')'`,
      detail: sql`jsonb_build_object('codeSystem', c.code_system, 'code', c.code, 'clinicalStatus', c.clinical_status,
                                     'display', c.display)`,
      from: sql`conditions c`,
      where: sql`c.patient_id = ${p} AND c.abatement_date IS NOT NULL`,
    },
    {
      kind: "medication-start",
      id: sql`m.id`,
      at: midnight("m.start_date"),
      localDate: dateCol("m.start_date"),
      summary: sql`m.drug || coalesce(' ' || m.dose_value::text || ' ' || coalesce(m.dose_unit, ''), '') || coalesce(' ' || m.frequency, '')`,
      detail: sql`jsonb_build_object('drug', m.drug, 'doseValue', m.dose_value, 'doseUnit', m.dose_unit, 'route', m.route, 'frequency', m.frequency)`,
      from: sql`medications m`,
      where: sql`m.patient_id = ${p} AND m.status <> 'entered-in-error'`,
    },
    {
      kind: "medication-stop",
      id: sql`m.id`,
      at: midnight("m.stop_date"),
      localDate: dateCol("m.stop_date"),
      summary: sql`m.drug || ' stopped'`,
      detail: sql`jsonb_build_object('drug', m.drug)`,
      from: sql`medications m`,
      where: sql`m.patient_id = ${p} AND m.stop_date IS NOT NULL AND m.status <> 'entered-in-error'`,
    },
    {
      kind: "observation",
      id: sql`o.id`,
      at: sql`o.effective_at`,
      localDate: day("o.effective_at"),
      // A censored result reads "<0.5 mg/L"; a missing one names the lab's reason (migration 0021).
      summary: sql`coalesce(o.display, o.code) || ': ' || coalesce(o.value_comparator, '')
                   || coalesce(o.value_number::text, o.value_code, o.value_text, 'no result (' || o.absent_reason || ')')
                   || coalesce(' ' || o.unit, '')`,
      detail: sql`jsonb_build_object('code', o.code, 'valueNumber', o.value_number, 'valueCode', o.value_code,
                                     'valueText', o.value_text, 'unit', o.unit, 'status', o.status,
                                     'valueComparator', o.value_comparator, 'absentReason', o.absent_reason)`,
      from: sql`observations o`,
      where: sql`o.patient_id = ${p} AND o.status <> 'entered-in-error'`,
    },
    {
      kind: "event",
      id: sql`e.id`,
      at: sql`e.occurred_at`,
      localDate: day("e.occurred_at"),
      summary: sql`e.title`,
      detail: sql`jsonb_build_object('category', e.category, 'text', e.text)`,
      from: sql`clinical_events e`,
      where: sql`e.patient_id = ${p} AND e.status <> 'entered-in-error'`,
    },
    {
      kind: "assessment",
      id: sql`a.id`,
      at: sql`a.assessed_at`,
      localDate: day("a.assessed_at"),
      summary: sql`a.calculator || ': ' || a.label`,
      detail: sql`jsonb_build_object('calculator', a.calculator, 'label', a.label, 'labelCode', a.result->'labelCode', 'value', a.result->'value',
                                     'reasons', a.result->'reasons', 'ruleSetVersion', a.rule_set_version, 'source', a.source)`,
      from: sql`assessments a`,
      where: sql`a.patient_id = ${p} AND a.status <> 'entered-in-error'`,
    },
    {
      kind: "journey",
      id: sql`je.id`,
      at: sql`je.at`,
      localDate: day("je.at"),
      summary: sql`'Journey: ' || je.from_state || ' → ' || je.to_state || ' (' || je.event_type || ')'`,
      detail: sql`jsonb_build_object('event', je.event_type, 'from', je.from_state, 'to', je.to_state, 'reason', je.reason)`,
      from: sql`journey_events je JOIN journeys j ON j.id = je.journey_id`,
      where: sql`j.patient_id = ${p}`,
    },
    {
      kind: "product",
      id: sql`pe.id`,
      at: sql`pe.at`,
      localDate: day("pe.at"),
      summary: sql`'Product ' || pu.din || ': ' || pe.from_state || ' → ' || pe.to_state`,
      detail: sql`jsonb_build_object('din', pu.din, 'coiId', pu.coi_id, 'event', pe.event_type, 'from', pe.from_state,
                                     'to', pe.to_state, 'actor', pe.actor)`,
      from: sql`product_events pe JOIN product_units pu ON pu.id = pe.product_id`,
      where: sql`pu.patient_id = ${p}`,
    },
    {
      kind: "custody-handoff",
      id: sql`ch.id`,
      at: sql`ch.at`,
      localDate: day("ch.at"),
      summary: sql`'Product ' || pu.din || ' handed from ' || ch.from_party || ' to ' || ch.to_party || ' at ' || ch.place`,
      detail: sql`jsonb_build_object('din', pu.din, 'from', ch.from_party, 'to', ch.to_party, 'place', ch.place,
                                     'shipperId', ch.shipper_id, 'loggerId', ch.logger_id, 'condition', ch.condition_note)`,
      from: sql`custody_handoffs ch JOIN product_units pu ON pu.id = ch.product_id`,
      where: sql`pu.patient_id = ${p}`,
    },
    {
      // Only logger traces with something for QA: an excursion or a gap (quarantine shows as a product event).
      kind: "temperature-log",
      id: sql`lu.id`,
      at: sql`lu.last_at`,
      localDate: day("lu.last_at"),
      summary: sql`'Product ' || pu.din || ' logger ' || lu.logger_id || ': ' || lu.verdict || CASE WHEN lu.quarantined THEN ', quarantined' ELSE '' END`,
      detail: sql`jsonb_build_object('din', pu.din, 'loggerId', lu.logger_id, 'verdict', lu.verdict, 'excursions', lu.excursions,
                                     'gaps', lu.gaps, 'quarantined', lu.quarantined)`,
      from: sql`logger_uploads lu JOIN product_units pu ON pu.id = lu.product_id`,
      where: sql`pu.patient_id = ${p} AND lu.verdict <> 'within-range'`,
    },
    {
      // Only recorded visits: open ones belong to the worklist, not to what happened.
      kind: "visit",
      id: sql`v.id`,
      at: midnight("v.recorded_on"),
      localDate: dateCol("v.recorded_on"),
      summary: sql`'Visit ' || v.label || CASE WHEN v.done_on IS NOT NULL THEN ' done' ELSE ' missed: ' || v.missed_reason END`,
      detail: sql`jsonb_build_object('code', v.code, 'label', v.label, 'nominalDate', v.nominal_date, 'doneOn', v.done_on,
                                     'missedReason', v.missed_reason)`,
      from: sql`(SELECT *, coalesce(done_on, nominal_date) AS recorded_on FROM visits) v`,
      where: sql`v.patient_id = ${p} AND (v.done_on IS NOT NULL OR v.missed_reason IS NOT NULL)`,
    },
    {
      kind: "consent",
      id: sql`n.id`,
      at: midnight("n.consent_date"),
      localDate: dateCol("n.consent_date"),
      summary: sql`'Consent signed (' || s.short_name || ', version ' || n.consent_version || ')'`,
      detail: sql`jsonb_build_object('studyId', n.study_id, 'study', s.short_name, 'armCode', n.arm_code,
                                     'consentVersion', n.consent_version)`,
      from: sql`enrolments n JOIN studies s ON s.id = n.study_id`,
      where: sql`n.patient_id = ${p}`,
    },
    {
      kind: "enrolment",
      id: sql`n.id`,
      at: midnight("n.enrolled_on"),
      localDate: dateCol("n.enrolled_on"),
      summary: sql`'Enrolled in ' || s.short_name || ', arm ' || n.arm_code || coalesce(', dose level ' || n.dose_level_code, '')`,
      detail: sql`jsonb_build_object('studyId', n.study_id, 'study', s.short_name, 'armCode', n.arm_code,
                                     'doseLevelCode', n.dose_level_code)`,
      from: sql`enrolments n JOIN studies s ON s.id = n.study_id`,
      where: sql`n.patient_id = ${p} AND n.enrolled_on IS NOT NULL`,
    },
    {
      kind: "infusion",
      id: sql`n.id`,
      at: midnight("n.infusion_date"),
      localDate: dateCol("n.infusion_date"),
      summary: sql`'CAR-T infusion (' || s.short_name || ')'`,
      detail: sql`jsonb_build_object('studyId', n.study_id, 'study', s.short_name, 'doseLevelCode', n.dose_level_code)`,
      from: sql`enrolments n JOIN studies s ON s.id = n.study_id`,
      where: sql`n.patient_id = ${p} AND n.infusion_date IS NOT NULL`,
    },
  ];
  if (f.derived?.length)
    branches.push({
      kind: "derived-endpoint",
      id: sql`d.id`,
      at: midnight("d.local_date"),
      localDate: dateCol("d.local_date"),
      summary: sql`d.summary`,
      detail: sql`d.detail`,
      from: sql`jsonb_to_recordset(${JSON.stringify(
        f.derived.map((d) => ({ id: d.id, local_date: d.localDate, summary: d.summary, detail: d.detail })),
      )}::jsonb) AS d(id uuid, local_date date, summary text, detail jsonb)`,
      where: sql`true`,
    });

  const wanted = f.kinds && f.kinds.length > 0 ? branches.filter((b) => f.kinds!.includes(b.kind)) : branches;
  if (wanted.length === 0) return [];
  const take = f.limit + 1;
  const after = f.after;
  const lower = f.from ?? null;
  const upper = f.to ?? null;

  const parts = wanted.map((b) => {
    const conditions = [b.where];
    if (lower) conditions.push(sql`${b.at} >= ${lower}::timestamptz`);
    if (upper) conditions.push(sql`${b.at} < ${upper}::timestamptz`);
    if (after) {
      // (at, kind, id) > cursor, with this branch's kind a constant; the `at >=` bound lets the
      // (patient_id, time, id) index start at the cursor.
      conditions.push(sql`${b.at} >= ${after[0]}::timestamptz`);
      conditions.push(
        sql`(${b.at}, ${b.kind}::text, ${b.id}) > (${after[0]}::timestamptz, ${after[1]}::text, ${after[2]}::uuid)`,
      );
    }
    return sql`(SELECT ${b.kind}::text AS kind, ${b.id} AS ref_id, ${b.at} AS at, ${b.localDate}::text AS local_date,
                       ${b.summary} AS summary, ${b.detail} AS detail
                  FROM ${b.from}
                 WHERE ${sql.join(conditions, sql` AND `)}
                 ORDER BY ${b.at}, ${b.id}
                 LIMIT ${take})`;
  });

  // Planned in about the time it runs (eleven tables): prepared once per connection.
  const result = await prepared(sql<TimelineRow>`
    SELECT kind, ref_id, at, local_date, summary, detail
      FROM (${sql.join(parts, sql` UNION ALL `)}) t
     ORDER BY at, kind, ref_id
     LIMIT ${take}`).execute(db);
  return result.rows;
}
