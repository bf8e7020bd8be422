/**
 * The site's product board (units with their days so far) and who may be the second bedside
 * verifier (services/product-board.ts).
 */
import type { FastifyInstance } from "fastify";
import { IdParams } from "../../domain/schemas/common.ts";
import { bedsideVerifiers, ProductBoardQuery, productBoard } from "../../services/product-board.ts";
import { BedsideVerifiersSchema, ProductBoardSchema } from "../responses/vein-to-vein.ts";
import { ctxOf } from "./support.ts";

export async function productBoardRoutes(app: FastifyInstance) {
  const tags = ["products"];
  app.get(
    "/api/v1/product-board",
    {
      schema: {
        operationId: "getProductBoard",
        response: { 200: ProductBoardSchema },
        tags,
        summary:
          "A page of a site's product units, newest first (filter by state, part of a subject code or DIN), with state, subject code, journey state and days since apheresis",
        querystring: ProductBoardQuery,
      },
    },
    (request) => productBoard(ctxOf(request), request.query),
  );
  app.get(
    "/api/v1/sites/:id/bedside-verifiers",
    {
      schema: {
        operationId: "listBedsideVerifiers",
        response: { 200: BedsideVerifiersSchema },
        tags,
        summary: "Active users of the site who may be the second person at a bedside verification",
        params: IdParams,
      },
    },
    (request) => bedsideVerifiers(ctxOf(request), (request.params as { id: string }).id),
  );
}
