/**
 * Issue 11 on the demo program: people and bags by name (audit trail, product page, CLI), the audit
 * filter's choices from lists in any case, and what ended leaving every working list alike
 * (worklist, dashboard, `v2v worklist` and `v2v ltfu contacts` name no patient whose journey ended).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoSummary } from "../../src/demo/load.ts";
import { auditFilterChoices, listAudit } from "../../src/services/audit.ts";
import { actorFor } from "../../src/services/auth.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { programDashboard } from "../../src/services/dashboard.ts";
import { getProduct, listProductHistory } from "../../src/services/products.ts";
import { worklist } from "../../src/services/visits.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { demoDatabase } from "../support/demo-database.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const now = () => new Date();

let database: Database;
let summary: DemoSummary;
let monitor: ServiceContext;
let sz: string;

beforeAll(async () => {
  ({ database, summary } = await demoDatabase(now));
  const user = await database.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", "monitor")
    .executeTakeFirstOrThrow();
  monitor = { db: database.db, actor: await actorFor(database.db, user.id, "monitor"), now };
  sz = (await database.db.selectFrom("sites").select("id").where("code", "=", "SZ").executeTakeFirstOrThrow())
    .id;
}, 240_000);
afterAll(() => database?.close());

describe("people, patients and bags by name (issue 11)", () => {
  it("the audit trail names the actor, the record's patient and every id in the change", async () => {
    const page = await listAudit(monitor, { siteId: sz, entity: "observation", limit: 20 });
    expect(page.items.length).toBe(20);
    const subjectCodes = new Set(
      (await database.db.selectFrom("patients").select("subject_code").execute()).map((p) => p.subject_code),
    );
    for (const e of page.items) {
      // Every observation belongs to a patient: the label is that patient's subject code.
      expect(subjectCodes.has(e.entityLabel ?? "")).toBe(true);
      const patientId = (e.after as { patientId: string }).patientId;
      expect(e.names[patientId]).toBe(e.entityLabel);
      expect(e.actorDisplayName).not.toMatch(UUID);
    }
  });

  it("the audit trail names the people in a product's record and the bag by its DIN", async () => {
    const events = await listAudit(monitor, { siteId: sz, entity: "product", limit: 50 });
    const users = await database.db.selectFrom("users").select(["id", "display_name"]).execute();
    const units = await database.db.selectFrom("product_units").select(["id", "din"]).execute();
    const dinOf = new Map(units.map((u) => [u.id, u.din]));
    expect(events.items.length).toBeGreaterThan(0);
    for (const e of events.items) expect(e.entityLabel).toBe(dinOf.get(e.entityId));
    // Somewhere in these changes a user id appears (who recorded the event); it comes with the name.
    const named = events.items.flatMap((e) => Object.entries(e.names));
    const userNamed = named.filter(([id]) => users.some((u) => u.id === id));
    for (const [id, name] of userNamed) expect(name).toBe(users.find((u) => u.id === id)!.display_name);
  });

  it("the entity type filter takes any case, and the choices list types, records by label and people", async () => {
    const lower = await listAudit(monitor, { siteId: sz, entity: "patient", limit: 10 });
    const mixed = await listAudit(monitor, { siteId: sz, entity: "Patient", limit: 10 });
    expect(lower.items.length).toBe(10);
    expect(mixed.items.map((e) => e.id)).toEqual(lower.items.map((e) => e.id));

    const choices = await auditFilterChoices(monitor, { siteId: sz, entity: "PATIENT" });
    expect(choices.entityTypes).toEqual(
      expect.arrayContaining(["patient", "observation", "product", "visit"]),
    );
    const szPatients = await database.db
      .selectFrom("patients")
      .select(["id", "subject_code"])
      .where("site_id", "=", sz)
      .execute();
    // Every patient of the site was created through the services, so each is in the trail once at least.
    expect(choices.entities.map((e) => e.label).sort()).toEqual(szPatients.map((p) => p.subject_code).sort());
    expect(choices.entities.find((e) => e.label === "SZ-0001")?.id).toBe(summary.referencePatientId);
    expect(choices.actors.map((a) => a.name)).toContain("Demo coordinator (Shenzhen)");
    expect(choices.actors.every((a) => !UUID.test(a.name))).toBe(true);

    // Records that are not patients, bags or users are labelled by the patient they belong to.
    const visits = await auditFilterChoices(monitor, { siteId: sz, entity: "visit" });
    expect(visits.entities.length).toBeGreaterThan(0);
    const existing = new Set(
      (await database.db.selectFrom("visits").select("id").execute()).map((v) => v.id),
    );
    expect(visits.entities.filter((v) => existing.has(v.id)).length).toBeGreaterThan(0);
    for (const v of visits.entities)
      expect(v.label).toMatch(
        existing.has(v.id)
          ? /^SZ-\d{4} · last changed /
          : /^no longer in the record, id [0-9a-f]{8} · last changed /,
      );
  });

  it("the filter choices are for audit readers only: a coordinator is refused and nothing is listed", async () => {
    const user = await database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "coordinator")
      .executeTakeFirstOrThrow();
    const coordinator = { db: database.db, actor: await actorFor(database.db, user.id, "coordinator"), now };
    await expect(auditFilterChoices(coordinator, { siteId: sz, entity: "patient" })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("a product unit carries its patient's subject code, and its history the actors' names", async () => {
    const unit = await database.db
      .selectFrom("product_units")
      .innerJoin("patients", "patients.id", "product_units.patient_id")
      .select(["product_units.id", "patients.subject_code"])
      .where("patients.id", "=", summary.referencePatientId)
      .where("product_units.kind", "=", "final-product")
      .executeTakeFirstOrThrow();
    const product = await getProduct(monitor, unit.id);
    expect(product.subjectCode).toBe("SZ-0001");
    const history = (await listProductHistory(monitor, unit.id)).items;
    expect(history.length).toBeGreaterThan(2);
    const names = new Set(
      (await database.db.selectFrom("users").select("display_name").execute()).map((u) => u.display_name),
    );
    for (const e of history) {
      expect(names.has(e.actorName ?? "")).toBe(true);
      expect(e.recordedByName).not.toMatch(UUID);
    }

    const shown = await runV2v(database, ["product", "show", unit.id]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain("patient SZ-0001");
    // The history's actor column holds names; the only UUID printed is the unit's own id on line 1.
    const lines = shown.stdout.trim().split("\n");
    expect(lines.slice(1).join("\n")).not.toMatch(UUID);
    expect(lines.slice(3).some((l) => [...names].some((n) => l.includes(n)))).toBe(true);
  });
});

describe("what ended leaves every working list alike (issue 11)", () => {
  const ENDED = ["completed", "off-treatment", "died", "withdrawn", "lost-to-follow-up"];

  it("worklist, dashboard, `v2v worklist` and `v2v ltfu contacts` agree and name no ended journey", async () => {
    const ended = new Set(
      (
        await database.db
          .selectFrom("journeys")
          .innerJoin("patients", "patients.id", "journeys.patient_id")
          .select("patients.subject_code")
          .where("journeys.state", "in", ENDED)
          .where("journeys.site_id", "=", sz)
          .execute()
      ).map((r) => r.subject_code),
    );
    // SZ-0003 died in 2020 (src/demo/synthetic-cohort.ts): her "Year 7" contact must not be due.
    expect(ended.has("SZ-0003")).toBe(true);

    const overdue = await worklist(monitor, { siteId: sz, status: "overdue", limit: 500 });
    const due = await worklist(monitor, { siteId: sz, status: "due", limit: 500 });
    const listed = [...overdue.items, ...due.items].map((v) => v.subjectCode);
    expect(listed.filter((c) => ended.has(c))).toEqual([]);

    const dash = await programDashboard(monitor, { siteId: sz });
    expect(dash.visits!.items.filter((v) => ended.has(v.subjectCode))).toEqual([]);
    // The dashboard's overdue count is the worklist's: overdue is overdue whatever the week.
    expect(dash.visits!.overdue).toBe(overdue.items.length);

    const cli = await runV2v(database, ["worklist", "--site", "SZ", "--status", "overdue"]);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(`${overdue.items.length} visit(s)`);
    const cliSubjects = cli.stdout.split("\n").flatMap((l) => /^(SZ-\d{4})\s/.exec(l)?.[1] ?? []);
    expect(cliSubjects.sort()).toEqual(overdue.items.map((v) => v.subjectCode).sort());

    for (const year of [2026, 2027]) {
      const contacts = await runV2v(database, ["ltfu", "contacts", "--site", "SZ", "--year", String(year)]);
      expect(contacts.status).toBe(0);
      const endedRows = contacts.stdout.split("\n").filter((l) => ended.has(l.split(/\s+/)[0] ?? ""));
      for (const row of endedRows) expect(row).not.toMatch(/\b(due|overdue|upcoming)\b/);
    }
  });
});
