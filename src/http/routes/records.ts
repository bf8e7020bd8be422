/** Routes for patients, the clinical record, studies, products and enrolments. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { CONDITION_STATUSES } from "../../domain/code-systems.ts";
import { CONDITION_DIAGNOSES } from "../../domain/condition-vocabulary.ts";
import {
  ClinicalEventCreate,
  ClinicalEventUpdate,
  ConditionCreate,
  ConditionUpdate,
  MedicationCreate,
  MedicationUpdate,
  ObservationBatch,
  ObservationCreate,
  ObservationListQuery,
  ObservationUpdate,
  PatientScopedListQuery,
} from "../../domain/schemas/clinical.ts";
import { IdParams, Instant, PageQuery, Uuid } from "../../domain/schemas/common.ts";
import {
  IdentityUpdate,
  PatientCreate,
  PatientListQuery,
  PatientUpdate,
} from "../../domain/schemas/patient.ts";
import {
  CarProductCreate,
  CarProductUpdate,
  EnrolmentCreate,
  EnrolmentUpdate,
  StudyCreate,
  StudySiteAdd,
  StudyUpdate,
} from "../../domain/schemas/study.ts";
import * as events from "../../services/clinical-events.ts";
import * as conditions from "../../services/conditions.ts";
import * as enrolments from "../../services/enrolments.ts";
import * as medications from "../../services/medications.ts";
import * as observations from "../../services/observations.ts";
import { patientCourseOf } from "../../services/patient-course.ts";
import * as patients from "../../services/patients.ts";
import * as studies from "../../services/studies.ts";
import { patientTimeline, TIMELINE_KINDS } from "../../services/timeline.ts";
import {
  CarProductSchema,
  ClinicalEventSchema,
  ConditionSchema,
  ConditionVocabularySchema,
  EnrolmentSchema,
  IdentityHistoryEntrySchema,
  IdentitySchema,
  MedicationSchema,
  ObservationBatchMinimalSchema,
  ObservationBatchResultSchema,
  ObservationSchema,
  PatientCourseSchema,
  PatientListItemSchema,
  PatientSchema,
  StudySchema,
  TimelineSchema,
} from "../responses/records.ts";
import { ctxOf, ifMatchOf, prefersMinimal, registerCrud, withEtag } from "./support.ts";

export async function recordRoutes(app: FastifyInstance) {
  registerCrud(app, {
    path: "/api/v1/patients",
    tag: "patients",
    noun: "patient",
    item: PatientSchema,
    listItem: PatientListItemSchema,
    createBody: PatientCreate,
    updateBody: PatientUpdate,
    listQuery: PatientListQuery,
    create: patients.createPatient,
    get: patients.getPatient,
    list: patients.listPatients,
    update: patients.updatePatient,
  });

  app.get(
    "/api/v1/patients/:id/identity",
    {
      schema: {
        operationId: "readIdentity",
        tags: ["patients"],
        summary: "Read identity (investigators and coordinators; audited)",
        params: IdParams,
        response: { 200: IdentitySchema },
      },
    },
    async (request, reply) =>
      withEtag(reply, await patients.readIdentity(ctxOf(request), (request.params as { id: string }).id)),
  );
  app.get(
    "/api/v1/patients/:id/identity/history",
    {
      schema: {
        operationId: "listIdentityHistory",
        tags: ["patients"],
        summary:
          "Identity values earlier changes replaced, newest first (investigators and coordinators; audited)",
        params: IdParams,
        response: { 200: z.object({ items: z.array(IdentityHistoryEntrySchema) }) },
      },
    },
    (request) => patients.readIdentityHistory(ctxOf(request), (request.params as { id: string }).id),
  );
  app.patch(
    "/api/v1/patients/:id/identity",
    {
      schema: {
        operationId: "updateIdentity",
        tags: ["patients"],
        summary: "Change identity (with a reason)",
        params: IdParams,
        response: { 200: IdentitySchema },
        body: IdentityUpdate,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await patients.updateIdentity(
          ctxOf(request),
          (request.params as { id: string }).id,
          request.body,
          ifMatchOf(request),
        ),
      ),
  );

  const TimelineQuery = PageQuery.extend({
    from: Instant.optional(),
    to: Instant.optional(),
    kinds: z
      .string()
      .optional()
      .transform((s) => (s ? s.split(",") : undefined))
      .pipe(z.array(z.enum(TIMELINE_KINDS)).optional())
      .describe(`Comma-separated kinds: ${TIMELINE_KINDS.join(", ")}`),
  });
  app.get(
    "/api/v1/patients/:id/timeline",
    {
      schema: {
        operationId: "getTimeline",
        tags: ["patients"],
        summary: "Everything about a patient in time order, with study day (day 0 = CAR-T infusion)",
        params: IdParams,
        response: { 200: TimelineSchema },
        querystring: TimelineQuery,
      },
    },
    (request) => {
      const q = request.query as z.infer<typeof TimelineQuery>;
      return patientTimeline(ctxOf(request), (request.params as { id: string }).id, q);
    },
  );

  app.get(
    "/api/v1/patients/:id/course",
    {
      schema: {
        operationId: "getPatientCourse",
        tags: ["patients"],
        summary:
          "The course around the infusion as chart series on the study-day axis: CAR-T copies, CD19+ B cells, anti-dsDNA, C3/C4, blood counts and daily prednisolone-equivalent glucocorticoid dose, with today's study day",
        params: IdParams,
        response: { 200: PatientCourseSchema },
      },
    },
    (request) => patientCourseOf(ctxOf(request), (request.params as { id: string }).id),
  );

  app.get(
    "/api/v1/conditions/vocabulary",
    {
      schema: {
        tags: ["clinical"],
        operationId: "getConditionVocabulary",
        response: { 200: ConditionVocabularySchema },
        summary:
          "What a diagnosis form offers: the indications the program treats under their SNOMED CT concepts (with the cohort each counts under) and the FHIR clinical statuses",
      },
    },
    () => ({
      diagnoses: CONDITION_DIAGNOSES.map((d) => ({ ...d })),
      clinicalStatuses: [...CONDITION_STATUSES],
    }),
  );
  registerCrud(app, {
    path: "/api/v1/conditions",
    tag: "clinical",
    noun: "condition",
    item: ConditionSchema,
    createBody: ConditionCreate,
    updateBody: ConditionUpdate,
    listQuery: PatientScopedListQuery,
    create: conditions.createCondition,
    get: conditions.getCondition,
    list: conditions.listConditions,
    update: conditions.updateCondition,
  });

  registerCrud(app, {
    path: "/api/v1/observations",
    tag: "clinical",
    noun: "observation",
    item: ObservationSchema,
    updateBody: ObservationUpdate,
    listQuery: ObservationListQuery as unknown as z.ZodObject<{ patientId: z.ZodOptional<typeof Uuid> }>,
    get: observations.getObservation,
    list: (ctx, q) => {
      const query = q as unknown as z.infer<typeof ObservationListQuery> & { limit: number; cursor?: string };
      return observations.listObservations(ctx, { ...query, includeErrors: query.includeErrors === "true" });
    },
    update: observations.updateObservation,
  });
  app.post(
    "/api/v1/observations",
    {
      config: { bodyValidatedByService: true },
      schema: {
        tags: ["clinical"],
        operationId: "recordObservations",
        description:
          "A batch answers with every stored observation by default. With `Prefer: return=minimal` " +
          "(RFC 7240) it answers with the count and the new ids only, in input order, and says so in " +
          "`Preference-Applied`; the rows are written and audited the same either way.",
        response: {
          // The batch first: zod tries the members in order, and with the single observation
          // first a 1,000-row answer's check never got faster than ~11 ms (V8 kept it
          // unoptimised); batch first, ~1 ms once warm (decision 0040's third addendum).
          201: z.union([ObservationBatchResultSchema, ObservationBatchMinimalSchema, ObservationSchema]),
        },
        summary: "Record one observation, or a batch of up to 5,000 in one transaction",
        headers: z.object({
          prefer: z
            .string()
            .optional()
            .describe("`return=minimal`: a batch answers `{count, ids}` instead of every stored row"),
        }),
        body: z.union([ObservationCreate, ObservationBatch]),
      },
    },
    async (request, reply) => {
      const isBatch =
        typeof request.body === "object" && request.body !== null && "observations" in request.body;
      const minimal = isBatch && prefersMinimal(request.headers.prefer);
      // A batch's full answer (~750 bytes a row) is checked against its schema and written out,
      // as UTF-8 bytes, while the database writes the rows; it is sent only once they are
      // committed. (Sent as a string, its ~750 KB for 1,000 rows were encoded after the commit:
      // ~4 ms between the last hook and the answer leaving, against ~0.4 ms for the bytes.)
      let answer: Buffer | undefined;
      const stored = await observations.recordObservations(
        ctxOf(request),
        request.body,
        isBatch && !minimal
          ? {
              prepareAnswer: (rows) => {
                answer = Buffer.from(
                  reply.serializeInput({ count: rows.length, observations: rows }, "201") as string,
                );
              },
            }
          : {},
      );
      reply.code(201);
      if (!isBatch) {
        reply.header("location", `/api/v1/observations/${stored[0]!.id}`);
        return withEtag(reply, stored[0]!);
      }
      if (minimal) {
        reply.header("preference-applied", "return=minimal");
        return { count: stored.length, ids: stored.map((o) => o.id) };
      }
      // Sent as it is: Fastify serialises no Buffer it is given. (The service calls
      // prepareAnswer for every batch it stores; the object is the same answer, checked later.)
      if (answer === undefined) return { count: stored.length, observations: stored };
      return reply.type("application/json; charset=utf-8").send(answer);
    },
  );

  registerCrud(app, {
    path: "/api/v1/medications",
    tag: "clinical",
    noun: "medication",
    item: MedicationSchema,
    createBody: MedicationCreate,
    updateBody: MedicationUpdate,
    listQuery: PatientScopedListQuery,
    create: medications.recordMedication,
    get: medications.getMedication,
    list: medications.listMedications,
    update: medications.updateMedication,
  });

  registerCrud(app, {
    path: "/api/v1/clinical-events",
    tag: "clinical",
    noun: "clinical event",
    item: ClinicalEventSchema,
    createBody: ClinicalEventCreate,
    updateBody: ClinicalEventUpdate,
    listQuery: PatientScopedListQuery,
    create: events.recordClinicalEvent,
    get: events.getClinicalEvent,
    list: events.listClinicalEvents,
    update: events.updateClinicalEvent,
  });

  registerCrud(app, {
    path: "/api/v1/studies",
    tag: "studies",
    noun: "study",
    item: StudySchema,
    createBody: StudyCreate,
    updateBody: StudyUpdate,
    create: studies.createStudy,
    get: studies.getStudy,
    list: studies.listStudies,
    update: studies.updateStudy,
  });
  app.post(
    "/api/v1/studies/:id/sites",
    {
      schema: {
        operationId: "addStudySite",
        tags: ["studies"],
        summary:
          "Add a participating site (an admin or investigator of the lead site and of the joining site)",
        params: IdParams,
        response: { 200: StudySchema },
        body: StudySiteAdd,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await studies.addStudySite(ctxOf(request), (request.params as { id: string }).id, request.body),
      ),
  );

  registerCrud(app, {
    path: "/api/v1/products",
    tag: "studies",
    noun: "CAR product",
    item: CarProductSchema,
    createBody: CarProductCreate,
    updateBody: CarProductUpdate,
    listQuery: z.object({ studyId: Uuid.optional() }),
    create: studies.createCarProduct,
    get: studies.getCarProduct,
    list: studies.listProducts,
    update: studies.updateCarProduct,
  });

  registerCrud(app, {
    path: "/api/v1/enrolments",
    tag: "studies",
    noun: "enrolment",
    item: EnrolmentSchema,
    createBody: EnrolmentCreate,
    updateBody: EnrolmentUpdate,
    listQuery: z.object({ patientId: Uuid.optional(), studyId: Uuid.optional() }),
    create: enrolments.enrolPatient,
    get: enrolments.getEnrolment,
    list: enrolments.listEnrolments,
    update: enrolments.updateEnrolment,
  });
}
