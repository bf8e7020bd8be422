/**
 * What a person reads instead of an id (issue 11): a user's display name, a patient's subject code,
 * a product unit's DIN. One query per kind for a whole page of ids; ids of anything else (or of
 * nothing) are simply absent from the map.
 */
import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type NamedKind = "user" | "patient" | "product";

export interface ReadableName {
  kind: NamedKind;
  name: string;
}

export async function readableNames(
  db: Kysely<DB>,
  ids: Iterable<string>,
): Promise<Map<string, ReadableName>> {
  const wanted = [...new Set([...ids].filter((id) => UUID.test(id)))];
  const names = new Map<string, ReadableName>();
  if (wanted.length === 0) return names;
  const [users, patients, products] = await Promise.all([
    db.selectFrom("users").select(["id", "username", "display_name"]).where("id", "in", wanted).execute(),
    db.selectFrom("patients").select(["id", "subject_code"]).where("id", "in", wanted).execute(),
    db.selectFrom("product_units").select(["id", "din"]).where("id", "in", wanted).execute(),
  ]);
  for (const u of users) names.set(u.id, { kind: "user", name: u.display_name || u.username });
  for (const p of patients) names.set(p.id, { kind: "patient", name: p.subject_code });
  for (const p of products) names.set(p.id, { kind: "product", name: p.din });
  return names;
}

/** Clinical records that belong to one patient, each with its patient_id column. */
const PATIENT_RECORDS = [
  "conditions",
  "enrolments",
  "observations",
  "medications",
  "clinical_events",
  "assessments",
  "journeys",
  "product_units",
  "visits",
] as const;

/**
 * The patient each of these record ids belongs to (an observation, a visit, a journey…), so a
 * record without a name of its own can be shown by its patient's subject code.
 */
export async function patientsOfRecords(db: Kysely<DB>, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id) => UUID.test(id)))];
  const owners = new Map<string, string>();
  if (wanted.length === 0) return owners;
  const [first, ...rest] = PATIENT_RECORDS.map((table) =>
    db.selectFrom(table).select(["id", "patient_id"]).where("id", "in", wanted),
  );
  const rows = await rest.reduce((q, next) => q.unionAll(next), first!).execute();
  for (const r of rows) owners.set(r.id, r.patient_id);
  return owners;
}
