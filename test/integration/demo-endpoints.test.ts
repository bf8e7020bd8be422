/**
 * The reference case's endpoints, derived from her demo record by the same service the API uses —
 * none of them is typed in anywhere: CMR at about day 30, medication-free from about month 6–9,
 * anti-dsDNA negative by month 9, DORIS remission (issue 5, "Done means").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoSummary } from "../../src/demo/load.ts";
import { REFERENCE_INFUSION_DATE } from "../../src/demo/reference-case.ts";
import type { Endpoint } from "../../src/domain/endpoints/endpoint.ts";
import { actorFor } from "../../src/services/auth.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { deriveEndpoints } from "../../src/services/derived-endpoints.ts";
import { patientTimeline } from "../../src/services/timeline.ts";
import type { Database } from "../../src/store/database.ts";
import { en } from "../../web/src/i18n/en.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { demoDatabase } from "../support/demo-database.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let summary: DemoSummary;
let ctx: ServiceContext;
let e: Record<string, Endpoint>;

beforeAll(async () => {
  ({ database, summary } = await demoDatabase(now));
  const user = await database.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", "investigator")
    .executeTakeFirstOrThrow();
  ctx = { db: database.db, actor: await actorFor(database.db, user.id, "investigator"), now };
  const derived = await deriveEndpoints(ctx, summary.referencePatientId);
  expect(derived.infusionDate).toBe(REFERENCE_INFUSION_DATE);
  e = Object.fromEntries(derived.endpoints.map((x) => [x.key, x]));
}, 300_000);
afterAll(() => database?.close());

/** The records an endpoint names, read back: proof it came from her data. */
async function sources(x: Endpoint) {
  const ids = (kind: string) => x.derivedFrom.filter((r) => r.kind === kind).map((r) => r.id);
  const table = {
    observation: "observations",
    medication: "medications",
    assessment: "assessments",
    event: "clinical_events",
  } as const;
  const found: Record<string, unknown>[] = [];
  for (const [kind, name] of Object.entries(table)) {
    const wanted = ids(kind);
    if (wanted.length === 0) continue;
    const rows = await database.db.selectFrom(name).selectAll().where("id", "in", wanted).execute();
    expect(rows, `${x.key} ${kind}`).toHaveLength(wanted.length);
    for (const r of rows) expect((r as { patient_id: string }).patient_id).toBe(summary.referencePatientId);
    found.push(...(rows as Record<string, unknown>[]));
  }
  return found;
}

describe("reference case SZ-0001, derived endpoints", () => {
  it("complete metabolic response at about day 30, from the stored Lugano PET-CT", async () => {
    const cr = e["first-complete-response"]!;
    expect(cr).toMatchObject({ status: "met", value: "CMR" });
    expect(cr.studyDay).toBeGreaterThanOrEqual(28);
    expect(cr.studyDay).toBeLessThanOrEqual(35);
    const [pet] = await sources(cr);
    expect(pet).toMatchObject({ calculator: "lugano-pet" });
    expect(e["best-overall-response"]).toMatchObject({ value: "CR", studyDay: cr.studyDay });
    expect(e.progression!.status).toBe("not-met");
  });

  it("medication-free (no medication at all) from about month 6–9, from the medication record", async () => {
    const free = e["medication-free"]!;
    expect(free.status).toBe("met");
    // month 6 = day 182, month 9 = day 274
    expect(free.studyDay).toBeGreaterThanOrEqual(182);
    expect(free.studyDay).toBeLessThanOrEqual(274);
    const [last] = await sources(free);
    expect(String(last!.stop_date) < free.date!).toBe(true);
    // steroids and other lupus drugs were stopped before the infusion, as in the trial
    expect(e["steroid-free"]!.studyDay).toBeLessThan(0);
    expect(e["lupus-therapy-free"]!.studyDay).toBeLessThan(0);
  });

  it("anti-dsDNA negative by month 9, ANA too, from her serology", async () => {
    const dsDna = e["seroconversion-anti-dsdna"]!;
    expect(dsDna.status).toBe("met");
    expect(dsDna.studyDay).toBeGreaterThan(0);
    expect(dsDna.studyDay).toBeLessThanOrEqual(274);
    const rows = await sources(dsDna);
    expect(rows.every((r) => r.code === "5130-0")).toBe(true);
    expect(e["seroconversion-ana"]!.studyDay).toBeLessThanOrEqual(274);
  });

  it("DORIS remission, sustained, and drug-free remission", async () => {
    const doris = e["doris-remission"]!;
    // Met at month 6 by the criteria her month-6 LLDAS assessment records (clinical SLEDAI-2K 0,
    // PGA 0.2, no prednisolone), three months before the first DORIS assessment (issue 12).
    expect(doris).toMatchObject({ status: "met", date: "2020-03-16", studyDay: 182 });
    expect(doris.details).toMatchObject({ sustained: true });
    expect(e["drug-free-remission"]).toMatchObject({ status: "met", date: "2020-06-16", studyDay: 274 });
    expect(e.lldas!.status).toBe("met");
  });

  it("CAR-T expansion peaks in the first two weeks; B-cell aplasia from the first days, recovery by month 6", () => {
    expect(e["car-tmax"]!.value).toBeGreaterThanOrEqual(7);
    expect(e["car-tmax"]!.value).toBeLessThanOrEqual(14);
    expect(e["car-auc-0-28d"]!.status).toBe("met");
    expect(e["b-cell-aplasia-start"]!.studyDay).toBeLessThanOrEqual(7);
    expect(e["b-cell-recovery"]!.studyDay).toBeGreaterThanOrEqual(56);
    expect(e["b-cell-recovery"]!.studyDay).toBeLessThanOrEqual(182);
    expect(e["igg-nadir"]!.status).toBe("met");
  });

  it("every endpoint she has is titled in both web catalogues (the timeline words it by its key)", () => {
    const titled = (c: typeof en) => c.endpointTitle as Record<string, string>;
    const keys = Object.keys(e);
    expect(keys.length).toBeGreaterThan(15);
    expect(keys.filter((k) => !titled(en)[k])).toEqual([]);
    expect(keys.filter((k) => !/\p{Script=Han}/u.test(titled(zhCN)[k] ?? ""))).toEqual([]);
    // The English title is the server's, word for word.
    expect(keys.filter((k) => titled(en)[k] !== e[k]!.title)).toEqual([]);
  });

  it("shows them on her timeline", async () => {
    const t = await patientTimeline(ctx, summary.referencePatientId, {
      kinds: ["derived-endpoint"],
      limit: 100,
    });
    const cr = t.items.find((i) => (i.detail as { key?: string }).key === "first-complete-response");
    expect(cr?.studyDay).toBe(e["first-complete-response"]!.studyDay);
    expect(t.items.some((i) => (i.detail as { key?: string }).key === "doris-remission")).toBe(true);
  });
});
