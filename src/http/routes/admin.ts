/** Health, login/logout/session, sites, users and the audit trail. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DomainError } from "../../domain/errors.ts";
import {
  LanguagePreference,
  LoginInput,
  SiteCreate,
  SiteUpdate,
  UserCreate,
} from "../../domain/schemas/admin.ts";
import { IdParams, PageQuery, Uuid } from "../../domain/schemas/common.ts";
import { auditFilterChoices, listAudit } from "../../services/audit.ts";
import { verifyAuditForAdmin } from "../../services/audit-chain.ts";
import { login, logout, SESSION_MAX_MS } from "../../services/auth.ts";
import { systemActor } from "../../services/context.ts";
import { checkDatabase } from "../../services/health.ts";
import * as sites from "../../services/sites.ts";
import { getLanguage, setLanguage } from "../../services/user-language.ts";
import { SESSION_COOKIE } from "../authentication.ts";
import { NoContent } from "../openapi.ts";
import {
  AuditEventSchema,
  AuditFilterChoicesSchema,
  AuditVerifyReportSchema,
  HealthSchema,
  LanguageAnswerSchema,
  LoginAnswerSchema,
  SessionSchema,
  SiteSchema,
  UserSchema,
} from "../responses/admin.ts";
import { ctxOf, ifMatchOf, pageSchema, withEtag } from "./support.ts";

export async function adminRoutes(app: FastifyInstance) {
  app.get(
    "/api/health",
    {
      config: { public: true },
      schema: {
        operationId: "getHealth",
        response: { 200: HealthSchema },
        tags: ["system"],
        summary: "Liveness and database check",
        security: [],
      },
    },
    async () => {
      await checkDatabase(app.database.db);
      return { status: "ok", database: app.database.kind, version: app.appConfig.version ?? "0.1.0" };
    },
  );

  app.post(
    "/api/v1/auth/login",
    {
      config: { public: true, rateLimit: { max: app.appConfig.loginRateLimit ?? 30, timeWindow: 60_000 } },
      // The one body anyone may send unauthenticated: a username and a password fit in 16 KB.
      bodyLimit: 16 * 1024,
      schema: {
        operationId: "logIn",
        response: { 200: LoginAnswerSchema },
        tags: ["auth"],
        summary: "Log in; sets an HttpOnly session cookie and returns the CSRF token",
        body: LoginInput,
        security: [],
      },
    },
    async (request, reply) => {
      const result = await login(
        { db: app.database.db, actor: systemActor(), now: app.now, requestId: request.id },
        request.body,
      ).catch((e: unknown) => {
        // A locked name (per-account backoff) says when to come back, as the per-IP limit does.
        if (e instanceof DomainError && typeof e.details.retryAfterSeconds === "number")
          reply.header("retry-after", String(e.details.retryAfterSeconds));
        throw e;
      });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        httpOnly: true,
        sameSite: "strict",
        secure: app.appConfig.secureCookies ?? false,
        path: "/",
        maxAge: SESSION_MAX_MS / 1000,
      });
      return {
        user: { id: result.actor.userId, username: result.actor.username },
        memberships: result.actor.memberships,
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    "/api/v1/auth/logout",
    {
      schema: {
        operationId: "logOut",
        response: { 204: NoContent },
        tags: ["auth"],
        summary: "End the session on the server",
      },
    },
    async (request, reply) => {
      if (request.authMethod !== "session" || !request.sessionToken)
        throw new DomainError("validation", "Logout ends a browser session; API tokens are revoked instead.");
      await logout(ctxOf(request), request.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/v1/auth/session",
    {
      schema: {
        operationId: "getSession",
        response: { 200: SessionSchema },
        tags: ["auth"],
        summary: "Who am I, my sites and roles, my CSRF token",
      },
    },
    async (request) => {
      const actor = ctxOf(request).actor;
      return {
        user: { id: actor.userId, username: actor.username, displayName: request.displayName },
        memberships: actor.memberships,
        authMethod: request.authMethod,
        csrfToken: request.csrfToken,
      };
    },
  );

  app.get(
    "/api/v1/auth/language",
    {
      schema: {
        tags: ["auth"],
        operationId: "getLanguage",
        response: { 200: LanguageAnswerSchema },
        summary: "The web app's language you chose (null: follow the browser)",
      },
    },
    async (request) => getLanguage(ctxOf(request)),
  );
  app.put(
    "/api/v1/auth/language",
    {
      schema: {
        tags: ["auth"],
        operationId: "setLanguage",
        response: { 200: LanguageAnswerSchema },
        summary: "Choose the web app's language (en or zh-CN)",
        body: LanguagePreference,
      },
    },
    async (request) => setLanguage(ctxOf(request), request.body),
  );

  app.get(
    "/api/v1/sites",
    {
      schema: {
        operationId: "listSites",
        response: { 200: pageSchema(SiteSchema) },
        tags: ["admin"],
        summary: "Sites where you hold a role",
      },
    },
    async (request) => ({
      items: await sites.listSites(ctxOf(request)),
      nextCursor: null,
    }),
  );
  app.get(
    "/api/v1/sites/:id",
    {
      schema: {
        operationId: "getSite",
        response: { 200: SiteSchema },
        tags: ["admin"],
        summary: "Read a site",
        params: IdParams,
      },
    },
    async (request, reply) =>
      withEtag(reply, await sites.getSite(ctxOf(request), (request.params as { id: string }).id)),
  );
  app.post(
    "/api/v1/sites",
    {
      schema: {
        operationId: "createSite",
        response: { 201: SiteSchema },
        tags: ["admin"],
        summary: "Create a site (admins)",
        body: SiteCreate,
      },
    },
    async (request, reply) => {
      const dto = await sites.createSite(ctxOf(request), request.body);
      reply.code(201).header("location", `/api/v1/sites/${dto.id}`);
      return withEtag(reply, dto);
    },
  );
  app.patch(
    "/api/v1/sites/:id",
    {
      schema: {
        operationId: "updateSite",
        response: { 200: SiteSchema },
        tags: ["admin"],
        summary: "Change a site (admins)",
        params: IdParams,
        body: SiteUpdate,
      },
    },
    async (request, reply) =>
      withEtag(
        reply,
        await sites.updateSite(
          ctxOf(request),
          (request.params as { id: string }).id,
          request.body,
          ifMatchOf(request),
        ),
      ),
  );

  app.get(
    "/api/v1/users",
    {
      schema: {
        operationId: "listUsers",
        response: { 200: pageSchema(UserSchema) },
        tags: ["admin"],
        summary: "Users of the sites you administer",
      },
    },
    async (request) => ({
      items: await sites.listUsers(ctxOf(request)),
      nextCursor: null,
    }),
  );
  app.post(
    "/api/v1/users",
    {
      // Authorization comes before the body is looked at: a non-admin learns nothing from it.
      config: { bodyValidatedByService: true },
      schema: {
        operationId: "createUser",
        response: { 201: UserSchema },
        tags: ["admin"],
        summary: "Create a user with site roles (admins)",
        body: UserCreate,
      },
    },
    async (request, reply) => {
      reply.code(201);
      return sites.createUser(ctxOf(request), request.body);
    },
  );

  const AuditQuery = PageQuery.extend({
    entity: z
      .string()
      .max(50)
      .optional()
      .describe("entity type, e.g. patient, observation, patient-identity"),
    entityId: z.string().max(100).optional(),
    actorId: Uuid.optional(),
    siteId: Uuid.optional(),
  });
  app.get(
    "/api/v1/audit",
    {
      schema: {
        operationId: "listAuditEvents",
        response: { 200: pageSchema(AuditEventSchema) },
        tags: ["admin"],
        summary: "The audit trail, newest first (admins and monitors)",
        querystring: AuditQuery,
      },
    },
    (request) => listAudit(ctxOf(request), request.query as z.infer<typeof AuditQuery>),
  );

  const ChoicesQuery = z.object({
    siteId: Uuid.optional(),
    entity: z.string().max(50).optional().describe("an entity type (any case): list its audited records"),
  });
  app.get(
    "/api/v1/audit/choices",
    {
      schema: {
        tags: ["admin"],
        operationId: "getAuditFilterChoices",
        response: { 200: AuditFilterChoicesSchema },
        summary:
          "The audit filter's choices: entity types, the records of one type with readable labels, and actors (admins and monitors)",
        querystring: ChoicesQuery,
      },
    },
    (request) => auditFilterChoices(ctxOf(request), request.query as z.infer<typeof ChoicesQuery>),
  );

  const VerifyQuery = z.object({
    siteId: Uuid.optional().describe("verify as the admin of this one site (default: all your sites)"),
  });
  app.get(
    "/api/v1/admin/audit/verify",
    {
      schema: {
        operationId: "verifyAuditTrail",
        response: { 200: AuditVerifyReportSchema },
        tags: ["admin"],
        summary:
          "Check the audit trail's hash chain and signed checkpoints; names the first broken link (admins)",
        querystring: VerifyQuery,
      },
    },
    (request) =>
      verifyAuditForAdmin(ctxOf(request), request.query as z.infer<typeof VerifyQuery>, {
        trustedKeys: app.appConfig.auditTrustedKeys ?? [],
      }),
  );
}
