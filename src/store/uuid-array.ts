/**
 * Many ids as one SQL parameter: `= ANY(uuidArray(ids))`. A list of 10,000 ids is one text value,
 * not 10,000 bound parameters (PGlite binds at most 32,767, and planning a long IN list costs
 * more than the lookup).
 */
import { type RawBuilder, sql } from "kysely";

export const uuidArray = (ids: readonly string[]): RawBuilder<string[]> =>
  sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;
