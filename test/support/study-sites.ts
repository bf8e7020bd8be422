/**
 * A site joins a test study the way issue 10 requires: on the word of someone who holds an
 * investigator role at both the lead site and the joining one (here the system actor with those
 * roles). Creating a study that lists another site needs the same.
 */
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { addStudySite } from "../../src/services/studies.ts";
import type { SiteKey, World } from "./world.ts";

/** Investigator at both sites of the world. */
export const bothSitesInvestigator = (w: World): ServiceContext => ({
  ...w.system,
  actor: systemActor([
    { siteId: w.sites.A, role: "investigator" },
    { siteId: w.sites.B, role: "investigator" },
  ]),
});

export const joinStudy = (w: World, studyId: string, site: SiteKey) =>
  addStudySite(bothSitesInvestigator(w), studyId, {
    siteId: w.sites[site],
    reason: "test world: both sites take part",
  });
