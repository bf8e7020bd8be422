/**
 * What the kinetics model needs about a patient besides her measurements (endpoint-sources.ts reads
 * those): the infusion (enrolment with its dose level and the study's CAR products) and her coded
 * diagnoses (a lymphoma or myeloma is a target the model holds).
 */
import type { Kysely } from "kysely";
import type { DB, StudyArm } from "./schema.ts";

export interface KineticsDosingSources {
  enrolment: {
    dose_level_code: string | null;
    arm_code: string;
    infusion_date: string;
    arms: StudyArm[];
  } | null;
  products: { code: string; name: string; targets: string[]; format: string }[];
  conditions: { code_system: string; code: string }[];
}

export async function kineticsDosingSources(
  db: Kysely<DB>,
  patientId: string,
): Promise<KineticsDosingSources> {
  // The first infusion, as infusionDate() reads it: the model's day 0.
  const enrolment = await db
    .selectFrom("enrolments as e")
    .innerJoin("studies as s", "s.id", "e.study_id")
    .select(["e.study_id", "e.dose_level_code", "e.arm_code", "e.infusion_date", "s.arms"])
    .where("e.patient_id", "=", patientId)
    .where("e.infusion_date", "is not", null)
    .orderBy("e.infusion_date")
    .limit(1)
    .executeTakeFirst();
  const products = enrolment
    ? await db
        .selectFrom("car_products")
        .select(["code", "name", "targets", "format"])
        .where("study_id", "=", enrolment.study_id)
        .orderBy("code")
        .execute()
    : [];
  const conditions = await db
    .selectFrom("conditions")
    .select(["code_system", "code"])
    .where("patient_id", "=", patientId)
    .execute();
  return {
    enrolment: enrolment
      ? {
          dose_level_code: enrolment.dose_level_code,
          arm_code: enrolment.arm_code,
          infusion_date: String(enrolment.infusion_date),
          arms: enrolment.arms as StudyArm[],
        }
      : null,
    products,
    conditions,
  };
}
