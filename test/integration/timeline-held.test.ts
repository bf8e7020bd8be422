/**
 * Held timeline pages (decision 0056, migration 0034): a page asked again while the patient's
 * record is unchanged is answered from memory, and any write to a table the page is read from
 * moves the patient's record version in the writer's transaction, so the next read computes the
 * page again. The tables are not listed by hand: they are taken from the plans of the statements
 * a page actually runs, so a new kind on the timeline without its triggers fails here. On the demo
 * program, on PGlite and PostgreSQL alike.
 */
import { CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "../../src/services/context.ts";
import { recordObservations } from "../../src/services/observations.ts";
import { patientTimeline } from "../../src/services/timeline.ts";
import type { Database, QueryEvent } from "../../src/store/database.ts";
import { usingPostgres } from "../support/database.ts";
import { demoAsInvestigator } from "../support/demo-database.ts";
import { relationsRead } from "../support/plan-relations.ts";
import { statementsRun } from "../support/statements.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let ctx: ServiceContext;

beforeAll(async () => {
  ({ database, ctx } = await demoAsInvestigator(now));
}, 300_000);
afterAll(async () => {
  await database?.close();
});

/** The demo's infused patients, with the most records first. */
const infusedPatients = async () =>
  (
    await sql<{ patient_id: string }>`
      SELECT e.patient_id FROM enrolments e
       WHERE e.infusion_date IS NOT NULL
       ORDER BY (SELECT count(*) FROM observations o WHERE o.patient_id = e.patient_id) DESC, e.patient_id`.execute(
      database.db,
    )
  ).rows.map((r) => r.patient_id);

const version = async (patientId: string) =>
  (
    await sql<{ v: string | null }>`
      SELECT (SELECT version::text || ':' || changed_xid::text FROM patient_record_versions WHERE patient_id = ${patientId}) AS v`.execute(
      database.db,
    )
  ).rows[0]!.v;

/** This schema's statement triggers whose functions' names start with one of `functions`. */
const triggersCalling = async (...functions: string[]) =>
  (
    await sql<{ table: string; trigger: string; fn: string; tgtype: number }>`
      SELECT c.relname AS "table", t.tgname AS "trigger", p.proname AS fn, t.tgtype
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_proc p ON p.oid = t.tgfoid
       WHERE NOT t.tgisinternal
         AND c.relnamespace = current_schema()::regnamespace
         AND p.proname LIKE ANY (${functions.map((f) => `${f}%`)})`.execute(database.db)
  ).rows;

/** Per table, the operations whose statement-level trigger bumps the patient's record version. */
const bumpingTriggers = async () => {
  const ops = new Map<string, Set<string>>();
  // pg_trigger.tgtype bits (PostgreSQL's trigger.h): 4 INSERT, 8 DELETE, 16 UPDATE.
  for (const r of await triggersCalling("patient_record_touched")) {
    const set = ops.get(r.table) ?? new Set<string>();
    if (r.tgtype & 4) set.add("insert");
    if (r.tgtype & 8) set.add("delete");
    if (r.tgtype & 16) set.add("update");
    ops.set(r.table, set);
  }
  return ops;
};

describe("held timeline pages", () => {
  it("answers a page asked again with nothing written from memory, and computes it again after a write", async () => {
    const [patientId] = await infusedPatients();
    const first = await patientTimeline(ctx, patientId!, { limit: 100 });
    const again = await statementsRun(database, () => patientTimeline(ctx, patientId!, { limit: 100 }));
    // One statement (the patient with its versions), and the very page held; on PGlite that
    // read is itself kept until a write (decision 0063), so none.
    expect(again).toHaveLength(usingPostgres() ? 1 : 0);
    expect(await patientTimeline(ctx, patientId!, { limit: 100 })).toBe(first);
    // Another page of the same patient is held on its own.
    const second = await patientTimeline(ctx, patientId!, { limit: 100, cursor: first.nextCursor! });
    expect(second).not.toBe(first);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);

    // A result dated before everything on the page: it sorts first, so it must be on page one.
    const earliest = first.items[0]!.at;
    const before = new Date(Date.parse(earliest) - 60_000).toISOString();
    const [stored] = await recordObservations(ctx, {
      patientId,
      codeSystem: "http://loinc.org",
      code: "718-7",
      valueNumber: 11.2,
      unit: "g/dL",
      effectiveAt: before,
      status: "final",
    });
    const after = await patientTimeline(ctx, patientId!, { limit: 100 });
    expect(after).not.toBe(first);
    expect(after.items[0]).toMatchObject({ kind: "observation", id: stored!.id, at: before });
    expect(after.items.slice(1, 100).map((i) => i.id)).toEqual(first.items.slice(0, 99).map((i) => i.id));
  });

  it("has the version triggers on every table a page's statements read", async () => {
    const patientId = (await infusedPatients())[1]!;
    // A patient not read yet in this file: nothing held, so every statement runs.
    const read = await relationsRead(database, () => patientTimeline(ctx, patientId, { limit: 100 }));
    // Everything a page shows is in the clinical tables: observations, visits, product events…
    for (const t of ["observations", "visits", "product_events", "custody_handoffs", "journey_events"])
      expect(read).toContain(t);
    const triggers = await bumpingTriggers();
    // Read afresh on every request and part of the held page's key instead: the patient's
    // subject code, the site's zone, day 0 and the versions themselves.
    const readEveryTime = new Set(["patients", "sites", "patient_record_versions", "cohort_patient_facts"]);
    const uncovered = [...read]
      .filter((t) => !readEveryTime.has(t))
      .filter((t) => {
        const ops = triggers.get(t);
        // A study's short name is shown; a study with enrolments cannot be deleted (their foreign
        // key), and a new study has none: an update is what can change a page.
        if (t === "studies") return !ops?.has("update");
        return !(ops?.has("insert") && ops.has("update") && ops.has("delete"));
      });
    expect(uncovered).toEqual([]);
  });

  it("moves the patient's version with an update of any one of their records, in every table with the triggers", async () => {
    const triggers = await bumpingTriggers();
    expect(triggers.size).toBeGreaterThanOrEqual(14);
    // How each table's row names its patient.
    const patientOf: Record<string, string> = {
      journey_events: "(SELECT j.patient_id FROM journeys j WHERE j.id = t.journey_id)",
      product_events: "(SELECT u.patient_id FROM product_units u WHERE u.id = t.product_id)",
      custody_handoffs: "(SELECT u.patient_id FROM product_units u WHERE u.id = t.product_id)",
      logger_uploads: "(SELECT u.patient_id FROM product_units u WHERE u.id = t.product_id)",
      qc_results: "(SELECT u.patient_id FROM product_units u WHERE u.id = t.product_id)",
      studies: "(SELECT min(e.patient_id::text)::uuid FROM enrolments e WHERE e.study_id = t.id)",
    };
    const moved: string[] = [];
    for (const table of [...triggers.keys()].sort()) {
      const owner = patientOf[table] ?? "t.patient_id";
      const { rows } = await database.db.executeQuery<{ id: string; patient_id: string }>(
        CompiledQuery.raw(
          `SELECT t.id, ${owner} AS patient_id FROM ${table} t WHERE ${owner} IS NOT NULL ORDER BY t.id LIMIT 1`,
        ),
      );
      expect(rows, `the demo has a ${table} row with a patient`).toHaveLength(1);
      const { id, patient_id: patientId } = rows[0]!;
      const was = await version(patientId);
      // A no-op update still fires the statement's triggers, as any real change would.
      await database.db.executeQuery(CompiledQuery.raw(`UPDATE ${table} SET id = id WHERE id = $1`, [id]));
      const is = await version(patientId);
      expect(is, table).not.toBeNull();
      expect(is, table).not.toBe(was);
      moved.push(table);
    }
    expect(moved).toEqual(expect.arrayContaining(["observations", "visits", "product_events", "studies"]));
  });

  it("locks a patient's record version before the cohort facts' version in every statement", async () => {
    // A table's AFTER triggers of one event fire in the order of their names (PostgreSQL's
    // CREATE TRIGGER documentation).
    const rows = await triggersCalling("patient_record_touched", "cohort_facts_stale");
    const facts = rows.filter((r) => r.fn.startsWith("cohort_facts"));
    expect(facts.length).toBeGreaterThan(20);
    for (const cohort of facts) {
      const record = rows.find(
        (r) => r.table === cohort.table && r.tgtype === cohort.tgtype && r.fn.startsWith("patient_record"),
      );
      expect(record, `${cohort.trigger} has a record-version trigger for the same event`).toBeDefined();
      expect([record!.trigger, cohort.trigger].sort()[0], cohort.trigger).toBe(record!.trigger);
    }
  });

  it("moves it with a delete, and a page held before shows the record gone", async () => {
    const patientId = (await infusedPatients())[2]!;
    const page = await patientTimeline(ctx, patientId, { limit: 100, kinds: ["visit"] });
    const visit = page.items[0]!;
    expect(visit.kind).toBe("visit");
    await sql`DELETE FROM visits WHERE id = ${visit.id}`.execute(database.db);
    const after = await patientTimeline(ctx, patientId, { limit: 100, kinds: ["visit"] });
    expect(after.items.map((i) => i.id)).not.toContain(visit.id);
    expect(after.items.length).toBe(page.items.length - 1);
  });
});
