/**
 * `v2v ltfu contacts --site SZ [--year 2026]` and `v2v ltfu lost --site SZ`: the long-term
 * follow-up lists of GET /api/v1/ltfu/contacts and /lost, as a read-only monitor at that site
 * would see them (subject codes only, never identity). Problems go to main.ts's reporter.
 */
import { type Command, InvalidArgumentError } from "commander";
import { EVERY_CONTACT_ITEMS } from "../domain/long-term-follow-up.ts";
import { systemActor } from "../services/context.ts";
import type { LostPatient, LtfuContactList } from "../services/ltfu.ts";
import type { Database } from "../store/database.ts";
import type { Cli } from "./cli-context.ts";
import { columns } from "./columns.ts";
import { siteByCode } from "./sites.ts";

export function formatContacts(site: string, list: LtfuContactList): string[] {
  const year = list.sites[0]?.year;
  const rows = list.items.map((c) => {
    const every = c.items.filter((i) => EVERY_CONTACT_ITEMS.has(i.code));
    return [
      c.subjectCode,
      `year ${c.year}`,
      c.anniversary,
      c.visit ? `${c.visit.code} ${c.visit.windowStart}..${c.visit.windowEnd}` : "not scheduled",
      c.status,
      `${every.filter((i) => i.recorded).length}/${every.length}`,
    ];
  });
  return [
    `${site} long-term follow-up contacts ${year ?? ""}`.trimEnd(),
    ...columns(["subject", "contact", "anniversary", "visit and window", "status", "items recorded"], rows),
    `${rows.length} contact(s)`,
    ...(list.productsWithoutVectorType.length
      ? [`products without a vector type (LTFU not judged): ${list.productsWithoutVectorType.join(", ")}`]
      : []),
  ];
}

export function formatLost(site: string, items: LostPatient[]): string[] {
  const rows = items.map((p) => [
    p.subjectCode,
    p.infusionDate,
    p.basis === "declared" ? "declared" : "2 contacts not done",
    p.contactsNotDone.map((c) => `year ${c.year} ${c.status}`).join(", ") || "-",
    p.lastContactDone ?? "-",
  ]);
  return [
    `${site} lost to follow-up`,
    ...columns(["subject", "infusion", "basis", "contacts not done", "last contact done"], rows),
    `${rows.length} patient(s)`,
  ];
}

async function monitorAt(database: Database, code: string) {
  const site = await siteByCode(database, code);
  // A read-only role at that one site: the command sees what a monitor there would.
  const ctx = {
    db: database.db,
    actor: systemActor([{ siteId: site.id, role: "monitor" }]),
    now: () => new Date(),
  };
  return { ctx, siteId: site.id };
}

const calendarYear = (v: string) => {
  if (!/^\d{4}$/.test(v)) throw new InvalidArgumentError("a calendar year, e.g. 2026");
  return Number(v);
};

export function registerLtfuCommand(program: Command, cli: Cli) {
  const { withDatabase } = cli;
  const ltfu = program
    .command("ltfu")
    .description("long-term follow-up (integrating-vector products, 15 years)");
  ltfu
    .command("contacts")
    .description("yearly LTFU contacts falling in a calendar year at a site, with items recorded")
    .requiredOption("--site <code>", "site code, e.g. SZ")
    .option("--year <year>", "calendar year (default: this year at the site)", calendarYear)
    .action((opts: { site: string; year?: number }) =>
      withDatabase(async (database) => {
        const { ltfuContactList } = await import("../services/ltfu.ts");
        const { ctx, siteId } = await monitorAt(database, opts.site);
        // Every page: the command prints the whole year.
        const query = { siteId, limit: 1000, ...(opts.year ? { year: opts.year } : {}) };
        const list = await ltfuContactList(ctx, query);
        for (let next = list.nextCursor; next; ) {
          const page = await ltfuContactList(ctx, { ...query, cursor: next });
          list.items.push(...page.items);
          next = page.nextCursor;
        }
        for (const l of formatContacts(opts.site, list)) cli.out(l);
      }),
    );
  ltfu
    .command("lost")
    .description("patients lost to follow-up at a site: declared, or two closed contacts in a row not done")
    .requiredOption("--site <code>", "site code, e.g. SZ")
    .action((opts: { site: string }) =>
      withDatabase(async (database) => {
        const { lostToFollowUp } = await import("../services/ltfu.ts");
        const { ctx, siteId } = await monitorAt(database, opts.site);
        const items = [];
        let cursor: string | undefined;
        do {
          const page = await lostToFollowUp(ctx, { siteId, limit: 1000, ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        for (const l of formatLost(opts.site, items)) cli.out(l);
      }),
    );
}
