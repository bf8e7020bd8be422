/**
 * `v2v demo scale --patients N`: a registry of N synthetic patients for measuring the app at
 * scale (issue 15; `BENCH_TIER=M npm run bench` uses it with 10,000). Every patient is referred
 * at some day of the last six years and walked as far as "today" along the vein-to-vein journey:
 * consultation, consent, screening (some fail), enrolment, apheresis, manufacture and release (a
 * few lots fail), lymphodepletion, infusion, acute monitoring, follow-up and long-term follow-up,
 * with deaths, withdrawals, losses and stopped treatments on the way. So every journey stage is
 * present, the way it would be in a program that has run for years. Each patient gets a diagnosis,
 * an enrolment, its journey with its events, the collection and the final product with their
 * events, the protocol visits of the default schedule (done, missed, closed at the journey's end
 * or still open), lab panels (about `observationsPerPatient` results), CRS/ICANS gradings after
 * infusion computed by the calculators, and the lymphodepletion drugs (tocilizumab for CRS ≥ 2).
 *
 * The sites (created when missing), the study and its CAR product (lentiviral, so 15 years of
 * follow-up) are made through the services; the patients are written in batches of multi-row
 * INSERTs (store/bulk-insert.ts), one transaction and **one audit record per batch** naming what
 * it generated (subject codes, row counts, seed), so the audit trail's hash chain still verifies
 * and says where the data came from. Nothing goes through the services' per-record validation:
 * the generator only writes states and dates the services would accept, in time order. Seeded:
 * the same seed and "today" give the same registry. All of it is synthetic.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { findCalculator } from "../domain/calculators/index.ts";
import { addDays } from "../domain/calendar.ts";
import { CODE_SYSTEMS } from "../domain/code-systems.ts";
import { DomainError } from "../domain/errors.ts";
import { formatCoiId, formatDin } from "../domain/isbt128.ts";
import { localDate } from "../domain/study-day.ts";
import { formatSubjectCode } from "../domain/subject-code.ts";
import { defaultVisitSchedule, generateVisits } from "../domain/visit-schedule.ts";
import { appendAudit } from "../services/audit.ts";
import { type Actor, type ServiceContext, SYSTEM_USER_ID, systemActor } from "../services/context.ts";
import { DEFAULT_FIN } from "../services/products.ts";
import { createSite } from "../services/sites.ts";
import { createCarProduct, createStudy } from "../services/studies.ts";
import { indicationOfArm } from "../services/visits.ts";
import { insertRows } from "../store/bulk-insert.ts";
import type { Database } from "../store/database.ts";
import type { DB } from "../store/schema.ts";
import { DRUGS, type LabKey, LOINC, SNOMED } from "./codes.ts";
import { forkRandom, type Random, round } from "./random.ts";

export interface ScaleOptions {
  patients: number;
  /** site codes; missing sites are created (synthetic, Asia/Shanghai) */
  siteCodes?: string[];
  seed?: number;
  /** "today" (YYYY-MM-DD): the day the registry has reached; default the current date at the first site */
  asOf?: string;
  /** lab results per patient, roughly (panels of eight analytes) */
  observationsPerPatient?: number;
  /** patients per transaction (and per audit record) */
  batchSize?: number;
  onProgress?: (patientsWritten: number, total: number) => void;
}

export interface ScaleSummary {
  studyId: string;
  carProductId: string;
  sites: { id: string; code: string; patients: number }[];
  asOf: string;
  seed: number;
  rows: Record<string, number>;
  batches: number;
  journeyStates: Record<string, number>;
}

export const SCALE_DEFAULT_SITES = ["SA", "SB"];
export const SCALE_DEFAULT_SEED = 15;

const ARMS = ["LYM", "AID", "MM"] as const;
type Arm = (typeof ARMS)[number];
const DIAGNOSIS_OF: Record<Arm, (typeof SNOMED)[keyof typeof SNOMED]> = {
  LYM: SNOMED.dlbcl,
  AID: SNOMED.sle,
  MM: SNOMED.myeloma,
};
const DOSE_LEVELS = [
  { code: "DL1", label: "1 × 10^6 CAR+ cells/kg", dose: 1e6, unit: "car-cells-per-kg" },
  { code: "DL2", label: "3 × 10^6 CAR+ cells/kg", dose: 3e6, unit: "car-cells-per-kg" },
] as const;
const COLLECTION_CODE = "S1234V00";
const FINAL_PRODUCT_CODE = "S5678V00";
const SOURCE = "v2v demo scale (synthetic)";
const TZ = "Asia/Shanghai";
/** Referrals spread over this many days before today. */
const HISTORY_DAYS = 6 * 365;

// Columns written for each table, in the order rows are built below.
const COLUMNS = {
  patients: [
    "id",
    "site_id",
    "subject_code",
    "birth_year",
    "sex",
    "is_synthetic",
    "created_at",
    "created_by",
    "updated_at",
  ],
  conditions: [
    "id",
    "patient_id",
    "site_id",
    "code_system",
    "code",
    "display",
    "onset_date",
    "clinical_status",
    "created_at",
    "created_by",
    "updated_at",
  ],
  enrolments: [
    "id",
    "patient_id",
    "study_id",
    "site_id",
    "arm_code",
    "dose_level_code",
    "consent_date",
    "consent_version",
    "enrolled_on",
    "infusion_date",
    "status",
    "created_at",
    "created_by",
    "updated_at",
  ],
  journeys: [
    "id",
    "enrolment_id",
    "patient_id",
    "site_id",
    "state",
    "created_at",
    "created_by",
    "updated_at",
  ],
  journey_events: [
    "id",
    "journey_id",
    "site_id",
    "event_type",
    "payload",
    "from_state",
    "to_state",
    "actor_id",
    "at",
    "reason",
  ],
  product_units: [
    "id",
    "journey_id",
    "patient_id",
    "site_id",
    "kind",
    "parent_id",
    "din",
    "coi_id",
    "product_code",
    "state",
    "thaw_stability_minutes",
    "thawed_at",
    "created_at",
    "created_by",
    "updated_at",
  ],
  product_events: [
    "id",
    "product_id",
    "site_id",
    "event_type",
    "payload",
    "from_state",
    "to_state",
    "actor",
    "at",
    "recorded_by",
    "recorded_at",
  ],
  visits: [
    "id",
    "enrolment_id",
    "patient_id",
    "site_id",
    "schedule",
    "seq",
    "code",
    "label",
    "nominal_date",
    "nominal_day",
    "window_start",
    "window_end",
    "registry",
    "registry_window_start",
    "registry_window_end",
    "expected",
    "done_on",
    "missed_reason",
    "closed_on",
    "closed_reason",
    "ltfu_record",
    "created_at",
    "created_by",
    "updated_at",
  ],
  observations: [
    "id",
    "patient_id",
    "site_id",
    "code_system",
    "code",
    "display",
    "value_number",
    "unit",
    "effective_at",
    "source",
    "status",
    "created_at",
    "created_by",
    "updated_at",
  ],
  assessments: [
    "id",
    "patient_id",
    "site_id",
    "calculator",
    "assessed_at",
    "study_day",
    "inputs",
    "result",
    "label",
    "rule_set",
    "rule_set_version",
    "source",
    "status",
    "created_at",
    "created_by",
    "updated_at",
  ],
  medications: [
    "id",
    "patient_id",
    "site_id",
    "drug",
    "drug_code_system",
    "drug_code",
    "dose_value",
    "dose_unit",
    "route",
    "frequency",
    "start_date",
    "stop_date",
    "indication",
    "status",
    "created_at",
    "created_by",
    "updated_at",
  ],
} as const satisfies Partial<Record<keyof DB, readonly string[]>>;

type Table = keyof typeof COLUMNS;
type Rows = Record<Table, unknown[][]>;
const emptyRows = (): Rows => Object.fromEntries(Object.keys(COLUMNS).map((t) => [t, []])) as unknown as Rows;

/** An instant on a site-local day (the scale sites are all in Asia/Shanghai, +08:00 all year). */
const instant = (day: string, time = "09:00") => new Date(`${day}T${time}:00+08:00`);

/** The eight analytes of a routine panel, with a baseline and how it moves after infusion. */
const PANEL: { key: LabKey; base: number; spread: number; decimals: number }[] = [
  { key: "wbc", base: 6, spread: 0.35, decimals: 1 },
  { key: "neutrophils", base: 3.8, spread: 0.35, decimals: 2 },
  { key: "lymphocytes", base: 1.5, spread: 0.4, decimals: 2 },
  { key: "hemoglobin", base: 12.5, spread: 0.12, decimals: 1 },
  { key: "platelets", base: 220, spread: 0.3, decimals: 0 },
  { key: "crp", base: 4, spread: 0.6, decimals: 1 },
  { key: "ferritin", base: 250, spread: 0.4, decimals: 0 },
  { key: "creatinine", base: 0.85, spread: 0.15, decimals: 2 },
];

/** Multiplier of an analyte on study day `d` (null before infusion): cytopenia, CRS inflammation. */
function course(key: LabKey, d: number | null, crsGrade: number): number {
  if (d === null || d < -5 || d > 120) return 1;
  const acute = d >= 0 && d <= 14;
  switch (key) {
    case "lymphocytes":
      return d >= -3 && d <= 10 ? 0.1 : d <= 30 ? 0.5 : 0.8;
    case "neutrophils":
    case "wbc":
      return d >= 0 && d <= 12 ? 0.25 : d <= 30 ? 0.7 : 1;
    case "platelets":
      return d >= 0 && d <= 21 ? 0.45 : 0.85;
    case "crp":
      return acute && d <= 7 ? 3 + 8 * crsGrade : 1;
    case "ferritin":
      return acute ? 2 + 2 * crsGrade : 1;
    default:
      return 1;
  }
}

interface CalculatorRow {
  inputs: string;
  result: string;
  label: string;
  ruleSet: string;
  ruleSetVersion: string;
}

/** CRS and ICANS gradings by grade, computed once by the calculators so each stored result is theirs. */
function gradingTemplates(): { crs: CalculatorRow[]; icans: CalculatorRow[] } {
  const run = (name: string, inputs: Record<string, unknown>): CalculatorRow => {
    const calc = findCalculator(name);
    if (!calc) throw new Error(`no calculator ${name}`);
    const result = calc.run(inputs);
    return {
      inputs: JSON.stringify(inputs),
      result: JSON.stringify(result),
      label: result.label,
      ruleSet: result.ruleSet,
      ruleSetVersion: result.ruleSetVersion,
    };
  };
  const crs = (tempMaxC: number, hypotension: string, oxygenDevice: string, extra = {}) =>
    run("crs", {
      tempMaxC,
      feverOtherCause: false,
      crsAlreadyDiagnosed: tempMaxC >= 38,
      feverMaskingTherapyGiven: false,
      hypotension,
      oxygenDevice,
      deathDueToCrs: false,
      ...(hypotension !== "NONE" ? { hypotensionOtherCause: false } : {}),
      ...extra,
    });
  const icans = (ice: number) =>
    run("icans", {
      ageYears: 55,
      ice,
      ...(ice < 10 ? { iceOtherCause: false } : {}),
      consciousness: "NORMAL",
      seizure: "NONE",
      motor: "NONE",
      icpEdema: "NONE",
      deathDueToIcans: false,
    });
  return {
    crs: [
      crs(37.2, "NONE", "NONE"),
      crs(38.6, "NONE", "NONE"),
      crs(39.1, "NO_VASOPRESSOR", "NONE"),
      crs(39.4, "ONE_VASOPRESSOR", "NONE"),
    ],
    icans: [icans(10), icans(8), icans(5)],
  };
}

/** A patient's story as dated steps; only those on or before "today" are written. */
interface Step {
  day: string;
  time: string;
  journey?: { type: string; to: string; reason?: string };
  collection?: { type: string; to: string } | "create";
  bag?: { type: string; to: string } | "create";
}

interface SiteRef {
  id: string;
  code: string;
}

interface Shared {
  studyId: string;
  asOf: string;
  seed: number;
  observationsPerPatient: number;
  templates: ReturnType<typeof gradingTemplates>;
}

/** Rows for one patient; `subjectCode` and the ISBT sequences are allocated by the caller. */
function patientRows(
  rows: Rows,
  s: Shared,
  site: SiteRef,
  subjectCode: string,
  unitSeq: () => { din: (year: number) => string; coi: (year: number) => string },
  states: Map<string, number>,
) {
  const r: Random = forkRandom(s.seed, subjectCode);
  const sys = SYSTEM_USER_ID;
  const patientId = uuidv7();
  const referral = addDays(s.asOf, -r.int(0, HISTORY_DAYS));
  const arm = r.pick(ARMS);
  const dose = r.pick(DOSE_LEVELS);
  const created = instant(referral, "08:30");
  rows.patients.push([
    patientId,
    site.id,
    subjectCode,
    r.int(1945, 2002),
    r.chance(0.5) ? "female" : "male",
    true,
    created,
    sys,
    created,
  ]);
  const dx = DIAGNOSIS_OF[arm];
  rows.conditions.push([
    uuidv7(),
    patientId,
    site.id,
    dx.codeSystem,
    dx.code,
    dx.display,
    addDays(referral, -r.int(200, 3000)),
    "active",
    created,
    sys,
    created,
  ]);

  // ── the planned course, cut at today ──
  const consent = addDays(referral, r.int(5, 14));
  const screening = consent;
  const enrolled = addDays(screening, r.int(7, 21));
  const apheresis = addDays(enrolled, r.int(5, 14));
  const manufactureStart = addDays(apheresis, 2);
  const manufactureEnd = addDays(manufactureStart, r.int(9, 14));
  const release = addDays(manufactureEnd, r.int(3, 8));
  const infusion = addDays(release, r.int(6, 12));
  const ldStart = addDays(infusion, -5);
  const followUp = addDays(infusion, 28);
  const ltfu = addDays(infusion, 2 * 365);
  const crsGrade = r.pick([0, 0, 1, 1, 1, 1, 2, 2, 3] as const);
  const icansGrade = r.chance(0.2) ? r.pick([1, 1, 2] as const) : 0;

  type Exit =
    | { kind: "screen-fail" }
    | { kind: "withdraw-early" }
    | { kind: "manufacturing-failed" }
    | { kind: "stop-before-infusion" }
    | { kind: "died"; day: string }
    | { kind: "lost"; day: string }
    | { kind: "withdrawn"; day: string }
    | null;
  const roll = r.next();
  const lateDay = (from: number, to: number) => addDays(infusion, r.int(from, to));
  const exit: Exit =
    roll < 0.08
      ? { kind: "screen-fail" }
      : roll < 0.1
        ? { kind: "withdraw-early" }
        : roll < 0.13
          ? { kind: "manufacturing-failed" }
          : roll < 0.15
            ? { kind: "stop-before-infusion" }
            : roll < 0.18
              ? { kind: "died", day: lateDay(8, 60) }
              : roll < 0.28
                ? { kind: "died", day: lateDay(61, 5 * 365) }
                : roll < 0.33
                  ? { kind: "lost", day: lateDay(200, 5 * 365) }
                  : roll < 0.36
                    ? { kind: "withdrawn", day: lateDay(60, 4 * 365) }
                    : null;

  const steps: Step[] = [];
  const j = (day: string, time: string, type: string, to: string, reason?: string) =>
    steps.push({ day, time, journey: { type, to, ...(reason ? { reason } : {}) } });
  const c = (day: string, time: string, type: string, to: string) =>
    steps.push({ day, time, collection: { type, to } });
  const b = (day: string, time: string, type: string, to: string) =>
    steps.push({ day, time, bag: { type, to } });

  j(addDays(referral, r.int(2, 5)), "14:00", "consult", "consulted");
  j(consent, "10:00", "sign-consent", "consented");
  j(screening, "11:00", "start-screening", "screening");
  let infused = false;
  let endedOn: { day: string; state: string } | null = null;
  const end = (day: string, state: string) => {
    if (!endedOn) endedOn = { day, state };
  };
  (() => {
    if (exit?.kind === "screen-fail") {
      j(addDays(screening, 10), "15:00", "fail-screening", "screen-failed", "Eligibility criterion not met");
      end(addDays(screening, 10), "screen-failed");
      return;
    }
    j(enrolled, "09:00", "enrol", "enrolled");
    j(enrolled, "10:00", "book-apheresis", "apheresis-scheduled");
    j(apheresis, "13:00", "record-apheresis", "apheresed");
    steps.push({ day: apheresis, time: "13:10", collection: "create" });
    j(apheresis, "15:00", "hand-to-courier", "awaiting-product");
    c(apheresis, "15:00", "ship-to-manufacturer", "in-transit-to-manufacturer");
    if (exit?.kind === "withdraw-early") {
      const day = addDays(apheresis, 4);
      j(day, "14:00", "withdraw", "withdrawn", "Patient withdrew consent");
      end(day, "withdrawn");
      return;
    }
    const bridging = r.chance(0.4);
    if (bridging) j(addDays(apheresis, 1), "09:00", "start-bridging", "bridging-or-washout");
    c(manufactureStart, "08:00", "receive-at-manufacturer", "received-at-manufacturer");
    c(manufactureStart, "09:00", "start-manufacture", "in-manufacture");
    steps.push({ day: manufactureStart, time: "09:30", bag: "create" });
    if (exit?.kind === "manufacturing-failed") {
      b(manufactureEnd, "17:00", "declare-failed", "failed");
      if (bridging) j(manufactureEnd, "18:00", "end-bridging", "awaiting-product");
      j(addDays(manufactureEnd, 1), "10:00", "manufacturing-failed", "re-apheresis");
      if (r.chance(0.5)) {
        const day = addDays(manufactureEnd, 20);
        j(day, "10:00", "stop-treatment", "off-treatment", "Second collection not possible");
        end(day, "off-treatment");
      }
      return;
    }
    b(manufactureEnd, "17:00", "complete-manufacture", "qc-pending");
    b(release, "11:00", "release", "released");
    if (bridging) j(release, "12:00", "end-bridging", "awaiting-product");
    j(release, "13:00", "product-released", "pre-ld-check");
    b(addDays(release, 1), "08:00", "ship-to-site", "in-transit-to-site");
    b(addDays(release, 2), "14:00", "receive-at-site", "stored-at-site");
    if (exit?.kind === "stop-before-infusion") {
      const day = addDays(release, 3);
      j(day, "10:00", "stop-treatment", "off-treatment", "Disease progression before lymphodepletion");
      end(day, "off-treatment");
      return;
    }
    j(ldStart, "08:00", "start-lymphodepletion", "lymphodepletion");
    j(addDays(ldStart, 2), "18:00", "complete-lymphodepletion", "pre-infusion-check");
    b(infusion, "09:30", "thaw", "thawed");
    j(infusion, "09:50", "verify-at-bedside", "pre-infusion-check");
    j(infusion, "10:00", "infuse", "infused");
    b(infusion, "10:00", "administer", "administered");
    j(infusion, "10:30", "start-acute-monitoring", "acute-monitoring");
    infused = true;
    const exitDay = exit && "day" in exit ? exit.day : null;
    const stop = (day: string) => exitDay !== null && exitDay <= day;
    if (!stop(followUp)) j(followUp, "11:00", "start-follow-up", "follow-up");
    if (!stop(ltfu)) j(ltfu, "11:00", "start-long-term-follow-up", "long-term-follow-up");
    if (exit?.kind === "died") {
      j(exit.day, "08:00", "die", "died", "Death recorded by the site");
      end(exit.day, "died");
    } else if (exit?.kind === "lost" && exit.day > followUp) {
      j(exit.day, "10:00", "lose-to-follow-up", "lost-to-follow-up", "No contact after repeated attempts");
      end(exit.day, "lost-to-follow-up");
    } else if (exit?.kind === "withdrawn") {
      j(exit.day, "14:00", "withdraw", "withdrawn", "Patient withdrew from follow-up");
      end(exit.day, "withdrawn");
    }
  })();

  // ── write the steps up to today ──
  const visible = steps
    .filter((st) => st.day <= s.asOf)
    .sort((x, y) => (x.day + x.time < y.day + y.time ? -1 : x.day + x.time > y.day + y.time ? 1 : 0));
  const enrolmentId = uuidv7();
  const journeyId = uuidv7();
  let state = "referred";
  let collection: { id: string; state: string; coi: string } | null = null;
  let bag: { id: string; state: string } | null = null;
  let thawedAt: Date | null = null;
  let lastJourneyAt = created;
  const unitRows: unknown[][] = [];
  const units = unitSeq();
  for (const st of visible) {
    const at = instant(st.day, st.time);
    if (st.journey) {
      rows.journey_events.push([
        uuidv7(),
        journeyId,
        site.id,
        st.journey.type,
        JSON.stringify({ type: st.journey.type, generated: SOURCE }),
        state,
        st.journey.to,
        sys,
        at,
        st.journey.reason ?? null,
      ]);
      state = st.journey.to;
      lastJourneyAt = at;
    } else if (st.collection === "create") {
      const year = at.getUTCFullYear() % 100;
      collection = { id: uuidv7(), state: "collected", coi: units.coi(year) };
      unitRows.push([
        collection.id,
        journeyId,
        patientId,
        site.id,
        "apheresis",
        null,
        units.din(year),
        collection.coi,
        COLLECTION_CODE,
        "collected",
        null,
        null,
        at,
        sys,
        at,
      ]);
    } else if (st.bag === "create" && collection) {
      const year = at.getUTCFullYear() % 100;
      bag = { id: uuidv7(), state: "in-manufacture" };
      unitRows.push([
        bag.id,
        journeyId,
        patientId,
        site.id,
        "final-product",
        collection.id,
        units.din(year),
        collection.coi,
        FINAL_PRODUCT_CODE,
        "in-manufacture",
        120,
        null,
        at,
        sys,
        at,
      ]);
    } else {
      const unit = st.collection ? collection : bag;
      const move = (st.collection ?? st.bag) as { type: string; to: string };
      if (!unit) continue;
      rows.product_events.push([
        uuidv7(),
        unit.id,
        site.id,
        move.type,
        JSON.stringify({ type: move.type, generated: SOURCE }),
        unit.state,
        move.to,
        st.collection ? "Courier and cell lab (synthetic)" : "Cell lab (synthetic)",
        at,
        sys,
        at,
      ]);
      unit.state = move.to;
      if (move.type === "thaw") thawedAt = at;
    }
  }
  // Unit rows carry their final state and when it was reached.
  for (const u of unitRows) {
    const unit = u[0] === collection?.id ? collection : bag;
    if (!unit) continue;
    u[9] = unit.state;
    if (u[0] === bag?.id) u[11] = thawedAt;
    const last = rows.product_events.findLast((e) => e[1] === u[0]);
    if (last) u[14] = last[8];
    rows.product_units.push(u);
  }
  states.set(state, (states.get(state) ?? 0) + 1);

  const infusionDate = infused && infusion <= s.asOf ? infusion : null;
  const enrolledOn = enrolled <= s.asOf && exit?.kind !== "screen-fail" ? enrolled : null;
  const ended = endedOn as { day: string; state: string } | null;
  const status = ended
    ? ({
        "screen-failed": "screen-failed",
        withdrawn: "withdrawn",
        died: "died",
        "lost-to-follow-up": "lost-to-follow-up",
        "off-treatment": "withdrawn",
      }[ended.state] ?? "withdrawn")
    : infusionDate
      ? state === "acute-monitoring" || state === "infused"
        ? "on-treatment"
        : "follow-up"
      : enrolledOn
        ? "enrolled"
        : "screening";
  const endedDay = ended && ended.day <= s.asOf ? ended.day : null;
  rows.enrolments.push([
    enrolmentId,
    patientId,
    s.studyId,
    site.id,
    arm,
    dose.code,
    consent,
    "v3.1",
    enrolledOn,
    infusionDate,
    endedDay ? status : ended ? "follow-up" : status,
    created,
    sys,
    lastJourneyAt,
  ]);
  rows.journeys.push([journeyId, enrolmentId, patientId, site.id, state, created, sys, lastJourneyAt]);

  // ── visits ──
  const doneVisitDays: string[] = [];
  if (infusionDate) {
    const schedule = defaultVisitSchedule(indicationOfArm(arm));
    const generated = generateVisits(schedule, infusionDate);
    const openFrom = addDays(s.asOf, -45);
    for (const [seq, g] of generated.entries()) {
      let done: string | null = null;
      let missed: string | null = null;
      let closed: { on: string; reason: string } | null = null;
      let ltfuRecord: string | null = null;
      if (endedDay && g.nominalDate > endedDay) {
        closed = { on: endedDay, reason: `Journey ended: ${ended!.state}` };
      } else if (g.windowEnd < openFrom || (endedDay && g.windowEnd < endedDay)) {
        if (r.chance(0.05)) missed = "Patient did not attend (synthetic)";
        else {
          done = g.nominalDate;
          doneVisitDays.push(done);
          if (g.ltfuItems.length > 0)
            ltfuRecord = JSON.stringify(
              Object.fromEntries(g.ltfuItems.map((code) => [code, { outcome: "none", note: null }])),
            );
        }
      } else if (endedDay) {
        closed = { on: endedDay, reason: `Journey ended: ${ended!.state}` };
      }
      const at = instant(infusionDate, "12:00");
      const updated = done ? instant(done, "16:00") : closed ? instant(closed.on, "16:00") : at;
      rows.visits.push([
        uuidv7(),
        enrolmentId,
        patientId,
        site.id,
        schedule.name,
        seq,
        g.code,
        g.label,
        g.nominalDate,
        g.nominalDay,
        g.windowStart,
        g.windowEnd,
        g.registryWindow?.registry ?? null,
        g.registryWindow?.start ?? null,
        g.registryWindow?.end ?? null,
        JSON.stringify({
          assessments: g.assessments,
          labs: g.labs,
          activities: g.activities,
          ltfuItems: g.ltfuItems,
        }),
        done,
        missed,
        closed?.on ?? null,
        closed?.reason ?? null,
        ltfuRecord,
        at,
        sys,
        updated,
      ]);
    }
  }

  // ── lab panels: at the milestones, each visit done, and routine draws filling up to the target ──
  const lastDay = endedDay ?? s.asOf;
  const milestones = [screening, apheresis, ldStart, infusion].filter((d) => d <= lastDay);
  const draws = new Set<string>([...milestones, ...doneVisitDays]);
  const wanted = Math.max(1, Math.round(s.observationsPerPatient / PANEL.length));
  const span = Math.max(1, Math.round((Date.parse(lastDay) - Date.parse(referral)) / 86_400_000));
  for (let k = 0; draws.size < wanted && k < wanted * 2; k++)
    draws.add(addDays(referral, Math.floor(((k + 0.5) * span) / wanted) % (span + 1)));
  const studyDayOf = (day: string) =>
    infusionDate ? Math.round((Date.parse(day) - Date.parse(infusionDate)) / 86_400_000) : null;
  for (const day of [...draws].sort()) {
    if (day > lastDay || day < referral) continue;
    const at = instant(day, "07:30");
    const recorded = instant(day, "11:00");
    const d = studyDayOf(day);
    for (const a of PANEL) {
      const lab = LOINC[a.key];
      const value = round(r.jitter(a.base * course(a.key, d, crsGrade), a.spread, a.decimals), a.decimals);
      rows.observations.push([
        uuidv7(),
        patientId,
        site.id,
        CODE_SYSTEMS.loinc,
        lab.code,
        lab.display,
        Math.max(value, 0.01),
        lab.unit,
        at,
        SOURCE,
        "final",
        recorded,
        sys,
        recorded,
      ]);
    }
  }

  // ── gradings after infusion and the drugs ──
  if (infusionDate) {
    const grade = (calculator: "crs" | "icans", day: number, g: number) => {
      const t = s.templates[calculator][Math.min(g, s.templates[calculator].length - 1)]!;
      const dayDate = addDays(infusionDate, day);
      if (dayDate > lastDay) return;
      const at = instant(dayDate, "20:00");
      rows.assessments.push([
        uuidv7(),
        patientId,
        site.id,
        calculator,
        at,
        day,
        t.inputs,
        t.result,
        t.label,
        t.ruleSet,
        t.ruleSetVersion,
        "entered",
        "final",
        at,
        sys,
        at,
      ]);
    };
    for (let day = 1; day <= 7; day++)
      grade("crs", day, day >= 2 && day <= 4 ? crsGrade : Math.min(crsGrade, 1));
    if (icansGrade > 0) for (let day = 4; day <= 6; day++) grade("icans", day, icansGrade);
    const drug = (
      name: { name: string; atc: string },
      doseValue: number,
      doseUnit: string,
      route: string,
      frequency: string,
      start: string,
      stop: string,
      indication: string,
    ) => {
      const at = instant(start, "08:00");
      rows.medications.push([
        uuidv7(),
        patientId,
        site.id,
        name.name,
        "http://www.whocc.no/atc",
        name.atc,
        doseValue,
        doseUnit,
        route,
        frequency,
        start,
        stop,
        indication,
        "completed",
        at,
        sys,
        at,
      ]);
    };
    drug(
      DRUGS.fludarabine,
      30,
      "mg/m2",
      "intravenous",
      "once daily",
      ldStart,
      addDays(ldStart, 2),
      "Lymphodepletion",
    );
    drug(
      DRUGS.cyclophosphamide,
      500,
      "mg/m2",
      "intravenous",
      "once daily",
      ldStart,
      addDays(ldStart, 2),
      "Lymphodepletion",
    );
    if (crsGrade >= 2 && addDays(infusionDate, 3) <= lastDay)
      drug(
        DRUGS.tocilizumab,
        8,
        "mg/kg",
        "intravenous",
        "once",
        addDays(infusionDate, 3),
        addDays(infusionDate, 3),
        "Cytokine release syndrome",
      );
  }
}

/** Writes the scale registry. Sites, study and product go through the services; patients in batches. */
export async function generateScaleRegistry(
  database: Database,
  options: ScaleOptions,
): Promise<ScaleSummary> {
  const total = options.patients;
  if (!Number.isInteger(total) || total < 1 || total > 1_000_000)
    throw new DomainError("validation", "--patients must be a whole number from 1 to 1,000,000.");
  const codes = options.siteCodes?.length ? options.siteCodes : SCALE_DEFAULT_SITES;
  const seed = options.seed ?? SCALE_DEFAULT_SEED;
  const batchSize = options.batchSize ?? 100;
  const now = () => new Date();
  const db = database.db;

  // Sites, study and CAR product, through the services (audited as usual).
  const bootstrap: ServiceContext = { db, actor: systemActor(), now };
  const sites: SiteRef[] = [];
  for (const code of codes) {
    const found = await db
      .selectFrom("sites")
      .select(["id", "code"])
      .where("code", "=", code)
      .executeTakeFirst();
    sites.push(
      found ??
        (await createSite(bootstrap, {
          code,
          name: `Scale test hospital ${code} (synthetic)`,
          department: "Hematology",
          city: "Shenzhen",
          country: "CN",
          timeZone: TZ,
          isSynthetic: true,
        })),
    );
  }
  const tzRow = await db
    .selectFrom("sites")
    .select("time_zone")
    .where("id", "=", sites[0]!.id)
    .executeTakeFirstOrThrow();
  const asOf = options.asOf ?? localDate(now(), tzRow.time_zone);
  const actor: Actor = systemActor(
    sites.flatMap((s) => [
      { siteId: s.id, role: "investigator" as const },
      { siteId: s.id, role: "admin" as const },
    ]),
  );
  const ctx: ServiceContext = { db, actor, now };
  const study = await createStudy(ctx, {
    leadSiteId: sites[0]!.id,
    siteIds: sites.map((s) => s.id),
    title: `Scale registry: ${total.toLocaleString("en-US")} synthetic patients (v2v demo scale)`,
    shortName: `SCALE-${total}`,
    phase: "phase-2",
    status: "active",
    isSynthetic: true,
    arms: [
      { code: "LYM", name: "Relapsed/refractory B-cell lymphoma", doseLevels: DOSE_LEVELS },
      { code: "AID", name: "Refractory systemic lupus erythematosus", doseLevels: DOSE_LEVELS },
      { code: "MM", name: "Relapsed/refractory multiple myeloma", doseLevels: DOSE_LEVELS },
    ],
  });
  const car = await createCarProduct(ctx, {
    studyId: study.id,
    code: "SCALE-19",
    name: "CD19 CAR-T (synthetic scale construct)",
    targets: ["CD19"],
    format: "single",
    costimulatoryDomain: "4-1BB",
    vector: "lentiviral",
    vectorType: "lentiviral",
    doseUnit: "car-cells-per-kg",
    manufacturer: "Scale cell-therapy laboratory (synthetic)",
  });

  const shared: Shared = {
    studyId: study.id,
    asOf,
    seed,
    observationsPerPatient: options.observationsPerPatient ?? 200,
    templates: gradingTemplates(),
  };
  const counts: Record<string, number> = {};
  const states = new Map<string, number>();
  const perSite = new Map(sites.map((s) => [s.id, 0]));
  let written = 0;
  let batches = 0;
  options.onProgress?.(0, total);
  while (written < total) {
    const n = Math.min(batchSize, total - written);
    // Patients go round the sites; a batch holds one site's patients so its audit record has a site.
    const site = sites[batches % sites.length]!;
    await db.transaction().execute(async (trx) => {
      const rows = emptyRows();
      const seqRow = await sql<{ subject_seq: number }>`
        UPDATE sites SET subject_seq = subject_seq + ${n} WHERE id = ${site.id} RETURNING subject_seq`.execute(
        trx,
      );
      const first = seqRow.rows[0]!.subject_seq - n + 1;
      const siteCode = sites.find((x) => x.id === site.id)!.code;
      const isbt = isbtAllocator();
      const batchStates = new Map<string, number>();
      const subjectCodes: string[] = [];
      for (let i = 0; i < n; i++) {
        const code = formatSubjectCode(siteCode, first + i);
        subjectCodes.push(code);
        patientRows(rows, shared, site, code, () => isbt, batchStates);
      }
      await isbt.reserve(trx, rows.product_units);
      for (const table of Object.keys(COLUMNS) as Table[])
        await insertRows(trx, table, COLUMNS[table], rows[table]);
      const rowCounts = Object.fromEntries((Object.keys(COLUMNS) as Table[]).map((t) => [t, rows[t].length]));
      await appendAudit(
        trx,
        { ...ctx, db: trx },
        {
          action: "create",
          entityType: "scale-batch",
          entityId: uuidv7(),
          siteId: site.id,
          after: {
            generator: "v2v demo scale",
            seed,
            asOf,
            studyId: study.id,
            subjectCodes: { first: subjectCodes[0], last: subjectCodes.at(-1), count: n },
            rows: rowCounts,
            journeyStates: Object.fromEntries(batchStates),
          },
          reason: "Synthetic registry data for scale measurements (v2v demo scale)",
        },
      );
      for (const [t, k] of Object.entries(rowCounts)) counts[t] = (counts[t] ?? 0) + k;
      for (const [st, k] of batchStates) states.set(st, (states.get(st) ?? 0) + k);
    });
    perSite.set(site.id, perSite.get(site.id)! + n);
    written += n;
    batches++;
    options.onProgress?.(written, total);
  }
  return {
    studyId: study.id,
    carProductId: car.id,
    sites: sites.map((s) => ({ id: s.id, code: s.code, patients: perSite.get(s.id)! })),
    asOf,
    seed,
    rows: counts,
    batches,
    journeyStates: Object.fromEntries([...states].sort((a, b) => b[1] - a[1])),
  };
}

/**
 * DINs and CoI ids for a batch: placeholders while rows are built, then one counter update per
 * (year, kind) reserves the whole range and the placeholders are filled in.
 */
function isbtAllocator() {
  const wanted = new Map<string, number>(); // "din:24" → how many
  const take = (kind: "din" | "coi", year: number) => {
    const key = `${kind}:${year}`;
    const k = (wanted.get(key) ?? 0) + 1;
    wanted.set(key, k);
    return `isbt:${key}:${k}`;
  };
  return {
    din: (year: number) => take("din", year),
    coi: (year: number) => take("coi", year),
    async reserve(db: Kysely<DB>, unitRows: unknown[][]) {
      const base = new Map<string, number>();
      for (const [key, n] of wanted) {
        const [kind, year] = key.split(":") as ["din" | "coi", string];
        const res = await sql<{ last_value: number }>`
          INSERT INTO isbt_counters (fin, year, kind, last_value) VALUES (${DEFAULT_FIN}, ${Number(year)}, ${kind}, ${n})
          ON CONFLICT (fin, year, kind) DO UPDATE SET last_value = isbt_counters.last_value + ${n}
          RETURNING last_value`.execute(db);
        base.set(key, res.rows[0]!.last_value - n);
      }
      const resolve = (placeholder: string) => {
        const [, kind, year, k] = placeholder.split(":") as [string, "din" | "coi", string, string];
        const seq = base.get(`${kind}:${year}`)! + Number(k);
        return kind === "din"
          ? formatDin(DEFAULT_FIN, Number(year), seq)
          : formatCoiId(DEFAULT_FIN, Number(year), seq);
      };
      for (const u of unitRows) {
        u[6] = resolve(u[6] as string);
        u[7] = resolve(u[7] as string);
      }
    },
  };
}
