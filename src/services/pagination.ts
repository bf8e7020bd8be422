/**
 * Keyset (cursor) pagination. The cursor is an opaque base64url token of the last row's sort
 * key; a page never skips or repeats rows when others are inserted meanwhile, and deep pages cost
 * the same as the first.
 */
import { DomainError } from "../domain/errors.ts";
import { CalendarDate } from "../domain/schemas/common.ts";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/**
 * What one part of a sort key is, so a cursor is checked before any of it reaches SQL: a uuid, an
 * instant (ISO, as Date#toISOString writes it), a calendar date (YYYY-MM-DD), a whole number
 * written as text (a sequence number), or any short text.
 */
export type CursorPart = "uuid" | "instant" | "date" | "count" | "text";

type Decoded<P extends readonly CursorPart[]> = { -readonly [K in keyof P]: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What Date#toISOString writes, and nothing else: the server only ever issues that form.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const partIsValid = (part: CursorPart, value: unknown): value is string => {
  if (typeof value !== "string") return false;
  if (part === "uuid") return UUID.test(value);
  if (part === "instant") return ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
  if (part === "date") return CalendarDate.safeParse(value).success;
  if (part === "count") return /^\d{1,9}$/.test(value);
  return value.length <= 200 && !value.includes("\u0000");
};

/**
 * The sort key a cursor carries, checked part by part against `shape` (a crafted cursor holding a
 * non-uuid where an id belongs would otherwise reach a SQL cast and fail differently on PGlite and
 * PostgreSQL); anything else is a 400.
 */
export function decodeCursor<const P extends readonly CursorPart[]>(
  cursor: string | undefined,
  shape: P,
): Decoded<P> | null {
  if (cursor === undefined) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(key) &&
      key.length === shape.length &&
      shape.every((part, i) => partIsValid(part, key[i]))
    )
      return key as Decoded<P>;
  } catch {
    // fall through
  }
  throw new DomainError("validation", "The cursor is not one this server issued.", [
    { path: "/cursor", message: "invalid cursor", code: "invalid_cursor" },
  ]);
}

/** Given limit+1 fetched rows, returns the page and the cursor of its last row. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  key: (row: R) => (string | number)[],
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: pageRows.map(map), nextCursor: more && last ? encodeCursor(key(last)) : null };
}
