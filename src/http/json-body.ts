/**
 * The JSON body parser, with two checks that must cost one pass over the text whatever its shape:
 *
 * - **Nesting depth.** A body nested deeper than MAX_JSON_DEPTH (no request of ours needs more
 *   than a handful of levels) is refused with 400 before it is parsed, so a crafted 1 MB body of
 *   brackets never reaches JSON.parse, a recursive walk or a zod schema.
 * - **NUL characters.** PostgreSQL text cannot hold U+0000. In JSON text a NUL can only appear as
 *   the escape `\u0000` inside a string, so the raw text is scanned for it; only when one is found
 *   is the (now depth-bounded) parsed value walked to name the JSON Pointer of the offending text.
 *
 * Parsing itself stays Fastify's own (secure-json-parse: `__proto__` and `constructor.prototype`
 * keys refused), so prototype-poisoning protection is unchanged.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { toJsonPointer } from "../domain/errors.ts";
import { HttpValidationError } from "./problem.ts";

/** Deepest array/object nesting a request body may have (the deepest route needs fewer than 6). */
export const MAX_JSON_DEPTH = 64;

export interface JsonTextShape {
  /** deepest nesting seen, stopping at the first level past the limit */
  depth: number;
  tooDeep: boolean;
  /** the text holds the escape \u0000 inside a string */
  hasNul: boolean;
}

/**
 * One linear pass over JSON text: nesting depth (stops past `maxDepth`) and whether a string holds
 * an escaped NUL. Tolerates invalid JSON (the parser reports that afterwards).
 */
export function scanJsonText(text: string, maxDepth = MAX_JSON_DEPTH): JsonTextShape {
  let depth = 0;
  let deepest = 0;
  let hasNul = false;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) {
        // An escape: \u0000 is the only way JSON text spells NUL.
        if (text.charCodeAt(i + 1) === 0x75 /* u */ && text.startsWith("0000", i + 2)) hasNul = true;
        i++; // skip the escaped character (a quote or a backslash must not end or start anything)
      } else if (c === 0x22 /* " */) inString = false;
      else if (c === 0) hasNul = true; // raw NUL: invalid JSON anyway, but never let it through
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > maxDepth) return { depth: deepest, tooDeep: true, hasNul };
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
    else if (c === 0) hasNul = true;
  }
  return { depth: deepest, tooDeep: false, hasNul };
}

/**
 * The path of the first string (value or key) holding U+0000, or null. One path array is pushed
 * and popped as the walk goes (no copies), so the cost is linear in the value's size. Recursion is
 * safe because every JSON body reaching here is at most MAX_JSON_DEPTH deep; anything deeper
 * (from another parser) is not walked past that depth.
 */
export function findNulPath(value: unknown): (string | number)[] | null {
  const path: (string | number)[] = [];
  const walk = (v: unknown): boolean => {
    if (typeof v === "string") return v.includes("\u0000");
    if (v === null || typeof v !== "object" || path.length > MAX_JSON_DEPTH) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (walk(v[i])) return true;
        path.pop();
      }
      return false;
    }
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      path.push(k);
      if (k.includes("\u0000") || walk((v as Record<string, unknown>)[k])) return true;
      path.pop();
    }
    return false;
  };
  return walk(value) ? path : null;
}

const checkedBodies = new WeakSet<FastifyRequest>();

/** True when the body came through our JSON parser (already scanned for NUL). */
export const bodyWasScanned = (request: FastifyRequest) => checkedBodies.has(request);

export function registerJsonBodyParser(app: FastifyInstance) {
  app.removeContentTypeParser("application/json");
  addJsonParser(app, "application/json");
}

/**
 * Parses `contentType` bodies as JSON with the depth and NUL checks. The FHIR routes use it for
 * application/fhir+json (R4 http.html#mime-type), which a Bulk Data POST kick-off sends its
 * Parameters in; lab import keeps its own parser for that type (it keeps the bundle's text).
 */
export function addJsonParser(app: FastifyInstance, contentType: string) {
  const parse = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser(contentType, { parseAs: "string" }, (request, text, done) => {
    const body = text as string;
    const shape = scanJsonText(body);
    if (shape.tooDeep) {
      done(
        new HttpValidationError([
          {
            in: "body",
            pointer: "",
            detail: `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
            code: "too_deep",
          },
        ]),
        undefined,
      );
      return;
    }
    parse(request, body, (error, value) => {
      if (error) return done(error, undefined);
      if (shape.hasNul) {
        const path = findNulPath(value);
        if (path)
          return done(
            new HttpValidationError([
              {
                in: "body",
                pointer: toJsonPointer(path),
                detail: "Text must not contain NUL characters",
                code: "nul_character",
              },
            ]),
            undefined,
          );
      }
      checkedBodies.add(request);
      done(null, value);
    });
  });
}
