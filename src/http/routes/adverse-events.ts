/**
 * Adverse events (CTCAE term, grade, attribution, seriousness, outcome) and the vocabulary a form
 * offers for them, from domain/adverse-events.ts.
 */
import type { FastifyInstance } from "fastify";
import {
  AdverseEventCreate,
  AdverseEventUpdate,
  AE_OUTCOMES,
  ATTRIBUTIONS,
  CAR_T_AE_TERMS,
  PATHOGEN_CLASSES,
  SERIOUSNESS_CRITERIA,
  SYSTEM_ORGAN_CLASSES,
} from "../../domain/adverse-events.ts";
import { PatientScopedListQuery } from "../../domain/schemas/clinical.ts";
import * as adverseEvents from "../../services/adverse-events.ts";
import { AdverseEventSchema, AdverseEventVocabularySchema } from "../responses/records.ts";
import { registerCrud } from "./support.ts";

export async function adverseEventRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/adverse-events/vocabulary",
    {
      schema: {
        tags: ["clinical"],
        operationId: "getAdverseEventVocabulary",
        response: { 200: AdverseEventVocabularySchema },
        summary:
          "What an adverse-event form offers: the CAR-T terms with their SOC and allowed grades (CTCAE v5.0, ASTCT for CRS/ICANS), SOCs, attributions, ICH E2A seriousness criteria, CDISC outcomes and pathogen classes",
      },
    },
    () => ({
      terms: CAR_T_AE_TERMS,
      systemOrganClasses: SYSTEM_ORGAN_CLASSES,
      attributions: ATTRIBUTIONS,
      seriousnessCriteria: SERIOUSNESS_CRITERIA,
      outcomes: AE_OUTCOMES,
      pathogenClasses: PATHOGEN_CLASSES,
    }),
  );
  registerCrud(app, {
    path: "/api/v1/adverse-events",
    tag: "clinical",
    noun: "adverse event",
    item: AdverseEventSchema,
    createBody: AdverseEventCreate,
    updateBody: AdverseEventUpdate,
    listQuery: PatientScopedListQuery,
    create: adverseEvents.createAdverseEvent,
    get: adverseEvents.getAdverseEvent,
    list: adverseEvents.listAdverseEvents,
    update: adverseEvents.updateAdverseEvent,
  });
}
