/** Printable bag and sample labels (services/labels.ts). */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import { LabelQuery, productLabel } from "../../services/labels.ts";
import { textBody } from "../openapi.ts";
import { ctxOf } from "./support.ts";

const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

export async function labelRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/product-units/:id/label",
    {
      schema: {
        operationId: "printProductLabel",
        response: {
          200: textBody("text/html", "A print-ready HTML label (bag or sample) with its Code 128 bar codes"),
        },
        tags: ["products"],
        summary:
          "Print-ready HTML bag or sample label with Code 128 bar codes (DIN, product code, expiry, CoI) and the boxed check character",
        params: IdParams,
        querystring: LabelQuery,
      },
    },
    async (request, reply) => {
      const { html } = await productLabel(ctxOf(request), idOf(request), request.query);
      reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
      return html;
    },
  );
}
