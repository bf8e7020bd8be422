/**
 * POST /api/v1/lab-imports: a CSV file as JSON ({format: "csv", siteId, mapping, content}) or a
 * FHIR R4 Bundle sent as application/fhir+json with ?siteId=. All or nothing: 201 with the import
 * record, or 422/400 problem+json listing every bad row and field, nothing written.
 */
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.ts";
import * as labImport from "../../services/lab-import.ts";
import { LabImportSchema } from "../responses/visits.ts";
import { ctxOf } from "./support.ts";

const tags = ["clinical"];
/** Room for MAX_CONTENT_CHARS of CSV inside JSON (escaping grows it a little) or of FHIR JSON. */
const BODY_LIMIT = labImport.MAX_CONTENT_CHARS + 4 * 1024 * 1024;
const FHIR_JSON = "application/fhir+json";

export async function labImportRoutes(app: FastifyInstance) {
  // Encapsulated so the raw-text FHIR parser applies to this route only.
  await app.register(async (scope) => {
    // The bundle is kept as received text: its SHA-256 is recorded on the import.
    scope.addContentTypeParser(FHIR_JSON, { parseAs: "string", bodyLimit: BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(
      "/api/v1/lab-imports",
      {
        bodyLimit: BODY_LIMIT,
        config: { bodyValidatedByService: true },
        schema: {
          operationId: "importLabResults",
          response: { 201: LabImportSchema },
          tags,
          summary:
            "Import lab results, all or nothing: CSV with a column mapping (JSON body), or a FHIR R4 Bundle of Observations (application/fhir+json, ?siteId=)",
          querystring: labImport.LabImportFhirQuery,
          body: labImport.LabImportCsvRequest,
        },
      },
      async (request, reply) => {
        const ctx = ctxOf(request);
        const query = request.query as { siteId?: string; fileName?: string };
        const isFhir = String(request.headers["content-type"] ?? "").startsWith(FHIR_JSON);
        let created: labImport.LabImportDto;
        if (isFhir) {
          if (!query.siteId)
            throw new DomainError("validation", "A FHIR bundle needs ?siteId= (the site of its patients).", [
              { path: "/siteId", message: "required for application/fhir+json", code: "missing_site" },
            ]);
          created = await labImport.importLabFhir(ctx, {
            siteId: query.siteId,
            fileName: query.fileName ?? null,
            content: request.body as string,
          });
        } else created = await labImport.importLabCsvRequest(ctx, request.body);
        reply.code(201);
        return created;
      },
    );
  });
}
