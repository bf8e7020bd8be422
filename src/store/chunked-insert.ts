/**
 * Multi-row INSERTs split so no statement binds more than 30,000 parameters. PostgreSQL's
 * protocol allows 65,535, but PGlite 0.4 reads the ParameterDescription count as a signed 16-bit
 * number: above 32,767 parameters it throws "Invalid array length" and its session is left
 * unusable (seen with a 2,000-row observation batch, 36,000 parameters). We stay below that.
 */
import type { Insertable, Kysely, Selectable } from "kysely";
import type { DB } from "./schema.ts";

const MAX_PARAMETERS = 30_000;

export function chunkSize(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns)));
}

export async function insertChunked<T extends keyof DB & string>(
  db: Kysely<DB>,
  table: T,
  rows: Insertable<DB[T]>[],
  returning: boolean,
): Promise<Selectable<DB[T]>[]> {
  if (rows.length === 0) return [];
  const size = chunkSize(Object.keys(rows[0] as object).length);
  const out: Selectable<DB[T]>[] = [];
  for (let i = 0; i < rows.length; i += size) {
    // biome-ignore lint/suspicious/noExplicitAny: generic table name; types are restored by the signature.
    const q = (db as Kysely<any>).insertInto(table).values(rows.slice(i, i + size));
    if (returning) out.push(...((await q.returningAll().execute()) as Selectable<DB[T]>[]));
    else await q.execute();
  }
  return out;
}
