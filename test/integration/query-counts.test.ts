/**
 * Issue 15: the cost of a hot read is bounded by its page, not by the registry. Each route is
 * requested through HTTP with 5 generated patients at the site and again with 50, counting the SQL
 * statements the request runs (the database's query observer: authentication included). The counts
 * must be the same: a count that grows with the patients is an N+1 query. A correctness test, not
 * a timing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateScaleRegistry } from "../../src/demo/scale.ts";
import { usingPostgres } from "../support/database.ts";
import { firstInfusedPatient } from "../support/patients.ts";
import { buildWorld, type World } from "../support/world.ts";

// Noon in Shenzhen on the registry's "today".
const NOW = new Date("2026-12-01T04:00:00Z");
const AS_OF = "2026-12-01";
let w: World;
let patientId: string;

interface Hot {
  name: string;
  url: () => string;
}

const HOT: Hot[] = [
  { name: "patient timeline", url: () => `/api/v1/patients/${patientId}/timeline?limit=100` },
  { name: "product board", url: () => `/api/v1/product-board?siteId=${w.sites.A}` },
  { name: "product board, open", url: () => `/api/v1/product-board?siteId=${w.sites.A}&scope=open` },
  { name: "vein-to-vein metrics", url: () => `/api/v1/metrics/vein-to-vein?siteId=${w.sites.A}` },
  { name: "LTFU contacts", url: () => `/api/v1/ltfu/contacts?siteId=${w.sites.A}` },
  { name: "LTFU lost", url: () => `/api/v1/ltfu/lost?siteId=${w.sites.A}` },
  { name: "site iCalendar feed", url: () => `/api/v1/sites/${w.sites.A}/visits.ics` },
  { name: "observations list", url: () => "/api/v1/observations?limit=100" },
  { name: "dashboard", url: () => `/api/v1/dashboard?siteId=${w.sites.A}` },
  { name: "worklist", url: () => `/api/v1/worklist?siteId=${w.sites.A}` },
];

/** Statements run by one request of `url` as site A's investigator (after a first, warming one). */
async function queriesOf(url: string): Promise<number> {
  const first = await w.call("investigator", "A", "GET", url);
  expect(first.statusCode, first.body).toBe(200);
  let n = 0;
  const stop = w.database.observeQueries(() => n++);
  try {
    const res = await w.call("investigator", "A", "GET", url);
    expect(res.statusCode, res.body).toBe(200);
  } finally {
    stop();
  }
  return n;
}

const counts = new Map<string, number[]>();

beforeAll(async () => {
  w = await buildWorld({ now: () => NOW });
  const generate = (patients: number) =>
    generateScaleRegistry(w.database, { patients, siteCodes: ["AA"], asOf: AS_OF, seed: patients });
  await generate(5);
  // The first infused patient: the timeline is read for the same one both times.
  patientId = await firstInfusedPatient(w.database);
  for (const h of HOT) counts.set(h.name, [await queriesOf(h.url())]);
  await generate(45);
  for (const h of HOT) counts.get(h.name)!.push(await queriesOf(h.url()));
}, 300_000);
afterAll(() => w?.close());

// Routes whose answer is held while nothing it shows changed: asked again, one statement reads the
// versions (with the site, decision 0057's addendum) and the caller's credentials are held too.
const HELD = [
  "patient timeline",
  "product board",
  "product board, open",
  "vein-to-vein metrics",
  "LTFU contacts",
  "LTFU lost",
  "dashboard",
  "worklist",
];

// On PGlite, which only this process writes, that version read is itself kept until the next
// write (store/reads-until-write.ts, decision 0063): asked again with nothing written, no statement.
const HELD_STATEMENTS = usingPostgres() ? 1 : 0;

describe("a held answer asked again", () => {
  it.each(HELD)(`%s: ${HELD_STATEMENTS === 1 ? "one statement" : "no statement (PGlite)"}`, (name) => {
    expect({ route: name, queries: counts.get(name)![1] }).toEqual({ route: name, queries: HELD_STATEMENTS });
  });
});

describe("queries per request do not grow with the number of patients", () => {
  it.each(HOT.map((h) => h.name))("%s", (name) => {
    const [five, fifty] = counts.get(name)!;
    expect({ route: name, queries: fifty }).toEqual({ route: name, queries: five });
    expect(five).toBeLessThanOrEqual(15);
  });
});
