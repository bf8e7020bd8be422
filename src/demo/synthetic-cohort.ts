/**
 * Thirty-one invented patients around the reference case, so that the demo shows a program at every
 * stage of the vein-to-vein journey: referred, screening, screen-failed, waiting for the product,
 * in the acute week after infusion, in follow-up and long-term follow-up, completed, died, withdrawn
 * and lost to follow-up; with lymphoma, myeloma, lupus and lupus nephritis; with varied outcomes
 * and CRS grades.
 *
 * Who is at which stage is written out below (COHORT), because a demo should show each situation on
 * purpose, not by chance. The seeded generator only fills in what makes records look lived-in:
 * names, ages, the days between milestones and the lab values (see lab-course.ts). The demo world's
 * "today" is DEMO_AS_OF, a fixed date, so every load gives the same records whatever the clock says.
 */

import { addDays, daysBetween } from "../domain/calendar.ts";
import { type AdverseEventPlan, demoAdverseEvents } from "./adverse-events.ts";
import { drug, SNOMED } from "./codes.ts";
import {
  crsGrading,
  ctResponse,
  icansGrading,
  lupusActivity,
  petResponse,
  screeningSledai,
  type TargetNode,
} from "./graded-assessments.ts";
import {
  type Disease,
  type Grade,
  isLupus,
  isLymphoma,
  isOncology,
  type LabCourse,
  labCourse,
  type Outcome,
  remits,
  SALVAGE_DAYS,
} from "./lab-course.ts";
import {
  type AssessmentPlan,
  at,
  type ConditionPlan,
  type EnrolmentPlan,
  type EventPlan,
  type MedicationPlan,
  type ObservationPlan,
  type PatientPlan,
  panel,
  type SiteCode,
} from "./plan.ts";
import { forkRandom, type Random } from "./random.ts";

export const DEMO_SEED = 20_190_916;
/** The demo world's "today": nothing is recorded after it. */
export const DEMO_AS_OF = "2026-10-31";

type Stage =
  | "referred"
  | "screening"
  | "screen-failed"
  | "awaiting-product"
  | "withdrawn"
  | "acute"
  | "follow-up"
  | "completed"
  | "died"
  | "lost";

interface Slot {
  site: SiteCode;
  disease: Disease;
  stage: Stage;
  /** the infusion date for infused patients; otherwise the referral (referred), consent
   * (screening, screen-failed), apheresis (awaiting product) or enrolment (withdrawn) date */
  date: string;
  outcome?: Outcome;
  crs?: Grade;
  icans?: Grade;
  doseLevel?: "DL1" | "DL2";
  /** study day of progression or relapse */
  turnDay?: number;
  /** study day of death, or of the last visit before the patient was lost */
  endDay?: number;
  /** why screening failed or the patient withdrew */
  reason?: string;
  /** a registry-only record: the hospital holds the identity, the program only the pseudonym */
  noIdentity?: true;
}

/** In order of first contact, so subject codes rise with time as they would in a real program. */
const COHORT: Slot[] = [
  // 2019–2021: the first patients after the reference case, while doses were being explored.
  { site: "SZ", disease: "sle-dlbcl", stage: "completed", date: "2019-11-18", outcome: "CR", crs: 1 },
  {
    site: "SZ",
    disease: "dlbcl",
    stage: "died",
    date: "2020-01-13",
    outcome: "progression",
    crs: 2,
    doseLevel: "DL1",
    turnDay: 88,
    endDay: 214,
    noIdentity: true,
  },
  { site: "SZ", disease: "myeloma", stage: "completed", date: "2020-06-15", outcome: "CR", crs: 2 },
  {
    site: "WH",
    disease: "sle",
    stage: "completed",
    date: "2020-10-12",
    outcome: "remission",
    doseLevel: "DL1",
  },
  { site: "SZ", disease: "ln", stage: "follow-up", date: "2021-03-08", outcome: "remission", crs: 1 },
  { site: "SZ", disease: "dlbcl", stage: "lost", date: "2021-05-17", outcome: "CR", crs: 1, endDay: 270 },
  {
    site: "SZ",
    disease: "dlbcl",
    stage: "screen-failed",
    date: "2021-07-05",
    reason: "Secondary CNS involvement on brain MRI (exclusion criterion).",
  },
  {
    site: "SZ",
    disease: "myeloma",
    stage: "died",
    date: "2021-09-06",
    outcome: "progression",
    crs: 3,
    icans: 1,
    turnDay: 180,
    endDay: 331,
    noIdentity: true,
  },
  // 2022–2025: steady accrual at both sites.
  { site: "WH", disease: "ln", stage: "follow-up", date: "2022-02-14", outcome: "remission", crs: 1 },
  { site: "SZ", disease: "sle", stage: "follow-up", date: "2022-06-20", outcome: "low-activity", crs: 1 },
  {
    site: "SZ",
    disease: "dlbcl",
    stage: "follow-up",
    date: "2022-10-10",
    outcome: "relapse",
    crs: 2,
    turnDay: 272,
  },
  {
    site: "SZ",
    disease: "myeloma",
    stage: "withdrawn",
    date: "2023-03-13",
    reason: "Withdrew consent before lymphodepletion; chose treatment closer to home.",
  },
  { site: "SZ", disease: "sle", stage: "follow-up", date: "2023-05-15", outcome: "remission", crs: 1 },
  {
    site: "WH",
    disease: "sle",
    stage: "screen-failed",
    date: "2023-09-11",
    reason: "Hepatitis B virus DNA detectable (active infection, exclusion criterion).",
    noIdentity: true,
  },
  { site: "SZ", disease: "ln", stage: "follow-up", date: "2024-01-08", outcome: "remission" },
  { site: "SZ", disease: "dlbcl", stage: "follow-up", date: "2024-06-03", outcome: "PR", crs: 2 },
  { site: "SZ", disease: "myeloma", stage: "follow-up", date: "2024-11-11", outcome: "CR", crs: 1 },
  { site: "WH", disease: "ln", stage: "follow-up", date: "2025-04-14", outcome: "remission", crs: 1 },
  { site: "SZ", disease: "sle", stage: "follow-up", date: "2025-09-08", outcome: "remission", crs: 1 },
  // 2026: recent infusions, and the weeks around the demo's "today".
  { site: "SZ", disease: "dlbcl", stage: "follow-up", date: "2026-03-16", outcome: "CR", crs: 1 },
  { site: "SZ", disease: "sle-dlbcl", stage: "follow-up", date: "2026-06-22", outcome: "CR", crs: 2 },
  { site: "SZ", disease: "myeloma", stage: "follow-up", date: "2026-08-24", crs: 2 },
  { site: "SZ", disease: "dlbcl", stage: "acute", date: "2026-10-19", crs: 2, icans: 1 },
  { site: "WH", disease: "sle", stage: "acute", date: "2026-10-26", crs: 1 },
  { site: "SZ", disease: "ln", stage: "awaiting-product", date: "2026-10-14" },
  { site: "SZ", disease: "dlbcl", stage: "awaiting-product", date: "2026-10-21" },
  { site: "WH", disease: "sle", stage: "awaiting-product", date: "2026-10-28" },
  { site: "SZ", disease: "myeloma", stage: "screening", date: "2026-10-20" },
  { site: "SZ", disease: "sle", stage: "screening", date: "2026-10-27" },
  { site: "SZ", disease: "dlbcl", stage: "referred", date: "2026-10-23" },
  { site: "SZ", disease: "ln", stage: "referred", date: "2026-10-29" },
];

const FAMILY_NAMES = [
  ...["Chen", "Li", "Wang", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou"],
  ...["Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Zheng"],
];
const GIVEN_FEMALE = ["Fang", "Min", "Jing", "Yan", "Hui", "Ping", "Ling", "Xia", "Hong", "Li", "Na", "Qian"];
const GIVEN_MALE = ["Wei", "Qiang", "Lei", "Jun", "Yong", "Tao", "Gang", "Bo", "Ning", "Hao", "Jie", "Peng"];
const REGIONS = ["Guangdong", "Hubei", "Hunan", "Jiangxi", "Guangxi", "Henan", "Fujian", "Sichuan"];

const ARM: Record<Disease, string> = {
  dlbcl: "LYM",
  "sle-dlbcl": "LYM",
  myeloma: "MM",
  sle: "AID",
  ln: "AID",
};
const DISEASE_LABEL: Record<Disease, string> = {
  dlbcl: "relapsed/refractory diffuse large B-cell lymphoma",
  myeloma: "relapsed/refractory multiple myeloma",
  sle: "systemic lupus erythematosus refractory to standard therapy",
  ln: "lupus nephritis refractory to standard therapy",
  "sle-dlbcl": "lupus and a new diffuse large B-cell lymphoma",
};
const STATUS_AT_YEAR: Record<Outcome, string> = {
  CR: "continued complete response",
  PR: "stable partial response",
  progression: "progressive disease",
  relapse: "continued second complete response",
  remission: "continued medication-free remission",
  "low-activity": "continued low disease activity",
  pending: "response assessment pending",
};

/** Visit days after infusion, from the template in shared/domain/workflow-standards.md §4.4. */
const SCHEDULE = [
  ...[-28, -6, 0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 28, 56, 90, 180, 270, 365],
  ...[545, 730, 1095, 1460, 1825, 2190, 2555],
];

const INFUSED: ReadonlySet<Stage> = new Set(["acute", "follow-up", "completed", "died", "lost"]);

/** 12,400 rather than 12400; written out so no locale data can change the demo. */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * Collects one patient's records and drops anything dated after the patient's horizon (the demo's
 * "today", or death), so each story can be written as if it ran to its end.
 */
class Chart {
  readonly events: EventPlan[] = [];
  readonly medications: MedicationPlan[] = [];
  readonly observations: ObservationPlan[] = [];
  readonly assessments: AssessmentPlan[] = [];
  constructor(readonly horizon: string) {}

  assess(...list: AssessmentPlan[]) {
    for (const a of list) if (a.assessedAt.slice(0, 10) <= this.horizon) this.assessments.push(a);
  }

  event(date: string, time: string, category: EventPlan["category"], title: string, text?: string) {
    if (date <= this.horizon)
      this.events.push({ occurredAt: at(date, time), category, title, ...(text ? { text } : {}) });
  }

  /** A medication whose stop lies beyond the horizon is still running: active, no stop date. */
  medication(m: MedicationPlan) {
    if (m.startDate > this.horizon) return;
    if (m.stopDate && m.stopDate > this.horizon) {
      const { stopDate: _, ...running } = m;
      this.medications.push({ ...running, status: "active" });
    } else this.medications.push({ status: m.stopDate ? "completed" : "active", ...m });
  }

  labs(date: string, time: string, values: Parameters<typeof panel>[1]) {
    if (date <= this.horizon) this.observations.push(...panel(at(date, time), values));
  }
}

/** Key dates of a journey, worked back from the slot's anchor date. */
interface Milestones {
  referral: string;
  consent?: string;
  enrolled?: string;
  apheresis?: string;
  infusion?: string;
}

function milestones(slot: Slot, r: Random): Milestones {
  const back = (date: string, min: number, max: number) => addDays(date, -r.int(min, max));
  switch (slot.stage) {
    case "referred":
      return { referral: slot.date };
    case "screening":
    case "screen-failed":
      return { referral: back(slot.date, 7, 21), consent: slot.date };
    case "awaiting-product": {
      const enrolled = back(slot.date, 1, 3);
      const consent = back(enrolled, 4, 9);
      return { referral: back(consent, 7, 21), consent, enrolled, apheresis: slot.date };
    }
    case "withdrawn": {
      const consent = back(slot.date, 4, 9);
      return {
        referral: back(consent, 7, 21),
        consent,
        enrolled: slot.date,
        apheresis: addDays(slot.date, 2),
      };
    }
    default: {
      const consent = back(slot.date, 32, 45);
      const enrolled = addDays(consent, r.int(4, 9));
      const apheresis = addDays(enrolled, r.int(1, 3));
      return { referral: back(consent, 7, 21), consent, enrolled, apheresis, infusion: slot.date };
    }
  }
}

/** Everything one patient's story needs, shared by the steps below. */
interface Story {
  slot: Slot;
  label: string;
  r: Random;
  chart: Chart;
  course: LabCourse;
  m: Milestones;
  outcome: Outcome;
  /** diagnosis dates: lupus years before referral, lymphoma months before, myeloma a few years */
  onset: { lupus: string; nephritis: string; lymphoma: string; myeloma: string };
  labTime: () => string;
  /** age in years at infusion (ICANS grading asks for it) */
  age: number;
  /** the demo's seed, for streams of their own (adverse events, tumour measurements) */
  seed: number;
}

function buildPatient(slot: Slot, index: number, seed: number): PatientPlan {
  const label = `cohort-${String(index + 1).padStart(2, "0")}`;
  const r = forkRandom(seed, label);
  const { disease, stage } = slot;
  const sex = isLupus(disease) ? (r.chance(0.9) ? "female" : "male") : r.pick(["female", "male"] as const);
  const m = milestones(slot, r);
  const age = disease === "myeloma" ? r.int(48, 72) : isLupus(disease) ? r.int(22, 48) : r.int(35, 68);
  const birthYear = Number(m.referral.slice(0, 4)) - age;
  const outcome = slot.outcome ?? "pending";
  const lupus = addDays(m.referral, -(365 * r.int(3, 18) + r.int(0, 300)));
  const story: Story = {
    slot,
    label,
    r,
    chart: new Chart(
      stage === "died" && m.infusion && slot.endDay ? addDays(m.infusion, slot.endDay) : DEMO_AS_OF,
    ),
    course: labCourse(
      { disease, sex, outcome, crs: slot.crs ?? 0, ...(slot.turnDay ? { turnDay: slot.turnDay } : {}) },
      r,
    ),
    m,
    outcome,
    onset: {
      lupus,
      nephritis: addDays(lupus, 365 * r.int(1, 2) + r.int(0, 200)),
      lymphoma: addDays(m.referral, disease === "sle-dlbcl" ? -r.int(60, 200) : -r.int(240, 900)),
      myeloma: addDays(m.referral, -r.int(700, 1800)),
    },
    labTime: () => `07:${String(r.int(10, 55)).padStart(2, "0")}`,
    age,
    seed,
  };

  recordHistory(story);
  recordReferral(story);
  const enrolment = INFUSED.has(stage) ? recordTreatment(story) : recordPreTreatment(story);
  return {
    label,
    siteCode: slot.site,
    birthYear,
    sex,
    ...(slot.noIdentity ? {} : { identity: identity(story, sex, birthYear, index) }),
    conditions: conditions(story),
    ...(enrolment ? { enrolment } : {}),
    medications: story.chart.medications,
    events: story.chart.events,
    observations: story.chart.observations,
    assessments: story.chart.assessments,
    adverseEvents: adverseEventsOf(story, seed),
  };
}

function identity(s: Story, sex: "female" | "male", birthYear: number, index: number) {
  const { r } = s;
  const given = sex === "female" ? GIVEN_FEMALE : GIVEN_MALE;
  const second = r.chance(0.6) ? r.pick(given).toLowerCase() : "";
  return {
    familyName: r.pick(FAMILY_NAMES),
    givenName: r.pick(given) + second,
    sex,
    birthDate: `${birthYear}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`,
    // Unmistakably fake contact details: a zero phone number and a reserved e-mail domain.
    phone: `+86 000 0000 ${String(index + 2).padStart(4, "0")}`,
    email: `demo.patient.${s.label}@example.invalid`,
    address: `Synthetic address, ${s.slot.site === "SZ" ? "Shenzhen" : "Wuhan"}`,
    homeRegion: r.pick(REGIONS),
  };
}

/** The response milestone that puts a condition into remission, in study days. */
function remissionDay(disease: Disease): number {
  return isLymphoma(disease) ? 28 : disease === "myeloma" ? 90 : 180;
}

function conditions(s: Story): ConditionPlan[] {
  const { slot, m, outcome, onset, chart } = s;
  const { disease } = slot;
  const infusion = m.infusion;
  const reached = (day: number) =>
    infusion !== undefined && INFUSED.has(slot.stage) && addDays(infusion, day) <= chart.horizon;
  const inRemission = remits(outcome) && slot.stage !== "died" && reached(remissionDay(disease));
  const remissionDate = infusion ? addDays(infusion, remissionDay(disease)) : undefined;
  const status = (yes: boolean, date?: string) =>
    yes
      ? { clinicalStatus: "remission" as const, abatementDate: date }
      : { clinicalStatus: "active" as const };
  const out: ConditionPlan[] = [];

  if (isLupus(disease)) {
    // Overlap patients' lupus remits with the lymphoma, on the lupus timetable (as in the reference case).
    const lupusRemission = disease === "sle-dlbcl" ? remits(outcome) && reached(180) : inRemission;
    out.push({
      ...SNOMED.sle,
      onsetDate: onset.lupus,
      ...status(lupusRemission, infusion && addDays(infusion, 180)),
      ...(outcome === "low-activity"
        ? { note: "Low disease activity (LLDAS) after CAR-T, not remission." }
        : {}),
    });
  }
  if (disease === "ln")
    out.push({
      ...SNOMED.lupusNephritis,
      onsetDate: onset.nephritis,
      ...status(inRemission, remissionDate),
      note: "ISN/RPS class IV on renal biopsy.",
    });
  if (isLymphoma(disease)) {
    const turn = slot.turnDay ?? 0;
    const relapsed = outcome === "relapse" && reached(turn);
    const secondRemission = relapsed && reached(turn + SALVAGE_DAYS);
    out.push({
      ...SNOMED.dlbcl,
      onsetDate: onset.lymphoma,
      ...(secondRemission
        ? status(true, infusion && addDays(infusion, turn + SALVAGE_DAYS))
        : relapsed
          ? { clinicalStatus: "relapse" as const }
          : status(
              (inRemission || (outcome === "relapse" && reached(28))) && slot.stage !== "died",
              remissionDate,
            )),
      note:
        disease === "sle-dlbcl"
          ? "Arose on long-standing lupus treated with immunosuppressants."
          : relapsed
            ? `Refractory to two prior lines; relapsed on day ${turn} after CAR-T${secondRemission ? ", second complete response after salvage therapy" : ""}.`
            : "Relapsed or refractory after two prior lines.",
    });
  }
  if (disease === "myeloma")
    out.push({
      ...SNOMED.myeloma,
      onsetDate: onset.myeloma,
      ...status(inRemission, remissionDate),
      note: "IgG kappa; relapsed/refractory after three prior lines including a proteasome inhibitor and an IMiD.",
    });
  return out;
}

/** Diagnoses and the treatment before referral. Lupus drugs stop before lymphodepletion. */
function recordHistory(s: Story) {
  const { slot, chart, onset, m, r } = s;
  const { disease } = slot;
  if (isLupus(disease))
    chart.event(onset.lupus, "10:00", "diagnosis", "Systemic lupus erythematosus diagnosed");
  if (disease === "ln")
    chart.event(
      onset.nephritis,
      "10:00",
      "diagnosis",
      "Lupus nephritis diagnosed",
      "Renal biopsy: ISN/RPS class IV.",
    );
  if (isLymphoma(disease))
    chart.event(
      onset.lymphoma,
      "10:00",
      "diagnosis",
      "Diffuse large B-cell lymphoma diagnosed",
      "Excisional biopsy.",
    );
  if (disease === "myeloma")
    chart.event(
      onset.myeloma,
      "10:00",
      "diagnosis",
      "Multiple myeloma diagnosed",
      "IgG kappa; ISS stage II.",
    );

  // The protocol stops every lupus medicine before lymphodepletion; patients who never get there
  // (screening, screen-failed, withdrawn, waiting) stay on them.
  const lupusStop = m.infusion && INFUSED.has(slot.stage) ? addDays(m.infusion, -r.int(8, 14)) : undefined;
  const stopped = lupusStop ? { stopDate: lupusStop, status: "stopped" as const } : {};
  if (isLupus(disease)) {
    const dose = r.pick([7.5, 10, 15, 20]);
    chart.medication({
      ...drug("prednisone"),
      ...{ doseValue: dose, doseUnit: "mg", route: "oral", frequency: "once daily" },
      startDate: onset.lupus,
      ...stopped,
      indication: "Systemic lupus erythematosus",
    });
    chart.medication({
      ...drug("hydroxychloroquine"),
      ...{ doseValue: 200, doseUnit: "mg", route: "oral", frequency: "twice daily" },
      startDate: addDays(onset.lupus, 30),
      ...stopped,
      indication: "Systemic lupus erythematosus",
    });
  }
  if (disease === "ln")
    chart.medication({
      ...drug("mycophenolate"),
      ...{ doseValue: 1000, doseUnit: "mg", route: "oral", frequency: "twice daily" },
      startDate: onset.nephritis,
      ...stopped,
      indication: "Lupus nephritis",
    });
  // Regimens are recorded uncoded: their ATC codes name single drugs, not combinations.
  if (disease === "dlbcl") {
    chart.medication({
      drug: "R-CHOP (rituximab, cyclophosphamide, doxorubicin, vincristine, prednisone)",
      route: "intravenous",
      frequency: "every 21 days, 6 cycles",
      startDate: addDays(onset.lymphoma, 14),
      stopDate: addDays(onset.lymphoma, 119),
      indication: "Diffuse large B-cell lymphoma, first line",
    });
    chart.medication({
      drug: "R-GemOx (rituximab, gemcitabine, oxaliplatin)",
      route: "intravenous",
      frequency: "every 14 days, 4 cycles",
      startDate: addDays(onset.lymphoma, 170),
      stopDate: addDays(onset.lymphoma, 226),
      indication: "Diffuse large B-cell lymphoma, second line",
    });
  }
  if (disease === "myeloma")
    chart.medication({
      drug: "VRd (bortezomib, lenalidomide, dexamethasone)",
      frequency: "21-day cycles",
      startDate: addDays(onset.myeloma, 10),
      stopDate: addDays(m.referral, -30),
      indication: "Multiple myeloma",
      note: "Followed by daratumumab-based second and third lines.",
    });
}

function recordReferral(s: Story) {
  const { slot, chart, m } = s;
  chart.event(
    m.referral,
    "10:00",
    "referral",
    `Referred to ${slot.site} for CAR-T (${ARM[slot.disease]} arm)`,
    `Referred with ${DISEASE_LABEL[slot.disease]}.`,
  );
}

/** The screening draw: counts, chemistry, B cells, disease markers, body size and ECOG. */
function screeningLabs(s: Story, date: string, d: number) {
  const { chart, course } = s;
  chart.labs(date, s.labTime(), {
    ...course.bloodCount(d),
    ...course.inflammation(d, d >= -28),
    ldh: course.ldh(d),
    creatinine: course.creatinine(d),
    cd19Absolute: course.bCells(d),
  });
  chart.labs(date, "08:05", course.diseaseMarkers(d));
  const b = course.baseline;
  chart.labs(date, "09:00", { weight: b.weight, height: b.height, ecog: b.ecog });
}

const enrolmentBase = (s: Story, status: EnrolmentPlan["status"]): EnrolmentPlan => ({
  armCode: ARM[s.slot.disease],
  consentDate: s.m.consent!,
  consentVersion: s.m.consent! < "2023-01-01" ? "1.0" : "2.0",
  status,
});

/** Patients not (yet) infused: referred, screening, screen-failed, waiting for product, withdrawn. */
function recordPreTreatment(s: Story): EnrolmentPlan | undefined {
  const { slot, chart, m, course, r } = s;
  const before = -30;
  chart.labs(m.referral, s.labTime(), {
    ...course.bloodCount(before),
    ...course.inflammation(before, false),
    creatinine: course.creatinine(before),
  });
  if (slot.stage === "referred") {
    chart.labs(m.referral, "08:05", course.diseaseMarkers(before));
    return undefined;
  }
  screeningLabs(s, m.consent!, before);
  const apheresis = () =>
    chart.event(m.apheresis!, "09:00", "procedure", "Leukapheresis for CAR-T manufacturing");
  switch (slot.stage) {
    case "screening":
      chart.event(m.consent!, "11:00", "note", "Screening started after consent");
      return enrolmentBase(s, "screening");
    case "screen-failed":
      chart.event(addDays(m.consent!, r.int(7, 14)), "15:00", "note", "Screen failure", slot.reason);
      return enrolmentBase(s, "screen-failed");
    case "withdrawn":
      apheresis();
      chart.event(
        addDays(m.apheresis!, r.int(10, 20)),
        "14:00",
        "note",
        "Withdrawn from the study",
        slot.reason,
      );
      return { ...enrolmentBase(s, "withdrawn"), enrolledOn: m.enrolled!, doseLevelCode: "DL2" };
    default:
      apheresis();
      chart.event(
        addDays(m.apheresis!, 1),
        "10:00",
        "note",
        "Product in manufacturing",
        "Release expected about three weeks after apheresis; lymphodepletion is scheduled once it is released.",
      );
      if (slot.disease === "dlbcl")
        chart.medication({
          ...drug("dexamethasone"),
          ...{ doseValue: 20, doseUnit: "mg", route: "oral", frequency: "once daily" },
          startDate: addDays(m.apheresis!, 3),
          stopDate: addDays(m.apheresis!, 6),
          indication: "Bridging therapy while the product is manufactured",
        });
      return { ...enrolmentBase(s, "enrolled"), enrolledOn: m.enrolled!, doseLevelCode: "DL2" };
  }
}

const ENROLMENT_STATUS: Partial<Record<Stage, EnrolmentPlan["status"]>> = {
  acute: "on-treatment",
  "follow-up": "follow-up",
  completed: "completed",
  died: "died",
  lost: "lost-to-follow-up",
};

/** Patients who received their cells: from apheresis through the last visit. */
function recordTreatment(s: Story): EnrolmentPlan {
  const { slot, chart, m, course, r } = s;
  const { disease, stage } = slot;
  const inf = m.infusion!;
  const on = (d: number) => addDays(inf, d);
  const doseLevel = slot.doseLevel ?? "DL2";
  const lastVisit =
    stage === "completed" ? 730 : stage === "lost" || stage === "died" ? slot.endDay! : Infinity;

  chart.event(m.apheresis!, "09:00", "procedure", "Leukapheresis for CAR-T manufacturing");
  if (isLymphoma(disease))
    chart.event(
      on(-26),
      "15:00",
      "imaging",
      `Baseline PET-CT: Deauville ${r.pick([4, 5])}`,
      `SUVmax ${r.between(9, 24, 1)}; ${r.int(2, 6)} nodal and extranodal sites.`,
    );
  if (disease === "myeloma")
    chart.event(
      on(-25),
      "10:00",
      "procedure",
      "Bone marrow biopsy before CAR-T",
      `${r.int(20, 70)}% clonal plasma cells.`,
    );
  if (isLupus(disease)) chart.event(on(-27), "16:00", "note", `SLEDAI-2K ${r.int(8, 16)} at screening`);

  chart.event(
    on(-5),
    "09:00",
    "procedure",
    "Lymphodepletion: fludarabine and cyclophosphamide, days −5 to −3",
  );
  for (const key of ["fludarabine", "cyclophosphamide"] as const)
    chart.medication({
      ...drug(key),
      doseValue: key === "fludarabine" ? 30 : isOncology(disease) ? 500 : 300,
      ...{ doseUnit: "mg/m2", route: "intravenous", frequency: "once daily" },
      startDate: on(-5),
      stopDate: on(-3),
      indication: "Lymphodepletion before CAR-T",
    });
  chart.event(
    inf,
    "10:00",
    "procedure",
    `cCAR-19B infusion, ${doseLevel === "DL1" ? "1" : "3"} × 10^6 CAR+ cells/kg`,
    "Bedside chain-of-identity check passed.",
  );
  // Anti-infective prophylaxis for six months (or until death).
  const prophylaxisStop = stage === "died" && slot.endDay! < 182 ? on(slot.endDay!) : on(182);
  chart.medication({
    ...drug("aciclovir"),
    ...{ doseValue: 400, doseUnit: "mg", route: "oral", frequency: "twice daily" },
    startDate: on(-5),
    stopDate: prophylaxisStop,
    indication: "Antiviral prophylaxis after CAR-T",
  });
  chart.medication({
    ...drug("cotrimoxazole"),
    ...{ doseValue: 960, doseUnit: "mg", route: "oral", frequency: "three times weekly" },
    startDate: on(28),
    stopDate: prophylaxisStop,
    indication: "Pneumocystis prophylaxis after CAR-T",
  });

  recordToxicity(s);
  // CAR-T expansion; see reference-case.ts for why these are notes, not observations.
  for (const d of [7, 14, 28, 90])
    if (d <= lastVisit)
      chart.event(
        on(d),
        "07:30",
        "note",
        `CAR-T copies day ${d}: ${thousands(course.carCopies(d))} copies/µg gDNA (qPCR)`,
      );
  recordVisits(s, lastVisit);
  recordOutcome(s, lastVisit);
  gradeResponse(s, lastVisit);
  return {
    ...enrolmentBase(s, ENROLMENT_STATUS[stage]!),
    doseLevelCode: doseLevel,
    enrolledOn: m.enrolled!,
    infusionDate: inf,
  };
}

/** CRS and ICANS (ASTCT grading) with the drugs that treat them. */
function recordToxicity(s: Story) {
  const { slot, chart, course, r, m } = s;
  const on = (d: number) => addDays(m.infusion!, d);
  const { grade, onset, peak, feverDays, hypotension } = course.crs;
  if (grade === 0)
    chart.event(on(14), "16:00", "toxicity", "No CRS or ICANS during days 0–14", "Afebrile throughout.");
  else {
    const resolved = onset + feverDays + (grade > 1 ? 2 : 1);
    const features = [
      "",
      "Fever only; no hypotension or hypoxia.",
      hypotension
        ? "Fever with hypotension responding to fluids; no vasopressor."
        : "Fever with hypoxia needing low-flow oxygen.",
      "Fever with hypotension needing a vasopressor and hypoxia needing high-flow oxygen; ICU transfer.",
    ][grade];
    chart.event(
      on(onset),
      "20:00",
      "toxicity",
      `Cytokine release syndrome grade ${grade} (ASTCT)`,
      on(resolved) <= chart.horizon ? `${features} Resolved by day ${resolved}.` : `${features} Ongoing.`,
    );
    chart.medication({
      ...drug("paracetamol"),
      ...{ doseValue: 500, doseUnit: "mg", route: "oral", frequency: "as needed" },
      startDate: on(onset),
      stopDate: on(onset + feverDays),
      indication: `Fever (CRS grade ${grade})`,
    });
  }
  if (grade >= 2)
    chart.medication({
      ...drug("tocilizumab"),
      ...{ doseValue: 8, doseUnit: "mg/kg", route: "intravenous" },
      frequency: grade === 3 ? "two doses 8 hours apart" : "once",
      startDate: on(peak),
      stopDate: on(peak),
      indication: `CRS grade ${grade}`,
    });
  gradeToxicity(s);
  const icans = slot.icans ?? 0;
  if (icans > 0)
    chart.event(
      on(peak + 2),
      "11:00",
      "toxicity",
      `ICANS grade ${icans} (ASTCT)`,
      `ICE score ${icans === 1 ? r.int(7, 9) : r.int(3, 6)}/10; resolved within ${r.int(2, 4)} days.`,
    );
  if (grade === 3 || icans > 0)
    chart.medication({
      ...drug("dexamethasone"),
      ...{ doseValue: 10, doseUnit: "mg", route: "intravenous", frequency: "every 6 hours" },
      startDate: on(peak + (icans > 0 ? 2 : 0)),
      stopDate: on(peak + (icans > 0 ? 4 : 2)),
      indication: icans > 0 ? `ICANS grade ${icans}` : `CRS grade ${grade}`,
    });
}

/**
 * The daily ASTCT gradings behind the CRS and ICANS events: grade 1 from onset, the slot's grade
 * on the peak day, grade 1 again until the fever settles and grade 0 the day it has; a patient
 * without CRS is graded 0 on day 1. ICANS is graded by ICE on the day it was seen and when it
 * had resolved three days later; without ICANS, ICE 10 on day 7.
 */
function gradeToxicity(s: Story) {
  const { slot, chart, course, m, age } = s;
  const on = (d: number) => addDays(m.infusion!, d);
  const { grade, onset, peak } = course.crs;
  if (grade === 0) chart.assess(crsGrading(on(1), 0, false));
  else {
    const resolved = crsResolvedDay(course.crs);
    for (let d = onset; d < resolved; d++) chart.assess(crsGrading(on(d), d === peak ? grade : 1, d > onset));
    chart.assess(crsGrading(on(resolved), 0, true));
  }
  const icans = slot.icans ?? 0;
  if (icans === 0) chart.assess(icansGrading(on(7), 10, age));
  else {
    chart.assess(icansGrading(on(peak + 2), icans === 1 ? 8 : 5, age));
    chart.assess(icansGrading(on(peak + 5), 10, age));
  }
}

/** The study day the fever has settled and CRS is graded 0 again. */
function crsResolvedDay(crs: LabCourse["crs"]): number {
  return Math.max(crs.onset + crs.feverDays + (crs.grade > 1 ? 2 : 1), crs.peak + 1);
}

/** The story's adverse events, from its own random stream (demo/adverse-events.ts). */
function adverseEventsOf(s: Story, seed: number): AdverseEventPlan[] {
  const { m, slot, course, chart } = s;
  if (!INFUSED.has(slot.stage) || !m.infusion) return [];
  return demoAdverseEvents(
    {
      infusion: m.infusion,
      crs: { grade: course.crs.grade, onset: course.crs.onset, resolved: crsResolvedDay(course.crs) },
      icans: { grade: slot.icans ?? 0, day: course.crs.peak + 2 },
      lastDay: daysBetween(m.infusion, chart.horizon),
    },
    forkRandom(seed, `${s.label}/adverse-events`),
  );
}

/**
 * Two target nodes at baseline and their sizes once the lymphoma has responded, from the story's
 * own random stream (so no other demo value moves): after a CR every node is 8–15 mm in LDi
 * (Lugano CR: ≤ 15 mm); after a PR each shrinks by the same factor, leaving 15–45 % of the SPD
 * (a PR needs ≥ 50 % less), and the larger node stays above 15 mm so that it is not a CR.
 */
function tumourMeasurements(
  r: Random,
  reading: "CR" | "PR",
): { nodes: TargetNode[]; after: (readonly [number, number])[] } {
  const nodes: TargetNode[] = [
    { site: "mediastinal mass", baseline: [r.int(48, 78), r.int(32, 46)] },
    { site: "left cervical node", baseline: [r.int(24, 40), r.int(16, 22)] },
  ];
  if (reading === "CR")
    return {
      nodes,
      after: nodes.map(() => {
        const ldi = r.int(8, 15);
        return [ldi, r.int(5, Math.min(ldi, 10))] as const;
      }),
    };
  const k = Math.sqrt(r.between(0.15, 0.45, 2));
  return {
    nodes,
    after: nodes.map((n) => [Math.round(n.baseline[0] * k), Math.round(n.baseline[1] * k)] as const),
  };
}

/** Days after infusion with a response assessment while the disease is controlled. */
const RESPONSE_DAYS = [28, 90, 180, 365, 730, 1095, 1460, 1825, 2190, 2555];

/**
 * The Lugano PET-CT and DORIS/LLDAS gradings behind the response events: the day-28 reading
 * repeated at each later assessment until progression (read PMD on its day); lupus scored by
 * SLEDAI-2K at screening (day −28), and assessed (SLEDAI-2K, DORIS, LLDAS) at months 3, 6 and then
 * yearly.
 */
function gradeResponse(s: Story, lastVisit: number) {
  const { slot, chart, m, outcome } = s;
  const on = (d: number) => addDays(m.infusion!, d);
  if (isLupus(slot.disease)) chart.assess(screeningSledai(on(-28), slot.disease === "ln"));
  if (outcome === "pending") return;
  const turn =
    (outcome === "progression" || outcome === "relapse") && slot.turnDay !== undefined ? slot.turnDay : null;
  if (isLymphoma(slot.disease)) {
    const reading = outcome === "CR" || outcome === "relapse" ? "CMR" : "PMR";
    const ct = tumourMeasurements(forkRandom(s.seed, `${s.label}/tumour`), reading === "CMR" ? "CR" : "PR");
    let nadir = ct.nodes.map((n) => n.baseline);
    for (const d of RESPONSE_DAYS)
      if (d <= lastVisit && (turn === null || d < turn)) {
        chart.assess(petResponse(on(d), reading));
        chart.assess(ctResponse(on(d), reading === "CMR" ? "CR" : "PR", ct.nodes, ct.after, nadir));
        nadir = ct.after;
      }
    if (turn !== null && turn <= lastVisit) chart.assess(petResponse(on(turn), "PMD"));
  }
  if (isLupus(slot.disease))
    for (const d of RESPONSE_DAYS.slice(1))
      if (d <= lastVisit)
        chart.assess(
          ...lupusActivity(on(d), remits(outcome) ? "remission" : "low-activity", slot.disease === "ln"),
        );
}

/** The visit schedule: daily in the first week, then spreading out to yearly. */
function recordVisits(s: Story, lastVisit: number) {
  const { chart, course, m, r } = s;
  for (const d of SCHEDULE) {
    if (d > lastVisit) break;
    const date = addDays(m.infusion!, d);
    const time = s.labTime();
    if (d === -28) screeningLabs(s, date, d);
    else if (d === -6)
      chart.labs(date, time, {
        ...course.bloodCount(d),
        creatinine: course.creatinine(d),
        cd19Absolute: course.bCells(d),
      });
    else if (d <= 14) {
      chart.labs(date, time, {
        ...course.bloodCount(d),
        ...course.inflammation(d, true),
        creatinine: course.creatinine(d),
        ...(d === 7 || d === 14 ? { cd19Absolute: course.bCells(d) } : {}),
      });
      chart.labs(date, "14:00", d <= 7 ? course.vitals(d) : { temperature: course.vitals(d).temperature });
    } else {
      chart.labs(date, time, {
        ...course.bloodCount(d),
        ...(d <= 28 ? course.inflammation(d, false) : {}),
        ldh: course.ldh(d),
        creatinine: course.creatinine(d),
        cd19Absolute: course.bCells(d),
      });
      if (d >= 28) {
        chart.labs(date, "08:05", course.diseaseMarkers(d));
        const weight = d >= 90 ? { weight: r.jitter(course.baseline.weight, 0.04, 1) } : {};
        chart.labs(date, "10:00", { ecog: course.ecog(d), ...weight });
      }
    }
  }
}

/** Response assessments and how each story ends. */
function recordOutcome(s: Story, lastVisit: number) {
  const { slot, chart, m, outcome, r } = s;
  const { disease, stage } = slot;
  const on = (d: number) => addDays(m.infusion!, d);
  const visit = (d: number) => d <= lastVisit;
  if (isLymphoma(disease) && outcome !== "pending" && visit(28)) {
    const complete = outcome === "CR" || outcome === "relapse";
    chart.event(
      on(28),
      "15:00",
      "imaging",
      `PET-CT day 28: ${complete ? "complete metabolic response (Deauville 2)" : "partial metabolic response (Deauville 4)"}`,
    );
    chart.event(
      on(28),
      "16:00",
      "response",
      `Lymphoma: ${complete ? "complete" : "partial"} response (Lugano 2014)`,
    );
  }
  if (disease === "myeloma" && outcome !== "pending") {
    if (visit(28))
      chart.event(
        on(28),
        "16:00",
        "response",
        `Myeloma: ${outcome === "CR" ? "very good partial" : "partial"} response (IMWG) at day 28`,
      );
    if (visit(90) && outcome === "CR")
      chart.event(
        on(90),
        "16:00",
        "response",
        "Myeloma: stringent complete response (IMWG), MRD negative at 10^-5",
      );
  }
  if (isLupus(disease) && outcome !== "pending") {
    const good = remits(outcome);
    if (visit(90))
      chart.event(
        on(90),
        "11:00",
        "note",
        `SLEDAI-2K ${good ? r.int(0, 2) : r.int(3, 5)} at month 3; no lupus medicines`,
      );
    if (visit(180))
      chart.event(
        on(180),
        "11:00",
        "response",
        good
          ? "Lupus: DORIS remission, medication-free"
          : "Lupus: low disease activity (LLDAS); anti-dsDNA still raised",
      );
  }
  if (remits(outcome) && visit(90))
    chart.event(on(90), "10:30", "functional-status", "ECOG 0; back to usual activities");

  const turn = slot.turnDay;
  if ((outcome === "progression" || outcome === "relapse") && turn !== undefined && visit(turn)) {
    if (isLymphoma(disease)) {
      chart.event(on(turn), "15:00", "imaging", `PET-CT day ${turn}: new FDG-avid lesions (Deauville 5)`);
      chart.event(
        on(turn),
        "16:00",
        "response",
        outcome === "relapse"
          ? "Lymphoma: relapse after complete response"
          : "Lymphoma: progressive disease (Lugano 2014)",
      );
      chart.medication({
        drug: "polatuzumab vedotin with bendamustine and rituximab",
        route: "intravenous",
        frequency: "every 21 days",
        startDate: on(turn + 10),
        stopDate: on(turn + (outcome === "relapse" ? 136 : 94)),
        indication: "Lymphoma after CAR-T",
      });
      if (outcome === "relapse" && visit(turn + SALVAGE_DAYS))
        chart.event(
          on(turn + SALVAGE_DAYS),
          "15:00",
          "response",
          "Lymphoma: second complete response after salvage therapy (PET-CT Deauville 2)",
        );
    } else {
      chart.event(on(turn), "16:00", "response", "Myeloma: progressive disease (IMWG), rising paraprotein");
      chart.medication({
        drug: "carfilzomib with dexamethasone",
        route: "intravenous",
        frequency: "28-day cycles",
        startDate: on(turn + 7),
        stopDate: on((slot.endDay ?? turn + 120) - 10),
        indication: "Myeloma after CAR-T",
      });
    }
  }

  if (stage === "died")
    chart.event(
      on(slot.endDay!),
      "04:20",
      "other",
      "Death",
      `Cause: progression of ${disease === "myeloma" ? "multiple myeloma" : "lymphoma"}; not related to the CAR-T cells.`,
    );
  if (stage === "lost")
    chart.event(
      on(slot.endDay! + 120),
      "10:00",
      "note",
      "Lost to follow-up",
      `Last seen at the day ${slot.endDay} visit; three phone calls and a letter unanswered.`,
    );
  if (stage === "completed")
    chart.event(
      on(730),
      "11:00",
      "note",
      "Completed the 24-month study follow-up",
      "Continues in the 15-year long-term follow-up registry.",
    );
  if (stage === "follow-up" && outcome !== "progression")
    for (let year = 2; 365 * year <= daysBetween(m.infusion!, DEMO_AS_OF); year++)
      if (outcome !== "relapse" || 365 * year > (turn ?? 0) + SALVAGE_DAYS)
        chart.event(on(365 * year), "11:00", "response", `Year ${year}: ${STATUS_AT_YEAR[outcome]}`);
}

/** The cohort, in the order its patients are registered. Same seed, same patients. */
export function syntheticCohortPlans(seed: number = DEMO_SEED): PatientPlan[] {
  return COHORT.map((slot, i) => buildPatient(slot, i, seed));
}
