/**
 * Fast multi-row INSERTs for bulk writers (the scale generator, `v2v demo scale`): rows come as
 * arrays in a fixed column order and each statement's text is built once per chunk size, so no
 * per-row query-builder work is done. Statements bind at most chunked-insert.ts's parameter limit
 * (PGlite 0.4 reads the parameter count as a signed 16-bit number). The server infers each
 * parameter's type from the target column, so Dates, numbers, strings and JSON text all work on
 * PGlite and PostgreSQL alike.
 */
import { CompiledQuery, type Kysely } from "kysely";
import { chunkSize } from "./chunked-insert.ts";
import type { DB } from "./schema.ts";

const statements = new Map<string, string>();

function insertText(table: string, columns: readonly string[], rows: number): string {
  const key = `${table}(${columns.join(",")})×${rows}`;
  let text = statements.get(key);
  if (!text) {
    const width = columns.length;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      const params: string[] = [];
      for (let c = 0; c < width; c++) params.push(`$${r * width + c + 1}`);
      tuples.push(`(${params.join(",")})`);
    }
    text = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(",")}`;
    if (statements.size > 200) statements.clear();
    statements.set(key, text);
  }
  return text;
}

/** Inserts `rows` (each an array in `columns` order) into `table` in as few statements as allowed. */
export async function insertRows(
  db: Kysely<DB>,
  table: keyof DB & string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const size = chunkSize(columns.length);
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const params: unknown[] = [];
    for (const row of chunk) {
      if (row.length !== columns.length)
        throw new Error(`insertRows(${table}): a row has ${row.length} values for ${columns.length} columns`);
      for (const v of row) params.push(v);
    }
    await db.executeQuery(CompiledQuery.raw(insertText(table, columns, chunk.length), params));
  }
}
