/**
 * A patient's derived endpoints (CAR-T kinetics, B-cell aplasia, immunoglobulin nadir,
 * seroconversion, steroid/medication-free dates, lymphoma response, lupus remission), derived
 * from what is recorded, so a corrected lab value or a new stop date shows at once. The timeline and
 * GET /patients/{id}/derived/endpoints read the patient's record version first and get them held
 * between reads while that version, the site's zone and day 0 stand (decision 0051): the version
 * is migration 0024's, bumped in the writer's transaction by every record they are derived from. The rules live in
 * domain/endpoints; this module only maps records to their inputs (calendar dates in the site's
 * time zone, units, which record is which) and reads no more than the records it names.
 */
import { v5 as uuidv5 } from "uuid";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import {
  type BCellSample,
  bCellAplasiaEndpoints,
  cd19PercentReading,
} from "../domain/endpoints/b-cell-aplasia.ts";
import { CAR_COPIES_NOTE_PREFIX, carSeriesFromNotes } from "../domain/endpoints/car-copies-note.ts";
import { carKineticsEndpoints } from "../domain/endpoints/car-kinetics.ts";
import type { Endpoint } from "../domain/endpoints/endpoint.ts";
import {
  type IgSample,
  IMMUNOGLOBULIN_CODES,
  type Immunoglobulin,
  immunoglobulinNadir,
} from "../domain/endpoints/immunoglobulins.ts";
import { type RemissionAssessment, remissionEndpoints } from "../domain/endpoints/lupus-remission.ts";
import { type ResponseAssessment, responseEndpoints } from "../domain/endpoints/lymphoma-response.ts";
import { type MedicationRecord, medicationFreeEndpoints } from "../domain/endpoints/medication-free.ts";
import { type AntibodySample, AUTOANTIBODIES, seroconversion } from "../domain/endpoints/seroconversion.ts";
import { notFound } from "../domain/errors.ts";
import { cellsPerMicrolitre } from "../domain/lab-units.ts";
import type { Comparator } from "../domain/observation-value.ts";
import { localDate } from "../domain/study-day.ts";
import { endpointSources } from "../store/endpoint-sources.ts";
import type { PatientRow } from "../store/schema.ts";
import { findSite } from "../store/sites.ts";
import { infusionDate } from "../store/studies.ts";
import { patientWithDay0 } from "../store/timeline.ts";
import { requireAt } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { HeldAnswers } from "./held-answers.ts";

/** LOINC codes read (workflow-standards.md §5.4). */
const CD19_ABSOLUTE = "8116-6";
const CD19_PERCENT = "20593-0";
const LYMPHOCYTES = ["731-0", "26474-7"];
const CALCULATORS = ["lugano-pet", "lugano-ct", "doris", "lldas"];

export interface DerivedEndpoints {
  patientId: string;
  subjectCode: string;
  infusionDate: string | null;
  timeZone: string;
  endpoints: Endpoint[];
}

export async function deriveEndpoints(ctx: ServiceContext, patientId: string): Promise<DerivedEndpoints> {
  const { patient, known } = await patientForEndpoints(ctx, patientId);
  return endpointsOf(ctx, patient, known);
}

/**
 * A patient whose clinical record the actor may read, with the site's zone, day 0 and the record
 * version in one statement, read before any record: what endpointsOf needs to hold the endpoints
 * (decision 0051), for the endpoint list, the timeline and the patient's course alike.
 */
export async function patientForEndpoints(
  ctx: ServiceContext,
  patientId: string,
): Promise<{
  patient: PatientRow;
  known: { timeZone: string; infusionDate: string | null; recordVersion: string | null };
  /** the version of everything the timeline lists (migration 0034), null before the first write */
  timelineVersion: string | null;
}> {
  const found = await patientWithDay0(ctx.db, patientId);
  if (!found) throw notFound("patient", patientId);
  requireAt(ctx.actor, found.site_id, "clinical:read", "patient", patientId);
  const {
    time_zone: timeZone,
    day0,
    record_version: recordVersion,
    timeline_version: timelineVersion,
    ...patient
  } = found;
  return {
    patient,
    known: { timeZone, infusionDate: (day0 as string | null) ?? null, recordVersion: recordVersion ?? null },
    timelineVersion: timelineVersion ?? null,
  };
}

/** Per patient; about 10–40 endpoints each, so a few MB when full. */
const heldEndpoints = new HeldAnswers<Endpoint[]>(2000);

/**
 * For callers that have already loaded and authorised the patient (the timeline), and may also
 * know the site's time zone and the infusion date: then they are not read again. With
 * `recordVersion` (the patient's row of cohort_patient_facts, null before the first write, read
 * before anything else) the endpoints are held and answered again while the version, the zone and
 * day 0 are those they were derived under.
 */
export async function endpointsOf(
  ctx: ServiceContext,
  patient: PatientRow,
  known?: { timeZone: string; infusionDate: string | null; recordVersion?: string | null },
): Promise<DerivedEndpoints> {
  const tz = known?.timeZone ?? (await findSite(ctx.db, patient.site_id))!.time_zone;
  const day0 = known ? known.infusionDate : await infusionDate(ctx.db, patient.id);
  const derive = () => endpointsFromRecord(ctx, patient.id, tz, day0);
  const endpoints =
    known?.recordVersion === undefined
      ? await derive()
      : await heldEndpoints.getOrCompute(
          ctx.db,
          patient.id,
          `${known.recordVersion ?? "none"}|${tz}|${day0 ?? "none"}`,
          derive,
        );
  return {
    patientId: patient.id,
    subjectCode: patient.subject_code,
    infusionDate: day0,
    timeZone: tz,
    endpoints,
  };
}

async function endpointsFromRecord(
  ctx: ServiceContext,
  patientId: string,
  tz: string,
  day0: string | null,
): Promise<Endpoint[]> {
  const antibodyCodes = AUTOANTIBODIES.flatMap((a) => a.codes);
  const src = await endpointSources(ctx.db, patientId, {
    observationCodes: [
      CD19_ABSOLUTE,
      CD19_PERCENT,
      ...LYMPHOCYTES,
      ...Object.values(IMMUNOGLOBULIN_CODES),
      ...antibodyCodes,
    ],
    calculators: CALCULATORS,
    carNotePrefix: CAR_COPIES_NOTE_PREFIX,
  });
  const dateOf = (d: Date) => localDate(new Date(d), tz);
  const obs = (codes: string[]) => src.observations.filter((o) => codes.includes(o.code));

  // CAR-T kinetics from the copies notes.
  const { samples: carSamples, lloq } = carSeriesFromNotes(
    src.carNotes.map((n) => ({ id: n.id, date: dateOf(n.occurred_at), title: n.title })),
  );
  const kinetics = carKineticsEndpoints({ unit: "COPIES_PER_UG_GDNA", lloq, samples: carSamples }, day0);

  // B cells: a recorded percentage first, else absolute CD19+ over lymphocytes from the same draw.
  // A censored result keeps its comparator: the rules judge it by its bound (decision 0038).
  const bCells: BCellSample[] = obs([CD19_PERCENT])
    .filter((o) => o.value_number !== null && o.unit === "%")
    .map((o) => ({
      date: dateOf(o.effective_at),
      percent: o.value_number!,
      comparator: o.value_comparator ?? null,
      refs: [{ kind: "observation", id: o.id }],
    }));
  const lymphocytesAt = new Map<number, { id: string; perUl: number; comparator: Comparator | null }>();
  for (const o of obs(LYMPHOCYTES)) {
    const perUl = o.value_number === null ? null : cellsPerMicrolitre(o.value_number, o.unit);
    if (perUl !== null)
      lymphocytesAt.set(new Date(o.effective_at).getTime(), {
        id: o.id,
        perUl,
        comparator: o.value_comparator ?? null,
      });
  }
  for (const o of obs([CD19_ABSOLUTE])) {
    const perUl = o.value_number === null ? null : cellsPerMicrolitre(o.value_number, o.unit);
    const lymph = lymphocytesAt.get(new Date(o.effective_at).getTime());
    const percent =
      perUl === null || !lymph
        ? null
        : cd19PercentReading(
            { value: perUl, comparator: o.value_comparator ?? null },
            { value: lymph.perUl, comparator: lymph.comparator },
          );
    if (percent === null) continue;
    bCells.push({
      date: dateOf(o.effective_at),
      percent: percent.value,
      comparator: percent.comparator,
      refs: [
        { kind: "observation", id: o.id },
        { kind: "observation", id: lymph!.id },
      ],
    });
  }

  const igSamples = (ig: Immunoglobulin): IgSample[] =>
    obs([IMMUNOGLOBULIN_CODES[ig]])
      .filter((o) => o.value_number !== null)
      .map((o) => ({
        date: dateOf(o.effective_at),
        value: o.value_number!,
        comparator: o.value_comparator ?? null,
        unit: o.unit,
        ref: { kind: "observation", id: o.id },
      }));
  const immunoglobulins = (Object.keys(IMMUNOGLOBULIN_CODES) as Immunoglobulin[])
    .map((ig) => ({ ig, samples: igSamples(ig) }))
    // IgA and IgM are reported only when measured; IgG always, so its absence is visible.
    .filter(({ ig, samples }) => ig === "IgG" || samples.length > 0)
    .map(({ ig, samples }) => immunoglobulinNadir(ig, samples, day0));

  const serology = AUTOANTIBODIES.map((ab) =>
    seroconversion(
      ab,
      obs(ab.codes).map(
        (o): AntibodySample => ({
          date: dateOf(o.effective_at),
          valueNumber: o.value_number,
          valueComparator: o.value_comparator ?? null,
          unit: o.unit,
          valueText: o.value_code ?? o.value_text,
          ref: { kind: "observation", id: o.id },
        }),
      ),
      day0,
    ),
  );

  const medications: MedicationRecord[] = src.medications.map((m) => ({
    id: m.id,
    drug: m.drug,
    atcCode: m.drug_code_system === CODE_SYSTEMS.atc ? m.drug_code : null,
    route: m.route,
    indication: m.indication,
    startDate: m.start_date,
    stopDate: m.stop_date,
  }));

  const assessments = src.assessments.map((a) => ({
    id: a.id,
    date: dateOf(a.assessed_at),
    calculator: a.calculator,
    value: (a.result as { value?: unknown } | null)?.value,
    inputs: a.inputs,
  }));
  const response = responseEndpoints(
    assessments
      .filter((a) => a.calculator === "lugano-pet" || a.calculator === "lugano-ct")
      .map((a) => ({ ...a, value: String(a.value) }) as ResponseAssessment),
    day0,
    // A death ends a response (duration of response, Cheson 2014), dated in the site's zone.
    src.diedAt ? dateOf(src.diedAt) : null,
  );
  const remission = remissionEndpoints(
    assessments.filter((a) => a.calculator === "doris" || a.calculator === "lldas") as RemissionAssessment[],
    medications,
    day0,
  );

  return [
    ...kinetics,
    ...bCellAplasiaEndpoints(bCells, day0),
    ...immunoglobulins,
    ...serology,
    ...medicationFreeEndpoints(medications, day0),
    ...response,
    ...remission,
  ];
}

/** Fixed namespace for the timeline ids of derived endpoints (a random v4, chosen once). */
const TIMELINE_NAMESPACE = "3f0b6a52-6c1e-4c7a-9a43-5d2e8f7b1c90";

export interface DerivedTimelineItem {
  id: string;
  localDate: string;
  summary: string;
  detail: Record<string, unknown>;
}

/**
 * The endpoints that were reached on a date, as timeline items. Their ids are name-based UUIDs
 * (patient + endpoint key), stable across reads, so the timeline's keyset cursor can point at one.
 */
export function endpointTimelineItems(d: DerivedEndpoints): DerivedTimelineItem[] {
  return d.endpoints
    .filter((e) => e.status === "met" && e.date !== null)
    .map((e) => {
      const valueText = describeValue(e);
      return {
        id: uuidv5(`${d.patientId}/${e.key}`, TIMELINE_NAMESPACE),
        localDate: e.date!,
        summary: `${e.title}: ${valueText}`,
        detail: {
          key: e.key,
          value: e.value,
          // the value as the summary shows it (a number with its unit, a censored bound), for
          // readers that word the title themselves
          valueText,
          unit: e.unit,
          status: e.status,
          rule: e.rule,
          source: e.source,
          derivedFrom: e.derivedFrom,
        },
      };
    });
}

function describeValue(e: Endpoint): string {
  if (typeof e.value === "boolean") return e.date ?? String(e.value);
  if (typeof e.value === "number") {
    const n = Number.isInteger(e.value) ? e.value.toLocaleString("en") : e.value.toFixed(2);
    // a censored nadir is a bound ("< 1.4 g/L"), never shown as the value itself
    const bound = typeof e.details?.comparator === "string" ? `${e.details.comparator} ` : "";
    return e.unit === "day" ? `day ${e.value}` : `${bound}${n}${e.unit ? ` ${e.unit}` : ""}`;
  }
  return String(e.value);
}
