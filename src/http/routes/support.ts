/**
 * What every route needs: a service context from the request, the If-Match version, and one
 * registrar for the create/read/list/update quartet that most records share.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { DomainError } from "../../domain/errors.ts";
import { IdParams, PageQuery } from "../../domain/schemas/common.ts";
import type { ServiceContext } from "../../services/context.ts";
import type { Page } from "../../services/pagination.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The service validates the body itself (unions such as single-or-batch). */
    bodyValidatedByService?: boolean;
  }
}

export function ctxOf(request: FastifyRequest): ServiceContext {
  if (!request.actor) throw new DomainError("unauthenticated", "Log in or send an API token.");
  return {
    db: request.server.database.db,
    reports: request.server.database.reports,
    actor: request.actor,
    now: request.server.now,
    requestId: request.id,
  };
}

/** Accepts 3, "3" and W/"3" (the ETags we send are "n"). */
export function ifMatchOf(request: FastifyRequest): number | undefined {
  const raw = request.headers["if-match"];
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(raw));
  if (!m)
    throw new DomainError("validation", 'If-Match must be the record\'s version, e.g. "3".', [
      { path: "/if-match", message: "not a version" },
    ]);
  return Number(m[1]);
}

/**
 * Whether the client asked for a minimal answer: `Prefer: return=minimal` (RFC 7240 §4.2), among
 * any other preferences, names and values compared case-insensitively, the value optionally quoted.
 */
export function prefersMinimal(header: string | string[] | undefined): boolean {
  const all = Array.isArray(header) ? header.join(",") : (header ?? "");
  return all.split(",").some((pref) => {
    const [name, value] = pref.split(";")[0]!.split("=");
    return (
      name?.trim().toLowerCase() === "return" &&
      value
        ?.trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase() === "minimal"
    );
  });
}

export function withEtag<T extends { version: number }>(reply: FastifyReply, record: T): T {
  reply.header("etag", `"${record.version}"`);
  return record;
}

/** A page of a list (services/pagination.ts): its items and the cursor of the next page. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** "clinical event" → "ClinicalEvent", "CAR product" → "CarProduct": the noun in operationIds. */
const pascal = (noun: string) =>
  noun
    .split(/\s+/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join("");
const plural = (name: string) => (name.endsWith("y") ? `${name.slice(0, -1)}ies` : `${name}s`);

export interface CrudSpec<Dto extends { id: string; version: number }, Q extends z.ZodObject> {
  path: string; // e.g. "/api/v1/conditions"
  tag: string;
  noun: string;
  /** the record as every one of the four answers it (list items, read, create, update) */
  item: z.ZodType;
  /** list items, when the list shows more than the record (defaults to `item`) */
  listItem?: z.ZodType;
  createBody?: z.ZodType;
  updateBody?: z.ZodType;
  listQuery?: Q;
  create?: (ctx: ServiceContext, body: unknown) => Promise<Dto>;
  get: (ctx: ServiceContext, id: string) => Promise<Dto>;
  list: (ctx: ServiceContext, query: z.infer<Q> & { limit: number; cursor?: string }) => Promise<Page<Dto>>;
  update?: (ctx: ServiceContext, id: string, body: unknown, ifMatch?: number) => Promise<Dto>;
}

export function registerCrud<Dto extends { id: string; version: number }, Q extends z.ZodObject>(
  app: FastifyInstance,
  spec: CrudSpec<Dto, Q>,
) {
  const tags = [spec.tag];
  const name = pascal(spec.noun);
  const query = spec.listQuery ? spec.listQuery.extend(PageQuery.shape) : PageQuery;
  app.get(
    spec.path,
    {
      schema: {
        tags,
        operationId: `list${plural(name)}`,
        summary: `List ${spec.noun}s`,
        querystring: query,
        response: { 200: pageSchema(spec.listItem ?? spec.item) },
      },
    },
    (request) => spec.list(ctxOf(request), request.query as z.infer<Q> & { limit: number; cursor?: string }),
  );
  app.get(
    `${spec.path}/:id`,
    {
      schema: {
        tags,
        operationId: `get${name}`,
        summary: `Read one ${spec.noun}`,
        params: IdParams,
        response: { 200: spec.item },
      },
    },
    async (request, reply) =>
      withEtag(reply, await spec.get(ctxOf(request), (request.params as { id: string }).id)),
  );
  if (spec.create) {
    const create = spec.create;
    app.post(
      spec.path,
      {
        schema: {
          tags,
          operationId: `create${name}`,
          summary: `Create a ${spec.noun}`,
          response: { 201: spec.item },
          ...(spec.createBody ? { body: spec.createBody } : {}),
        },
      },
      async (request, reply) => {
        const dto = await create(ctxOf(request), request.body);
        reply.code(201).header("location", `${spec.path}/${dto.id}`);
        return withEtag(reply, dto);
      },
    );
  }
  if (spec.update) {
    const update = spec.update;
    app.patch(
      `${spec.path}/:id`,
      {
        schema: {
          tags,
          operationId: `update${name}`,
          summary: `Change a ${spec.noun} (with a reason and the version you read)`,
          response: { 200: spec.item },
          params: IdParams,
          ...(spec.updateBody ? { body: spec.updateBody } : {}),
        },
      },
      async (request, reply) =>
        withEtag(
          reply,
          await update(
            ctxOf(request),
            (request.params as { id: string }).id,
            request.body,
            ifMatchOf(request),
          ),
        ),
    );
  }
}
