/** Patients for tests: one registered through the API, or the first infused one of a registry. */
import { expect } from "vitest";
import type { Database } from "../../src/store/database.ts";
import type { SiteKey, World } from "./world.ts";

/** A patient registered at `site` through the API by its investigator; its id. */
export async function registerPatient(w: World, site: SiteKey = "A"): Promise<string> {
  const res = await w.call("investigator", site, "POST", "/api/v1/patients", {
    siteId: w.sites[site],
    birthYear: 1976,
    sex: "female",
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** The infused patient first by id: the same one however many patients are generated after. */
export async function firstInfusedPatient(database: Database): Promise<string> {
  const infused = await database.db
    .selectFrom("enrolments")
    .select("patient_id")
    .where("infusion_date", "is not", null)
    .orderBy("patient_id")
    .executeTakeFirstOrThrow();
  return infused.patient_id;
}
