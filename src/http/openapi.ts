/**
 * The API contract in one place (issue 13, decision 0034): which problem responses every route
 * declares, how a non-JSON body names its media type, and the transform that turns the routes'
 * zod schemas into the OpenAPI document's responses. Routes declare their 2xx bodies; the 4xx
 * problems are added here by rule so that no route can forget them and all refer to one schema.
 */
import type { FastifyInstance, RouteOptions } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  ResponseSerializationError,
} from "fastify-type-provider-zod";
import { z } from "zod";
import { heldAnswerParts, isHeldAnswer } from "../services/held-answers.ts";
import { type HeldText, noteSentText } from "./held-gzip.ts";
import { ProblemSchema } from "./problem.ts";

/** Metadata key on a response schema whose body is not JSON (iCalendar, HTML, CSV, PDF). */
const MEDIA_TYPE = "x-media-type";

/**
 * A text body sent as-is with its own media type (Fastify does not serialise a string sent with a
 * non-JSON content type, so the schema only documents it).
 */
export function textBody(mediaType: string, description: string) {
  return z.string().meta({ description, [MEDIA_TYPE]: mediaType });
}

/**
 * A file sent as bytes or text in one of several media types (which one the request's path says),
 * e.g. an SDTM dataset as SAS XPORT or CSV.
 */
export function fileBody(mediaTypes: readonly string[], description: string) {
  return z.string().meta({ description, format: "binary", [MEDIA_TYPE]: [...mediaTypes] });
}

/**
 * A FHIR R4 resource as application/fhir+json. Its shape is FHIR's (the R4 StructureDefinitions,
 * which the tests validate every resource against), so the schema names only `resourceType` and
 * keeps the rest as sent.
 */
export function fhirResource(resourceType: string | undefined, description: string) {
  return z
    .looseObject({ resourceType: resourceType ? z.literal(resourceType) : z.string() })
    .meta({ description, [MEDIA_TYPE]: "application/fhir+json" });
}

/** 204: nothing in the body. */
export const NoContent = z.null().meta({ description: "Done; no body" });

/** Marks a response schema with the sentence the document shows for it. */
export const described = <S extends z.ZodType>(schema: S, description: string): S =>
  schema.meta({ description }) as S;

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route reads If-Match (or a version in the body): 412 and 428 are among its answers. */
    versioned?: boolean;
  }
}

const PROBLEM_DESCRIPTION: Record<number, string> = {
  400: "Invalid input: every issue with where it is",
  401: "Not logged in, or the token is not valid",
  403: "Not allowed for your role at this site",
  404: "No such record, or none you may see",
  409: "Conflicts with what is stored (a duplicate, or a version that is not the latest)",
  412: "The version in If-Match is not the record's",
  422: "Refused by a rule, which the problem names",
  428: "The change needs the version you read (If-Match)",
  429: "Too many attempts; Retry-After says when to come back",
};

/**
 * The problem statuses a route can answer, by rule: any request can be malformed, name a record
 * that is not there (or not visible) or be refused by a rule; authenticated routes add 401/403;
 * writes add 409; versioned writes (PATCH, PUT, or config.versioned) add 412/428; the rate-limited
 * login adds 429.
 */
export function problemStatuses(route: Pick<RouteOptions, "method" | "config">): number[] {
  const methods = [route.method].flat();
  const config = (route.config ?? {}) as { public?: boolean; versioned?: boolean; rateLimit?: unknown };
  const statuses = [400, 404, 422];
  if (!config.public) statuses.push(401, 403);
  if (methods.some((m) => m !== "GET" && m !== "HEAD")) statuses.push(409);
  if (config.versioned || methods.some((m) => m === "PATCH" || m === "PUT")) statuses.push(412, 428);
  if (config.rateLimit) statuses.push(429);
  return statuses.sort((a, b) => a - b);
}

/** Adds the problem responses to every documented API route as it is registered. */
export function declareProblemResponses(app: FastifyInstance) {
  app.addHook("onRoute", (route) => {
    const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
    if (!schema || schema.hide || !route.url.startsWith("/api/")) return;
    const response = { ...(schema.response ?? {}) };
    for (const status of problemStatuses(route)) response[status] ??= ProblemSchema;
    schema.response = response;
  });
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type JsonSchema = Record<string, unknown> & { description?: string; type?: unknown };

const SUCCESS_DESCRIPTION: Record<string, string> = { 200: "OK", 201: "Created", 202: "Accepted" };

/**
 * jsonSchemaTransform (zod → JSON Schema), then each response as an explicit OpenAPI response:
 * problems as application/problem+json, text bodies under their media type, JSON under
 * application/json, each with a description (never "Default Response").
 */
export function contractTransform(input: TransformInput) {
  const out = jsonSchemaTransform(input) as {
    schema: { response?: Record<string, JsonSchema> };
    url: string;
  };
  const response = out.schema.response;
  if (!response) return out;
  for (const [status, json] of Object.entries(response)) {
    const code = Number(status);
    if (json.type === "null") {
      response[status] = { type: "null", description: json.description ?? "No content" };
      continue;
    }
    const { [MEDIA_TYPE]: mediaType, ...schema } = json;
    if (code >= 400) {
      response[status] = {
        description: json.description ?? PROBLEM_DESCRIPTION[code] ?? "Refused",
        content: { [typeof mediaType === "string" ? mediaType : "application/problem+json"]: { schema } },
      };
      continue;
    }
    response[status] = {
      description: json.description ?? SUCCESS_DESCRIPTION[status] ?? "OK",
      content: Object.fromEntries(
        (Array.isArray(mediaType)
          ? mediaType
          : [typeof mediaType === "string" ? mediaType : "application/json"]
        ).map((m: string) => [m, { schema }]),
      ),
    };
  }
  return out;
}

/** Paths (JSON Pointers) of fields in `sent` that the schema's parse of it dropped. */
export function undeclaredFields(sent: unknown, kept: unknown, at = ""): string[] {
  if (Array.isArray(sent) && Array.isArray(kept))
    return sent.flatMap((item, i) => undeclaredFields(item, kept[i], `${at}/${i}`));
  if (!isPlainObject(sent) || !isPlainObject(kept)) return [];
  return Object.entries(sent).flatMap(([key, value]) =>
    value === undefined
      ? []
      : key in kept
        ? undeclaredFields(value, kept[key], `${at}/${key}`)
        : [`${at}/${key}`],
  );
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Serialises a response through its zod schema: a value of the wrong type is a 500 (never a silent
 * change for clients), and a field the schema does not name is dropped — or, with `strict` (the
 * tests), refused, so a service that starts sending a field its contract lacks fails every test
 * that reads it instead of losing the field in production.
 */
export const contractSerializerCompiler =
  (strict: boolean) =>
  ({ schema, method, url }: { schema: unknown; method: string; url: string }) => {
    // A held answer (services/held-answers.ts) is deep-frozen and sent again to every reader
    // until a write replaces it: its checked text is kept with it instead of parsing 100 visits
    // or units through the schema on every request (decision 0053's addendum).
    // The text is noted with the answer for its gzip form, compressed once (http/held-gzip.ts).
    const sent = new WeakMap<object, HeldText>();
    // Per held part, its template for each set of fresh fields it was sent with.
    const templates = new WeakMap<object, Map<string, HeldTemplate | null>>();
    return (data: unknown): string => {
      const over = heldAnswerParts(data);
      if (over) {
        const keys = Object.keys(over.fresh).sort();
        const keysKey = keys.join("\u0000");
        const byKeys = templates.get(over.held) ?? new Map<string, HeldTemplate | null>();
        if (byKeys.size === 0) templates.set(over.held, byKeys);
        let template = byKeys.get(keysKey);
        if (template === undefined) {
          template = heldTemplate(strict, schema, method, url, over.held, keys);
          byKeys.set(keysKey, template);
        }
        const values = template && freshValues(template, strict, schema, method, url, over.fresh);
        if (template && values) {
          noteSentText(data as object, template, values);
          return template.pieces.reduce((text, piece, n) => text + values[n - 1] + piece);
        }
      }
      if (!isHeldAnswer(data)) return serialise(strict, schema, method, url, data);
      let kept = sent.get(data as object);
      if (kept === undefined) {
        kept = { pieces: [serialise(strict, schema, method, url, data)] };
        sent.set(data as object, kept);
      }
      noteSentText(data as object, kept);
      return kept.pieces[0]!;
    };
  };

/**
 * The checked text of a held answer cut where its fresh fields' values go: `pieces` around the
 * values of `keys`, in the order the text has them.
 */
interface HeldTemplate extends HeldText {
  pieces: string[];
  keys: string[];
}

/**
 * Null when the text cannot be cut there, and the whole answer is checked as any other: the
 * schema is not a plain object schema (checks of its own would have to see the fresh values), or
 * does not declare a fresh field, or a field's marker is not found exactly once.
 */
function heldTemplate(
  strict: boolean,
  schema: unknown,
  method: string,
  url: string,
  held: object,
  keys: string[],
): HeldTemplate | null {
  if (!(schema instanceof z.ZodObject) || (schema._zod.def.checks?.length ?? 0) > 0) return null;
  const shape = schema.shape as Record<string, unknown>;
  if (keys.some((k) => !Object.hasOwn(shape, k))) return null;
  const checked = checkedData(strict, schema, method, url, held) as Record<string, unknown>;
  // Each fresh value's place, marked by a string no JSON text of the answer can contain unescaped.
  const mark = (k: string) => `\u0000fresh:${k}\u0000`;
  const text = JSON.stringify({ ...checked, ...Object.fromEntries(keys.map((k) => [k, mark(k)])) });
  const at = keys
    .map((k) => {
      const marked = JSON.stringify(mark(k));
      const i = text.indexOf(marked);
      return { k, marked, i, unique: i === text.lastIndexOf(marked) };
    })
    .sort((a, b) => a.i - b.i);
  if (at.some(({ i, unique }) => i < 0 || !unique)) return null;
  const pieces: string[] = [];
  let from = 0;
  for (const { marked, i } of at) {
    pieces.push(text.slice(from, i));
    from = i + marked.length;
  }
  pieces.push(text.slice(from));
  return { pieces, keys: at.map((a) => a.k) };
}

/**
 * The JSON texts of this request's values for the template's places, each checked against its
 * field's schema as a whole answer is (refused under `strict` for a field its schema does not
 * declare); undefined when a value has no JSON text (the field would be left out).
 */
function freshValues(
  template: HeldTemplate,
  strict: boolean,
  schema: unknown,
  method: string,
  url: string,
  fresh: Readonly<Record<string, unknown>>,
): string[] | undefined {
  const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
  const values: string[] = [];
  for (const key of template.keys) {
    const value = JSON.stringify(checkedData(strict, shape[key]!, method, url, fresh[key]));
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function serialise(strict: boolean, schema: unknown, method: string, url: string, data: unknown): string {
  return JSON.stringify(checkedData(strict, schema, method, url, data));
}

/** `data` as its schema parses it; a 500 when it does not fit. */
function checkedData(strict: boolean, schema: unknown, method: string, url: string, data: unknown): unknown {
  const result = (schema as z.ZodType).safeParse(data);
  if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
  if (strict) {
    const dropped = undeclaredFields(data, result.data);
    if (dropped.length)
      throw new ResponseSerializationError(method, url, {
        cause: new z.ZodError(
          dropped.map((pointer) => ({
            code: "custom" as const,
            path: pointer.split("/").slice(1),
            message: "a field the response schema does not declare",
            input: undefined,
          })),
        ),
      });
  }
  return result.data;
}

/**
 * jsonSchemaTransformObject puts every schema with a meta id into components.schemas, in its
 * output form and (as `…Input`) its input form; only those the document refers to are kept, so
 * the document has no unused components and the generated types no unused names.
 */
export function contractTransformObject(input: Parameters<typeof jsonSchemaTransformObject>[0]) {
  const document = jsonSchemaTransformObject(input);
  const schemas = (
    (document as { components?: unknown }).components as { schemas?: Record<string, unknown> } | undefined
  )?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  const visit = (value: unknown) => {
    const text = JSON.stringify(value);
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = m[1]!;
      if (used.has(name)) continue;
      used.add(name);
      visit(schemas[name]);
    }
  };
  const { components: _c, ...rest } = document as Record<string, unknown>;
  visit(rest);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return document;
}

/**
 * The 2xx body of a route whose response schema is not written yet: any JSON, said so in the
 * document (`x-undescribed`). test/integration/openapi.test.ts lists every route that uses it, so
 * the list can only shrink knowingly.
 */
export const Undescribed = z
  .unknown()
  .meta({ description: "JSON; its schema is not written yet", "x-undescribed": true });
