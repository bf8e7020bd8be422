/**
 * The audit trail's hash chain and signed checkpoints (decision 0021). A database superuser can
 * change audit rows past the append-only trigger (disabling it, or session_replication_role =
 * replica); each way of doing so here must make verification name the first broken link: its
 * position, its record, and what is wrong. Each tampering runs in a transaction that verifies
 * and is then rolled back, so the cases share one database and do not disturb each other.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointMessage, keyIdOf } from "../../src/domain/audit-chain.ts";
import { buildApp } from "../../src/http/app.ts";
import { appendAudit } from "../../src/services/audit.ts";
import {
  rawPublicKey,
  type VerifyReport,
  verifyAuditChain,
  writeCheckpoint,
} from "../../src/services/audit-chain.ts";
import { recordObservations } from "../../src/services/observations.ts";
import { createPatient } from "../../src/services/patients.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { loadMigrations, migrate } from "../../src/store/migrator.ts";
import type { DB } from "../../src/store/schema.ts";
import { buildWorld, type SiteKey, type World } from "../support/world.ts";

let w: World;
let key: KeyObject;
/** the chain after setup: position → audit record id (position 0, the genesis, has none) */
let links: { seq: number; eventId: string | null }[];

const rolledBack = new Error("rolled back on purpose");

/** Runs `tamper` and then verification in one transaction, and rolls it all back. */
async function afterTampering(
  tamper: (trx: Kysely<DB>) => Promise<void>,
  trustedKeys: KeyObject[] = [key],
): Promise<VerifyReport> {
  let report: VerifyReport | undefined;
  await expect(
    w.database.db.transaction().execute(async (trx) => {
      await tamper(trx);
      report = await verifyAuditChain(trx, { trustedKeys });
      throw rolledBack;
    }),
  ).rejects.toBe(rolledBack);
  return report!;
}

/** Past the append-only trigger the way a superuser would, for the rest of the transaction. */
const asReplica = (trx: Kysely<DB>) => sql`SET LOCAL session_replication_role = replica`.execute(trx);

const idAt = (p: number) => links[p]!.eventId!;

async function addPatient(site: SiteKey, familyName: string) {
  const inv = await w.as("investigator", site);
  const patient = await createPatient(inv, {
    siteId: w.sites[site],
    birthYear: 1980,
    sex: "female",
    identity: { familyName, givenName: "Test", sex: "female", birthDate: "1980-02-03" },
  });
  await recordObservations(inv, {
    observations: [1, 2, 3].map((i) => ({
      patientId: patient.id,
      code: "718-7",
      valueNumber: 11 + i / 10,
      unit: "g/dL",
      effectiveAt: `2026-01-0${i}T08:00:00Z`,
    })),
  });
  return patient.id;
}

beforeAll(async () => {
  w = await buildWorld();
  key = generateKeyPairSync("ed25519").privateKey;
  await addPatient("A", "Chen");
  await addPatient("B", "Weber");
  // a checkpoint in the middle and one at the head
  expect((await writeCheckpoint(w.database.db, key, w.system.now)).written).not.toBeNull();
  await addPatient("A", "Li");
  expect((await writeCheckpoint(w.database.db, key, w.system.now)).written).not.toBeNull();
  const rows = await sql<{ seq: string; event_id: string | null }>`
    SELECT seq::text AS seq, event_id::text AS event_id FROM audit_chain ORDER BY audit_chain.seq`.execute(
    w.database.db,
  );
  links = rows.rows.map((r) => ({ seq: Number(r.seq), eventId: r.event_id }));
});
afterAll(() => w.close());

describe("an untouched trail", () => {
  it("links every audit record once, at consecutive positions from the genesis", async () => {
    const events = await w.database.db.selectFrom("audit_events").select(["id", "entity_type"]).execute();
    expect(links.map((l) => l.seq)).toEqual(links.map((_, i) => i));
    expect(links[0]!.eventId).toBeNull();
    expect(
      links
        .slice(1)
        .map((l) => l.eventId)
        .sort(),
    ).toEqual(events.map((e) => e.id).sort());
    expect(events.length).toBeGreaterThan(30); // users, tokens, patients, identities, observations
    // each patient's three observations came as one batch: one record each, linked like any other
    expect(events.filter((e) => e.entity_type === "observation-batch")).toHaveLength(3);
  });

  it("verifies clean, with both checkpoints checked against the trusted key", async () => {
    const report = await verifyAuditChain(w.database.db, { trustedKeys: [key] });
    expect(report.firstBreak).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.records).toBe(links.length - 1);
    expect(report.head?.position).toBe(links.length - 1);
    expect(report.checkpoints.count).toBe(2);
    expect(report.checkpoints.last?.position).toBe(links.length - 1);
    expect(report.checkpoints.keysPinned).toBe(true);
    expect(report.unsignedTail).toBe(0);
  });

  it("a second checkpoint with nothing new is not written", async () => {
    expect(await writeCheckpoint(w.database.db, key, w.system.now)).toEqual({
      written: null,
      brokenAt: null,
    });
  });
});

describe("tampering past the append-only trigger is found at the first broken link", () => {
  it("UPDATE with the trigger disabled: content changed, the earlier of two records named", async () => {
    const report = await afterTampering(async (trx) => {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`.execute(trx);
      await sql`UPDATE audit_events SET reason = 'later edit' WHERE id = ${idAt(30)}`.execute(trx);
      await sql`UPDATE audit_events SET after = '{"valueNumber": 99}' WHERE id = ${idAt(12)}`.execute(trx);
    });
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: "content-changed", position: 12, recordId: idAt(12) });
  });

  it("UPDATE under session_replication_role = replica: content changed", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_events SET actor_name = 'someone-else' WHERE id = ${idAt(7)}`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "content-changed", position: 7, recordId: idAt(7) });
  });

  it("DELETE of a record: record missing, its id named", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`DELETE FROM audit_events WHERE id IN (${idAt(9)}, ${idAt(25)})`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "record-missing", position: 9, recordId: idAt(9) });
  });

  it("DELETE of a record and its link: record missing at that position", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`DELETE FROM audit_events WHERE id = ${idAt(15)}`.execute(trx);
      await sql`DELETE FROM audit_chain WHERE seq = 15`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "record-missing", position: 15 });
  });

  it("DELETE of the newest records and their links: the checkpoint shows they existed", async () => {
    const last = links.length - 1;
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`DELETE FROM audit_events WHERE id IN (${idAt(last)}, ${idAt(last - 1)})`.execute(trx);
      await sql`DELETE FROM audit_chain WHERE seq >= ${last - 1}`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "record-missing", position: last - 1, checkpoint: 2 });
  });

  it("INSERT of a forged record: record inserted, named, where its time puts it", async () => {
    // an id next to position 20's record (its last digit changed), as a row written then would have
    const last = idAt(20).at(-1)!;
    const forged =
      idAt(20).slice(0, -1) + (last === "f" ? "e" : (Number.parseInt(last, 16) + 1).toString(16));
    const expectedPosition = forged > idAt(20) ? 21 : 20;
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_events SET reason = 'later edit' WHERE id = ${idAt(33)}`.execute(trx);
      await sql`INSERT INTO audit_events (id, at, actor_id, actor_name, site_id, action, entity_type, entity_id)
        SELECT ${forged}::uuid, at, actor_id, actor_name, site_id, 'read-identity', 'patient-identity', entity_id
          FROM audit_events WHERE id = ${idAt(20)}`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({
      kind: "record-inserted",
      position: expectedPosition,
      recordId: forged,
    });
  });

  it("INSERT of a forged record with a well-formed link slipped into the chain: record inserted", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      const forged = uuidv7();
      await sql`INSERT INTO audit_events (id, at, actor_name, action, entity_type, entity_id)
        VALUES (${forged}, now(), 'investigator-a', 'delete', 'patient', 'x')`.execute(trx);
      // make room at position 18 (two steps: seq is a primary key), then link the forged row
      // there exactly as the trigger would have
      await sql`UPDATE audit_chain SET seq = -seq - 1 WHERE seq >= 18`.execute(trx);
      await sql`UPDATE audit_chain SET seq = -seq WHERE seq < 0`.execute(trx);
      await sql`INSERT INTO audit_chain (seq, event_id, event_at, content_hash, prev_hash, hash)
        SELECT 18, e.id, e.at, sha256(convert_to(audit_canonical(e), 'UTF8')), p.hash,
               audit_link_hash(18, p.hash, sha256(convert_to(audit_canonical(e), 'UTF8')))
          FROM audit_events e, audit_chain p WHERE e.id = ${forged} AND p.seq = 17`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "record-inserted", position: 18 });
  });

  it("swapped positions of two links: order changed", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_chain SET seq = -1 WHERE seq = 11`.execute(trx);
      await sql`UPDATE audit_chain SET seq = 11 WHERE seq = 10`.execute(trx);
      await sql`UPDATE audit_chain SET seq = 10 WHERE seq = -1`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "order-changed", position: 10, recordId: idAt(11) });
  });

  it("two links pointing at each other's record: order changed", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_chain SET event_id = CASE seq WHEN 13 THEN ${idAt(22)}::uuid ELSE ${idAt(13)}::uuid END
                 WHERE seq IN (13, 22)`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "order-changed", position: 13, recordId: idAt(22) });
  });

  it("swapped times of two records: order changed, the time named", async () => {
    const report = await afterTampering(async (trx) => {
      await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`.execute(trx);
      await sql`UPDATE audit_events a SET at = b.at FROM audit_events b
                 WHERE (a.id, b.id) IN ((${idAt(5)}::uuid, ${idAt(35)}::uuid), (${idAt(35)}::uuid, ${idAt(5)}::uuid))`.execute(
        trx,
      );
    });
    expect(report.firstBreak).toMatchObject({ kind: "order-changed", position: 5, recordId: idAt(5) });
    expect(report.firstBreak?.detail).toMatch(/time was changed/);
  });

  it("an edit hidden by recomputing every later link: the checkpoint no longer matches", async () => {
    const firstCheckpoint = (await verifyAuditChain(w.database.db)).checkpoints;
    expect(firstCheckpoint.count).toBe(2);
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_events SET reason = 'rewritten' WHERE id = ${idAt(6)}`.execute(trx);
      await sql`DO $$
        DECLARE l record; prev bytea; c bytea;
        BEGIN
          SELECT hash INTO prev FROM audit_chain WHERE seq = 5;
          FOR l IN SELECT * FROM audit_chain WHERE seq >= 6 ORDER BY seq LOOP
            SELECT sha256(convert_to(audit_canonical(e), 'UTF8')) INTO c FROM audit_events e WHERE e.id = l.event_id;
            UPDATE audit_chain SET content_hash = c, prev_hash = prev, hash = audit_link_hash(l.seq, prev, c)
             WHERE seq = l.seq;
            prev := audit_link_hash(l.seq, prev, c);
          END LOOP;
        END $$`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "checkpoint-mismatch", checkpoint: 1 });
    const checkpoint1 = await sql<{ chain_seq: string }>`
      SELECT chain_seq::text AS chain_seq FROM audit_checkpoints WHERE number = 1`.execute(w.database.db);
    expect(report.firstBreak?.position).toBe(Number(checkpoint1.rows[0]!.chain_seq));
  });

  it("a checkpoint whose signature was altered: checkpoint signature invalid", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_checkpoints SET chain_seq = chain_seq - 1 WHERE number = 2`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "checkpoint-signature-invalid", checkpoint: 2 });
  });

  it("a checkpoint re-signed with another key: invalid when our key is pinned, unseen when it is not", async () => {
    const forger = generateKeyPairSync("ed25519").privateKey;
    const resign = async (trx: Kysely<DB>) => {
      await asReplica(trx);
      await sql`DELETE FROM audit_checkpoints`.execute(trx);
      const r = await writeCheckpointInside(trx, forger);
      expect(r).toBe(true);
    };
    const pinned = await afterTampering(resign, [key]);
    expect(pinned.firstBreak).toMatchObject({ kind: "checkpoint-signature-invalid", checkpoint: 1 });
    expect(pinned.firstBreak?.detail).toMatch(/not one of the trusted keys/);
    // Without a key held outside the database, a forger's own signatures look fine: that is why
    // the verifier pins the public key (decision 0021).
    const unpinned = await afterTampering(resign, []);
    expect(unpinned.ok).toBe(true);
    expect(unpinned.checkpoints.keysPinned).toBe(false);
  });

  it("a missing checkpoint: checkpoint missing", async () => {
    const report = await afterTampering(async (trx) => {
      await asReplica(trx);
      await sql`DELETE FROM audit_checkpoints WHERE number = 1`.execute(trx);
    });
    expect(report.firstBreak).toMatchObject({ kind: "checkpoint-missing", checkpoint: 2 });
  });

  it("every tampering was rolled back: the trail verifies clean again", async () => {
    expect((await verifyAuditChain(w.database.db, { trustedKeys: [key] })).ok).toBe(true);
  });
});

/** A checkpoint number 1 signed with `signer` inside an open transaction, as a forger would write it. */
async function writeCheckpointInside(trx: Kysely<DB>, signer: KeyObject): Promise<boolean> {
  const head = await sql<{ seq: string; hash: string }>`
    SELECT seq::text AS seq, encode(hash, 'hex') AS hash FROM audit_chain ORDER BY audit_chain.seq DESC LIMIT 1`.execute(
    trx,
  );
  const at = new Date();
  const chainSeq = Number(head.rows[0]!.seq);
  const chainHash = Buffer.from(head.rows[0]!.hash, "hex");
  const message = checkpointMessage({ number: 1, at, chainSeq, chainHash, prevSignature: null });
  const raw = rawPublicKey(signer);
  await sql`INSERT INTO audit_checkpoints (number, at, chain_seq, chain_hash, prev_signature, key_id, public_key, signature)
    VALUES (1, ${at}, ${chainSeq}, decode(${chainHash.toString("hex")}, 'hex'), NULL, ${keyIdOf(raw)},
            decode(${raw.toString("hex")}, 'hex'), decode(${sign(null, message, signer).toString("hex")}, 'hex'))`.execute(
    trx,
  );
  return true;
}

describe("appending", () => {
  it("a rolled-back transaction leaves no link and no gap", async () => {
    const before = await verifyAuditChain(w.database.db);
    await expect(
      w.database.db.transaction().execute(async (trx) => {
        await appendAudit(
          trx,
          { ...w.system, db: trx },
          {
            action: "create",
            entityType: "test",
            entityId: "rolled-back",
            siteId: null,
          },
        );
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    await appendAudit(w.database.db, w.system, {
      action: "create",
      entityType: "test",
      entityId: "kept",
      siteId: null,
    });
    const after = await verifyAuditChain(w.database.db, { trustedKeys: [key] });
    expect(after.ok).toBe(true);
    expect(after.head?.position).toBe(before.head!.position + 1);
  });

  it("the database and the verifier agree on the canonical form of awkward content", async () => {
    await appendAudit(w.database.db, w.system, [
      {
        action: "update",
        entityType: "patient-identity|~",
        entityId: "1:x|2:y",
        siteId: w.sites.A,
        before: { name: "陈兰 🧬", note: 'line\nbreak\t"quoted" \\ back', empty: "", nothing: null },
        after: { n: 1.5, big: 1e21, small: 1e-7, neg: -0, list: [1, "二", { z: 1, a: [] }], ключ: true },
        reason: "~",
      },
      { action: "read-identity", entityType: "x", entityId: "", siteId: null, reason: "" },
    ]);
    expect((await verifyAuditChain(w.database.db, { trustedKeys: [key] })).firstBreak).toBeNull();
  });

  it("links at commit: until then the transaction neither has a link nor holds the chain lock", async () => {
    let id = "";
    await w.database.db.transaction().execute(async (trx) => {
      await appendAudit(
        trx,
        { ...w.system, db: trx },
        {
          action: "create",
          entityType: "test",
          entityId: "late-link",
          siteId: null,
        },
      );
      id = (
        await trx
          .selectFrom("audit_events")
          .select("id")
          .where("entity_id", "=", "late-link")
          .executeTakeFirstOrThrow()
      ).id;
      const linked = await sql<{
        n: string;
      }>`SELECT count(*)::text AS n FROM audit_chain WHERE event_id = ${id}`.execute(trx);
      expect(linked.rows[0]!.n).toBe("0");
      const locks = await sql<{ mode: string }>`
        SELECT l.mode FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.relation = 'audit_chain'::regclass`.execute(
        trx,
      );
      expect(locks.rows.map((l) => l.mode)).not.toContain("ShareRowExclusiveLock");
    });
    const linked = await sql<{
      n: string;
    }>`SELECT count(*)::text AS n FROM audit_chain WHERE event_id = ${id}`.execute(w.database.db);
    expect(linked.rows[0]!.n).toBe("1");
  });

  it("concurrent transactions neither fork the chain nor deadlock; each is linked at its commit", async () => {
    const before = (await verifyAuditChain(w.database.db)).head!.position;
    const N = 12;
    // Each transaction appends, waits while the others append too, appends again and commits.
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        w.database.db.transaction().execute(async (trx) => {
          const ctx = { ...w.system, db: trx };
          await appendAudit(trx, ctx, {
            action: "create",
            entityType: "test",
            entityId: `t${i}-a`,
            siteId: null,
          });
          await sql`SELECT pg_sleep(0.02)`.execute(trx);
          await appendAudit(trx, ctx, {
            action: "create",
            entityType: "test",
            entityId: `t${i}-b`,
            siteId: null,
          });
        }),
      ),
    );
    const report = await verifyAuditChain(w.database.db, { trustedKeys: [key] });
    expect(report.ok).toBe(true);
    expect(report.head!.position).toBe(before + 2 * N);
    // linked at commit: each transaction's two records sit side by side in the chain
    const rows = await sql<{ seq: string; entity_id: string }>`
      SELECT c.seq::text AS seq, e.entity_id FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
       WHERE c.seq > ${before} ORDER BY c.seq`.execute(w.database.db);
    const order = rows.rows.map((r) => r.entity_id);
    for (let k = 0; k < order.length; k += 2) expect(order[k + 1]).toBe(order[k]!.replace("-a", "-b"));
  });
});

describe("the admin API", () => {
  it("answers admins only, for their own sites", async () => {
    const ok = await w.call("admin", "A", "GET", "/api/v1/admin/audit/verify");
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, firstBreak: null });
    // the app in buildWorld holds no key: the report says the signatures were not pinned
    expect(ok.json().checkpoints.keysPinned).toBe(false);
    for (const role of ["monitor", "investigator", "coordinator", "manufacturing", "quality"] as const)
      expect((await w.call(role, "A", "GET", "/api/v1/admin/audit/verify")).statusCode).toBe(403);
    expect(
      (await w.call("admin", "A", "GET", `/api/v1/admin/audit/verify?siteId=${w.sites.B}`)).statusCode,
    ).toBe(404);
    expect((await w.app.inject({ method: "GET", url: "/api/v1/admin/audit/verify" })).statusCode).toBe(401);
  });

  it("with the signing key's public half configured, checkpoints are checked against it", async () => {
    const app = await buildApp({ database: w.database, auditTrustedKeys: [key], now: w.system.now });
    try {
      const res = await app.inject({
        method: "GET",
        url: "/api/v1/admin/audit/verify",
        headers: { authorization: `Bearer ${w.tokens.admin.A}` },
      });
      expect(res.json()).toMatchObject({ ok: true, checkpoints: { keysPinned: true, count: 2 } });
    } finally {
      await app.close();
    }
  });

  it("names a broken record to its own site's admin, and only its kind and position to others", async () => {
    // Committed for real this time (the last test of the file): a site-B record edited.
    const siteB = await w.database.db
      .selectFrom("audit_events")
      .select("id")
      .where("site_id", "=", w.sites.B)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await w.database.db.transaction().execute(async (trx) => {
      await asReplica(trx);
      await sql`UPDATE audit_events SET reason = 'edited by a superuser' WHERE id = ${siteB.id}`.execute(trx);
    });
    const position = links.findIndex((l) => l.eventId === siteB.id);
    const own = (await w.call("admin", "B", "GET", "/api/v1/admin/audit/verify")).json();
    expect(own).toMatchObject({
      ok: false,
      firstBreak: { kind: "content-changed", position, recordId: siteB.id },
    });
    const other = (await w.call("admin", "A", "GET", "/api/v1/admin/audit/verify")).json();
    expect(other).toMatchObject({
      ok: false,
      firstBreak: { kind: "content-changed", position, recordId: null },
    });
    expect(JSON.stringify(other)).not.toContain(siteB.id);
  });
});

/** A database migrated only up to before the chain (PGlite, or a throw-away PostgreSQL schema). */
async function databaseBeforeTheChain(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { database: await openDatabase({ kind: "pglite", dataDir: null }), drop: async () => {} };
  const schema = `t_chain_${uuidv7().slice(-12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const database = await openDatabase({ kind: "postgres", url, schema, maxConnections: 2 });
  return {
    database,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

describe("a database created before the chain", () => {
  it("has its older audit records linked by the migration, in id order, after the genesis", async () => {
    const { database, drop } = await databaseBeforeTheChain();
    try {
      const all = loadMigrations();
      const chainMigration = all.find((m) => m.name === "audit_chain")!;
      await migrate(
        database,
        all.filter((m) => m.version < chainMigration.version),
      );
      const ctx = { db: database.db, actor: w.system.actor, now: () => new Date() };
      for (let i = 0; i < 5; i++)
        await appendAudit(database.db, ctx, {
          action: "create",
          entityType: "old",
          entityId: `o${i}`,
          siteId: null,
        });
      expect(await migrate(database)).toContain(chainMigration.version);
      const report = await verifyAuditChain(database.db);
      expect(report).toMatchObject({ ok: true, records: 5, backfilled: 5 });
      const order = await sql<{ entity_id: string }>`
        SELECT e.entity_id FROM audit_chain c JOIN audit_events e ON e.id = c.event_id ORDER BY c.seq`.execute(
        database.db,
      );
      expect(order.rows.map((r) => r.entity_id)).toEqual(["o0", "o1", "o2", "o3", "o4"]);
      // and new records continue the same chain
      await appendAudit(database.db, ctx, {
        action: "create",
        entityType: "new",
        entityId: "n0",
        siteId: null,
      });
      expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, records: 6, backfilled: 5 });
    } finally {
      await database.close();
      await drop();
    }
  });
});
