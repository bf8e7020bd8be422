/**
 * Protocol visits after infusion: generated from the study's schedule when an enrolment has an
 * infusion date, recorded as done or missed, listed per patient with their status for today, and
 * gathered per site into a worklist and a calendar feed. Windows and statuses come from
 * domain/visit-schedule.ts (shared/domain/workflow-standards.md §4.4).
 *
 * Schedule per study: the arm's own schedule if the study set one, else the study-wide one
 * (services/study-schedules.ts), else the §4.4 default template, its response assessments chosen
 * by the enrolment's arm code: "LYM" → lymphoma, "AID" → SLE, anything else → other.
 *
 * Reading visits follows the enrolment rules (manufacturing and monitors read them; a visit says
 * when a patient is due, not what was found). Recording follows enrolment:write.
 */
import { hash } from "node:crypto";
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { addDays, addMonths } from "../domain/calendar.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { allDayCalendarText } from "../domain/icalendar.ts";
import { LTFU_OUTCOMES } from "../domain/long-term-follow-up.ts";
import { CalendarDate, Reason, Version } from "../domain/schemas/common.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import {
  defaultVisitSchedule,
  generateVisits,
  type Indication,
  LTFU_ITEM_CODES,
  type VisitSchedule,
  type VisitStatus,
  visitStatus,
} from "../domain/visit-schedule.ts";
import type { DB, EnrolmentRow, Insertable } from "../store/schema.ts";
import type { LtfuRecord, VisitExpected, VisitsTable } from "../store/schema-visits.ts";
import { type KeyedSite, siteVersionsAndSites } from "../store/site-versions.ts";
import { findSite } from "../store/sites.ts";
import { scheduleForArm, visitsWithAssessments } from "../store/study-schedules.ts";
import { findById } from "../store/versioned.ts";
import {
  closeOpenVisitsOfEnrolment,
  deleteVisits,
  findVisit,
  insertVisits,
  openVisitsForWorklist,
  openVisitsOfSite,
  updateVisitVersioned,
  type VisitRow,
  visitsOfEnrolment,
  visitsOfPatient,
  type WorklistKey,
  type WorklistSiteFilter,
} from "../store/visits.ts";
import { checkVersion, readableSites, requireAt } from "./access.ts";
import { appendAudit, changedFields } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { HeldAnswers } from "./held-answers.ts";
import { decodeCursor, encodeCursor } from "./pagination.ts";
import { expectedVersion, loadPatientFor } from "./patients.ts";
import { parseInput } from "./validate.ts";

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

export function indicationOfArm(armCode: string): Indication {
  const code = armCode.toUpperCase();
  if (code === "LYM") return "lymphoma";
  if (code === "AID") return "sle";
  return "other";
}

/** Done, missed, or closed when the journey ended: such a visit keeps its dates at regeneration. */
const isRecorded = (v: Pick<VisitRow, "done_on" | "missed_reason" | "closed_reason">) =>
  v.done_on !== null || v.missed_reason !== null || v.closed_reason !== null;

/** The schedule an enrolment follows: its arm's, else its study's, else the §4.4 default. */
export async function scheduleForEnrolment(
  db: Kysely<DB>,
  enrolment: Pick<EnrolmentRow, "study_id" | "arm_code">,
): Promise<VisitSchedule> {
  const own = await scheduleForArm(db, enrolment.study_id, enrolment.arm_code);
  // Stored only after parseVisitSchedule accepted it (services/study-schedules.ts).
  return own ? (own.schedule as VisitSchedule) : defaultVisitSchedule(indicationOfArm(enrolment.arm_code));
}

/** What a regeneration changed, by visit code. */
export interface VisitSyncSummary {
  enrolmentId: string;
  schedule: string | null;
  created: string[];
  moved: string[];
  removed: string[];
  keptRecorded: string[];
}

/**
 * Brings an enrolment's visits in line with its infusion date and schedule, inside the caller's
 * transaction (`db` must be that transaction: PGlite has one connection). Recorded visits (done
 * or missed) keep their dates, since they describe what happened; open ones are moved, created or
 * removed, except that an open visit an assessment was stored against is kept rather than
 * removed, so the assessment keeps its visit. One audit row summarises the change, so a
 * regenerated schedule can be traced to the enrolment or schedule change that caused it.
 */
export async function syncEnrolmentVisits(
  db: Kysely<DB>,
  ctx: ServiceContext,
  enrolment: Pick<EnrolmentRow, "id" | "patient_id" | "site_id" | "study_id" | "arm_code" | "infusion_date">,
  context: { previousInfusionDate: string | null; reason?: string },
): Promise<VisitSyncSummary> {
  const existing = await visitsOfEnrolment(db, enrolment.id);
  const byCode = new Map(existing.map((v) => [v.code, v]));
  const now = ctx.now();
  const schedule = enrolment.infusion_date ? await scheduleForEnrolment(db, enrolment) : null;
  const generated =
    schedule && enrolment.infusion_date ? generateVisits(schedule, enrolment.infusion_date) : [];

  const inserts: Insertable<VisitsTable>[] = [];
  const moved: string[] = [];
  const kept: string[] = [];
  for (const [seq, g] of generated.entries()) {
    const expected: VisitExpected = {
      assessments: g.assessments,
      labs: g.labs,
      activities: g.activities,
      ltfuItems: g.ltfuItems,
    };
    const columns = {
      schedule: schedule!.name,
      seq,
      label: g.label,
      nominal_date: g.nominalDate,
      nominal_day: g.nominalDay,
      window_start: g.windowStart,
      window_end: g.windowEnd,
      registry: g.registryWindow?.registry ?? null,
      registry_window_start: g.registryWindow?.start ?? null,
      registry_window_end: g.registryWindow?.end ?? null,
      expected: JSON.stringify(expected),
    };
    const current = byCode.get(g.code);
    byCode.delete(g.code);
    if (!current) {
      inserts.push({
        id: uuidv7(),
        enrolment_id: enrolment.id,
        patient_id: enrolment.patient_id,
        site_id: enrolment.site_id,
        code: g.code,
        ...columns,
        done_on: null,
        missed_reason: null,
        closed_on: null,
        closed_reason: null,
        ltfu_record: null,
        created_at: now,
        created_by: ctx.actor.userId,
        updated_at: now,
      });
    } else if (isRecorded(current)) {
      kept.push(current.code);
    } else if (
      current.nominal_date !== g.nominalDate ||
      current.window_start !== g.windowStart ||
      current.window_end !== g.windowEnd ||
      JSON.stringify(current.expected) !== columns.expected ||
      current.schedule !== columns.schedule
    ) {
      // A bumped version makes a PATCH prepared against the old dates fail instead of landing on
      // a visit that has since moved.
      const updated = await updateVisitVersioned(db, current.id, current.version, columns, now);
      if (!updated) throw new DomainError("conflict", "A visit changed while its schedule was regenerated.");
      moved.push(current.code);
    }
  }
  // Open visits the schedule no longer has (or every open one when the infusion date was cleared).
  const leftovers = [...byCode.values()];
  const assessed = await visitsWithAssessments(
    db,
    leftovers.map((v) => v.id),
  );
  const keep = (v: VisitRow) => isRecorded(v) || assessed.has(v.id);
  const removed = leftovers.filter((v) => !keep(v));
  kept.push(...leftovers.filter(keep).map((v) => v.code));
  await insertVisits(db, inserts);
  await deleteVisits(
    db,
    removed.map((v) => v.id),
  );
  const summary: VisitSyncSummary = {
    enrolmentId: enrolment.id,
    schedule: schedule?.name ?? null,
    created: inserts.map((v) => v.code),
    moved,
    removed: removed.map((v) => v.code),
    keptRecorded: kept,
  };
  if (inserts.length + moved.length + removed.length === 0) return summary;
  await appendAudit(db, ctx, {
    action: existing.length === 0 ? "create" : "update",
    entityType: "visit-schedule",
    entityId: enrolment.id,
    siteId: enrolment.site_id,
    before: existing.length === 0 ? null : { infusionDate: context.previousInfusionDate },
    after: {
      infusionDate: enrolment.infusion_date,
      schedule: schedule?.name ?? null,
      created: inserts.map((v) => v.code),
      moved,
      removed: removed.map((v) => v.code),
      keptRecorded: kept,
    },
    reason: context.reason ?? null,
  });
  return summary;
}

/**
 * The journey ended (died, withdrew, lost, stopped, completed): its enrolment's open visits close
 * with the reason and the site-local date, inside the caller's transaction, with one audit row
 * naming the visits closed. Done and missed visits stay as they are.
 */
export async function closeVisitsAtJourneyEnd(
  db: Kysely<DB>,
  ctx: ServiceContext,
  journey: { enrolment_id: string; site_id: string },
  reason: string,
): Promise<string[]> {
  const on = await todayAtSite(db, ctx, journey.site_id);
  const closed = await closeOpenVisitsOfEnrolment(db, journey.enrolment_id, { on, reason }, ctx.now());
  if (closed.length === 0) return [];
  const codes = closed.map((v) => v.code);
  await appendAudit(db, ctx, {
    action: "update",
    entityType: "visit-schedule",
    entityId: journey.enrolment_id,
    siteId: journey.site_id,
    before: { open: codes },
    after: { closed: codes, closedOn: on, closedReason: reason },
    reason,
  });
  return codes;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface VisitDto extends Record<string, unknown> {
  id: string;
  enrolmentId: string;
  patientId: string;
  siteId: string;
  subjectCode: string;
  schedule: string;
  code: string;
  label: string;
  nominalDate: string;
  nominalDay: number;
  windowStart: string;
  windowEnd: string;
  registryWindow: { registry: string; start: string; end: string } | null;
  expected: VisitExpected;
  doneOn: string | null;
  missedReason: string | null;
  /** the site-local date the journey ended with this visit open, and why (else null) */
  closedOn: string | null;
  closedReason: string | null;
  /** LTFU items recorded at this contact, by item code */
  ltfuRecord: LtfuRecord | null;
  /** status on `today`, the calendar date at the patient's site */
  today: string;
  /** study day of `today` */
  studyDayToday: number;
  status: VisitStatus;
  version: number;
  updatedAt: string;
}

type VisitWithSubject = VisitRow & { subject_code: string; infusion_date?: string | null };

const windowOf = (v: VisitRow) => ({
  nominalDate: v.nominal_date,
  nominalDay: v.nominal_day,
  windowStart: v.window_start,
  windowEnd: v.window_end,
});

function statusOn(v: VisitRow, today: string): VisitStatus {
  // A done date after "today" can only come from a clock set back (tests, a wrong server clock);
  // the visit is still done, so judge it as of that date rather than fail the whole list.
  const asOf = v.done_on !== null && v.done_on > today ? v.done_on : today;
  return visitStatus(windowOf(v), {
    today: asOf,
    ...(v.done_on !== null ? { doneOn: v.done_on } : {}),
    ...(v.missed_reason !== null ? { missedReason: v.missed_reason } : {}),
    ...(v.closed_on !== null && v.closed_reason !== null
      ? { closed: { on: v.closed_on, reason: v.closed_reason } }
      : {}),
  });
}

function toDto(v: VisitWithSubject, today: string): VisitDto {
  const infusion = addDays(v.nominal_date, -v.nominal_day);
  return {
    id: v.id,
    enrolmentId: v.enrolment_id,
    patientId: v.patient_id,
    siteId: v.site_id,
    subjectCode: v.subject_code,
    schedule: v.schedule,
    code: v.code,
    label: v.label,
    nominalDate: v.nominal_date,
    nominalDay: v.nominal_day,
    windowStart: v.window_start,
    windowEnd: v.window_end,
    registryWindow:
      v.registry && v.registry_window_start && v.registry_window_end
        ? { registry: v.registry, start: v.registry_window_start, end: v.registry_window_end }
        : null,
    expected: v.expected,
    doneOn: v.done_on,
    missedReason: v.missed_reason,
    closedOn: v.closed_on,
    closedReason: v.closed_reason,
    ltfuRecord: v.ltfu_record,
    today,
    studyDayToday: studyDay(today, infusion),
    status: statusOn(v, today),
    version: v.version,
    updatedAt: v.updated_at.toISOString(),
  };
}

/** The site's calendar date at the instant `at` (its own time zone: a 01:00 infusion in Shanghai is that day). */
export async function dateAtSite(db: Kysely<DB>, siteId: string, at: Date): Promise<string> {
  const site = await findSite(db, siteId);
  if (!site) throw notFound("site", siteId);
  return localDate(at, site.time_zone);
}

const todayAtSite = (db: Kysely<DB>, ctx: ServiceContext, siteId: string) =>
  dateAtSite(db, siteId, ctx.now());

export async function listPatientVisits(
  ctx: ServiceContext,
  patientId: string,
): Promise<{ items: VisitDto[] }> {
  const patient = await loadPatientFor(ctx, patientId, "enrolment:read");
  const today = await todayAtSite(ctx.db, ctx, patient.site_id);
  const rows = await visitsOfPatient(ctx.db, patient.id);
  return { items: rows.map((r) => toDto(r, today)) };
}

export async function getVisit(ctx: ServiceContext, id: string): Promise<VisitDto> {
  const row = await findVisit(ctx.db, id);
  if (!row) throw notFound("visit", id);
  requireAt(ctx.actor, row.site_id, "enrolment:read", "visit", id);
  const patient = await loadPatientFor(ctx, row.patient_id, "enrolment:read");
  return toDto({ ...row, subject_code: patient.subject_code }, await todayAtSite(ctx.db, ctx, row.site_id));
}

// ---------------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------------

/** One LTFU item's finding at a contact; "reported" needs a note saying what was reported. */
const LtfuItemRecord = z
  .object({
    outcome: z.enum(LTFU_OUTCOMES, "Use none, reported or unknown"),
    note: z.string().trim().max(2000).nullish(),
  })
  .superRefine((r, ctx) => {
    if (r.outcome === "reported" && (r.note ?? "").length < 3)
      ctx.addIssue({
        code: "custom",
        path: ["note"],
        message: "Say what was reported (at least 3 characters)",
      });
  });

/**
 * Done on a date, or missed with a reason; both null reopens a visit recorded by mistake. At a done
 * long-term follow-up contact, `ltfuItems` records what each expected LTFU item found (merged into
 * what was recorded before).
 */
export const VisitRecord = z
  .object({
    doneOn: CalendarDate.nullish(),
    missedReason: z.string().trim().min(3, "Give a reason of at least 3 characters").max(1000).nullish(),
    ltfuItems: z.partialRecord(z.enum(LTFU_ITEM_CODES), LtfuItemRecord).optional(),
    version: Version.optional(),
    reason: Reason,
  })
  .superRefine((v, ctx) => {
    if (v.doneOn && v.missedReason)
      ctx.addIssue({
        code: "custom",
        path: ["missedReason"],
        message: "A visit is either done or missed, not both",
      });
    if (v.doneOn === undefined && v.missedReason === undefined && v.ltfuItems === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["doneOn"],
        message: "Give doneOn, missedReason (null to clear) or ltfuItems",
      });
  });

export async function recordVisit(
  ctx: ServiceContext,
  id: string,
  raw: unknown,
  ifMatch?: number,
): Promise<VisitDto> {
  const input = parseInput(VisitRecord, raw);
  return inTransaction(ctx, async (db) => {
    const row = await findVisit(db, id);
    if (!row) throw notFound("visit", id);
    requireAt(ctx.actor, row.site_id, "enrolment:write", "visit", id);
    checkVersion(row.version, expectedVersion(ifMatch, input.version));
    const today = await todayAtSite(db, ctx, row.site_id);
    // Setting one clears the other, so "missed" can be corrected to "done" in one request. Either
    // replaces a closure at the journey's end: what happened is entered after the fact.
    const outcome = Boolean(input.doneOn || input.missedReason);
    const changes = {
      done_on: input.doneOn !== undefined ? input.doneOn : input.missedReason ? null : row.done_on,
      missed_reason:
        input.missedReason !== undefined ? input.missedReason : input.doneOn ? null : row.missed_reason,
      closed_on: outcome ? null : row.closed_on,
      closed_reason: outcome ? null : row.closed_reason,
    };
    const ltfuRecord = input.ltfuItems
      ? mergeLtfuItems(row, changes.done_on, input.ltfuItems)
      : row.ltfu_record;
    // visitStatus checks the done date against today and the infusion, with JSON Pointers.
    visitStatus(windowOf(row), {
      today,
      ...(changes.done_on !== null ? { doneOn: changes.done_on } : {}),
      ...(changes.missed_reason !== null ? { missedReason: changes.missed_reason } : {}),
    });
    const updated = await updateVisitVersioned(
      db,
      id,
      row.version,
      { ...changes, ...(input.ltfuItems ? { ltfu_record: JSON.stringify(ltfuRecord) } : {}) },
      ctx.now(),
    );
    if (!updated)
      throw new DomainError(
        "conflict",
        "The record changed while you were saving it. Nothing was written; reload and retry.",
      );
    const { subject_code } = (await findById(db, "patients", row.patient_id))!;
    const patient = { subject_code };
    const before = toDto({ ...row, ...patient }, today);
    const after = toDto({ ...updated, ...patient }, today);
    const recorded = (d: VisitDto) => ({
      doneOn: d.doneOn,
      missedReason: d.missedReason,
      closedReason: d.closedReason,
      ltfuRecord: d.ltfuRecord,
    });
    const diff = changedFields(recorded(before), recorded(after));
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "visit",
      entityId: id,
      siteId: row.site_id,
      before: diff.before,
      after: diff.after,
      reason: input.reason,
    });
    return after;
  });
}

/**
 * LTFU items go on a contact that took place (done after this change) and only for the items the
 * visit expects; every problem is reported with its JSON Pointer.
 */
function mergeLtfuItems(
  row: VisitRow,
  doneOn: string | null,
  items: NonNullable<z.infer<typeof VisitRecord>["ltfuItems"]>,
): LtfuRecord {
  const issues = [];
  if (doneOn === null)
    issues.push({ path: "/ltfuItems", message: "Record the contact as done (doneOn) with its LTFU items" });
  const expected = new Set(row.expected.ltfuItems);
  for (const code of Object.keys(items))
    if (!expected.has(code))
      issues.push({ path: `/ltfuItems/${code}`, message: `Visit ${row.code} does not collect ${code}` });
  if (issues.length) throw new DomainError("validation", "The LTFU items cannot be recorded.", issues);
  const merged: LtfuRecord = { ...(row.ltfu_record ?? {}) };
  for (const [code, r] of Object.entries(items))
    if (r) merged[code] = { outcome: r.outcome, note: r.note ?? null };
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Worklist and calendar
// ---------------------------------------------------------------------------------------------

export const WORKLIST_STATUSES = ["due", "overdue"] as const;

export const WorklistQuery = z
  .object({
    siteId: z.uuid().optional(),
    from: CalendarDate.optional(),
    to: CalendarDate.optional(),
    // "due,overdue" in a query string; already an array when the HTTP layer parsed it first.
    status: z
      .preprocess(
        (v) => (typeof v === "string" ? v.split(",").map((x) => x.trim()) : v),
        z.array(z.enum(WORKLIST_STATUSES, "Use due, overdue or both (comma-separated)")).min(1),
      )
      .default(["due", "overdue"]),
    /** part of a subject code, any case */
    find: z.string().trim().min(1).max(40).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(400).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to < q.from)
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must not be before from" });
  });
export type WorklistQuery = z.input<typeof WorklistQuery>;

export interface WorklistItem extends VisitDto {
  siteCode: string;
}

export interface Worklist {
  /** the period per site, in that site's calendar */
  sites: { siteId: string; siteCode: string; today: string; from: string; to: string }[];
  items: WorklistItem[];
  /** the next page's cursor, null on the last page */
  nextCursor: string | null;
}

/**
 * Open visits due in [from, to] (window overlapping the period) or overdue (window closed before
 * from) at the actor's sites, most overdue first, a page at a time (`nextCursor`), optionally those
 * of subject codes containing `find`. `from` and `to` default to today at each site, so a multi-site
 * actor sees each site's own today.
 */
export async function worklist(ctx: ServiceContext, raw: unknown): Promise<Worklist> {
  const q = parseInput(WorklistQuery, raw);
  const siteIds = readableSites(ctx.actor, "enrolment:read", q.siteId);
  const cursor = decodeCursor(q.cursor, ["date", "text", "count", "uuid"]);
  const after: WorklistKey | undefined = cursor
    ? [cursor[0], cursor[1], Number(cursor[2]), cursor[3]]
    : undefined;
  const now = ctx.now();
  const periodsOf = (sites: readonly KeyedSite[]): Worklist["sites"] =>
    sites.map((s) => {
      const today = localDate(now, s.time_zone);
      const from = q.from ?? today;
      const to = q.to ?? (q.from && q.from > today ? q.from : today);
      return { siteId: s.id, siteCode: s.code, today, from, to };
    });
  // The periods name each site's code and today; the zone that decided today is in the version.
  return heldWorklists.atSites(
    ctx.db,
    { topic: "dashboard", siteIds },
    periodsOf,
    (periods) => JSON.stringify([q, periods]),
    (periods) => worklistPage(ctx, q, periods, after),
  );
}

/**
 * Worklist pages held between requests while their sites' `dashboard` version (migration 0031:
 * the sites' visits, enrolments and journeys, a patient's subject code or site, a site's code,
 * name or zone — everything a page reads) and their days stand (decision 0053): coordinators
 * reread the list all day, and the dashboard's visits panel is a page of it.
 */
const heldWorklists = new HeldAnswers<Worklist>(64);

async function worklistPage(
  ctx: ServiceContext,
  q: z.output<typeof WorklistQuery>,
  periods: Worklist["sites"],
  after: WorklistKey | undefined,
): Promise<Worklist> {
  const filters: WorklistSiteFilter[] = periods.map((p) => ({
    siteId: p.siteId,
    from: p.from,
    to: p.to,
    overdueBefore: p.from,
    due: q.status.includes("due"),
    overdue: q.status.includes("overdue"),
  }));
  const rows = await openVisitsForWorklist(ctx.db, filters, {
    limit: q.limit,
    ...(after ? { after } : {}),
    ...(q.find ? { subjectCode: q.find } : {}),
  });
  const bySite = new Map(periods.map((p) => [p.siteId, p]));
  const page = rows.slice(0, q.limit);
  const items = page.map((r) => {
    const p = bySite.get(r.site_id)!;
    return { ...toDto(r, p.today), siteCode: p.siteCode };
  });
  const last = page.at(-1);
  const nextCursor =
    rows.length > q.limit && last
      ? encodeCursor([last.window_end, last.subject_code, String(last.seq), last.id])
      : null;
  return { sites: periods, items, nextCursor };
}

/**
 * What the calendar feed covers around the site's today: a calendar client re-reads the feed every
 * few hours, so it needs the coming months, not fifteen years of follow-up (issue 15: 78,563 events,
 * 31 MB, 30–61 s at 10,000 patients). Overdue windows that closed more than a month ago are on
 * the worklist.
 */
export const CALENDAR_MONTHS_BACK = 1;
export const CALENDAR_MONTHS_AHEAD = 6;

/**
 * Feeds held per site and day (decision 0050): calendar clients poll the feed, and it is built
 * again only when the site's visit calendar version (migration 0029) has moved or the day has.
 */
const heldFeeds = new HeldAnswers<CalendarFeed>(16);

/**
 * A feed's text in an object of its own: the held answer, the same object for every request while
 * it is held, so what is kept with it (its bytes and gzip, http/held-gzip.ts) is found by identity,
 * never by comparing 1.6 MB of text.
 */
export interface CalendarFeed {
  readonly text: string;
}

/**
 * The site's feed and its entity tag: the tag names the site, its day and its visit calendar
 * version, so a client that has this feed is told so (304) without it being sent again.
 */
export async function siteVisitsCalendar(
  ctx: ServiceContext,
  siteId: string,
): Promise<{ feed: CalendarFeed; etag: string }> {
  readableSites(ctx.actor, "enrolment:read", siteId);
  // The version with the site, read before its visits (services/held-answers.ts says why).
  const {
    versions: [version],
    sites: [site],
  } = await siteVersionsAndSites(ctx.db, ["visit-calendar"], [siteId]);
  if (!site || version === undefined) throw notFound("site", siteId);
  const today = localDate(ctx.now(), site.time_zone);
  const key = `${siteId}|${today}`;
  const held = await heldFeeds.getOrCompute(ctx.db, key, version, async () => ({
    text: await feed(ctx, site, today),
  }));
  const etag = `"${hash("sha256", `${key}|${version}`, "base64url").slice(0, 22)}"`;
  return { feed: held, etag };
}

/** The site's open visit windows around today as all-day events; subject codes only, never identity. */
async function feed(ctx: ServiceContext, site: { id: string; code: string }, today: string): Promise<string> {
  const rows = await openVisitsOfSite(ctx.db, site.id, {
    from: addMonths(today, -CALENDAR_MONTHS_BACK),
    to: addMonths(today, CALENDAR_MONTHS_AHEAD),
  });
  return allDayCalendarText({
    name: `vein2vein visits · ${site.code}`,
    productId: "-//vein2vein//visits//EN",
    // All-day events are floating dates: the window is in the site's calendar, not an instant.
    events: rows.map((r) => ({
      uid: `${r.id}@vein2vein`,
      firstDay: r.window_start,
      lastDay: r.window_end,
      summary: `${r.subject_code} · ${r.code} (${r.label})`,
      description: `Visit window ${r.window_start} to ${r.window_end}; planned ${r.nominal_date} (study day ${r.nominal_day}).`,
      stamp: r.updated_at,
    })),
  });
}
