/**
 * The program dashboard for one site, in one read: patients by journey stage, protocol visits due
 * this week and overdue, products between collection and the ward with days so far, open
 * toxicities with their current grade, and recent infusions. Each panel follows the permission of
 * the records it shows; a panel the role may not read is null rather than a refusal of the whole
 * dashboard (manufacturing and quality see no toxicities, which are clinical records). The panels
 * are held between requests while the site's records they read and its day are unchanged, the
 * toxicities also only until their window has moved past one of them (decision 0052 and its
 * addendum).
 */

import { z } from "zod";
import { addDays } from "../domain/calendar.ts";
import { notFound } from "../domain/errors.ts";
import { may, type Permission } from "../domain/roles.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import { JOURNEY_STATES, type ProductState, TERMINAL_JOURNEY_STATES } from "../domain/vein-to-vein.ts";
import {
  infusionsBetween,
  journeyStagesOfSite,
  type LatestGradingRow,
  latestGradingsSince,
  productsInStates,
} from "../store/dashboard.ts";
import { siteVersionsAndSites } from "../store/site-versions.ts";
import { countOpenVisits } from "../store/visits.ts";
import { readableSites, rolesAt } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { HeldAnswers, holdComposed } from "./held-answers.ts";
import { parseInput } from "./validate.ts";
import { worklist } from "./visits.ts";

export const DashboardQuery = z.object({ siteId: z.uuid() });

/**
 * Products the dashboard follows: out of the patient and not yet back on the ward, on journeys
 * that have not ended. The phase is what a coordinator asks ("where is it?"); states as in
 * domain/vein-to-vein.ts.
 */
export const PRODUCT_PHASE: Partial<
  Record<ProductState, "awaiting shipment" | "in transit" | "at manufacturer">
> = {
  collected: "awaiting shipment",
  "in-transit-to-manufacturer": "in transit",
  "received-at-manufacturer": "at manufacturer",
  "in-manufacture": "at manufacturer",
  "qc-pending": "at manufacturer",
  released: "at manufacturer",
  "out-of-specification": "at manufacturer",
  quarantined: "at manufacturer",
  "in-transit-to-site": "in transit",
};

/** Stored gradings that are toxicities (ASTCT CRS/ICANS, CTCAE haematology, ICAHT, IEC-HS). */
export const TOXICITY_CALCULATORS = ["crs", "icans", "ctcae-hematology", "icaht", "iec-hs"] as const;

/**
 * How far back the dashboard looks for toxicities. A program choice, not a grading rule: the acute
 * period after infusion in which CRS, ICANS and early cytopenias are graded is the first weeks;
 * a toxicity whose latest grading in that period is ≥ 1 is "open" until someone grades it 0.
 */
export const OPEN_TOXICITY_LOOKBACK_DAYS = 30;
/** Infusions listed as recent: those of the last 30 days, or the last five when there were fewer. */
export const RECENT_INFUSION_DAYS = 30;
/** Patients named per journey stage (the first by subject code); the count covers them all. */
export const STAGE_PATIENTS_NAMED = 20;
/** Visits listed in the panel (due this week first, then overdue); the counts cover them all. */
export const DASHBOARD_VISITS_LISTED = 50;

export interface Dashboard {
  site: { id: string; code: string; name: string; timeZone: string };
  today: string;
  week: { from: string; to: string };
  journeyStages:
    | { stage: string; count: number; patients: { patientId: string; subjectCode: string }[] }[]
    | null;
  visits: {
    dueThisWeek: number;
    overdue: number;
    items: {
      visitId: string;
      patientId: string;
      subjectCode: string;
      code: string;
      label: string;
      nominalDate: string;
      windowStart: string;
      windowEnd: string;
      status: "due" | "overdue" | "upcoming";
      daysOverdue: number | null;
    }[];
  } | null;
  products:
    | {
        productId: string;
        patientId: string;
        subjectCode: string;
        kind: string;
        din: string;
        state: string;
        phase: string;
        collectedOn: string | null;
        daysSinceCollection: number | null;
        daysInState: number;
      }[]
    | null;
  toxicities:
    | {
        assessmentId: string;
        patientId: string;
        subjectCode: string;
        calculator: string;
        grade: number;
        label: string;
        assessedAt: string;
        studyDay: number | null;
      }[]
    | null;
  recentInfusions:
    | {
        enrolmentId: string;
        patientId: string;
        subjectCode: string;
        infusionDate: string;
        studyDayToday: number;
        armCode: string;
        doseLevelCode: string | null;
      }[]
    | null;
}

/** A stored result's value as a grade, if it is one. */
const gradeOf = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export async function programDashboard(ctx: ServiceContext, raw: unknown): Promise<Dashboard> {
  const q = parseInput(DashboardQuery, raw);
  readableSites(ctx.actor, "patient:read", q.siteId); // 404 for a stranger, 403 for no reading role
  // The site and its versions in one statement, read before the panels' records
  // (services/held-answers.ts says why).
  const {
    versions: [version, gradings],
    sites: [site],
  } = await siteVersionsAndSites(ctx.db, ["dashboard", "toxicities"], [q.siteId]);
  if (!site || version === undefined || gradings === undefined) throw notFound("site", q.siteId);
  const roles = rolesAt(ctx.actor, site.id);
  const now = ctx.now();
  const today = localDate(now, site.time_zone);
  const week = { from: today, to: addDays(today, 6) };
  const panel = <T>(permission: Permission, read: () => Promise<T>): Promise<T | null> =>
    may(roles, permission) ? read() : Promise.resolve(null);
  const shown = HELD_PANEL_PERMISSIONS.filter((p) => may(roles, p));
  // The panels read independent tables: one round trip's wait instead of five in a row.
  const [held, toxicities] = await Promise.all([
    heldPanels.getOrCompute(
      ctx.db,
      `${site.id}|${today}|${site.time_zone}|${shown.join(",")}`,
      version,
      async () => {
        const [journeyStages, visits, products, recentInfusions] = await Promise.all([
          panel("enrolment:read", () => journeyStagesPanel(ctx, site.id)),
          panel("enrolment:read", () => visitsPanel(ctx, site.id, week)),
          panel("study:read", () => productsPanel(ctx, site, today)),
          panel("enrolment:read", () => recentInfusionsPanel(ctx, site.id, today)),
        ]);
        return { journeyStages, visits, products, recentInfusions };
      },
    ),
    panel("clinical:read", () => heldToxicities(ctx, site.id, `${version}|${gradings}`, now)),
  ]);
  // The same panels make the same dashboard: the site's fields move the version, and today and
  // the week are in the held panels' key. Sent again, it is one held answer (its text and gzip
  // form kept with it, http/held-gzip.ts) rather than a new object serialised anew.
  // Kept per toxicity panel: a role that sees none (null) and one that does may take turns.
  let made = composed.get(held);
  if (!made) {
    made = { toxicities: new WeakMap<object, Dashboard>() };
    composed.set(held, made);
  }
  const found = toxicities === null ? made.withoutToxicities : made.toxicities.get(toxicities);
  if (found) return found;
  const { journeyStages, visits, products, recentInfusions } = held;
  const dashboard = holdComposed<Dashboard>({
    site: { id: site.id, code: site.code, name: site.name, timeZone: site.time_zone },
    today,
    week,
    journeyStages,
    visits,
    products,
    toxicities,
    recentInfusions,
  });
  if (toxicities === null) made.withoutToxicities = dashboard;
  else made.toxicities.set(toxicities, dashboard);
  return dashboard;
}

/** The dashboards made of these held panels, by the toxicity panel each was made with. */
const composed = new WeakMap<
  HeldPanels,
  { withoutToxicities?: Dashboard; toxicities: WeakMap<object, Dashboard> }
>();

type Panel<K extends keyof Dashboard> = NonNullable<Dashboard[K]>;

/**
 * The panels that change only with the site's records and its day, held between requests while
 * the site's dashboard version (migration 0031: journeys, visits, enrolments, product units and
 * events of the site, a patient's subject code, the site's code, name and zone) and its day stand
 * (decision 0052). Toxicities are held apart (heldToxicities): their 30-day window moves with the
 * clock.
 */
type HeldPanels = Pick<Dashboard, "journeyStages" | "visits" | "products" | "recentInfusions">;
const heldPanels = new HeldAnswers<HeldPanels>(64);
/** What decides which held panels a role sees, and so part of their key. */
const HELD_PANEL_PERMISSIONS: Permission[] = ["enrolment:read", "study:read"];

async function journeyStagesPanel(ctx: ServiceContext, siteId: string): Promise<Panel<"journeyStages">> {
  const rows = new Map(
    (await journeyStagesOfSite(ctx.db, siteId, STAGE_PATIENTS_NAMED)).map((r) => [r.state, r]),
  );
  return JOURNEY_STATES.flatMap((stage) => {
    const r = rows.get(stage);
    return r && r.count > 0 ? [{ stage, count: r.count, patients: r.patients }] : [];
  });
}

async function visitsPanel(
  ctx: ServiceContext,
  siteId: string,
  week: { from: string; to: string },
): Promise<Panel<"visits">> {
  // A page of the worklist; the counts come from SQL so they cover every visit.
  const [list, counts] = await Promise.all([
    worklist(ctx, { siteId, from: week.from, to: week.to, limit: DASHBOARD_VISITS_LISTED }),
    countOpenVisits(ctx.db, { siteId, from: week.from, to: week.to }),
  ]);
  const items = list.items.map((v) => ({
    visitId: v.id,
    patientId: v.patientId,
    subjectCode: v.subjectCode,
    code: v.code,
    label: v.label,
    nominalDate: v.nominalDate,
    windowStart: v.windowStart,
    windowEnd: v.windowEnd,
    status: v.status.status as "due" | "overdue" | "upcoming",
    daysOverdue: v.status.status === "overdue" ? v.status.daysOverdue : null,
  }));
  return { dueThisWeek: counts.due, overdue: counts.overdue, items };
}

async function productsPanel(
  ctx: ServiceContext,
  site: { id: string; time_zone: string },
  today: string,
): Promise<Panel<"products">> {
  const dayOf = (d: Date) => localDate(d, site.time_zone);
  const rows = await productsInStates(ctx.db, site.id, Object.keys(PRODUCT_PHASE), TERMINAL_JOURNEY_STATES);
  return rows.map((r) => {
    const collectedOn = r.collected_at ? dayOf(new Date(r.collected_at)) : null;
    const since = dayOf(new Date(r.state_since ?? r.created_at));
    return {
      productId: r.id,
      patientId: r.patient_id,
      subjectCode: r.subject_code,
      kind: r.kind,
      din: r.din,
      state: r.state,
      phase: PRODUCT_PHASE[r.state as ProductState] ?? r.state,
      collectedOn,
      daysSinceCollection: collectedOn ? studyDay(today, collectedOn) : null,
      daysInState: studyDay(today, since),
    };
  });
}

const LOOKBACK_MS = OPEN_TOXICITY_LOOKBACK_DAYS * 86_400_000;

/**
 * The toxicity panel, held under the site's dashboard version (the patients' subject codes) and
 * its `toxicities` version (migration 0035: the site's assessments, by bumps that never wait for
 * another writer; decision 0052's second addendum). Its window ends at the moment it is asked, so
 * it is held only while no row it was read from has left the window: the window's start only
 * moves forward, so until the oldest of those rows (each patient's latest grading by each
 * calculator, grade 0 included) is more than 30 days old, the same statement would read the same
 * rows, and after it, it would not.
 */
const heldToxicityPanels = new HeldAnswers<{
  panel: Panel<"toxicities">;
  /** the instant it was read at, and the last at which the same statement reads the same rows */
  readAt: number;
  heldUntil: number;
}>(64);

async function heldToxicities(
  ctx: ServiceContext,
  siteId: string,
  version: string,
  now: Date,
): Promise<Panel<"toxicities">> {
  const held = heldToxicityPanels.get(ctx.db, siteId, version);
  // A clock set back (a test's, or a step of the system clock) is before the instant it was read
  // at: the window then starts earlier, and older gradings may be in it again.
  if (held && held.readAt <= now.getTime() && now.getTime() <= held.heldUntil) return held.panel;
  const { panel, oldestRead } = await toxicitiesPanel(ctx, siteId, now);
  return heldToxicityPanels.hold(ctx.db, siteId, version, {
    panel,
    readAt: now.getTime(),
    heldUntil: oldestRead === null ? Number.POSITIVE_INFINITY : oldestRead + LOOKBACK_MS,
  }).panel;
}

async function toxicitiesPanel(
  ctx: ServiceContext,
  siteId: string,
  now: Date,
): Promise<{ panel: Panel<"toxicities">; oldestRead: number | null }> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  // Each patient's latest grading by each calculator in the window: open while it is ≥ 1.
  const latest = await latestGradingsSince(ctx.db, siteId, TOXICITY_CALCULATORS, since);
  const oldestRead = latest.reduce<number | null>((oldest, r) => {
    const at = new Date(r.assessed_at).getTime();
    return oldest === null || at < oldest ? at : oldest;
  }, null);
  const panel = latest
    .map((r) => ({ r, grade: gradeOf(r.value) }))
    .filter((x): x is { r: LatestGradingRow; grade: number } => x.grade !== null && x.grade >= 1)
    .map(({ r, grade }) => ({
      assessmentId: r.id,
      patientId: r.patient_id,
      subjectCode: r.subject_code,
      calculator: r.calculator,
      grade,
      label: r.label,
      assessedAt: new Date(r.assessed_at).toISOString(),
      studyDay: r.study_day,
    }))
    .sort((a, b) => b.grade - a.grade || a.subjectCode.localeCompare(b.subjectCode));
  return { panel, oldestRead };
}

async function recentInfusionsPanel(
  ctx: ServiceContext,
  siteId: string,
  today: string,
): Promise<Panel<"recentInfusions">> {
  let rows = await infusionsBetween(ctx.db, siteId, addDays(today, -RECENT_INFUSION_DAYS), today);
  if (rows.length < 5) rows = (await infusionsBetween(ctx.db, siteId, "0001-01-01", today)).slice(0, 5);
  return rows.map((r) => ({
    enrolmentId: r.id,
    patientId: r.patient_id,
    subjectCode: r.subject_code,
    infusionDate: r.infusion_date!,
    studyDayToday: studyDay(today, r.infusion_date!),
    armCode: r.arm_code,
    doseLevelCode: r.dose_level_code,
  }));
}
