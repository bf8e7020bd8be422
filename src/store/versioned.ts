/**
 * Generic reads and optimistic-locked updates for every table that carries `id` and `version`.
 * The update re-checks the version in its WHERE clause, so two writers racing past the service's
 * check still cannot both win.
 */
import type { Kysely, Selectable } from "kysely";
import type { DB } from "./schema.ts";

export type VersionedTable =
  | "sites"
  | "patients"
  | "conditions"
  | "studies"
  | "car_products"
  | "enrolments"
  | "observations"
  | "medications"
  | "clinical_events"
  | "assessments"
  | "adverse_events";

export async function findById<T extends VersionedTable>(
  db: Kysely<DB>,
  table: T,
  id: string,
): Promise<Selectable<DB[T]> | undefined> {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot narrow a generic table name; the return type restores it.
  const q = (db as Kysely<any>)
    .selectFrom(table as string)
    .selectAll()
    .where("id", "=", id);
  return (await q.executeTakeFirst()) as Selectable<DB[T]> | undefined;
}

/** Returns the updated row, or undefined when the version no longer matches. */
export async function updateVersioned<T extends VersionedTable>(
  db: Kysely<DB>,
  table: T,
  id: string,
  expectedVersion: number,
  changes: Record<string, unknown>,
  at: Date,
): Promise<Selectable<DB[T]> | undefined> {
  // biome-ignore lint/suspicious/noExplicitAny: see findById.
  const q = (db as Kysely<any>)
    .updateTable(table as string)
    .set({ ...changes, updated_at: at, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .returningAll();
  return (await q.executeTakeFirst()) as Selectable<DB[T]> | undefined;
}
