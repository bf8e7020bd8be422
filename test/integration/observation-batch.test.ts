/**
 * Observation batches (decision 0040): one statement for the rows, one audit record per batch and
 * site that still attributes every row (who, when, what, why) in the audit trail and FHIR
 * Provenance, the default answer unchanged, and `Prefer: return=minimal` for a compact one.
 */
import type { Bundle, Provenance } from "@medplum/fhirtypes";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordObservations } from "../../src/services/observations.ts";
import { fhirProblems } from "../support/fhir-validation.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientA: string;
let patientA2: string;
const investigator = (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
  w.call("investigator", "A", method, url, body, headers);

const START = Date.parse("2021-03-01T00:00:00Z");
const rowsFor = (patientId: string, n: number, offsetHours = 0) =>
  Array.from({ length: n }, (_, i) => ({
    patientId,
    code: "718-7",
    valueNumber: 8 + (i % 80) / 10,
    unit: "g/dL",
    effectiveAt: new Date(START + (offsetHours + i) * 3_600_000).toISOString(),
    note: `row ${i}`,
  }));

beforeAll(async () => {
  w = await buildWorld();
  const make = async () =>
    (
      await investigator("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1970, sex: "male" })
    ).json().id as string;
  patientA = await make();
  patientA2 = await make();
});
afterAll(() => w.close());
/** Observations and audit records stored: a refused batch leaves both as they were. */
const storedCounts = async () => ({
  observations: await w.rowCount("observations"),
  audit: await w.rowCount("audit_events"),
});

describe("observation batches", () => {
  let ids: string[] = [];
  let stored: Record<string, unknown>[] = [];

  it("answers with every stored observation by default, as GET reads each back", async () => {
    const res = await investigator("POST", "/api/v1/observations", {
      observations: [...rowsFor(patientA, 300), ...rowsFor(patientA2, 200, 1000)],
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.headers["preference-applied"]).toBeUndefined();
    const body = res.json();
    expect(body.count).toBe(500);
    stored = body.observations;
    ids = stored.map((o) => o.id as string);
    expect(new Set(ids).size).toBe(500);
    // The answer is built without RETURNING: it must equal what the database holds.
    for (const i of [0, 137, 299, 300, 499]) {
      const got = await investigator("GET", `/api/v1/observations/${ids[i]}`);
      expect(got.json()).toEqual(stored[i]);
    }
    expect(stored[137]).toMatchObject({ patientId: patientA, valueNumber: 8 + 57 / 10, note: "row 137" });
    expect(stored[300]).toMatchObject({ patientId: patientA2, note: "row 0" });
  });

  it("writes one audit record for the batch at the site, listing every row", async () => {
    const records = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "observation-batch")
      .execute();
    expect(records).toHaveLength(1);
    expect(records[0]!.site_id).toBe(w.sites.A);
    expect((records[0]!.after as { count: number }).count).toBe(500);
    const single = await w.database.db
      .selectFrom("audit_events")
      .select("entity_id")
      .where("entity_type", "=", "observation")
      .where("entity_id", "in", ids)
      .execute();
    expect(single).toEqual([]);
  });

  it("the audit trail attributes each row: who, when and what, found by the observation's id", async () => {
    const audited = await w.call("monitor", "A", "GET", `/api/v1/audit?entityId=${ids[321]}`);
    expect(audited.statusCode, audited.body).toBe(200);
    const [entry, ...more] = audited.json().items;
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      action: "create",
      entityType: "observation",
      entityId: ids[321],
      actorName: w.usernames.investigator.A,
      actorDisplayName: "investigator at A",
      siteId: w.sites.A,
      batch: { item: 321, count: 500 },
    });
    // what: every value of the row as stored, exactly as a single create's record holds it
    expect(entry.after).toEqual(stored[321]);
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(stored[321]!.createdAt as string));
    // the row's patient labels it
    expect(entry.entityLabel).toMatch(/^AA-\d{4}$/);
  });

  it("lists the batch as one entry per row, paging inside the record without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/audit?entity=Observation&limit=130${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await w.call("monitor", "A", "GET", url)).json();
      for (const e of page.items) {
        expect(e.entityType).toBe("observation");
        seen.push(e.entityId);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(500);
    expect(new Set(seen)).toEqual(new Set(ids));
    const choices = (await w.call("monitor", "A", "GET", "/api/v1/audit/choices?entity=observation")).json();
    expect(choices.entityTypes).toContain("observation");
    expect(choices.entityTypes).not.toContain("observation-batch");
    expect(new Set(choices.entities.map((e: { id: string }) => e.id))).toEqual(new Set(ids));
  });

  it("keeps the reason and actor on a row found after other changes", async () => {
    const patch = await investigator("PATCH", `/api/v1/observations/${ids[5]}`, {
      valueNumber: 12.5,
      unit: "g/dL",
      reason: "transcription error",
      version: 1,
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const items = (await w.call("monitor", "A", "GET", `/api/v1/audit?entityId=${ids[5]}`)).json().items;
    expect(items.map((e: { action: string }) => e.action)).toEqual(["update", "create"]);
    expect(items[0].reason).toBe("transcription error");
    expect(items[1].after.valueNumber).toBe(stored[5]!.valueNumber);
  });

  it("gives every batch-written observation a FHIR Provenance naming it as target", async () => {
    const targets = new Map<string, Provenance>();
    let url: string | undefined = "/fhir/R4/Provenance?_count=50";
    while (url) {
      const res = await w.call("monitor", "A", "GET", url);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const b = res.json() as Bundle;
      for (const e of b.entry ?? []) {
        const p = e.resource as Provenance;
        expect(fhirProblems(p)).toEqual([]);
        if (p.activity?.coding?.[0]?.code === "CREATE")
          for (const t of p.target) targets.set(t.reference!, p);
      }
      const next = b.link?.find((l) => l.relation === "next")?.url;
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    for (const id of ids) {
      const p = targets.get(`Observation/${id}`);
      expect(p, id).toBeDefined();
      expect(p!.agent[0]!.who?.display ?? p!.agent[0]!.who?.identifier?.value).toBeDefined();
    }
    // one Provenance for the whole batch: one activity, one agent, one time
    expect(new Set(ids.map((id) => targets.get(`Observation/${id}`)!.id)).size).toBe(1);
  });

  it("answers {count, ids} in input order with Prefer: return=minimal, and stores and audits the same", async () => {
    const rows = rowsFor(patientA, 40, 5000);
    const res = await investigator(
      "POST",
      "/api/v1/observations",
      { observations: rows },
      { prefer: 'handling=strict, return="minimal"' },
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers["preference-applied"]).toBe("return=minimal");
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(["count", "ids"]);
    expect(body.count).toBe(40);
    for (const i of [0, 17, 39]) {
      const got = (await investigator("GET", `/api/v1/observations/${body.ids[i]}`)).json();
      expect(got).toMatchObject({
        effectiveAt: rows[i]!.effectiveAt,
        note: `row ${i}`,
        valueNumber: rows[i]!.valueNumber,
      });
      const audit = (await w.call("monitor", "A", "GET", `/api/v1/audit?entityId=${body.ids[i]}`)).json()
        .items;
      expect(audit).toHaveLength(1);
      expect(audit[0].after).toEqual(got);
    }
  });

  it("ignores other preferences: return=representation keeps the full answer", async () => {
    const res = await investigator(
      "POST",
      "/api/v1/observations",
      { observations: rowsFor(patientA, 2, 6000) },
      { prefer: "return=representation" },
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().observations).toHaveLength(2);
  });

  it("refuses a batch with bad rows as 400 naming each, and writes nothing", async () => {
    const before = await w.database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const rows = rowsFor(patientA, 10, 7000);
    rows[3]!.valueNumber = 140; // haemoglobin in g/L typed as g/dL: implausible
    rows[8]!.unit = "kg";
    const res = await investigator(
      "POST",
      "/api/v1/observations",
      { observations: rows },
      { prefer: "return=minimal" },
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
    const pointers = res.json().errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/observations/3/valueNumber", "/observations/8/unit"]));
    const after = await w.database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("stores a large batch record compressed with lz4 where the server offers it (0040), pglz otherwise", async () => {
    const res = await investigator(
      "POST",
      "/api/v1/observations",
      { observations: rowsFor(patientA, 1000, 30_000) },
      { prefer: "return=minimal" },
    );
    expect(res.statusCode).toBe(201);
    const { rows: offered } = await sql<{ lz4: boolean }>`
      SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(
      w.database.db,
    );
    const { rows } = await sql<{ method: string | null; bytes: number }>`
      SELECT pg_column_compression("after") AS method, octet_length("after"::text) AS bytes
        FROM audit_events WHERE entity_type = 'observation-batch' AND "after"->'columns'->'id' ? ${res.json().ids[0]}`.execute(
      w.database.db,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.bytes).toBeGreaterThan(8_000); // past TOAST's ~2 KB threshold: compressed at all
    expect(rows[0]!.method).toBe(offered[0]!.lz4 ? "lz4" : "pglz");
  });

  it("lets the caller prepare its answer inside the write: the rows' INSERT sent, the audit row not yet", async () => {
    const statements: string[] = [];
    let preparedAt = -1;
    let prepared: readonly unknown[] = [];
    const stop = w.database.observeQueries((e) => statements.push(e.sql));
    try {
      const stored = await recordObservations(
        await w.as("investigator", "A"),
        { observations: rowsFor(patientA, 5, 8000) },
        {
          prepareAnswer: (rows) => {
            preparedAt = statements.length;
            prepared = rows;
          },
        },
      );
      expect(prepared).toEqual(stored);
    } finally {
      stop();
    }
    const rowsInsert = statements.findIndex((q) => /insert into observations/i.test(q));
    const auditInsert = statements.findIndex((q) => /insert into "?audit_events/i.test(q));
    expect(rowsInsert).toBeGreaterThanOrEqual(0);
    expect(auditInsert).toBeGreaterThan(rowsInsert);
    // A statement is logged once done: the rows' INSERT may still be running when the answer is
    // prepared, but the audit row (and so the COMMIT) must not have been written yet.
    expect(preparedAt).toBeGreaterThanOrEqual(0);
    expect(preparedAt).toBeLessThanOrEqual(auditInsert);
    expect(statements.slice(0, preparedAt).some((q) => /insert into "?audit_events/i.test(q))).toBe(false);
  });

  it("stores nothing, audits nothing, when preparing the answer fails", async () => {
    const before = await storedCounts();
    await expect(
      recordObservations(
        await w.as("investigator", "A"),
        { observations: rowsFor(patientA, 5, 9000) },
        {
          prepareAnswer: () => {
            throw new Error("the answer does not fit its schema");
          },
        },
      ),
    ).rejects.toThrow("the answer does not fit its schema");
    expect(await storedCounts()).toEqual(before);
  });

  it("stores nothing, audits nothing, when the database refuses the rows (the audit row queued behind them)", async () => {
    const db = w.database.db;
    // A refusal only the database makes: a trigger that fails the statement writing this note.
    await sql`CREATE FUNCTION refuse_marked_rows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM new_rows WHERE note = 'refused by the database') THEN
          RAISE EXCEPTION 'refused by the database';
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_marked_rows AFTER INSERT ON observations
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refuse_marked_rows()`.execute(
      db,
    );
    try {
      const before = await storedCounts();
      const rows = rowsFor(patientA, 20, 10_000);
      rows[7]!.note = "refused by the database";
      const res = await investigator("POST", "/api/v1/observations", { observations: rows });
      expect(res.statusCode).toBe(500);
      expect(await storedCounts()).toEqual(before);
      // The connection is whole again: the next batch is stored.
      const next = await investigator("POST", "/api/v1/observations", {
        observations: rowsFor(patientA, 3, 10_100),
      });
      expect(next.statusCode, next.body.slice(0, 300)).toBe(201);
    } finally {
      await sql`DROP TRIGGER refuse_marked_rows ON observations`.execute(db);
      await sql`DROP FUNCTION refuse_marked_rows()`.execute(db);
    }
  });

  it("stores text as typed whatever it holds: quotes, backslashes, commas, braces, NULL, CJK, empty", async () => {
    // Each column travels as one array parameter (store/clinical-records.ts), written by
    // node-postgres as an array literal: these are the characters it quotes or escapes, and the
    // word it writes for a null.
    const awkward = [
      'say "hi"',
      "C:\\lab\\run",
      "a,b",
      "{x}",
      "NULL",
      "null",
      "血红蛋白 🧬",
      " padded ",
      '\\"',
      "",
    ];
    const rows = awkward.map((text, i) => ({
      ...rowsFor(patientA, 1, 9000 + i)[0]!,
      note: text === "" ? null : text,
      source: text === "" ? null : `src ${text}`,
      display: text === "" ? null : text,
    }));
    const res = await investigator("POST", "/api/v1/observations", { observations: rows });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const stored = res.json().observations as Record<string, unknown>[];
    for (const [i, text] of awkward.entries()) {
      const got = (await investigator("GET", `/api/v1/observations/${stored[i]!.id}`)).json();
      expect(got).toEqual(stored[i]);
      expect(got.note).toBe(text === "" ? null : text);
      expect(got.source).toBe(text === "" ? null : `src ${text}`);
    }
  });
});
