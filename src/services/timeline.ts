/**
 * A patient's timeline: everything recorded, in time order, with the study day once there is an
 * infusion (day 0 = infusion day in the site's time zone; see domain/study-day.ts).
 */
import { z } from "zod";
import { studyDay } from "../domain/study-day.ts";
import { timelineRows } from "../store/timeline.ts";
import type { ServiceContext } from "./context.ts";
import { endpointsOf, endpointTimelineItems, patientForEndpoints } from "./derived-endpoints.ts";
import { HeldAnswers } from "./held-answers.ts";
import { decodeCursor, type Page, toPage } from "./pagination.ts";

export const TIMELINE_KINDS = [
  "condition",
  "condition-resolved",
  "medication-start",
  "medication-stop",
  "observation",
  "event",
  "consent",
  "enrolment",
  "infusion",
  "assessment",
  "journey",
  "product",
  "custody-handoff",
  "temperature-log",
  "visit",
  "derived-endpoint",
] as const;

export const TimelineItem = z.object({
  kind: z.enum(TIMELINE_KINDS),
  id: z.string(),
  at: z.string(),
  date: z.string(),
  studyDay: z.number().int().nullable(),
  summary: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export interface Timeline extends Page<TimelineItem> {
  patientId: string;
  subjectCode: string;
  infusionDate: string | null;
  timeZone: string;
}

/**
 * Pages held per database while the patient's record is unchanged (decision 0056). A page is
 * 30–40 KB of text when sent; a ward's worth of patients and their next pages fit.
 */
const heldPages = new HeldAnswers<Timeline>(500);

/** Drops this database's held pages, as a restart does: for benchmarks that time the computation. */
export const forgetHeldTimelinePages = (db: object) => heldPages.forget(db);

type TimelineQuery = { from?: string; to?: string; kinds?: string[]; limit: number; cursor?: string };

/**
 * The page asked for. It is held and answered again while nothing it shows can have changed:
 * the versions of the patient's records (migrations 0024 and 0034, bumped by every write to a
 * table the timeline or its derived endpoints read, in the writer's transaction), the subject
 * code, the site's time zone and day 0 are read first, in one round trip, and the page is held
 * under them. A page computed while a write commits is held under the older versions, so the
 * next read computes again (services/held-answers.ts).
 */
export async function patientTimeline(
  ctx: ServiceContext,
  patientId: string,
  q: TimelineQuery,
): Promise<Timeline> {
  const after = decodeCursor(q.cursor, ["instant", "text", "text"]);
  // Patient (authorised), site time zone, day 0 and both record versions in one round trip.
  const found = await patientForEndpoints(ctx, patientId);
  const { patient, known, timelineVersion } = found;
  const key = JSON.stringify([patientId, q.from, q.to, q.kinds, q.limit, q.cursor]);
  const digest = JSON.stringify([
    timelineVersion,
    known.recordVersion,
    known.timeZone,
    known.infusionDate,
    patient.subject_code,
  ]);
  return heldPages.getOrCompute(ctx.db, key, digest, () =>
    computeTimeline(ctx, found, q, after ?? undefined),
  );
}

async function computeTimeline(
  ctx: ServiceContext,
  { patient, known }: Awaited<ReturnType<typeof patientForEndpoints>>,
  q: TimelineQuery,
  after: [string, string, string] | undefined,
): Promise<Timeline> {
  const patientId = patient.id;
  const { timeZone, infusionDate: day0 } = known;
  // Derived endpoints come from the record (held while it is unchanged, decision 0051), then
  // are paged by SQL with the records.
  const derived =
    !q.kinds?.length || q.kinds.includes("derived-endpoint")
      ? endpointTimelineItems(await endpointsOf(ctx, patient, known))
      : undefined;
  const rows = await timelineRows(ctx.db, {
    derived,
    patientId,
    timeZone,
    from: q.from,
    to: q.to,
    kinds: q.kinds,
    after,
    limit: q.limit,
  });
  const page = toPage(
    rows,
    q.limit,
    (r) => [new Date(r.at).toISOString(), r.kind, r.ref_id],
    (r): TimelineItem => ({
      kind: r.kind as TimelineItem["kind"],
      id: r.ref_id,
      at: new Date(r.at).toISOString(),
      date: r.local_date,
      studyDay: day0 ? studyDay(r.local_date, day0) : null,
      summary: r.summary,
      detail: r.detail,
    }),
  );
  return {
    ...page,
    patientId,
    subjectCode: patient.subject_code,
    infusionDate: day0,
    timeZone,
  };
}
