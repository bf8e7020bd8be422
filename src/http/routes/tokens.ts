/**
 * API tokens: the caller's own (list, create with a browser session, revoke) and, for admins, the
 * tokens of their sites' users (list, revoke). The secret is shown once, in the creation answer.
 */
import type { FastifyInstance } from "fastify";
import { DomainError } from "../../domain/errors.ts";
import { TokenCreate, TokenListQuery, TokenRevoke } from "../../domain/schemas/admin.ts";
import { IdParams } from "../../domain/schemas/common.ts";
import { issueApiToken, listApiTokens, revokeApiToken } from "../../services/auth.ts";
import { ApiTokenSchema, NewApiTokenSchema } from "../responses/admin.ts";
import { ctxOf, pageSchema } from "./support.ts";

export async function tokenRoutes(app: FastifyInstance) {
  app.get(
    "/api/v1/tokens/mine",
    {
      schema: {
        operationId: "listMyApiTokens",
        response: { 200: pageSchema(ApiTokenSchema) },
        tags: ["auth"],
        summary: "Your API tokens: label, created, last used, expiry, state",
      },
    },
    async (request) => ({ items: await listApiTokens(ctxOf(request), { mine: true }), nextCursor: null }),
  );
  app.post(
    "/api/v1/tokens",
    {
      schema: {
        operationId: "createApiToken",
        response: { 201: NewApiTokenSchema },
        tags: ["auth"],
        summary: "Create an API token for yourself (browser session only); the token is shown once",
        body: TokenCreate,
      },
    },
    async (request, reply) => {
      if (request.authMethod !== "session")
        throw new DomainError(
          "forbidden",
          "Create API tokens from a logged-in browser session, not with a token.",
        );
      const ctx = ctxOf(request);
      const { token, apiToken } = await issueApiToken(ctx, ctx.actor.username, request.body);
      reply.code(201).header("cache-control", "no-store");
      return { ...apiToken, token };
    },
  );
  app.get(
    "/api/v1/tokens",
    {
      schema: {
        operationId: "listApiTokens",
        response: { 200: pageSchema(ApiTokenSchema) },
        tags: ["admin"],
        summary: "API tokens of the users of the sites you administer (admins)",
        querystring: TokenListQuery,
      },
    },
    async (request) => ({
      items: await listApiTokens(ctxOf(request), request.query as { siteId?: string }),
      nextCursor: null,
    }),
  );
  app.post(
    "/api/v1/tokens/:id/revoke",
    {
      schema: {
        operationId: "revokeApiToken",
        response: { 200: ApiTokenSchema },
        tags: ["admin"],
        summary: "Revoke an API token (its owner, or an admin of a site where the owner has a role)",
        params: IdParams,
        body: TokenRevoke.optional(),
      },
    },
    async (request) =>
      revokeApiToken(ctxOf(request), (request.params as { id: string }).id, request.body ?? {}),
  );
}
