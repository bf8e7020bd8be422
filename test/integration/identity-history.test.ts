/**
 * Identity changes keep the values they replace (issue 10; migration 0013): readable only where
 * identity is, each read audited, and never in the monitor-readable audit trail, which carries a
 * salted digest instead. The digest ties the history into the hash chain: a superuser who edits,
 * removes or adds history is named by `verifyAuditChain`.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type VerifyReport, verifyAuditChain } from "../../src/services/audit-chain.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
let version: number;

const rolledBack = new Error("rolled back on purpose");
async function afterTampering(sqlText: string): Promise<VerifyReport> {
  let report: VerifyReport | undefined;
  await expect(
    w.database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await sql.raw(sqlText).execute(trx);
      report = await verifyAuditChain(trx);
      throw rolledBack;
    }),
  ).rejects.toBe(rolledBack);
  return report!;
}

const change = async (role: "investigator" | "coordinator", body: Record<string, unknown>) => {
  const res = await w.call(role, "A", "PATCH", `/api/v1/patients/${patientId}/identity`, {
    ...body,
    version,
  });
  expect(res.statusCode, res.body).toBe(200);
  version = res.json().version;
};

const history = (role: Parameters<World["call"]>[0], site: "A" | "B" = "A") =>
  w.call(role, site, "GET", `/api/v1/patients/${patientId}/identity/history`);

/** the identity update audit records, as a monitor reads them */
const identityTrail = async () =>
  (
    await w.call(
      "monitor",
      "A",
      "GET",
      `/api/v1/audit?entity=patient-identity&entityId=${patientId}&limit=100`,
    )
  ).json().items as {
    id: string;
    action: string;
    after: Record<string, unknown> | null;
    reason: string | null;
  }[];

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
      phone: "+86 138 0000 0001",
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  patientId = res.json().id;
  version = 1;
  await change("coordinator", {
    familyName: "Wang",
    phone: "+86 138 0000 0002",
    reason: "Married; new phone",
  });
  await change("investigator", { familyName: "Chen-Wang", reason: "Family name as in the passport" });
});
afterAll(() => w.close());

describe("identity history", () => {
  it("the investigator reads both earlier values, newest first, with who replaced them", async () => {
    const res = await history("investigator");
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items;
    expect(items.map((i: { version: number }) => i.version)).toEqual([2, 1]);
    expect(items[0]).toMatchObject({ familyName: "Wang", phone: "+86 138 0000 0002", givenName: "Lan" });
    expect(items[0].replacedBy.username).toBe("investigator-a");
    expect(items[1]).toMatchObject({
      familyName: "Chen",
      phone: "+86 138 0000 0001",
      birthDate: "1976-05-01",
    });
    expect(items[1].replacedBy.username).toBe("coordinator-a");
    expect(Date.parse(items[1].replacedAt)).toBeLessThanOrEqual(Date.parse(items[0].replacedAt));
    const current = (
      await w.call("investigator", "A", "GET", `/api/v1/patients/${patientId}/identity`)
    ).json();
    expect(current).toMatchObject({ familyName: "Chen-Wang", phone: "+86 138 0000 0002", version: 3 });
  });

  it("the coordinator of the site reads it too", async () => {
    const res = await history("coordinator");
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(2);
  });

  it("a monitor, an admin and the other roles cannot; another site's investigator does not see the patient", async () => {
    for (const role of ["monitor", "admin", "manufacturing", "quality"] as const) {
      const res = await history(role);
      expect(res.statusCode, role).toBe(403);
      expect(res.body).not.toContain("Wang");
    }
    expect((await history("investigator", "B")).statusCode).toBe(404);
  });

  it("every read of it is audited, naming the versions read", async () => {
    const before = (await identityTrail()).filter((t) => t.action === "read-identity").length;
    await history("coordinator");
    const reads = (await identityTrail()).filter((t) => t.action === "read-identity");
    expect(reads).toHaveLength(before + 1);
    expect(reads[0]?.after).toEqual({ part: "history", versions: [2, 1] });
  });

  it("the monitor-readable trail names the changed fields and a digest, never the values", async () => {
    const updates = (await identityTrail()).filter((t) => t.action === "update");
    expect(updates.map((u) => u.after?.fields)).toEqual([["familyName"], ["familyName", "phone"]]);
    expect(updates.map((u) => u.after?.replacedVersion)).toEqual([2, 1]);
    for (const u of updates) expect(u.after?.priorDigest).toMatch(/^[0-9a-f]{64}$/);
    const text = JSON.stringify(await identityTrail());
    for (const value of ["Chen", "Wang", "Lan", "0000 0001", "0000 0002", "1976-05-01"])
      expect(text).not.toContain(value);
  });

  it("an update that changes nothing keeps no history", async () => {
    await change("coordinator", { familyName: "Chen-Wang", reason: "Checked against the passport" });
    expect((await history("investigator")).json().items).toHaveLength(2);
  });

  it("is append-only for the application", async () => {
    await expect(
      sql`UPDATE patient_identity_history SET family_name = 'X'`.execute(w.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM patient_identity_history`.execute(w.database.db)).rejects.toThrow(
      /append-only/,
    );
  });
});

describe("identity history under the hash chain", () => {
  const updateRecord = async (replacedVersion: number) =>
    (await identityTrail()).find(
      (t) => t.action === "update" && t.after?.replacedVersion === replacedVersion,
    )!;
  const positionOf = async (eventId: string) =>
    Number(
      (
        await sql<{
          seq: string;
        }>`SELECT seq::text AS seq FROM audit_chain WHERE event_id = ${eventId}`.execute(w.database.db)
      ).rows[0]!.seq,
    );

  it("verifies clean untouched", async () => {
    expect((await verifyAuditChain(w.database.db)).firstBreak).toBeNull();
  });

  it("a replaced value edited by a superuser: content changed at the audit record that committed to it", async () => {
    const record = await updateRecord(1);
    const report = await afterTampering(
      `UPDATE patient_identity_history SET phone = '+86 139 9999 9999' WHERE patient_id = '${patientId}' AND version = 1`,
    );
    expect(report.firstBreak).toMatchObject({
      kind: "content-changed",
      recordId: record.id,
      position: await positionOf(record.id),
    });
  });

  it("a history row removed: record missing", async () => {
    const record = await updateRecord(2);
    const report = await afterTampering(
      `DELETE FROM patient_identity_history WHERE patient_id = '${patientId}' AND version = 2`,
    );
    expect(report.firstBreak).toMatchObject({ kind: "record-missing", recordId: record.id });
  });

  it("a history row slipped in: record inserted", async () => {
    const report = await afterTampering(
      `INSERT INTO patient_identity_history (id, patient_id, version, family_name, given_name, sex, birth_date,
         valid_from, replaced_at, replaced_by, salt)
       SELECT gen_random_uuid(), patient_id, 0, 'Forged', given_name, sex, birth_date, valid_from, replaced_at,
              replaced_by, salt
         FROM patient_identity_history WHERE patient_id = '${patientId}' AND version = 1`,
    );
    expect(report.firstBreak).toMatchObject({ kind: "record-inserted" });
    expect(report.firstBreak?.detail).toMatch(/identity history/);
  });
});
