/**
 * Every change is attributable (who, when, what, why) and versioned: a stale version changes
 * nothing, identity reads are themselves audited, and the audit table cannot be rewritten.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patient: { id: string; version: number };

beforeAll(async () => {
  w = await buildWorld();
  const res = await w.call("investigator", "A", "POST", "/api/v1/patients", {
    siteId: w.sites.A,
    birthYear: 1976,
    sex: "female",
    identity: {
      familyName: "Chen",
      givenName: "Lan",
      sex: "female",
      birthDate: "1976-05-01",
      nationalId: "420000197605010000",
    },
  });
  expect(res.statusCode).toBe(201);
  patient = res.json();
});
afterAll(() => w.close());

const auditOf = async (entity: string, entityId: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/audit?entity=${entity}&entityId=${entityId}`)).json()
    .items as {
    action: string;
    actorName: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    reason: string | null;
    at: string;
  }[];

describe("audit trail", () => {
  it("records the creation with actor, time and the values", async () => {
    const [created] = await auditOf("patient", patient.id);
    expect(created?.action).toBe("create");
    expect(created?.actorName).toBe("investigator-a");
    expect(created?.after?.subjectCode).toBe("AA-0001");
    expect(Date.now() - Date.parse(created!.at)).toBeLessThan(60_000);
  });

  it("records an update as before/after of the changed fields with the reason", async () => {
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patient.id}`, {
      birthYear: 1975,
      reason: "Birth year transcribed wrongly from referral letter",
      version: patient.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).toBe(`"${patient.version + 1}"`);
    const [latest] = await auditOf("patient", patient.id);
    expect(latest).toMatchObject({
      action: "update",
      actorName: "coordinator-a",
      before: { birthYear: 1976 },
      after: { birthYear: 1975 },
      reason: "Birth year transcribed wrongly from referral letter",
    });
    patient = res.json();
  });

  it("audits every identity read, without putting identity in the trail", async () => {
    const read = await w.call("coordinator", "A", "GET", `/api/v1/patients/${patient.id}/identity`);
    expect(read.statusCode).toBe(200);
    expect(read.json().familyName).toBe("Chen");
    const trail = await auditOf("patient-identity", patient.id);
    expect(trail.map((t) => t.action)).toContain("read-identity");
    expect(JSON.stringify(trail)).not.toContain("Chen");
    expect(JSON.stringify(trail)).not.toContain("420000197605010000");
  });

  it("never shows identity to a monitor, and the attempt changes nothing", async () => {
    const res = await w.call("monitor", "A", "GET", `/api/v1/patients/${patient.id}/identity`);
    expect(res.statusCode).toBe(403);
    const plain = await w.call("monitor", "A", "GET", `/api/v1/patients/${patient.id}`);
    expect(plain.json()).not.toHaveProperty("identity");
    expect(plain.body).not.toContain("Chen");
  });

  it("is append-only in the database itself", async () => {
    await expect(sql`UPDATE audit_events SET reason = 'tampered'`.execute(w.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_events`.execute(w.database.db)).rejects.toThrow(/append-only/);
    const trail = await auditOf("patient", patient.id);
    expect(trail.some((t) => t.reason === "tampered")).toBe(false);
  });

  it("a refused write (stale version) leaves no audit row", async () => {
    const before = await auditOf("patient", patient.id);
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patient.id}`, {
      birthYear: 1974,
      reason: "stale attempt",
      version: patient.version - 1,
    });
    expect(res.statusCode).toBe(409);
    expect(await auditOf("patient", patient.id)).toHaveLength(before.length);
  });

  /*
   * The change and its audit record commit together or not at all. Each half is made to fail in
   * the database, after the service has done its part: if the audit were written in a transaction
   * of its own (or after the commit), one of the two checks below would find a change without its
   * record or a record without its change.
   */
  const birthYear = async () =>
    (await w.call("investigator", "A", "GET", `/api/v1/patients/${patient.id}`)).json().birthYear as number;
  const patch = async (year: number) => {
    const current = (await w.call("investigator", "A", "GET", `/api/v1/patients/${patient.id}`)).json();
    return w.call("investigator", "A", "PATCH", `/api/v1/patients/${patient.id}`, {
      birthYear: year,
      reason: "transaction test",
      version: current.version,
    });
  };

  /**
   * Runs `write` while a trigger raises on `table` — `BEFORE INSERT`, or a deferred constraint
   * trigger `AFTER UPDATE` that raises at COMMIT — and expects the write to fail with a 5xx.
   */
  async function whileRefused(
    table: "audit_events" | "patients",
    when: "before insert" | "at commit",
    write: () => Promise<{ statusCode: number }>,
  ) {
    const db = w.database.db;
    await sql`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`.execute(db);
    await (when === "before insert"
      ? sql`CREATE TRIGGER test_refuse BEFORE INSERT ON ${sql.table(table)}
          FOR EACH ROW EXECUTE FUNCTION test_refuse()`
      : sql`CREATE CONSTRAINT TRIGGER test_refuse AFTER UPDATE ON ${sql.table(table)}
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse()`
    ).execute(db);
    try {
      expect((await write()).statusCode).toBeGreaterThanOrEqual(500);
    } finally {
      await sql`DROP TRIGGER test_refuse ON ${sql.table(table)}`.execute(db);
      await sql`DROP FUNCTION test_refuse()`.execute(db);
    }
  }

  it("an audit record that cannot be written undoes the change it records", async () => {
    const yearBefore = await birthYear();
    const trailBefore = await auditOf("patient", patient.id);
    await whileRefused("audit_events", "before insert", () => patch(yearBefore + 1));
    expect(await birthYear()).toBe(yearBefore);
    expect(await auditOf("patient", patient.id)).toHaveLength(trailBefore.length);
  });

  it("a change that fails at commit, after its audit record was written, leaves no audit record", async () => {
    const yearBefore = await birthYear();
    const trailBefore = await auditOf("patient", patient.id);
    // A deferred check runs at COMMIT, after the service has written both the change and its record.
    await whileRefused("patients", "at commit", () => patch(yearBefore + 2));
    expect(await birthYear()).toBe(yearBefore);
    expect(await auditOf("patient", patient.id)).toHaveLength(trailBefore.length);
    // and without the failures, the same write commits with its record
    const done = await patch(yearBefore + 2);
    expect(done.statusCode).toBe(200);
    patient.version = done.json().version; // the later tests start from the current version
    expect(await birthYear()).toBe(yearBefore + 2);
    expect(await auditOf("patient", patient.id)).toHaveLength(trailBefore.length + 1);
  });

  it("is paginated newest first with a cursor", async () => {
    const first = (await w.call("admin", "A", "GET", "/api/v1/audit?limit=2")).json();
    expect(first.items).toHaveLength(2);
    const second = (
      await w.call("admin", "A", "GET", `/api/v1/audit?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second.items[0].id < first.items[1].id).toBe(true);
  });
});

describe("optimistic locking", () => {
  it("a stale If-Match is 412 and changes nothing", async () => {
    const res = await w.call(
      "coordinator",
      "A",
      "PATCH",
      `/api/v1/patients/${patient.id}`,
      { sex: "unknown", reason: "test stale" },
      {
        "if-match": `"${patient.version - 1}"`,
      },
    );
    expect(res.statusCode).toBe(412);
    expect(res.json().currentVersion).toBe(patient.version);
    expect((await w.call("coordinator", "A", "GET", `/api/v1/patients/${patient.id}`)).json().sex).toBe(
      "female",
    );
  });

  it("a stale body version is 409", async () => {
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patient.id}`, {
      sex: "unknown",
      reason: "test stale",
      version: patient.version + 5,
    });
    expect(res.statusCode).toBe(409);
  });

  it("an update with no version at all is 428", async () => {
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patient.id}`, {
      sex: "unknown",
      reason: "no version",
    });
    expect(res.statusCode).toBe(428);
  });

  it("the current ETag as If-Match succeeds and bumps the version", async () => {
    const got = await w.call("coordinator", "A", "GET", `/api/v1/patients/${patient.id}`);
    const res = await w.call(
      "coordinator",
      "A",
      "PATCH",
      `/api/v1/patients/${patient.id}`,
      { birthYear: 1976, reason: "Checked against ID card" },
      {
        "if-match": String(got.headers.etag),
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version).toBe(got.json().version + 1);
  });

  it("two concurrent updates from the same version: exactly one wins", async () => {
    const got = (await w.call("coordinator", "A", "GET", `/api/v1/patients/${patient.id}`)).json();
    const results = await Promise.all(
      [1970, 1971].map((birthYear) =>
        w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patient.id}`, {
          birthYear,
          reason: "race",
          version: got.version,
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });
});
