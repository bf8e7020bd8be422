/**
 * The observation list across several sites: each site's first page is read along its own index
 * and the pages merged (store/clinical-records.ts). The pages must still be one list in
 * (effective_at, id) order, every observation once, whatever the page size, with errors left out.
 */

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor, within } from "../../src/services/context.ts";
import {
  forgetHeldObservationPages,
  listObservations,
  recordObservations,
} from "../../src/services/observations.ts";
import { dropKeptReads } from "../../src/store/reads-until-write.ts";
import { siteVersions } from "../../src/store/site-versions.ts";
import { usingPostgres } from "../support/database.ts";
import { transactionLeftOpen } from "../support/open-transaction.ts";
import { relationsRead } from "../support/plan-relations.ts";
import { statementsRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
/** what was recorded, as [effectiveAt ISO, id, site] */
const recorded: { at: string; id: string; site: string; code: string }[] = [];

/** A new patient at a site, made over HTTP by its investigator: the id. */
const newPatientAt = async (site: "A" | "B", birthYear: number, sex: "female" | "male") =>
  (
    await w.call("investigator", site, "POST", "/api/v1/patients", { siteId: w.sites[site], birthYear, sex })
  ).json().id as string;

beforeAll(async () => {
  w = await buildWorld();
  for (const site of ["A", "B"] as const) {
    const ctx = await w.as("investigator", site);
    const patient = await newPatientAt(site, 1970, "female");
    // Interleaved in time across the two sites, with ties at the same instant on both.
    const observations = Array.from({ length: 23 }, (_, i) => ({
      patientId: patient,
      code: i % 3 ? "751-8" : "777-3",
      valueNumber: 1 + i,
      unit: "10*3/uL",
      effectiveAt: new Date(
        Date.UTC(2020, 0, 1 + Math.floor(i / 2), site === "A" ? 8 : i % 2 ? 8 : 9),
      ).toISOString(),
    }));
    const made = await recordObservations(ctx, { observations });
    for (const o of made) recorded.push({ at: o.effectiveAt, id: o.id, site, code: o.code });
  }
  // One entered in error at site B: never listed unless asked for.
  const wrong = recorded.find((r) => r.site === "B")!;
  const res = await w.call("investigator", "B", "PATCH", `/api/v1/observations/${wrong.id}`, {
    status: "entered-in-error",
    reason: "wrong patient",
    version: 1,
  });
  expect(res.statusCode, res.body).toBe(200);
  recorded.splice(recorded.indexOf(wrong), 1);
  recorded.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
});
afterAll(() => w.close());

/** A monitor at both sites: the reader whose list spans them. */
const monitorOfBoth = () => ({
  ...w.system,
  actor: systemActor([
    { siteId: w.sites.A, role: "monitor" as const },
    { siteId: w.sites.B, role: "monitor" as const },
  ]),
});

async function everyPage(query: { limit: number; code?: string }) {
  const seen: { at: string; id: string }[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listObservations(monitorOfBoth(), { includeErrors: false, ...query, cursor });
    seen.push(...page.items.map((o) => ({ at: o.effectiveAt, id: o.id })));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error("no last page");
}

describe("observations of several sites", () => {
  it("pages through both sites in time order, every observation once, at any page size", async () => {
    expect(recorded).toHaveLength(45);
    const expected = recorded.map((r) => ({ at: r.at, id: r.id }));
    for (const limit of [1, 7, 22, 45, 100]) expect(await everyPage({ limit })).toEqual(expected);
  });

  it("keeps a code filter when merging the sites' pages", async () => {
    const expected = recorded.filter((r) => r.code === "777-3").map((r) => ({ at: r.at, id: r.id }));
    expect(expected.length).toBeGreaterThan(10);
    expect(await everyPage({ limit: 4, code: "777-3" })).toEqual(expected);
  });
});

/** The sum of the bumps in a site's `observations` version ("site:row+bumps"). */
const observationBumps = async (site: "A" | "B") =>
  Number((await siteVersions(w.database.db, "observations", [w.sites[site]])).split("+")[1]);

/** One result at a site, dated before everything recorded above: first on every list it is in. */
async function earliestAt(site: "A" | "B") {
  const ctx = await w.as("investigator", site);
  const patientId = await newPatientAt(site, 1975, "male");
  const [stored] = await recordObservations(ctx, {
    patientId,
    code: "751-8",
    valueNumber: 0.4,
    unit: "10*3/uL",
    effectiveAt: "2019-06-01T00:00:00.000Z",
  });
  return stored!;
}

describe("observation pages held between requests (decision 0059)", () => {
  it("answers a page asked again from memory, with one statement (the sites' version)", async () => {
    const first = await listObservations(monitorOfBoth(), { includeErrors: false, limit: 10 });
    let again: unknown;
    const run = await statementsRun(w.database, async () => {
      again = await listObservations(monitorOfBoth(), { includeErrors: false, limit: 10 });
    });
    // On PGlite the version read is itself kept until a write (decision 0063): no statement.
    expect(run).toHaveLength(usingPostgres() ? 1 : 0);
    if (usingPostgres()) expect(run[0]).toMatch(/held_answer_bumps/);
    expect(again).toBe(first);
    // Another page, another filter: held on their own.
    const next = await listObservations(monitorOfBoth(), {
      includeErrors: false,
      limit: 10,
      cursor: first.nextCursor!,
    });
    expect(next).not.toBe(first);
    expect(next.items[0]!.id).toBe(recorded[10]!.id);
  });

  it("shows a result recorded at either site on the next read, and drops it once entered in error", async () => {
    const page = () => listObservations(monitorOfBoth(), { includeErrors: false, limit: 10 });
    const before = await page();
    const early = await earliestAt("B");
    const after = await page();
    expect(after.items[0]!.id).toBe(early.id);
    expect(after.items.slice(1).map((o) => o.id)).toEqual(before.items.slice(0, 9).map((o) => o.id));
    const res = await w.call("investigator", "B", "PATCH", `/api/v1/observations/${early.id}`, {
      status: "entered-in-error",
      reason: "wrong patient",
      version: early.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await page()).items.map((o) => o.id)).toEqual(before.items.map((o) => o.id));
  });

  it("keeps a site's page held when only another site writes, and each batch statement bumps its site once", async () => {
    const onlyA = await w.as("investigator", "A");
    const held = await listObservations(onlyA, { includeErrors: false, limit: 10 });
    const [a, b] = [await observationBumps("A"), await observationBumps("B")];
    const early = await earliestAt("B");
    expect(await observationBumps("B")).toBe(b + 1);
    expect(await observationBumps("A")).toBe(a);
    expect(await listObservations(onlyA, { includeErrors: false, limit: 10 })).toBe(held);

    // Five results at site A in one batch: one statement, one bump.
    const ctxA = await w.as("investigator", "A");
    const patientId = held.items[0]!.patientId;
    await recordObservations(ctxA, {
      observations: Array.from({ length: 5 }, (_, i) => ({
        patientId,
        code: "777-3",
        valueNumber: 100 + i,
        unit: "10*3/uL",
        effectiveAt: new Date(Date.UTC(2019, 5, 2, i)).toISOString(),
      })),
    });
    expect(await observationBumps("A")).toBe(a + 1);
    const now = await listObservations(onlyA, { includeErrors: false, limit: 10 });
    expect(now).not.toBe(held);
    expect(now.items.slice(0, 5).map((o) => o.valueNumber)).toEqual([100, 101, 102, 103, 104]);
    expect(now.items.map((o) => o.id)).not.toContain(early.id);
  });

  it("reads no table a page depends on that the version's triggers do not watch", async () => {
    forgetHeldObservationPages(w.database.db);
    const patientId = (await listObservations(monitorOfBoth(), { includeErrors: false, limit: 1 })).items[0]!
      .patientId;
    forgetHeldObservationPages(w.database.db);
    dropKeptReads(w.database.db); // the version is read inside, on PGlite too
    const read = await relationsRead(w.database, async () => {
      await listObservations(monitorOfBoth(), { includeErrors: false, limit: 10 });
      await listObservations(monitorOfBoth(), { patientId, code: "751-8", includeErrors: true, limit: 10 });
    });
    // The version's own tables, the patient read for its access check (its site decides who may
    // read it, not what a page holds), and the observations.
    expect([...read].sort()).toEqual([
      "held_answer_bumps",
      "held_answer_versions",
      "observations",
      "patients",
    ]);
    const triggers = (
      await sql<{ tgtype: number }>`
        SELECT t.tgtype FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
         WHERE c.relname = 'observations' AND p.proname = 'held_answer_bumped_by_site'
           AND c.relnamespace = current_schema()::regnamespace`.execute(w.database.db)
    ).rows;
    // pg_trigger.tgtype bits (PostgreSQL's trigger.h): 4 INSERT, 8 DELETE, 16 UPDATE.
    expect(triggers.reduce((bits, t) => bits | (t.tgtype & (4 | 8 | 16)), 0)).toBe(4 | 8 | 16);
  });

  // Two connections at once: PostgreSQL only (PGlite has one).
  it.runIf(usingPostgres())(
    "a batch for other patients never waits for another open batch at the site, and the held page shows each once committed",
    async () => {
      const ctx = await w.as("investigator", "A");
      const [first, second] = [
        await newPatientAt("A", 1981, "female"),
        await newPatientAt("A", 1982, "male"),
      ];
      const batch = (patientId: string, hour: number) => ({
        observations: [0, 1, 2].map((i) => ({
          patientId,
          code: "751-8",
          valueNumber: hour + i / 10,
          unit: "10*3/uL",
          effectiveAt: new Date(Date.UTC(2019, 4, 1, hour, i)).toISOString(),
        })),
      });
      const page = async () =>
        (await listObservations(ctx, { includeErrors: false, limit: 10 })).items.map((o) => o.patientId);
      await page();
      const open = transactionLeftOpen(ctx.db, (trx) =>
        recordObservations(within(ctx, trx), batch(first, 1)),
      );
      try {
        await open.written;
        // Had the second batch to wait for the first (a shared version row), the lock timeout
        // would fail it. Another patient: the patients' own record versions are not shared.
        await ctx.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
          await recordObservations(within(ctx, trx), batch(second, 2));
        });
        const between = await page();
        expect(between.slice(0, 3)).toEqual([second, second, second]);
        expect(between).not.toContain(first);
        // The first commits last, with the smaller bump id: the page held in between must not stand.
        await open.commit();
        expect((await page()).slice(0, 6)).toEqual([first, first, first, second, second, second]);
      } finally {
        await open.close();
      }
    },
  );
});
