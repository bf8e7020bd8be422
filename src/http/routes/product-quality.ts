/**
 * Custody and release routes: release specifications per CAR product, QC results and release
 * evaluation per bag, QA's signed release, the OOS exception decision and its signatures, custody
 * hand-offs, temperature-logger uploads, QA's signed decision on a quarantined product, and every
 * electronic signature on a bag with whether it still matches what was signed.
 */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import * as custody from "../../services/custody.ts";
import * as release from "../../services/release.ts";
import { productSignatures } from "../../services/signatures.ts";
import {
  OosExceptionSchema,
  QcResultsEnteredSchema,
  ReleaseDecisionSchema,
  ReleaseOutcomeSchema,
  ReleaseSpecSchema,
  ReleaseStatusSchema,
} from "../responses/release.ts";
import {
  CustodySchema,
  HandOffSchema,
  LoggerUploadResultSchema,
  ProductSignaturesSchema,
  QuarantineDecisionSchema,
} from "../responses/vein-to-vein.ts";
import { ctxOf, withEtag } from "./support.ts";

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function productQualityRoutes(app: FastifyInstance) {
  const tags = ["product quality"];
  const validated = { bodyValidatedByService: true };

  app.post(
    "/api/v1/release-specs",
    {
      config: validated,
      schema: {
        operationId: "setReleaseSpec",
        response: { 201: ReleaseSpecSchema },
        tags,
        summary: "A new revision of a CAR product's release specification, each criterion with its source",
        body: release.ReleaseSpecInput,
      },
    },
    async (request, reply) => {
      const dto = await release.setReleaseSpec(ctxOf(request), request.body);
      reply.code(201).header("location", `/api/v1/products/${dto.carProductId}/release-spec`);
      return dto;
    },
  );
  app.get(
    "/api/v1/products/:id/release-spec",
    {
      schema: {
        operationId: "getReleaseSpec",
        response: { 200: ReleaseSpecSchema },
        tags,
        summary: "The CAR product's current release specification",
        params: IdParams,
      },
    },
    (request) => release.getReleaseSpec(ctxOf(request), idOf(request)),
  );

  app.post(
    "/api/v1/product-units/:id/qc-results",
    {
      config: validated,
      schema: {
        operationId: "enterQcResults",
        response: { 201: QcResultsEnteredSchema },
        tags,
        summary:
          "Enter QC results (quality only); a QC-pending bag is declared OOS when a criterion fails, and otherwise awaits QA's signed release",
        params: IdParams,
        body: release.QcResultsInput,
      },
    },
    async (request, reply) => {
      reply.code(201);
      return release.enterQcResults(ctxOf(request), idOf(request), request.body);
    },
  );
  app.get(
    "/api/v1/product-units/:id/release",
    {
      schema: {
        operationId: "getReleaseStatus",
        response: { 200: ReleaseStatusSchema },
        tags,
        summary:
          "QC results, the current evaluation against the specification, where the bag stands on its way to release, and the decisions made with their signatures",
        params: IdParams,
      },
    },
    (request) => release.getReleaseStatus(ctxOf(request), idOf(request)),
  );
  app.post(
    "/api/v1/product-units/:id/release",
    {
      config: validated,
      schema: {
        operationId: "releaseProduct",
        response: { 201: ReleaseDecisionSchema },
        tags,
        summary:
          'QA releases the bag: quality at the site signs with username and password (meaning "released"); refused while a QC result is missing or failing',
        params: IdParams,
        body: release.ReleaseInput,
      },
    },
    async (request, reply) => {
      reply.code(201);
      return release.releaseProduct(ctxOf(request), idOf(request), request.body);
    },
  );
  app.post(
    "/api/v1/product-units/:id/release-evaluations",
    {
      schema: {
        operationId: "evaluateRelease",
        response: { 200: ReleaseOutcomeSchema },
        tags,
        summary:
          "Evaluate the bag again (quality only) and declare it OOS when a criterion failed; release stays QA's signed decision",
        params: IdParams,
      },
    },
    (request) => release.evaluateProductRelease(ctxOf(request), idOf(request)),
  );

  app.post(
    "/api/v1/product-units/:id/oos-exception/signatures",
    {
      config: validated,
      schema: {
        operationId: "signOosException",
        response: { 201: OosExceptionSchema },
        tags,
        summary:
          'Sign the exception decision for an OOS bag as investigator or QA with username and password (meaning "approved deviation"; two different people; the first states the rationale)',
        params: IdParams,
        body: release.OosExceptionSignInput,
      },
    },
    async (request, reply) => {
      reply.code(201);
      return release.signOosException(ctxOf(request), idOf(request), request.body);
    },
  );
  app.get(
    "/api/v1/product-units/:id/oos-exception",
    {
      schema: {
        operationId: "getOosException",
        response: { 200: OosExceptionSchema },
        tags,
        summary: "The OOS exception decision and its signatures",
        params: IdParams,
      },
    },
    (request) => release.getOosException(ctxOf(request), idOf(request)),
  );

  app.post(
    "/api/v1/product-units/:id/hand-offs",
    {
      config: validated,
      schema: {
        operationId: "recordHandOff",
        response: { 201: HandOffSchema },
        tags,
        summary: "Record a custody hand-off: from, to, place, time, shipper and logger",
        params: IdParams,
        body: custody.HandOffInput,
      },
    },
    async (request, reply) => {
      reply.code(201);
      return custody.recordHandOff(ctxOf(request), idOf(request), request.body);
    },
  );
  app.post(
    "/api/v1/product-units/:id/logger-readings",
    {
      config: validated,
      schema: {
        operationId: "uploadLoggerReadings",
        response: { 201: LoggerUploadResultSchema },
        tags,
        summary:
          "Upload a temperature logger's readings; an excursion quarantines the product in the same transaction",
        params: IdParams,
        body: custody.LoggerReadingsInput,
      },
    },
    async (request, reply) => {
      reply.code(201);
      return custody.recordLoggerReadings(ctxOf(request), idOf(request), request.body);
    },
  );
  app.get(
    "/api/v1/product-units/:id/custody",
    {
      schema: {
        operationId: "getCustody",
        response: { 200: CustodySchema },
        tags,
        summary: "Hand-offs and logger uploads of the product",
        params: IdParams,
      },
    },
    (request) => custody.getCustody(ctxOf(request), idOf(request)),
  );
  app.post(
    "/api/v1/product-units/:id/quarantine-decisions",
    {
      config: validated,
      schema: {
        operationId: "decideQuarantine",
        response: { 200: QuarantineDecisionSchema },
        tags,
        summary:
          "QA decides on a quarantined product, signed with username and password: release it to where it was, or discard it",
        params: IdParams,
        body: custody.QuarantineDecisionInput,
      },
    },
    async (request, reply) =>
      withEtag(reply, await custody.decideQuarantine(ctxOf(request), idOf(request), request.body)),
  );
  app.get(
    "/api/v1/product-units/:id/signatures",
    {
      schema: {
        operationId: "listProductSignatures",
        response: { 200: ProductSignaturesSchema },
        tags,
        summary:
          "Every electronic signature on the bag's records (bedside, release, OOS exception, quarantine), each checked against the content it signed and its audit record",
        params: IdParams,
      },
    },
    (request) => productSignatures(ctxOf(request), idOf(request)),
  );
}
