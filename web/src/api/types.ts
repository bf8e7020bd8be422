/**
 * The shapes of the API answers the screens read, written from /openapi.json. Only the fields the
 * app uses; the server may send more.
 */

export type Role = "admin" | "investigator" | "coordinator" | "manufacturing" | "quality" | "monitor";

export interface Membership {
  siteId: string;
  role: Role;
}

export interface Session {
  user: { id: string; username: string; displayName?: string | null };
  memberships: Membership[];
  csrfToken: string | null;
}

export interface Site {
  id: string;
  code: string;
  name: string;
  department: string | null;
  city: string | null;
  timeZone: string;
}

export interface Patient {
  id: string;
  siteId: string;
  subjectCode: string;
  birthYear: number | null;
  sex: string | null;
  isSynthetic: boolean;
  version: number;
}

export interface Identity {
  patientId: string;
  familyName: string | null;
  givenName: string | null;
  birthDate: string | null;
}

export interface Condition {
  id: string;
  display: string;
  code: string;
  onsetDate: string | null;
  abatementDate: string | null;
  clinicalStatus: string;
}

export interface DoseLevel {
  code: string;
  dose: number;
  unit: string;
  label: string;
}

export interface Study {
  id: string;
  title: string;
  shortName: string;
  phase: string;
  arms: { code: string; name: string; doseLevels: DoseLevel[] }[];
}

export interface CarProduct {
  id: string;
  studyId: string;
  code: string;
  name: string;
  targets: string[];
}

export interface Enrolment {
  id: string;
  patientId: string;
  studyId: string;
  siteId: string;
  armCode: string | null;
  doseLevelCode: string | null;
  enrolledOn: string | null;
  infusionDate: string | null;
  status: string;
}

export interface Timeline {
  patientId: string;
  subjectCode: string;
  infusionDate: string | null;
  timeZone: string;
  items: TimelineItem[];
  nextCursor: string | null;
}

/** GET /api/v1/patients/{id}/course (src/domain/patient-course.ts): chart points per study day. */
export interface CoursePoint {
  day: number;
  [series: string]: number;
}

export interface PatientCourse {
  patientId: string;
  timeZone: string;
  today: string;
  todayStudyDay: number | null;
  infusionDate: string | null;
  course: {
    window: { from: number; to: number };
    charts: {
      copies: CoursePoint[];
      cd19: CoursePoint[];
      antiDsDna: CoursePoint[];
      complement: CoursePoint[];
      counts: CoursePoint[];
      glucocorticoidMgPerDay: CoursePoint[];
    };
  } | null;
}

export interface TimelineItem {
  kind: string;
  id: string;
  at: string;
  date: string;
  studyDay: number | null;
  summary: string;
  detail: Record<string, unknown>;
}

export interface Observation {
  id: string;
  code: string;
  display: string;
  valueNumber: number | null;
  valueCode: string | null;
  unit: string | null;
  effectiveAt: string;
  status: string;
}

export interface Medication {
  id: string;
  drug: string;
  drugCode: string | null;
  doseValue: number | null;
  doseUnit: string | null;
  frequency: string | null;
  startDate: string;
  stopDate: string | null;
  indication: string | null;
  /** read from the record by the server (src/domain/medications.ts) */
  derived: {
    lupusDrugClass: "glucocorticoid" | "antimalarial" | "immunosuppressive" | "biologic" | null;
    dosesPerDay: number | null;
    dailyDoseMg: number | null;
    prednisoloneEquivalentMgPerDay: number | null;
  };
}

export interface ClinicalEvent {
  id: string;
  occurredAt: string;
  category: string;
  title: string;
  text: string | null;
  /** read from the record by the server (src/domain/endpoints/car-copies-note.ts) */
  derived: { carCopies: { value: number } | { belowLimit: true; limit: number | null } | null };
}

export interface Assessment {
  id: string;
  calculator: string;
  assessedAt: string;
  studyDay: number | null;
  label: string;
  ruleSet: string;
  source: string;
  status: string;
  note: string | null;
  result: { label: string; value: number | string | null; reasons: string[] };
}

/** GET /api/v1/dashboard?siteId= (src/services/dashboard.ts); a panel the role may not read is null. */
export interface Dashboard {
  site: { id: string; code: string; name: string; timeZone: string };
  today: string;
  week: { from: string; to: string };
  journeyStages:
    | { stage: string; count: number; patients: { patientId: string; subjectCode: string }[] }[]
    | null;
  visits: {
    dueThisWeek: number;
    overdue: number;
    items: {
      visitId: string;
      patientId: string;
      subjectCode: string;
      label: string;
      nominalDate: string;
      windowStart: string;
      windowEnd: string;
      status: "due" | "overdue" | "upcoming";
      daysOverdue: number | null;
    }[];
  } | null;
  products:
    | {
        productId: string;
        patientId: string;
        subjectCode: string;
        kind: string;
        din: string;
        state: string;
        phase: string;
        collectedOn: string | null;
        daysSinceCollection: number | null;
        daysInState: number;
      }[]
    | null;
  toxicities:
    | {
        assessmentId: string;
        patientId: string;
        subjectCode: string;
        calculator: string;
        grade: number;
        label: string;
        assessedAt: string;
        studyDay: number | null;
      }[]
    | null;
  recentInfusions:
    | {
        enrolmentId: string;
        patientId: string;
        subjectCode: string;
        infusionDate: string;
        studyDayToday: number;
        armCode: string;
        doseLevelCode: string | null;
      }[]
    | null;
}

export type { TreatedPatient } from "../../../src/domain/cohort/patient-outcome.ts";
export type { CohortOutcomes } from "../../../src/domain/cohort/results.ts";
/**
 * Cohort results (GET /api/v1/cohorts/outcomes). Type-only: the server's own definitions, so the
 * screen cannot drift from what the API sends (nothing of the server is bundled; issue 13 will
 * generate every response type this way).
 */
export type {
  CohortSummary,
  CompetingRisks,
  CurvePoint,
  ResponseRow,
  SurvivalAnalysis,
  SurvivalGroup,
  SwimmerLane,
  ToxicityRow,
} from "../../../src/domain/cohort/summary.ts";

/** A derived endpoint (GET /api/v1/patients/{id}/derived/endpoints), the server's own type. */
export type { Endpoint as DerivedEndpoint } from "../../../src/domain/endpoints/endpoint.ts";
export type { Observable as KineticsObservable } from "../../../src/domain/kinetics/observations.ts";
/**
 * The kinetics research model (GET /api/v1/patients/{id}/kinetics, issue 14). Type-only, like the
 * cohort results: the server's own definitions.
 */
export type { PatientKinetics } from "../../../src/domain/kinetics/report.ts";
export type {
  OutcomeSummary,
  Strategy as KineticsStrategy,
  StrategyResult as KineticsStrategyResult,
  Summary,
} from "../../../src/domain/kinetics/whatif.ts";
