/**
 * Exports for sponsors, statisticians and registries (issue 13). SDTM: a manifest of the study's
 * datasets, then each file by name (`dm.xpt`, `dm.csv`, …, `define.xml`), rather than one archive:
 * no archive library is needed, R and SAS read a file straight from its URL
 * (`haven::read_xpt(url)`), and a script fetches only what it needs (decision 0033). Each request
 * builds the export from the record as it is now and is audited as an export. Cohort outcomes:
 * the per-patient rows of GET /api/v1/cohorts/outcomes as CSV, with the same filters.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { sdtmFile } from "../../domain/cdisc/files.ts";
import { CohortResultsQuery } from "../../domain/cohort/definition.ts";
import { cohortOutcomesCsv } from "../../domain/cohort/outcomes-csv.ts";
import { notFound } from "../../domain/errors.ts";
import { IdParams, Uuid } from "../../domain/schemas/common.ts";
import { cohortOutcomes } from "../../services/cohort-outcomes.ts";
import { exportStudySdtm } from "../../services/sdtm-export.ts";
import { downloadBody } from "../content-coding.ts";
import { fileBody, textBody } from "../openapi.ts";
import { ctxOf } from "./support.ts";

const tags = ["exports"];

const SdtmManifest = z.object({
  studyId: z.string().describe("STUDYID in the datasets"),
  generatedAt: z.string(),
  sites: z.array(z.string()).describe("site codes the export covers: those where you may read clinical data"),
  datasets: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      records: z.number().int(),
      variables: z.array(z.string()),
      files: z.array(z.string()),
    }),
  ),
  define: z.string().describe("the Define-XML file name"),
  notes: z.array(z.string()).describe("what was recorded but not exported, and why"),
});

const SdtmFileParams = z.object({
  id: Uuid,
  file: z
    .string()
    .regex(/^(?:[a-z]{2}\.(?:csv|xpt)|define\.xml)$/)
    .describe("a dataset file (dm.xpt, dm.csv, …) or define.xml"),
});

function attachment(reply: FastifyReply, name: string, mediaType: string) {
  reply
    .type(mediaType === "text/csv" ? "text/csv; charset=utf-8" : mediaType)
    .header("content-disposition", `attachment; filename="${name}"`)
    .header("cache-control", "no-store");
}

export async function exportRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/studies/:id/sdtm",
    {
      schema: {
        tags,
        operationId: "getStudySdtmManifest",
        summary:
          "CDISC SDTM export of a study (SDTMIG 3.4): the datasets with their record counts and file names; fetch each file from /sdtm/{file}",
        params: IdParams,
        response: { 200: SdtmManifest },
      },
    },
    async (request) => {
      const e = await exportStudySdtm(ctxOf(request), (request.params as { id: string }).id, "manifest");
      return {
        studyId: e.study.studyId,
        generatedAt: e.generatedAt.toISOString(),
        sites: e.sites,
        datasets: e.datasets.map((d) => ({
          name: d.name,
          label: d.label,
          records: d.rows.length,
          variables: d.variables.map((v) => v.name),
          files: [`${d.name.toLowerCase()}.xpt`, `${d.name.toLowerCase()}.csv`],
        })),
        define: "define.xml",
        notes: e.notes,
      };
    },
  );

  app.get(
    "/api/v1/studies/:id/sdtm/:file",
    {
      schema: {
        tags,
        summary:
          "One file of a study's SDTM export: a dataset as SAS XPORT v5 (.xpt) or CSV (.csv), or define.xml (Define-XML 2.0)",
        params: SdtmFileParams,
        operationId: "getStudySdtmFile",
        response: {
          200: fileBody(
            ["application/x-sas-xport", "text/csv", "application/xml"],
            "The dataset as SAS XPORT v5 (.xpt) or CSV (.csv), or the Define-XML (define.xml)",
          ),
        },
      },
    },
    async (request, reply) => {
      const { id, file } = request.params as z.infer<typeof SdtmFileParams>;
      const e = await exportStudySdtm(ctxOf(request), id, file);
      const found = sdtmFile(e.study, e.datasets, file, e.generatedAt);
      if (!found) throw notFound("SDTM file", file);
      attachment(reply, found.name, found.mediaType);
      return downloadBody(
        request,
        reply,
        typeof found.content === "string" ? found.content : Buffer.from(found.content),
      );
    },
  );

  app.get(
    "/api/v1/cohorts/outcomes.csv",
    {
      schema: {
        tags,
        summary:
          "The per-patient outcome rows of a cohort as CSV for R and SAS (one line per infused patient; same filters as /cohorts/outcomes)",
        querystring: CohortResultsQuery,
        operationId: "getCohortOutcomesCsv",
        response: { 200: textBody("text/csv", "One line per infused patient, with a header line") },
      },
    },
    async (request, reply) => {
      const result = await cohortOutcomes(ctxOf(request), request.query);
      attachment(reply, "cohort-outcomes.csv", "text/csv");
      return downloadBody(request, reply, cohortOutcomesCsv(result.patients));
    },
  );
}
