/**
 * Long-term follow-up at the actor's sites: the yearly contacts integrating-vector patients are
 * owed in a calendar year, with the LTFU items each must collect and whether they were recorded,
 * and the patients lost to follow-up (domain/long-term-follow-up.ts has the rules and sources).
 * Reading follows enrolment:read, like the worklist. Items are recorded on the contact's visit
 * (PATCH /api/v1/visits/{id} with ltfuItems).
 */
import { z } from "zod";
import {
  assessLostToFollowUp,
  type LostAssessment,
  type LtfuContact,
  ltfuContacts,
  ltfuYearsFor,
} from "../domain/long-term-follow-up.ts";
import { localDate } from "../domain/study-day.ts";
import {
  INTEGRATING_VECTORS,
  LTFU_ITEMS,
  LTFU_YEARS,
  type LtfuItem,
  type VectorType,
} from "../domain/visit-schedule.ts";
import {
  carProductsOfInfusedAt,
  type LtfuEnrolmentRow,
  type LtfuScope,
  type LtfuVisitRow,
  ltfuContactEnrolments,
  ltfuLostCandidates,
  ltfuVisitsOf,
} from "../store/ltfu.ts";
import type { KeyedSite } from "../store/site-versions.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { HeldAnswers } from "./held-answers.ts";
import { decodeCursor, encodeCursor } from "./pagination.ts";
import { parseInput } from "./validate.ts";

const Limit = z.coerce.number().int().min(1).max(1000).default(100);

export const LtfuContactsQuery = z.object({
  siteId: z.uuid().optional(),
  /** calendar year of the contacts' anniversaries; default this year at each site */
  year: z.coerce.number().int().min(1990).max(2200).optional(),
  limit: Limit,
  cursor: z.string().max(400).optional(),
});

export const LtfuLostQuery = z.object({
  siteId: z.uuid().optional(),
  limit: Limit,
  cursor: z.string().max(400).optional(),
});

/** Participation that ended for another reason owes no more contacts and is never "lost". */
const ENDED_JOURNEY = ["screen-failed", "completed", "off-treatment", "died", "withdrawn"];
const ENDED_ENROLMENT = ["screen-failed", "completed", "withdrawn", "died"];
const SCOPE: LtfuScope = {
  integratingVectors: INTEGRATING_VECTORS,
  endedJourneyStates: ENDED_JOURNEY,
  endedEnrolmentStatuses: ENDED_ENROLMENT,
};

/** The patient, site and infusion an LTFU list row is about. */
const whoAndWhere = (p: LtfuPatient) => ({
  enrolmentId: p.enrolmentId,
  patientId: p.patientId,
  subjectCode: p.subjectCode,
  siteId: p.siteId,
  siteCode: p.siteCode,
  infusionDate: p.infusionDate,
});

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

const toLtfuVisit = (v: LtfuVisitRow) => ({
  id: v.id,
  code: v.code,
  nominalDate: v.nominal_date,
  windowStart: v.window_start,
  windowEnd: v.window_end,
  ltfuItems: v.ltfu_items,
  doneOn: v.done_on,
  missedReason: v.missed_reason,
  closedReason: v.closed_reason,
  ltfuRecord: v.ltfu_record,
});

type Product = Awaited<ReturnType<typeof carProductsOfInfusedAt>>[number];

type LtfuContext = Awaited<ReturnType<typeof ltfuContext>>;

/**
 * Pages held between requests while the sites' `ltfu` version (migration 0031: their journeys,
 * enrolments and visits, a patient's subject code or site, a site's code or zone, a CAR product's
 * study, code, name or vector type) and their days stand (decision 0052's addendum): monitors
 * reread these lists, and at 10,000 patients a page costs 60–120 ms of database time.
 */
const heldLost = new HeldAnswers<LostPage>(64);
const heldContacts = new HeldAnswers<LtfuContactList>(64);

function heldLtfu<Q, T>(
  held: HeldAnswers<T>,
  ctx: ServiceContext,
  q: Q,
  siteIds: string[],
  page: (context: LtfuContext) => Promise<T>,
): Promise<T> {
  return held.atSites(
    ctx.db,
    { topic: "ltfu", siteIds },
    (sites) => ltfuDays(ctx, sites),
    (days) => JSON.stringify([q, siteIds, [...days.todayAt].map(([siteId, t]) => `${siteId}:${t.today}`)]),
    async (days) => page(await ltfuContext(ctx, siteIds, days)),
  );
}

/** The sites with their code and today: what a held page's key names. */
function ltfuDays(ctx: ServiceContext, sites: readonly KeyedSite[]) {
  const now = ctx.now();
  const todayAt = new Map(sites.map((s) => [s.id, { code: s.code, today: localDate(now, s.time_zone) }]));
  return { sites, todayAt };
}

/** …and the CAR products of their infused enrolments' studies, read only to compute a page. */
async function ltfuContext(ctx: ServiceContext, siteIds: string[], days: ReturnType<typeof ltfuDays>) {
  const products = await carProductsOfInfusedAt(ctx.db, siteIds);
  const unclassified = [...new Set(products.filter((p) => p.vector_type === null).map((p) => p.code))];
  return { ...days, products, unclassified };
}

/** The page's enrolments with their contacts: one more query for all their LTFU visits. */
async function withContacts(
  ctx: ServiceContext,
  rows: LtfuEnrolmentRow[],
  todayAt: Map<string, { code: string; today: string }>,
  products: Product[],
  { closedOnly = false, yearAt }: { closedOnly?: boolean; yearAt?: Map<string, number> } = {},
): Promise<LtfuPatient[]> {
  // `closedOnly`: the caller reads only closed contacts (done, missed, overdue), which are made
  // of visits whose window has started by the site's today; a later visit cannot hold an
  // anniversary already past, and leaving it out turns a future contact from "upcoming" into
  // "not scheduled", neither of them closed. The latest of the sites' todays keeps that true at
  // every site.
  const startedBy = closedOnly
    ? [...todayAt.values()]
        .map((s) => s.today)
        .sort()
        .at(-1)
    : undefined;
  const visits = new Map<string, LtfuVisitRow[]>();
  for (const v of await ltfuVisitsOf(
    ctx.db,
    rows.map((r) => r.id),
    startedBy,
  )) {
    const list = visits.get(v.enrolment_id);
    if (list) list.push(v);
    else visits.set(v.enrolment_id, [v]);
  }
  return rows.map((r) => {
    const own = products.filter((p) => p.study_id === r.study_id);
    // The study's longest requirement applies: one integrating product is enough.
    const years = Math.max(0, ...own.map((p) => ltfuYearsFor(p.vector_type as VectorType | null)));
    const site = todayAt.get(r.site_id)!;
    return {
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
      infusionDate: r.infusion_date,
      journeyState: r.journey_state,
      enrolmentStatus: r.status,
      today: site.today,
      contacts: ltfuContacts(
        r.infusion_date,
        years,
        (visits.get(r.id) ?? []).map(toLtfuVisit),
        site.today,
        yearAt ? { inCalendarYear: yearAt.get(r.site_id)! } : {},
      ),
    };
  });
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
  /**
   * What each LTFU item is, when it is owed and its source, once a page: a contact's items name
   * them by code. (Restated in every contact they made up ~40% of a page: decision 0052's
   * addendum.)
   */
  ltfuItems: readonly LtfuItem[];
  items: LtfuContactItem[];
  /** products at these sites with no vector type: their patients' LTFU cannot be judged */
  productsWithoutVectorType: string[];
  /** the next page's cursor, null on the last page */
  nextCursor: string | null;
}

/**
 * The yearly contacts whose anniversary falls in the calendar year, at the actor's sites, by
 * anniversary then subject code, a page at a time (`nextCursor`).
 */
export async function ltfuContactList(ctx: ServiceContext, raw: unknown): Promise<LtfuContactList> {
  const q = parseInput(LtfuContactsQuery, raw);
  const siteIds = readableSites(ctx.actor, "enrolment:read", q.siteId);
  return heldLtfu(heldContacts, ctx, q, siteIds, (context) => contactPage(ctx, q, context));
}

async function contactPage(
  ctx: ServiceContext,
  q: z.infer<typeof LtfuContactsQuery>,
  { sites, todayAt, products, unclassified }: LtfuContext,
): Promise<LtfuContactList> {
  const after = decodeCursor(q.cursor, ["text", "text", "uuid"]);
  const yearAt = new Map(sites.map((s) => [s.id, q.year ?? Number(todayAt.get(s.id)!.today.slice(0, 4))]));
  const rows = await ltfuContactEnrolments(ctx.db, {
    ...SCOPE,
    sites: sites.map((s) => ({ siteId: s.id, year: yearAt.get(s.id)! })),
    maxYears: LTFU_YEARS,
    ...(after ? { after } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const items: LtfuContactItem[] = [];
  // Each patient's contacts of the year asked for only (the others are not worked out).
  for (const p of await withContacts(ctx, page, todayAt, products, { yearAt }))
    for (const c of p.contacts) items.push({ ...whoAndWhere(p), products: p.products, ...c });
  const last = page.at(-1);
  return {
    sites: sites.map((s) => ({
      siteId: s.id,
      siteCode: s.code,
      today: todayAt.get(s.id)!.today,
      year: yearAt.get(s.id)!,
    })),
    ltfuItems: LTFU_ITEMS,
    items,
    productsWithoutVectorType: unclassified,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor([last.anniversary!, last.subject_code, last.id]) : null,
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

/** Candidates read per query while looking for a page of patients lost to follow-up. */
const LOST_SCAN = 500;

type LostPage = { items: LostPatient[]; nextCursor: string | null };

/**
 * Patients lost to follow-up at the actor's sites: declared, or two closed contacts in a row not
 * done; by subject code, a page at a time. SQL narrows the enrolments to those declared lost or
 * with an LTFU visit closed without being done; the contacts decide.
 */
export async function lostToFollowUp(ctx: ServiceContext, raw: unknown): Promise<LostPage> {
  const q = parseInput(LtfuLostQuery, raw);
  const siteIds = readableSites(ctx.actor, "enrolment:read", q.siteId);
  return heldLtfu(heldLost, ctx, q, siteIds, (context) => lostPage(ctx, q, context));
}

async function lostPage(
  ctx: ServiceContext,
  q: z.infer<typeof LtfuLostQuery>,
  { sites, todayAt, products }: LtfuContext,
): Promise<LostPage> {
  let after: readonly [string, string] | null = decodeCursor(q.cursor, ["text", "uuid"]);
  const items: LostPatient[] = [];
  let more = false;
  for (;;) {
    const rows = await ltfuLostCandidates(ctx.db, {
      ...SCOPE,
      sites: sites.map((s) => ({ siteId: s.id, today: todayAt.get(s.id)!.today })),
      ...(after ? { after } : {}),
      limit: LOST_SCAN,
    });
    for (const p of await withContacts(ctx, rows, todayAt, products, { closedOnly: true })) {
      if (ended(p)) continue;
      const a = assessLostToFollowUp(p.contacts, declaredLost(p));
      if (!a.lost) continue;
      if (items.length === q.limit) {
        more = true;
        break;
      }
      items.push({ ...whoAndWhere(p), journeyState: p.journeyState, ...a });
    }
    const last = rows.at(-1);
    if (more || rows.length < LOST_SCAN || !last) break;
    after = [last.subject_code, last.id];
  }
  const last = items.at(-1);
  return {
    items,
    nextCursor: more && last ? encodeCursor([last.subjectCode, last.enrolmentId]) : null,
  };
}
