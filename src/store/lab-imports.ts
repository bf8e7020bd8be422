/** SQL for lab import: site-scoped subject look-up, the import record, and the observation rows. */
import type { Insertable, Kysely } from "kysely";
import { insertChunked } from "./chunked-insert.ts";
import type { DB, NewObservation, ObservationRow } from "./schema.ts";
import type { LabImportsTable } from "./schema-lab-imports.ts";

/** Well under the 30,000-parameter ceiling of chunked-insert.ts: one parameter per code. */
const CODES_PER_QUERY = 5000;

/** Patient id by subject code, only among the patients of `siteId`. */
export async function patientsBySubjectCode(
  db: Kysely<DB>,
  siteId: string,
  codes: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < codes.length; i += CODES_PER_QUERY) {
    const rows = await db
      .selectFrom("patients")
      .select(["id", "subject_code"])
      .where("site_id", "=", siteId)
      .where("subject_code", "in", codes.slice(i, i + CODES_PER_QUERY))
      .execute();
    for (const r of rows) found.set(r.subject_code, r.id);
  }
  return found;
}

export const findLabImportByHash = (db: Kysely<DB>, siteId: string, sha256: string) =>
  db
    .selectFrom("lab_imports")
    .selectAll()
    .where("site_id", "=", siteId)
    .where("sha256", "=", sha256)
    .executeTakeFirst();

export async function insertLabImport(db: Kysely<DB>, row: Insertable<LabImportsTable>) {
  return db.insertInto("lab_imports").values(row).returningAll().executeTakeFirstOrThrow();
}

export async function insertImportedObservations(db: Kysely<DB>, rows: NewObservation[]): Promise<void> {
  await insertChunked(db, "observations", rows, false);
}

export const siteExists = async (db: Kysely<DB>, siteId: string) =>
  (await db.selectFrom("sites").select("id").where("id", "=", siteId).executeTakeFirst()) !== undefined;

/**
 * The observations at a site carrying any of the lab identifiers (`system|value`, system empty
 * when the lab gave none), for a correction or retraction to find the result it names.
 */
export async function observationsByIdentifier(
  db: Kysely<DB>,
  siteId: string,
  identifiers: { system: string | null; value: string }[],
): Promise<ObservationRow[]> {
  const found: ObservationRow[] = [];
  // Two parameters per identifier, well under chunked-insert.ts's ceiling. Found through the
  // identifiers' own table (0039), by its key.
  for (let i = 0; i < identifiers.length; i += CODES_PER_QUERY / 2) {
    const slice = identifiers.slice(i, i + CODES_PER_QUERY / 2);
    const rows = await db
      .selectFrom("observation_identifiers as i")
      .innerJoin("observations as o", "o.id", "i.observation_id")
      .selectAll("o")
      .where("i.site_id", "=", siteId)
      .where((eb) =>
        eb(
          eb.refTuple("i.system", "i.value"),
          "in",
          slice.map((s) => eb.tuple(s.system ?? "", s.value)),
        ),
      )
      .execute();
    found.push(...rows);
  }
  return found;
}
