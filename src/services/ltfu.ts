/**
 * Long-term follow-up at the actor's sites: the yearly contacts integrating-vector patients are
 * owed in a calendar year, with the LTFU items each must collect and whether they were recorded,
 * and the patients lost to follow-up (domain/long-term-follow-up.ts has the rules and sources).
 * Reading follows enrolment:read, like the worklist. Items are recorded on the contact's visit
 * (PATCH /api/v1/visits/{id} with ltfuItems).
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import {
  assessLostToFollowUp,
  type LostAssessment,
  type LtfuContact,
  ltfuContacts,
  ltfuYearsFor,
} from "../domain/long-term-follow-up.ts";
import { localDate } from "../domain/study-day.ts";
import { INTEGRATING_VECTORS, type VectorType } from "../domain/visit-schedule.ts";
import type { DB } from "../store/schema.ts";
import { listSitesByIds } from "../store/sites.ts";
import { type VisitRow, visitsOfEnrolment } from "../store/visits.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { parseInput } from "./validate.ts";

export const LtfuContactsQuery = z.object({
  siteId: z.uuid().optional(),
  /** calendar year of the contacts' anniversaries; default this year at each site */
  year: z.coerce.number().int().min(1990).max(2200).optional(),
});

export const LtfuLostQuery = z.object({ siteId: z.uuid().optional() });

/** Participation that ended for another reason owes no more contacts and is never "lost". */
const ENDED_JOURNEY = ["screen-failed", "completed", "off-treatment", "died", "withdrawn"];
const ENDED_ENROLMENT = ["screen-failed", "completed", "withdrawn", "died"];

interface LtfuPatient {
  enrolmentId: string;
  patientId: string;
  subjectCode: string;
  siteId: string;
  siteCode: string;
  studyId: string;
  products: { code: string; vectorType: string }[];
  infusionDate: string;
  journeyState: string | null;
  enrolmentStatus: string;
  today: string;
  contacts: LtfuContact[];
}

const toLtfuVisit = (v: VisitRow) => ({
  id: v.id,
  code: v.code,
  nominalDate: v.nominal_date,
  windowStart: v.window_start,
  windowEnd: v.window_end,
  ltfuItems: v.expected.ltfuItems,
  doneOn: v.done_on,
  missedReason: v.missed_reason,
  closedReason: v.closed_reason,
  ltfuRecord: v.ltfu_record,
});

/** Infused enrolments at the sites whose study has an integrating-vector product, with their contacts. */
async function ltfuPatients(db: Kysely<DB>, ctx: ServiceContext, siteIds: string[]) {
  const sites = await listSitesByIds(db, siteIds);
  const todayAt = new Map(
    sites.map((s) => [s.id, { code: s.code, today: localDate(ctx.now(), s.time_zone) }]),
  );
  const rows =
    siteIds.length === 0
      ? []
      : await db
          .selectFrom("enrolments")
          .innerJoin("patients", "patients.id", "enrolments.patient_id")
          .leftJoin("journeys", "journeys.enrolment_id", "enrolments.id")
          .select([
            "enrolments.id",
            "enrolments.patient_id",
            "enrolments.site_id",
            "enrolments.study_id",
            "enrolments.infusion_date",
            "enrolments.status",
            "patients.subject_code",
            "journeys.state as journey_state",
          ])
          .where("enrolments.site_id", "in", siteIds)
          .where("enrolments.infusion_date", "is not", null)
          .orderBy("patients.subject_code")
          .execute();
  const studyIds = [...new Set(rows.map((r) => r.study_id))];
  const products =
    studyIds.length === 0
      ? []
      : await db
          .selectFrom("car_products")
          .select(["study_id", "code", "vector_type"])
          .where("study_id", "in", studyIds)
          .execute();
  const patients: LtfuPatient[] = [];
  for (const r of rows) {
    const own = products.filter((p) => p.study_id === r.study_id);
    // The study's longest requirement applies: one integrating product is enough.
    const years = Math.max(0, ...own.map((p) => ltfuYearsFor(p.vector_type as VectorType | null)));
    if (years === 0) continue;
    const site = todayAt.get(r.site_id)!;
    const visits = (await visitsOfEnrolment(db, r.id)).map(toLtfuVisit);
    patients.push({
      enrolmentId: r.id,
      patientId: r.patient_id,
      subjectCode: r.subject_code,
      siteId: r.site_id,
      siteCode: site.code,
      studyId: r.study_id,
      products: own
        .filter(
          (p) => p.vector_type !== null && (INTEGRATING_VECTORS as readonly string[]).includes(p.vector_type),
        )
        .map((p) => ({ code: p.code, vectorType: p.vector_type! })),
      infusionDate: r.infusion_date!,
      journeyState: r.journey_state,
      enrolmentStatus: r.status,
      today: site.today,
      contacts: ltfuContacts(r.infusion_date!, years, visits, site.today),
    });
  }
  const unclassified = products.filter((p) => p.vector_type === null).map((p) => p.code);
  return { patients, unclassified: [...new Set(unclassified)] };
}

const ended = (p: LtfuPatient) =>
  (p.journeyState !== null && ENDED_JOURNEY.includes(p.journeyState)) ||
  ENDED_ENROLMENT.includes(p.enrolmentStatus);

const declaredLost = (p: LtfuPatient) =>
  p.journeyState === "lost-to-follow-up" || p.enrolmentStatus === "lost-to-follow-up";

export interface LtfuContactItem extends LtfuContact {
  enrolmentId: string;
  patientId: string;
  subjectCode: string;
  siteId: string;
  siteCode: string;
  infusionDate: string;
  products: { code: string; vectorType: string }[];
}

export interface LtfuContactList {
  sites: { siteId: string; siteCode: string; today: string; year: number }[];
  items: LtfuContactItem[];
  /** products at these sites with no vector type: their patients' LTFU cannot be judged */
  productsWithoutVectorType: string[];
}

/** The yearly contacts whose anniversary falls in the calendar year, at the actor's sites. */
export async function ltfuContactList(ctx: ServiceContext, raw: unknown): Promise<LtfuContactList> {
  const q = parseInput(LtfuContactsQuery, raw);
  const siteIds = readableSites(ctx.actor, "enrolment:read", q.siteId);
  const { patients, unclassified } = await ltfuPatients(ctx.db, ctx, siteIds);
  const sites = await listSitesByIds(ctx.db, siteIds);
  const yearAt = new Map(
    sites.map((s) => [s.id, q.year ?? Number(localDate(ctx.now(), s.time_zone).slice(0, 4))]),
  );
  const items: LtfuContactItem[] = [];
  for (const p of patients) {
    if (ended(p)) continue;
    const year = String(yearAt.get(p.siteId));
    for (const c of p.contacts)
      if (c.anniversary.startsWith(`${year}-`))
        items.push({
          enrolmentId: p.enrolmentId,
          patientId: p.patientId,
          subjectCode: p.subjectCode,
          siteId: p.siteId,
          siteCode: p.siteCode,
          infusionDate: p.infusionDate,
          products: p.products,
          ...c,
        });
  }
  items.sort((a, b) => (a.anniversary < b.anniversary ? -1 : a.anniversary > b.anniversary ? 1 : 0));
  return {
    sites: sites.map((s) => ({
      siteId: s.id,
      siteCode: s.code,
      today: localDate(ctx.now(), s.time_zone),
      year: yearAt.get(s.id)!,
    })),
    items,
    productsWithoutVectorType: unclassified,
  };
}

export interface LostPatient extends LostAssessment {
  enrolmentId: string;
  patientId: string;
  subjectCode: string;
  siteId: string;
  siteCode: string;
  infusionDate: string;
  journeyState: string | null;
}

/** Patients lost to follow-up at the actor's sites: declared, or two closed contacts in a row not done. */
export async function lostToFollowUp(ctx: ServiceContext, raw: unknown): Promise<{ items: LostPatient[] }> {
  const q = parseInput(LtfuLostQuery, raw);
  const siteIds = readableSites(ctx.actor, "enrolment:read", q.siteId);
  const { patients } = await ltfuPatients(ctx.db, ctx, siteIds);
  const items: LostPatient[] = [];
  for (const p of patients) {
    if (ended(p)) continue;
    const a = assessLostToFollowUp(p.contacts, declaredLost(p));
    if (!a.lost) continue;
    items.push({
      enrolmentId: p.enrolmentId,
      patientId: p.patientId,
      subjectCode: p.subjectCode,
      siteId: p.siteId,
      siteCode: p.siteCode,
      infusionDate: p.infusionDate,
      journeyState: p.journeyState,
      ...a,
    });
  }
  return { items };
}
