/**
 * Read-only views for the web app's vein-to-vein board: the product units of a site, a page at a
 * time newest first (filtered by state, by part of a subject code or DIN), each with its
 * patient's subject code, its journey's state and how long it has been on its way, and the users
 * who may be the second person at a bedside verification.
 *
 * Days are calendar days at the site (the clinic's "day 12 since apheresis"), counted from the
 * apheresis collection of the unit's chain of identity: the collection is the "vein" end of
 * vein-to-vein time (shared/domain/workflow-standards.md §1.2). For an administered bag the count
 * stops at its administration, so the board shows the vein-to-vein days it took.
 */
import { z } from "zod";
import { isRole, may } from "../domain/roles.ts";
// studyDay is "days from a day 0 to a date", which is exactly a calendar-day count.
import { studyDay as daysFrom, localDate } from "../domain/study-day.ts";
import { PRODUCT_STATES, TERMINAL_JOURNEY_STATES, TERMINAL_PRODUCT_STATES } from "../domain/vein-to-vein.ts";
import { productUnitsForBoard } from "../store/dashboard.ts";
import { administrationDates, collectionDates } from "../store/products.ts";
import { activeMembersOfSite } from "../store/users.ts";
import { readableSites, requireAt } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { HeldAnswers } from "./held-answers.ts";
import { decodeCursor, encodeCursor } from "./pagination.ts";
import { type ProductDto, productDto } from "./products.ts";
import { parseInput } from "./validate.ts";

export const ProductBoardQuery = z.strictObject({
  siteId: z.uuid(),
  /**
   * "open": units still on their way, the same ones the dashboard follows — not in a final state
   * (administered, discarded, returned, failed), not on an ended journey (died, withdrew, lost,
   * stopped, completed), and not a collection that became a final product (the product is listed)
   */
  scope: z.enum(["open", "all"]).default("all"),
  state: z.enum(PRODUCT_STATES).optional(),
  /** part of a subject code or DIN, any case */
  find: z.string().trim().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});

export interface BoardUnit extends ProductDto {
  subjectCode: string;
  journeyState: string;
  /** site-local date of the apheresis collection on this chain of identity */
  collectedOn: string | null;
  /** calendar days from collection to today, or to administration for an administered bag */
  daysSinceCollection: number | null;
  /** calendar days since the unit last changed state */
  daysInState: number;
}

export async function productBoard(
  ctx: ServiceContext,
  raw: unknown,
): Promise<{
  siteId: string;
  today: string;
  /** every product state, in the order of the vein-to-vein machine, for a filter's choices */
  states: readonly string[];
  items: BoardUnit[];
  nextCursor: string | null;
}> {
  const q = parseInput(ProductBoardQuery, raw);
  const [siteId] = readableSites(ctx.actor, "study:read", q.siteId) as [string];
  const after = decodeCursor(q.cursor, ["instant", "uuid"]);
  return heldBoards.atSites(
    ctx.db,
    { topic: "dashboard", siteIds: [siteId] },
    ([site]) => ({ site: site!, today: localDate(ctx.now(), site!.time_zone) }),
    ({ site, today }) => JSON.stringify([q, today, site.time_zone]),
    ({ site, today }) => boardPage(ctx, q, site, today, after),
  );
}

type Board = Awaited<ReturnType<typeof productBoard>>;

/**
 * Board pages held between requests while the site's `dashboard` version (migration 0031: its
 * product units and their events, its journeys, a patient's subject code, the site's code, name
 * or zone — everything a page reads) and its day stand (decision 0053).
 */
const heldBoards = new HeldAnswers<Board>(64);

async function boardPage(
  ctx: ServiceContext,
  q: z.output<typeof ProductBoardQuery>,
  site: { id: string; time_zone: string },
  today: string,
  after: readonly [string, string] | null,
): Promise<Board> {
  const db = ctx.db;
  const siteId = site.id;
  const fetched = await productUnitsForBoard(db, siteId, {
    open:
      q.scope === "open"
        ? { finalStates: TERMINAL_PRODUCT_STATES, endedJourneyStates: TERMINAL_JOURNEY_STATES }
        : null,
    ...(q.state ? { state: q.state } : {}),
    ...(q.find ? { find: q.find } : {}),
    ...(after ? { after: [new Date(after[0]), after[1]] as const } : {}),
    limit: q.limit + 1,
  });
  const rows = fetched.slice(0, q.limit);
  const last = rows.at(-1);
  const nextCursor =
    fetched.length > q.limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null;
  const collected = await collectionDates(db, [...new Set(rows.map((r) => r.coi_id))]);
  const administered = await administrationDates(
    db,
    rows.filter((r) => r.state === "administered").map((r) => r.id),
  );
  const local = (d: Date) => localDate(d, site.time_zone);
  const items = rows.map((r): BoardUnit => {
    const from = collected.get(r.coi_id);
    const until = administered.get(r.id);
    const collectedOn = from ? local(from) : null;
    return {
      ...productDto(r),
      subjectCode: r.subject_code,
      journeyState: r.journey_state,
      collectedOn,
      daysSinceCollection: collectedOn ? daysFrom(until ? local(until) : today, collectedOn) : null,
      daysInState: daysFrom(today, local(r.updated_at)),
    };
  });
  return { siteId, today, states: PRODUCT_STATES, items, nextCursor };
}

export interface BedsideVerifier {
  id: string;
  username: string;
  displayName: string | null;
}

/**
 * Active users who may be the second verifier at the site: those holding clinical:write there
 * (the same rule the bedside service applies). Only clinical writers at the site may ask.
 */
export async function bedsideVerifiers(
  ctx: ServiceContext,
  siteId: string,
): Promise<{ items: BedsideVerifier[] }> {
  requireAt(ctx.actor, siteId, "clinical:write", "site", siteId);
  const rows = await activeMembersOfSite(ctx.db, siteId);
  const byUser = new Map<string, BedsideVerifier>();
  for (const r of rows)
    if (isRole(r.role) && may([r.role], "clinical:write"))
      byUser.set(r.id, { id: r.id, username: r.username, displayName: r.display_name });
  return { items: [...byUser.values()] };
}
