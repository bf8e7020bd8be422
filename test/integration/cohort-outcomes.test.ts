/**
 * Cohort results over HTTP on the demo program. Every expected number below was read off the
 * demo's written plan (src/demo/synthetic-cohort.ts, COHORT, and the reference case), not from
 * the code under test: 22 infused patients (the reference case and 21 synthetic ones), their
 * diseases, CRS/ICANS grades, responses, progressions and deaths as the table lists them.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TreatedPatient } from "../../src/domain/cohort/patient-outcome.ts";
import type { CohortSummary } from "../../src/domain/cohort/summary.ts";
import { buildApp } from "../../src/http/app.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { systemActor } from "../../src/services/context.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { demoDatabase } from "../support/demo-database.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

interface Outcomes {
  query: string;
  description: string;
  dataCut: string;
  patients: TreatedPatient[];
  summary: CohortSummary;
}

beforeAll(async () => {
  ({ database } = await demoDatabase(now));
  app = await buildApp({ database, now });
  const system = { db: database.db, actor: systemActor(), now };
  for (const u of ["investigator", "coordinator-wh", "manufacturing", "monitor"])
    tokens[u] = await createApiToken(system, u, "cohort test", {
      expiresAt: new Date("2100-01-01T00:00:00Z"),
    });
}, 300_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const get = (query: string, user = "investigator") =>
  app.inject({
    method: "GET",
    url: `/api/v1/cohorts/outcomes${query ? `?${query}` : ""}`,
    headers: { authorization: `Bearer ${tokens[user]}` },
  });
async function outcomes(query: string, user?: string): Promise<Outcomes> {
  const res = await get(query, user);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Outcomes;
}
const codes = (o: Outcomes) => o.patients.map((p) => p.subjectCode).sort();

describe("GET /api/v1/cohorts/outcomes on the demo program", () => {
  it("the whole program: 22 infused, by indication, with the plan's responses, grades and deaths", async () => {
    const o = await outcomes("");
    expect(o.patients).toHaveLength(22);
    expect(o.dataCut).toBe("2026-11-01");
    expect(o.description).toBe("every infused patient");
    expect(o.summary.groups.map((g) => [g.key, g.n])).toEqual([
      ["lymphoma", 6],
      ["myeloma", 4],
      ["overlap", 3],
      ["sle", 9],
    ]);
    const response = o.summary.response.rows[0]!;
    // CR: SZ-0001, SZ-0002, SZ-0006, SZ-0010 (CR, then relapse), SZ-0017, SZ-0018; PR: SZ-0003, SZ-0014;
    // SZ-0020 is still in the acute week: no assessment yet.
    expect(response.counts).toEqual({ CR: 6, PR: 2, SD: 0, PD: 0, notEvaluable: 1 });
    expect(response.overallResponse).toMatchObject({ count: 8, total: 9 });
    // CRS: none in WH-0001 and SZ-0013; grade 3 in SZ-0008; grade 2 in seven; grade 1 in the other twelve
    const crs = o.summary.crs.rows[0]!;
    expect(crs.byMaxGrade).toEqual([2, 12, 7, 1, 0, 0]);
    expect(crs.notGraded).toBe(0);
    // ICANS grade 1 in SZ-0008 and SZ-0020; not graded: the reference case (none stored) and
    // WH-0005, infused five days before the demo's today, whose day-7 ICE is still to come
    expect(o.summary.icans.rows[0]).toMatchObject({ byMaxGrade: [18, 2, 0, 0, 0, 0], notGraded: 2 });
    const os = o.summary.survival.find((s) => s.endpoint === "overall-survival")!;
    expect(os.all).toMatchObject({ n: 22, events: 2 });
    // No lupus patient of the demo loses remission or low activity, and none with lupus died.
    const rfs = o.summary.survival.find((s) => s.endpoint === "lupus-relapse-free-survival")!;
    expect(rfs.all).toMatchObject({ n: 12, events: 0 });
    const sz3 = o.patients.find((p) => p.subjectCode === "SZ-0003")!;
    expect(sz3).toMatchObject({
      indication: "lymphoma",
      infusionDate: "2020-01-13",
      deathDate: "2020-08-14", // day 214
      lymphoma: { best: "PR", progressionDate: "2020-04-10" }, // day 88
      crs: { maxGrade: 2 },
      tocilizumab: true,
    });
    expect(o.patients.find((p) => p.subjectCode === "SZ-0009")!.lupus).toMatchObject({ dorisDate: null });
    // SRI-4: the plan scores lupus at months 3, 6 and then yearly, every visit a responder (SLEDAI-2K
    // 12 or 14 → 0 or 2, no new BILAG A or B, PGA 2 → 0.2 or 0.8). Ten synthetic lupus patients
    // reached month 3; SZ-0018 (infused 2026-06-22) not month 6; SZ-0018 and WH-0005 not month 12;
    // nobody is scored within 45 days of month 9; the reference case has no BILAG on record.
    const sri4 = (months: number) =>
      o.summary.remission.rows.find((r) => r.key === "all" && r.months === months)!.sri4;
    expect([3, 6, 9, 12].map((m) => [sri4(m).count, sri4(m).total])).toEqual([
      [10, 10],
      [9, 9],
      [0, 0],
      [9, 9],
    ]);
    expect(o.patients.find((p) => p.subjectCode === "SZ-0001")!.lupus!.sri4).toEqual([]);
    // Waterfall of best SLEDAI-2K change: screening 12 (lupus) or 14 (nephritis) in the demo plan, 10 for
    // the reference case; 0 after remission, 2 (rash) in low activity. SZ-0009 (low activity) 12 → 2
    // leads; WH-0005 has no score after her infusion yet.
    const bars = o.summary.waterfall.bars;
    expect(bars).toHaveLength(11);
    expect(bars[0]).toMatchObject({ subjectCode: "SZ-0009", baseline: 12, best: 2 });
    expect(bars[0]!.changePercent).toBeCloseTo((-10 / 12) * 100, 10);
    expect(bars.slice(1).every((b) => b.changePercent === -100)).toBe(true);
    expect(bars.find((b) => b.subjectCode === "SZ-0001")).toMatchObject({ baseline: 10, best: 0 });
    expect(bars.find((b) => b.subjectCode === "WH-0002")).toMatchObject({ baseline: 14 });
    // Product attributes against outcome: all 22 infused have their bag on record; 21 have a Cmax
    // (WH-0005 is before her first CAR-T sample).
    const dose = o.summary.productCorrelations.rows.find(
      (r) => r.attribute === "carPositiveCells" && r.outcome === "carCmax",
    )!;
    expect(dose.n).toBe(21);
    expect(dose.rho).not.toBeNull();
    expect(dose.pValue! > 0 && dose.pValue! <= 1).toBe(true);
    // Tumour waterfall (Lugano CT): every demo lymphoma with a response on record but the reference
    // case (her public report gives PET only). The plan's CRs leave two nodes of at most 15 × 10 mm
    // (SPD ≤ 300 mm²); its PRs (SZ-0003, SZ-0014) keep 15–45 % of the SPD, above the CR size.
    const tumour = o.summary.tumourWaterfall.bars;
    expect(tumour.map((b) => b.subjectCode).sort()).toEqual([
      "SZ-0002",
      "SZ-0003",
      "SZ-0006",
      "SZ-0010",
      "SZ-0014",
      "SZ-0017",
      "SZ-0018",
    ]);
    for (const b of tumour) {
      const best = o.patients.find((p) => p.patientId === b.patientId)!.lymphoma!.best;
      if (best === "CR") expect(b.best).toBeLessThanOrEqual(2 * 15 * 10);
      else {
        expect(best).toBe("PR");
        expect(b.changePercent).toBeLessThanOrEqual(-50);
        expect(b.changePercent).toBeGreaterThanOrEqual(-86);
      }
    }
    expect(tumour.map((b) => b.changePercent)).toEqual(
      [...tumour.map((b) => b.changePercent)].sort((x, y) => y - x),
    );
    // The infused bag through the chain of identity (reference case): dose level DL2 (3 × 10⁶/kg)
    // for 56.2 kg with the demo's 5 % margin, its QC panel (CAR+ 38 %, VCN 2.4), apheresis on
    // 2019-08-28 and infusion on 2019-09-16 (19 days), and the day-10 peak of 124,000 copies/µg.
    expect(o.patients.find((p) => p.subjectCode === "SZ-0001")).toMatchObject({
      product: {
        carPositiveCells: Math.round(3e6 * 56.2 * 1.05),
        carPositivePercent: 38,
        vectorCopyNumber: 2.4,
        veinToVeinDays: 19,
        outOfSpecification: false,
      },
      carCmax: 124_000,
    });
  });

  it("sends a held report again as the text a fresh one was sent as, its instant written in", async () => {
    // A query no other test asks: the first answer is computed and checked whole, the second is
    // the held report's kept text with this request's instant (the same here: the clock is fixed).
    const query = "groupBy=product&infusedFrom=2000-01-02";
    const first = await get(query);
    const second = await get(query);
    expect(first.statusCode, first.body).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.json()).toMatchObject({ generatedAt: now().toISOString(), grouping: "product" });
  });

  it("filters by indication, site, dose level and infusion dates, and links canonically", async () => {
    const lupus = await outcomes("indication=sle,overlap");
    expect(lupus.patients).toHaveLength(12);
    expect(lupus.query).toBe("indication=overlap,sle");
    expect(codes(await outcomes("site=WH"))).toEqual(["WH-0001", "WH-0002", "WH-0004", "WH-0005"]);
    expect(codes(await outcomes("doseLevel=DL1"))).toEqual(["SZ-0003", "WH-0001"]);
    expect(codes(await outcomes("infusedFrom=2026-01-01"))).toEqual([
      "SZ-0017",
      "SZ-0018",
      "SZ-0019",
      "SZ-0020",
      "WH-0005",
    ]);
    expect(codes(await outcomes("target=BCMA&format=compound"))).toHaveLength(22);
    expect(await outcomes("target=CD22")).toMatchObject({ patients: [] });
  });

  it("a data cut counts only what was recorded by then: SZ-0003 has progressed but not yet died", async () => {
    const o = await outcomes("asOf=2020-06-30");
    expect(codes(o)).toEqual(["SZ-0001", "SZ-0002", "SZ-0003", "SZ-0004"]);
    const sz3 = o.patients.find((p) => p.subjectCode === "SZ-0003")!;
    expect(sz3.deathDate).toBeNull();
    expect(sz3.lymphoma?.progressionDate).toBe("2020-04-10");
    expect(sz3.lastContactDate <= "2020-06-30").toBe(true);
    const pfs = o.summary.survival.find((s) => s.endpoint === "progression-free-survival")!;
    expect(pfs.all).toMatchObject({ n: 3, events: 1 });
    expect(o.summary.survival.find((s) => s.endpoint === "overall-survival")!.all.events).toBe(0);
  });

  it("counts the recorded infections per window as the adverse-event table holds them", async () => {
    const o = await outcomes("");
    // Straight from the table: infections of infused patients, onset day from the infusion date.
    const rows = await database.db
      .selectFrom("adverse_events as ae")
      .innerJoin("enrolments as e", "e.patient_id", "ae.patient_id")
      .innerJoin("patients as p", "p.id", "ae.patient_id")
      .select(["p.subject_code", "ae.onset_date", "e.infusion_date", "ae.grade", "ae.pathogen_class"])
      .where("ae.soc", "=", "Infections and infestations")
      .where("e.infusion_date", "is not", null)
      .execute();
    const day = (r: (typeof rows)[number]) =>
      Math.round((Date.parse(r.onset_date) - Date.parse(r.infusion_date!)) / 86_400_000);
    const early = rows.filter((r) => day(r) >= 0 && day(r) <= 28);
    const row = o.summary.infections.rows.find((r) => r.key === "all" && r.window === "days 0–28")!;
    expect(row.followed).toBe(o.patients.length);
    expect(row.episodes).toBe(early.length);
    expect(row.anyInfection.count).toBe(new Set(early.map((r) => r.subject_code)).size);
    expect(row.severeInfection.count).toBe(
      new Set(early.filter((r) => r.grade >= 3).map((r) => r.subject_code)).size,
    );
    expect(row.episodesByPathogen.bacterial).toBe(
      early.filter((r) => r.pathogen_class === "bacterial").length,
    );
    const perPatient = o.patients.reduce((n, p) => n + p.infections.length, 0);
    expect(perPatient).toBe(rows.filter((r) => day(r) >= 0).length);
    expect(early.length).toBeGreaterThan(0);
  });

  it("groups by dose level with a log-rank test between the groups", async () => {
    const o = await outcomes("groupBy=doseLevel");
    const os = o.summary.survival.find((s) => s.endpoint === "overall-survival")!;
    expect(os.groups.map((g) => [g.key, g.n, g.events])).toEqual([
      ["DL1", 2, 1],
      ["DL2", 20, 1],
    ]);
    expect(os.logRank?.df).toBe(1);
    expect(os.logRank?.pValue).toBeGreaterThan(0);
  });

  it("shows only the sites the user may read clinically, and refuses roles without clinical read", async () => {
    expect(codes(await outcomes("", "coordinator-wh"))).toEqual(["WH-0001", "WH-0002", "WH-0004", "WH-0005"]);
    expect((await outcomes("", "monitor")).patients).toHaveLength(22);
    const res = await get("", "manufacturing");
    expect(res.statusCode).toBe(403);
    expect(res.headers["content-type"]).toContain("application/problem+json");
  });

  it("refuses a bad definition with problem+json naming the parameter", async () => {
    for (const [query, pointer] of [
      ["indication=leukaemia", "/indication/0"],
      ["infusedFrom=2021-01-01&infusedTo=2020-12-31", "/infusedTo"],
      ["asOf=2021-02-30", "/asOf"],
      ["disease=sle", ""],
      ["groupBy=colour", "/groupBy"],
    ] as const) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      const body = res.json() as { errors?: { pointer: string }[] };
      expect(JSON.stringify(body), query).toContain(pointer);
    }
  });
});

describe("v2v cohort outcomes", () => {
  it("prints the same results as the API, as JSON and as tables", async () => {
    const api = await outcomes("indication=lymphoma,overlap&asOf=2026-11-01&groupBy=doseLevel");
    const json = await runV2v(database, [
      "cohort",
      "outcomes",
      "--indication",
      "overlap,lymphoma",
      "--as-of",
      "2026-11-01",
      "--group-by",
      "doseLevel",
      "--json",
    ]);
    expect(json.status, json.stderr).toBe(0);
    const cli = JSON.parse(json.stdout) as Outcomes & { generatedAt: string };
    expect(cli.summary).toEqual(api.summary);
    expect(cli.query).toBe("indication=lymphoma,overlap&asOf=2026-11-01");

    const text = await runV2v(database, [
      "cohort",
      "outcomes",
      "--indication",
      "lymphoma,overlap",
      "--as-of",
      "2026-11-01",
    ]);
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe("Cohort: indication lymphoma, overlap");
    expect(lines[1]).toMatch(/^Data cut 2026-11-01; 9 infused patient\(s\)/);
    // 9 lymphoma patients: 6 CR, 2 PR, 1 not evaluable; ORR 8/9 = 88.9%, R binom.test(8, 9): 0.5175 to 0.9972
    expect(lines.find((l) => l.startsWith("All patients"))).toMatch(
      /^All patients\s+9\s+6\s+2\s+0\s+0\s+1\s+8\/9 88\.9% \(51\.8%–99\.7%\)/,
    );
    expect(text.stdout).toContain("Link: /cohorts?indication=lymphoma,overlap&asOf=2026-11-01");
    // Progressions: SZ-0003 (day 88) and SZ-0010 (relapse, day 272); SZ-0003's death came after hers: no NRM.
    expect(lines.find((l) => l.startsWith("progression "))).toMatch(/^progression\s+2\s/);
    expect(lines.find((l) => l.startsWith("non-relapse mortality"))).toMatch(/^non-relapse mortality\s+0\s/);
  });

  it("starts from a saved cohort, explicit options overriding its keys", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/api/v1/cohorts",
      headers: { authorization: `Bearer ${tokens.investigator}` },
      payload: { name: "WH lupus", query: "site=WH&indication=sle&groupBy=doseLevel" },
    });
    expect(res.statusCode, res.body).toBe(201);
    const run = await runV2v(database, [
      "cohort",
      "outcomes",
      "--saved",
      "wh LUPUS",
      "--as-of",
      "2026-11-01",
      "--json",
    ]);
    expect(run.status, run.stderr).toBe(0);
    const o = JSON.parse(run.stdout) as Outcomes & { grouping: string };
    expect(o.query).toBe("site=WH&indication=sle&asOf=2026-11-01");
    expect(o.grouping).toBe("doseLevel");
    expect(codes(o)).toEqual(["WH-0001", "WH-0002", "WH-0004", "WH-0005"]);
    const missing = await runV2v(database, ["cohort", "outcomes", "--saved", "nothing like it"]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('No saved cohort called "nothing like it"');
  });

  it("refuses a bad filter with a message and a non-zero exit", async () => {
    const res = await runV2v(database, ["cohort", "outcomes", "--indication", "leukaemia"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/indication/);
    expect(res.stdout).toBe("");
    const grouping = await runV2v(database, ["cohort", "outcomes", "--group-by", "colour"]);
    expect(grouping.status).not.toBe(0);
    expect(grouping.stderr).toMatch(/groupBy/);
  });
});

describe("saved cohorts", () => {
  const call = (user: string, method: "GET" | "POST" | "DELETE", url: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[user]}` },
      ...(body ? { payload: body } : {}),
    });

  it("saves a definition under a name in canonical form, lists it for others, and audits it", async () => {
    const res = await call("investigator", "POST", "/api/v1/cohorts", {
      name: "Lupus, DL2",
      query: "?doseLevel=DL2&indication=sle,overlap&groupBy=site",
    });
    expect(res.statusCode, res.body).toBe(201);
    const saved = res.json() as { id: string; query: string; createdBy: string };
    expect(saved.query).toBe("doseLevel=DL2&indication=overlap,sle&groupBy=site");
    expect(saved.createdBy).toBe("investigator");
    const listed = (await call("monitor", "GET", "/api/v1/cohorts")).json() as {
      items: { name: string; query: string }[];
    };
    expect(listed.items).toContainEqual(expect.objectContaining({ name: "Lupus, DL2", query: saved.query }));
    // The saved query opens the same cohort as its link.
    const opened = await outcomes(saved.query);
    expect(
      opened.patients.every((p) => p.doseLevel === "DL2" && ["sle", "overlap"].includes(p.indication!)),
    ).toBe(true);
    const audit = await database.db
      .selectFrom("audit_events")
      .select(["action", "actor_name"])
      .where("entity_type", "=", "saved-cohort")
      .where("entity_id", "=", saved.id)
      .execute();
    expect(audit).toEqual([{ action: "create", actor_name: "investigator" }]);
  });

  it("refuses a bad query, a taken name, and removal by someone else; the author removes it", async () => {
    const bad = await call("investigator", "POST", "/api/v1/cohorts", {
      name: "Bad",
      query: "indication=leukaemia",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("/query/indication");
    const taken = await call("monitor", "POST", "/api/v1/cohorts", { name: "lupus, dl2", query: "" });
    expect(taken.statusCode).toBe(409);
    const id = (
      (await call("monitor", "GET", "/api/v1/cohorts")).json() as { items: { id: string; name: string }[] }
    ).items.find((c) => c.name === "Lupus, DL2")!.id;
    const other = await call("monitor", "DELETE", `/api/v1/cohorts/${id}`);
    expect(other.statusCode).toBe(403);
    expect((await call("manufacturing", "GET", "/api/v1/cohorts")).statusCode).toBe(403);
    expect((await call("investigator", "DELETE", `/api/v1/cohorts/${id}`)).statusCode).toBe(204);
    const after = (await call("monitor", "GET", "/api/v1/cohorts")).json() as { items: { id: string }[] };
    expect(after.items.map((c) => c.id)).not.toContain(id);
  });
});
