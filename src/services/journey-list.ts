/**
 * Journeys at a site with the patient's subject code and current state, for the command line and
 * lists. Reading needs `enrolment:read` at the site.
 */
import { z } from "zod";
import { Uuid } from "../domain/schemas/common.ts";
import { JOURNEY_STATES, type JourneyState, RESEARCH_SUBJECT_STATUS } from "../domain/vein-to-vein.ts";
import { journeysAtSite } from "../store/journeys.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { parseInput } from "./validate.ts";

export const JourneyListQuery = z.object({
  siteId: Uuid,
  state: z.enum(JOURNEY_STATES).optional(),
});

export interface JourneyListItem {
  id: string;
  enrolmentId: string;
  subjectCode: string;
  state: JourneyState;
  researchSubjectStatus: string;
  updatedAt: string;
}

export async function listJourneysAt(
  ctx: ServiceContext,
  raw: unknown,
): Promise<{ items: JourneyListItem[] }> {
  const q = parseInput(JourneyListQuery, raw);
  const [siteId] = readableSites(ctx.actor, "enrolment:read", q.siteId);
  const rows = await journeysAtSite(ctx.db, siteId!, q.state);
  return {
    items: rows.map((r) => ({
      id: r.id,
      enrolmentId: r.enrolment_id,
      subjectCode: r.subject_code,
      state: r.state as JourneyState,
      researchSubjectStatus: RESEARCH_SUBJECT_STATUS[r.state as JourneyState],
      updatedAt: r.updated_at.toISOString(),
    })),
  };
}
