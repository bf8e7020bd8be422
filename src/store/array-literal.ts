/**
 * A column of values as one PostgreSQL array literal, the text form an array parameter is read
 * from (PostgreSQL manual §8.15.6, "Array Input and Output Syntax"): `{…}`, elements separated by
 * commas, `NULL` unquoted for a null, every other element in double quotes with `"` and `\`
 * escaped by a backslash. node-postgres writes an array parameter the same way, but by
 * concatenating element by element; writing it with one join leaves a flat string and less
 * garbage for a 1,000-row batch (issue 15's ingest).
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = "NULL";
    else if (typeof v === "string") parts[i] = `"${QUOTED.test(v) ? v.replace(QUOTED_ALL, "\\$&") : v}"`;
    else parts[i] = `"${String(v)}"`;
  }
  return `{${parts.join(",")}}`;
}

const QUOTED = /["\\]/;
const QUOTED_ALL = /["\\]/g;
