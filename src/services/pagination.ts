/**
 * Keyset (cursor) pagination. The cursor is an opaque base64url token of the last row's sort
 * key; a page never skips or repeats rows when others are inserted meanwhile, and deep pages cost
 * the same as the first.
 */
import { DomainError } from "../domain/errors.ts";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => typeof k === "string" || typeof k === "number")
    )
      return key;
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
