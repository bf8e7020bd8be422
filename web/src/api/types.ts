/**
 * The names the screens use for the API's answers, each an alias onto web/src/api/schema.d.ts —
 * the types openapi-typescript generates from the server's /openapi.json (`npm run api:types`;
 * test/integration/openapi.test.ts fails when that file is stale). Nothing here is written by
 * hand except the name and where in the document it points, so the screens cannot drift from
 * what the server sends (decision 0034).
 */
import type { components, operations } from "./schema.d.ts";

type Schemas = components["schemas"];
/** The JSON body of an operation's success answer. */
type Ok<Op extends keyof operations, Status extends number = 200> = operations[Op]["responses"] extends {
  [S in Status]: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

export type Membership = Schemas["Membership"];
export type Role = Membership["role"];
/**
 * What the app keeps of a session: the parts GET /auth/session and the login answer share (the
 * login answer has no display name and no auth method).
 */
export type Session = Pick<Schemas["Session"], "memberships" | "csrfToken"> & {
  user: Schemas["LoginAnswer"]["user"] & Partial<Pick<Schemas["Session"]["user"], "displayName">>;
};
export type LoginAnswer = Schemas["LoginAnswer"];
export type Site = Schemas["Site"];
export type Patient = Schemas["Patient"];
export type Identity = Schemas["Identity"];
export type Condition = Schemas["Condition"];
export type ConditionVocabulary = Schemas["ConditionVocabulary"];
export type Study = Schemas["Study"];
export type DoseLevel = Study["arms"][number]["doseLevels"][number];
export type CarProduct = Schemas["CarProduct"];
export type Enrolment = Schemas["Enrolment"];
export type Timeline = Schemas["Timeline"];
export type TimelineItem = Schemas["TimelineItem"];
export type PatientCourse = Schemas["PatientCourse"];
/** GET /api/v1/patients/{id}/course: one chart point, the study day and a value per series. */
export type CoursePoint = NonNullable<PatientCourse["course"]>["charts"]["copies"][number];
export type Observation = Schemas["Observation"];
export type Medication = Schemas["Medication"];
export type ClinicalEvent = Schemas["ClinicalEvent"];
export type Assessment = Schemas["Assessment"];
export type CalculatorCatalogue = Schemas["CalculatorCatalogue"];
export type CalculatorResult = Schemas["CalculatorResult"];
export type AdverseEvent = Schemas["AdverseEvent"];
export type AdverseEventVocabulary = Schemas["AdverseEventVocabulary"];
export type VitalSignCodes = Schemas["VitalSignCodes"];
export type VisitDrafts = Schemas["VisitDrafts"];
export type AssessmentDraft = VisitDrafts["drafts"][number];
export type DerivedCrs = Schemas["DerivedCrs"];
/** GET /api/v1/dashboard?siteId=; a panel the role may not read is null. */
export type Dashboard = Schemas["Dashboard"];
/** A derived endpoint (GET /api/v1/patients/{id}/derived/endpoints). */
export type DerivedEndpoint = Schemas["DerivedEndpoint"];

/** Cohort results (GET /api/v1/cohorts/outcomes) and the parts the screen draws. */
export type CohortOutcomes = Ok<"getCohortOutcomes">;
export type TreatedPatient = CohortOutcomes["patients"][number];
export type CohortSummary = CohortOutcomes["summary"];
export type SurvivalAnalysis = CohortSummary["survival"][number];
export type SurvivalGroup = SurvivalAnalysis["all"];
export type CurvePoint = SurvivalGroup["curve"][number];
export type ResponseRow = CohortSummary["response"]["rows"][number];
export type ToxicityRow = CohortSummary["crs"]["rows"][number];
export type SwimmerLane = CohortSummary["swimmer"][number];
export type CompetingRisks = CohortSummary["competingRisks"];

/**
 * The kinetics research model (GET /api/v1/patients/{id}/kinetics, issue 14): its response schema
 * is not written yet (listed in test/integration/openapi.test.ts), so until it is these are the
 * server's own types, type-only (nothing of the server is bundled).
 */
export type { Observable as KineticsObservable } from "../../../src/domain/kinetics/observations.ts";
export type { PatientKinetics } from "../../../src/domain/kinetics/report.ts";
export type {
  OutcomeSummary,
  Strategy as KineticsStrategy,
  StrategyResult as KineticsStrategyResult,
  Summary,
} from "../../../src/domain/kinetics/whatif.ts";
export type SavedCohort = Ok<"listSavedCohorts">["items"][number];
export type AuditEvent = Schemas["AuditEvent"];
export type AuditFilterChoices = Schemas["AuditFilterChoices"];
export type Worklist = Schemas["Worklist"];
export type WorklistItem = Worklist["items"][number];
export type Visit = Schemas["Visit"];
export type ApiToken = Schemas["ApiToken"];
