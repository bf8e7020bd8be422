/**
 * The response schemas (src/http/responses, src/http/problem.ts) are the services' own types, field
 * for field: checked by the compiler, so a field added to a DTO and not to its schema (which the
 * serialiser would drop) fails `npm run typecheck`. DTOs that allow extra keys
 * (`extends Record<string, unknown>`) are compared on their named fields. The journey event body
 * is the machine's event without the facts the server fills in.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { JourneyEventBody, ProductEventBody } from "../../src/domain/schemas/vein-to-vein-events.ts";
import type { JourneyEffect, JourneyEvent } from "../../src/domain/vein-to-vein/journey.ts";
import { JOURNEY_EVENT_TYPES } from "../../src/domain/vein-to-vein/journey.ts";
import { PRODUCT_EVENT_TYPES } from "../../src/domain/vein-to-vein/product.ts";
import { undeclaredFields } from "../../src/http/openapi.ts";
import type { Problem, ProblemSchema } from "../../src/http/problem.ts";
import type * as admin from "../../src/http/responses/admin.ts";
import type * as calculators from "../../src/http/responses/calculators.ts";
import type * as dashboard from "../../src/http/responses/dashboard.ts";
import type * as kinetics from "../../src/http/responses/kinetics.ts";
import type * as records from "../../src/http/responses/records.ts";
import type * as release from "../../src/http/responses/release.ts";
import type * as v2v from "../../src/http/responses/vein-to-vein.ts";
import type * as visits from "../../src/http/responses/visits.ts";
import type { AdverseEventDto } from "../../src/services/adverse-events.ts";
import type { VisitDrafts } from "../../src/services/assessment-drafts.ts";
import type { AssessmentDto } from "../../src/services/assessments.ts";
import type { AuditEventDto } from "../../src/services/audit.ts";
import type { VerifyReport } from "../../src/services/audit-chain.ts";
import type { ApiTokenDto } from "../../src/services/auth.ts";
import type { BedsideResult } from "../../src/services/bedside.ts";
import type { ClinicalEventDto } from "../../src/services/clinical-events.ts";
import type { ConditionDto } from "../../src/services/conditions.ts";
import type {
  decideQuarantine,
  getCustody,
  HandOffDto,
  LoggerUploadResult,
} from "../../src/services/custody.ts";
import type { Dashboard } from "../../src/services/dashboard.ts";
import type { deriveDailyCrs } from "../../src/services/derived-crs.ts";
import type { DerivedEndpoints } from "../../src/services/derived-endpoints.ts";
import type { deriveCtcaeHematology } from "../../src/services/derived-toxicity.ts";
import type { EnrolmentDto } from "../../src/services/enrolments.ts";
import type { MetricsReport } from "../../src/services/journey-metrics.ts";
import type { JourneyDto, listJourneyHistory } from "../../src/services/journeys.ts";
import type {
  FittedCohortReport,
  PatientKinetics,
  simulateKinetics,
  VirtualCohortReport,
} from "../../src/services/kinetics.ts";
import type { LabImportDto } from "../../src/services/lab-import.ts";
import type { LtfuContactList, lostToFollowUp } from "../../src/services/ltfu.ts";
import type { LymphodepletionPlan, RegimenDto } from "../../src/services/lymphodepletion-plan.ts";
import type { BookingDto, SlotDto } from "../../src/services/manufacturing-slots.ts";
import type { MedicationDto } from "../../src/services/medications.ts";
import type { ObservationDto } from "../../src/services/observations.ts";
import type { PatientCourseDto } from "../../src/services/patient-course.ts";
import type {
  IdentityDto,
  IdentityHistoryEntryDto,
  PatientDto,
  PatientListItemDto,
} from "../../src/services/patients.ts";
import type { bedsideVerifiers, productBoard } from "../../src/services/product-board.ts";
import type { listProductHistory, ProductDto } from "../../src/services/products.ts";
import type {
  enterQcResults,
  evaluateProductRelease,
  getOosException,
  getReleaseStatus,
  ReleaseDecision,
  ReleaseSpecDto,
  signOosException,
} from "../../src/services/release.ts";
import type { productSignatures } from "../../src/services/signatures.ts";
import type { SiteDto, UserDto } from "../../src/services/sites.ts";
import type { CarProductDto, StudyDto } from "../../src/services/studies.ts";
import type { StudyScheduleSetResult, StudySchedulesView } from "../../src/services/study-schedules.ts";
import type { Timeline } from "../../src/services/timeline.ts";
import type { VisitDto, Worklist } from "../../src/services/visits.ts";

/** The named fields of a type, without index signatures, all the way down. */
type Named<T> = T extends readonly (infer U)[]
  ? Named<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Named<T[K]> }
    : T;
type Out<S extends z.ZodType> = Named<z.output<S>>;
type Returned<F extends (...args: never[]) => unknown> = Named<Awaited<ReturnType<F>>>;
/** Omit that distributes over the branches of a union. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

describe("response schemas are the services' types", () => {
  it("problem+json", () => {
    expectTypeOf<Out<typeof ProblemSchema>>().toEqualTypeOf<Named<Problem>>();
  });

  it("clinical record", () => {
    expectTypeOf<Out<typeof records.PatientSchema>>().toEqualTypeOf<Named<PatientDto>>();
    expectTypeOf<Out<typeof records.PatientListItemSchema>>().toEqualTypeOf<Named<PatientListItemDto>>();
    expectTypeOf<Out<typeof records.IdentitySchema>>().toEqualTypeOf<Named<IdentityDto>>();
    expectTypeOf<Out<typeof records.IdentityHistoryEntrySchema>>().toEqualTypeOf<
      Named<IdentityHistoryEntryDto>
    >();
    expectTypeOf<Out<typeof records.ConditionSchema>>().toEqualTypeOf<Named<ConditionDto>>();
    expectTypeOf<Out<typeof records.AdverseEventSchema>>().toEqualTypeOf<Named<AdverseEventDto>>();
    expectTypeOf<Out<typeof records.ObservationSchema>>().toEqualTypeOf<Named<ObservationDto>>();
    expectTypeOf<Out<typeof records.MedicationSchema>>().toEqualTypeOf<Named<MedicationDto>>();
    expectTypeOf<Out<typeof records.ClinicalEventSchema>>().toEqualTypeOf<Named<ClinicalEventDto>>();
    expectTypeOf<Out<typeof records.StudySchema>>().toEqualTypeOf<Named<StudyDto>>();
    expectTypeOf<Out<typeof records.CarProductSchema>>().toEqualTypeOf<Named<CarProductDto>>();
    expectTypeOf<Out<typeof records.EnrolmentSchema>>().toEqualTypeOf<Named<EnrolmentDto>>();
    expectTypeOf<Out<typeof records.TimelineSchema>>().toEqualTypeOf<Named<Timeline>>();
    expectTypeOf<Out<typeof records.PatientCourseSchema>>().toEqualTypeOf<Named<PatientCourseDto>>();
  });

  it("sites, users, tokens, audit", () => {
    expectTypeOf<Out<typeof admin.SiteSchema>>().toEqualTypeOf<Named<SiteDto>>();
    expectTypeOf<Out<typeof admin.UserSchema>>().toEqualTypeOf<Named<UserDto>>();
    expectTypeOf<Out<typeof admin.ApiTokenSchema>>().toEqualTypeOf<Named<ApiTokenDto>>();
    expectTypeOf<Out<typeof admin.AuditEventSchema>>().toEqualTypeOf<Named<AuditEventDto>>();
    expectTypeOf<Out<typeof admin.AuditVerifyReportSchema>>().toEqualTypeOf<Named<VerifyReport>>();
  });

  it("calculators and derived grades", () => {
    expectTypeOf<Out<typeof calculators.AssessmentSchema>>().toEqualTypeOf<Named<AssessmentDto>>();
    expectTypeOf<Out<typeof calculators.DerivedCrsSchema>>().toEqualTypeOf<Returned<typeof deriveDailyCrs>>();
    expectTypeOf<Out<typeof calculators.DerivedCtcaeHematologySchema>>().toEqualTypeOf<
      Returned<typeof deriveCtcaeHematology>
    >();
  });

  it("dashboard, derived endpoints, metrics", () => {
    expectTypeOf<Out<typeof dashboard.DashboardSchema>>().toEqualTypeOf<Named<Dashboard>>();
    expectTypeOf<Out<typeof dashboard.DerivedEndpointsSchema>>().toEqualTypeOf<Named<DerivedEndpoints>>();
    expectTypeOf<Out<typeof dashboard.VeinToVeinMetricsSchema>>().toEqualTypeOf<Named<MetricsReport>>();
  });

  it("kinetics research model", () => {
    expectTypeOf<Out<typeof kinetics.PatientKineticsSchema>>().toEqualTypeOf<Named<PatientKinetics>>();
    expectTypeOf<Out<typeof kinetics.KineticsSimulationSchema>>().toEqualTypeOf<
      Returned<typeof simulateKinetics>
    >();
    expectTypeOf<Out<typeof kinetics.VirtualCohortSchema>>().toEqualTypeOf<Named<VirtualCohortReport>>();
    expectTypeOf<Out<typeof kinetics.FittedVirtualCohortSchema>>().toEqualTypeOf<Named<FittedCohortReport>>();
  });

  it("vein to vein", () => {
    expectTypeOf<Out<typeof v2v.JourneySchema>>().toEqualTypeOf<Named<JourneyDto>>();
    expectTypeOf<z.output<typeof v2v.JourneyEffectSchema>>().toEqualTypeOf<JourneyEffect>();
    expectTypeOf<Out<typeof v2v.JourneyHistorySchema>>().toEqualTypeOf<Returned<typeof listJourneyHistory>>();
    expectTypeOf<Out<typeof v2v.ProductUnitSchema>>().toEqualTypeOf<Named<ProductDto>>();
    expectTypeOf<Out<typeof v2v.ProductHistorySchema>>().toEqualTypeOf<Returned<typeof listProductHistory>>();
    expectTypeOf<Out<typeof v2v.ProductSignaturesSchema>>().toEqualTypeOf<
      Returned<typeof productSignatures>
    >();
    expectTypeOf<Out<typeof v2v.BedsideResultSchema>>().toEqualTypeOf<Named<BedsideResult>>();
    expectTypeOf<Out<typeof v2v.HandOffSchema>>().toEqualTypeOf<Named<HandOffDto>>();
    expectTypeOf<Out<typeof v2v.LoggerUploadResultSchema>>().toEqualTypeOf<Named<LoggerUploadResult>>();
    expectTypeOf<Out<typeof v2v.CustodySchema>>().toEqualTypeOf<Returned<typeof getCustody>>();
    expectTypeOf<Out<typeof v2v.QuarantineDecisionSchema>>().toEqualTypeOf<
      Returned<typeof decideQuarantine>
    >();
    expectTypeOf<Out<typeof v2v.ManufacturingSlotSchema>>().toEqualTypeOf<Named<SlotDto>>();
    expectTypeOf<Out<typeof v2v.SlotBookingSchema>>().toEqualTypeOf<Named<BookingDto>>();
    expectTypeOf<Out<typeof v2v.LymphodepletionRegimenSchema>>().toEqualTypeOf<Named<RegimenDto>>();
    expectTypeOf<Out<typeof v2v.LymphodepletionPlanSchema>>().toEqualTypeOf<Named<LymphodepletionPlan>>();
    expectTypeOf<Out<typeof v2v.ProductBoardSchema>>().toEqualTypeOf<Returned<typeof productBoard>>();
    expectTypeOf<Out<typeof v2v.BedsideVerifiersSchema>>().toEqualTypeOf<Returned<typeof bedsideVerifiers>>();
  });

  it("product release and the OOS exception", () => {
    expectTypeOf<Out<typeof release.ReleaseSpecSchema>>().toEqualTypeOf<Named<ReleaseSpecDto>>();
    expectTypeOf<Out<typeof release.QcResultsEnteredSchema>>().toEqualTypeOf<
      Returned<typeof enterQcResults>
    >();
    expectTypeOf<Out<typeof release.ReleaseOutcomeSchema>>().toEqualTypeOf<
      Returned<typeof evaluateProductRelease>
    >();
    expectTypeOf<Out<typeof release.ReleaseDecisionSchema>>().toEqualTypeOf<Named<ReleaseDecision>>();
    expectTypeOf<Out<typeof release.ReleaseStatusSchema>>().toEqualTypeOf<
      Returned<typeof getReleaseStatus>
    >();
    expectTypeOf<Out<typeof release.OosExceptionSchema>>().toEqualTypeOf<Returned<typeof getOosException>>();
    expectTypeOf<Out<typeof release.OosExceptionSchema>>().toEqualTypeOf<Returned<typeof signOosException>>();
  });

  it("visits, follow-up, lab imports", () => {
    expectTypeOf<Out<typeof visits.VisitSchema>>().toEqualTypeOf<Named<VisitDto>>();
    expectTypeOf<Out<typeof visits.WorklistSchema>>().toEqualTypeOf<Named<Worklist>>();
    expectTypeOf<Out<typeof visits.LabImportSchema>>().toEqualTypeOf<Named<LabImportDto>>();
    expectTypeOf<Out<typeof visits.LtfuContactListSchema>>().toEqualTypeOf<Named<LtfuContactList>>();
    expectTypeOf<Out<typeof visits.LostToFollowUpSchema>>().toEqualTypeOf<Returned<typeof lostToFollowUp>>();
    expectTypeOf<Out<typeof visits.StudyScheduleSetResultSchema>>().toEqualTypeOf<
      Named<StudyScheduleSetResult>
    >();
    expectTypeOf<Out<typeof visits.StudySchedulesSchema>>().toEqualTypeOf<Named<StudySchedulesView>>();
    expectTypeOf<Out<typeof visits.VisitDraftsSchema>>().toEqualTypeOf<Named<VisitDrafts>>();
  });
});

describe("event bodies", () => {
  type ServerFacts = "product" | "productAvailableAtSite" | "verification" | "bedsideVerification";
  it("a journey event body is the machine's event without what the server fills in", () => {
    expectTypeOf<OmitEach<z.output<typeof JourneyEventBody>, "reason" | "version">>().toEqualTypeOf<
      OmitEach<JourneyEvent, ServerFacts | "reason">
    >();
  });

  it("name every event type of the machines, once", () => {
    const journeyTypes = JourneyEventBody.options.map((o) => o.shape.type.value);
    expect([...journeyTypes].sort()).toEqual([...JOURNEY_EVENT_TYPES].sort());
    const productTypes = ProductEventBody.options.map((o) => o.shape.type.value);
    expect([...productTypes].sort()).toEqual([...PRODUCT_EVENT_TYPES].sort());
  });

  it("refuse a field of the wrong type and an unknown event", () => {
    expect(JourneyEventBody.safeParse({ type: "defer-infusion", reason: "fever" }).success).toBe(true);
    expect(JourneyEventBody.safeParse({ type: "defer-infusion" }).success).toBe(false);
    expect(JourneyEventBody.safeParse({ type: "sign-consent", scopes: ["everything"] }).success).toBe(false);
    expect(JourneyEventBody.safeParse({ type: "teleport" }).success).toBe(false);
  });
});

describe("undeclaredFields", () => {
  it("names the fields a parse dropped, with their JSON Pointers", () => {
    const sent = { a: 1, extra: 2, list: [{ b: 1, c: 2 }], nested: { d: undefined } };
    const kept = { a: 1, list: [{ b: 1 }], nested: {} };
    expect(undeclaredFields(sent, kept)).toEqual(["/extra", "/list/0/c"]);
    expect(undeclaredFields({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
