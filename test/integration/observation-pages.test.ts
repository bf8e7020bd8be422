/**
 * The observation list across several sites: each site's first page is read along its own index
 * and the pages merged (store/clinical-records.ts). The pages must still be one list in
 * (effective_at, id) order, every observation once, whatever the page size, with errors left out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/services/context.ts";
import { listObservations, recordObservations } from "../../src/services/observations.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
/** what was recorded, as [effectiveAt ISO, id, site] */
const recorded: { at: string; id: string; site: string; code: string }[] = [];

beforeAll(async () => {
  w = await buildWorld();
  for (const site of ["A", "B"] as const) {
    const ctx = await w.as("investigator", site);
    const patient = (
      await w.call("investigator", site, "POST", "/api/v1/patients", {
        siteId: w.sites[site],
        birthYear: 1970,
        sex: "female",
      })
    ).json().id as string;
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
