/**
 * `v2v audit checkpoint|key|verify` as an operator and an auditor run them, in process on the
 * test's database (test/support/cli.ts). The operator signs a checkpoint with the key file; an auditor
 * holding only the public key verifies; after a superuser's edit, verify names the broken record
 * and exits 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createSite } from "../../src/services/sites.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { testDatabase } from "../support/database.ts";

const dir = mkdtempSync(join(tmpdir(), "v2v-audit-cli-"));
let database: Database;
const keyFile = join(dir, "keys", "audit-signing-key.pem");

const v2v = (env: Record<string, string>, ...args: string[]) => runV2v(database, args, { env });
const operator = (...args: string[]) => v2v({ V2V_AUDIT_KEY_FILE: keyFile }, ...args);
/** an auditor: no private key on this machine, only the public key file passed to verify */
const auditor = (...args: string[]) => v2v({ V2V_AUDIT_KEY_FILE: join(dir, "no-such-key.pem") }, ...args);

beforeAll(async () => {
  database = await testDatabase();
  {
    const system: ServiceContext = { db: database.db, actor: systemActor(), now: () => new Date() };
    const site = await createSite(system, {
      code: "AA",
      name: "Site A",
      department: "Hematology",
      timeZone: "UTC",
    });
    await createPatient(
      { ...system, actor: systemActor([{ siteId: site.id, role: "investigator" }]) },
      { siteId: site.id, birthYear: 1970, sex: "male" },
    );
  }
});
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("v2v audit", () => {
  it("checkpoint signs the head with a key it creates; key prints the public half", async () => {
    const cp = await operator("audit", "checkpoint");
    expect(cp.status, cp.stderr).toBe(0);
    expect(cp.stdout).toMatch(/^checkpoint #1 signed at position 2 with key [0-9a-f]{16}/);
    const key = await operator("audit", "key");
    expect(key.status, key.stderr).toBe(0);
    expect(key.stdout).toContain("-----BEGIN PUBLIC KEY-----");
    expect(key.stdout).not.toContain("PRIVATE");
    writeFileSync(join(dir, "public.pem"), key.stdout.slice(key.stdout.indexOf("-----BEGIN")));
  });

  it("verify with only the public key: intact, signatures pinned", async () => {
    const r = await auditor("audit", "verify", "--public-key", join(dir, "public.pem"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("2 record(s) checked, head at position 2");
    expect(r.stdout).toContain("signatures checked against a key held outside the database");
    expect(r.stdout).toContain("result: intact");
  });

  it("after a superuser's edit, verify names the record and exits 1, and no checkpoint is signed", async () => {
    let edited: string;
    {
      // a record written after the checkpoint, then edited past the trigger
      const site = await database.db.selectFrom("sites").select("id").executeTakeFirstOrThrow();
      const patient = await createPatient(
        {
          db: database.db,
          actor: systemActor([{ siteId: site.id, role: "investigator" }]),
          now: () => new Date(),
        },
        { siteId: site.id, birthYear: 1971, sex: "female" },
      );
      edited = (
        await database.db
          .selectFrom("audit_events")
          .select("id")
          .where("entity_id", "=", patient.id)
          .executeTakeFirstOrThrow()
      ).id;
      await database.db.transaction().execute(async (trx) => {
        await sql`SET LOCAL session_replication_role = replica`.execute(trx);
        await sql`UPDATE audit_events SET actor_name = 'nobody' WHERE id = ${edited}`.execute(trx);
      });
    }
    const r = await auditor("audit", "verify", "--json");
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.firstBreak).toMatchObject({ kind: "content-changed", position: 3, recordId: edited });
    expect(report.checkpoints.keysPinned).toBe(false);
    const signed = await operator("audit", "checkpoint");
    expect(signed.status).toBe(1);
    expect(signed.stderr).toMatch(/does not verify at position 3 \(content-changed\); nothing was signed/);
  });
});
