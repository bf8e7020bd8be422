/**
 * Builds the Fastify app without listening, so tests drive it with app.inject() and the CLI's
 * `serve` adds the socket. Routes are thin: parse (validation.ts), call one service, serialise.
 */
import type { KeyObject } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { v7 as uuidv7 } from "uuid";
import { DomainError } from "../domain/errors.ts";
import type { Database } from "../store/database.ts";
import { registerAuthentication } from "./authentication.ts";
import { registerHeldGzip } from "./held-gzip.ts";
import { registerJsonBodyParser } from "./json-body.ts";
import {
  contractSerializerCompiler,
  contractTransform,
  contractTransformObject,
  declareProblemResponses,
} from "./openapi.ts";
import { sendProblem } from "./problem.ts";
import { registerRoutes } from "./routes/index.ts";
import { apiReferenceCsp, registerSecurityHeaders } from "./security-headers.ts";
import { validateRequest } from "./validation.ts";

declare module "fastify" {
  interface FastifyInstance {
    database: Database;
    now: () => Date;
    appConfig: AppOptions;
  }
}

export interface AppOptions {
  database: Database;
  logger?: FastifyServerOptions["logger"];
  now?: () => Date;
  /** Set the Secure flag on cookies (behind HTTPS). */
  secureCookies?: boolean;
  /**
   * Reverse proxies (IP addresses or CIDR ranges) trusted to name the client in X-Forwarded-For;
   * none by default, so a client cannot choose the address its login attempts are counted under.
   */
  trustProxy?: string[];
  /** Login attempts per IP per minute. */
  loginRateLimit?: number;
  version?: string;
  /** The built web app (default web/dist); see landing.ts. */
  webDist?: string;
  /** Public keys of the audit checkpoint signer, held outside the database (decision 0021). */
  auditTrustedKeys?: KeyObject[];
  /**
   * Refuse (500) a response with a field its schema does not declare, instead of dropping it;
   * on by default under the tests (NODE_ENV=test) so a contract that lags a service fails there.
   */
  strictResponses?: boolean;
}

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

/**
 * The validator and serialiser every route is built with. Fastify's factory types name Ajv's and
 * fast-json-stringify's own function types, which a pass-through and the contract serialiser do
 * not claim to be, hence the one cast; the signatures Fastify calls are the ones written here.
 */
const contractCompilers = (strictResponses: boolean | undefined): CompilersFactory =>
  ({
    buildValidator: () => () => (value: unknown) => ({ value }),
    buildSerializer: () => contractSerializerCompiler(strictResponses ?? process.env.NODE_ENV === "test"),
  }) as unknown as CompilersFactory;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy?.length ? options.trustProxy : false,
    genReqId: () => uuidv7(),
    bodyLimit: 8 * 1024 * 1024, // room for a 5,000-row observation batch
    // Unknown query keys are ignored by the schemas; arrays of repeated keys are allowed.
    routerOptions: { ignoreTrailingSlash: true },
    // Errors Fastify raises before routing (a malformed URL encoding, FST_ERR_BAD_URL; a bad
    // content type) skip setErrorHandler; they leave as problem+json like every other error.
    frameworkErrors: (error, request, reply) => sendProblem(error, request, reply),
    // Parsing happens in validateRequest (all parts, all issues); Fastify's validator passes
    // through. Every route's response is serialised through its schema (issue 13, decision 0034:
    // the contract is what is sent; fields outside it are dropped, a wrong type is a 500, not a
    // silent change). Given as the compilers' factories, not set after: Fastify then never loads
    // Ajv and fast-json-stringify, ~60 ms of every start (decision 0044).
    schemaController: { compilersFactory: contractCompilers(options.strictResponses) },
  }).withTypeProvider<ZodTypeProvider>();

  const now = options.now ?? (() => new Date());
  app.decorate("database", options.database);
  app.decorate("now", now);
  app.decorate("appConfig", options);

  declareProblemResponses(app);
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      new DomainError("not-found", `No route ${request.method} ${request.url.split("?")[0]}.`),
      request,
      reply,
    ),
  );

  registerJsonBodyParser(app);
  await registerSecurityHeaders(app, options.secureCookies ?? false);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new DomainError("rate-limited", `Too many attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s.`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      servers: [{ url: "/", description: "this server" }],
      info: {
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
        title: "vein2vein API",
        version: options.version ?? "0.1.0",
        description:
          "CAR-T program records: sites, patients (pseudonymous) and identity, conditions, studies, products, " +
          "enrolments, observations, medications, clinical events, timeline and audit. Errors are RFC 9457 " +
          "application/problem+json.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "API token from `v2v token create`" },
          session: { type: "apiKey", in: "cookie", name: "v2v_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: contractTransform,
    // Schemas with a meta id (Problem, Patient, …) become components.schemas and are referenced.
    transformObject: contractTransformObject,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: "/api/docs",
    staticCSP: true,
    transformStaticCSP: apiReferenceCsp(options.secureCookies ?? false),
  });

  registerAuthentication(app, now);
  app.addHook("preValidation", validateRequest);
  registerHeldGzip(app);

  await app.register(registerRoutes);
  app.get("/openapi.json", { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  return app;
}
