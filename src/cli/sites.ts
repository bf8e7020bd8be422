/** What several commands need first: a site named by its code, or every site. */
import { DomainError } from "../domain/errors.ts";
import type { Database } from "../store/database.ts";
import { findSiteByCode, listAllSites } from "../store/sites.ts";

/** The site with this code; a CLI message and exit status 2 when there is none. */
export async function siteByCode(database: Database, code: string) {
  const site = await findSiteByCode(database.db, code);
  if (!site) throw new DomainError("validation", `No site with code ${code}.`);
  return site;
}

export async function allSiteIds(database: Database): Promise<string[]> {
  return (await listAllSites(database.db)).map((s) => s.id);
}
