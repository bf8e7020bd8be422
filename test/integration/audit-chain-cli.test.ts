/**
 * `v2v audit checkpoint|key|verify` as an operator and an auditor run them: a separate process
 * on an embedded data directory. The operator signs a checkpoint with the key file; an auditor
 * holding only the public key verifies; after a superuser's edit, verify names the broken record
 * and exits 1.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createSite } from "../../src/services/sites.ts";
import { openDatabase } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrator.ts";

/** each run starts a process that loads the app and opens the data directory: slow on a busy machine */
const CLI_TIMEOUT = 240_000;
const dir = mkdtempSync(join(tmpdir(), "v2v-audit-cli-"));
const dataDir = join(dir, "data");
const keyFile = join(dir, "keys", "audit-signing-key.pem");

const v2v = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ["bin/v2v.js", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", ...env },
    encoding: "utf8",
    timeout: 200_000,
  });
const operator = (...args: string[]) => v2v({ V2V_AUDIT_KEY_FILE: keyFile }, ...args);
/** an auditor: no private key on this machine, only the public key file passed to verify */
const auditor = (...args: string[]) => v2v({ V2V_AUDIT_KEY_FILE: join(dir, "no-such-key.pem") }, ...args);

beforeAll(async () => {
  const database = await openDatabase({ kind: "pglite", dataDir });
  try {
    await migrate(database);
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
  } finally {
    await database.close();
  }
}, CLI_TIMEOUT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("v2v audit", () => {
  it(
    "checkpoint signs the head with a key it creates; key prints the public half",
    () => {
      const cp = operator("audit", "checkpoint");
      expect(cp.status, cp.stderr).toBe(0);
      expect(cp.stdout).toMatch(/^checkpoint #1 signed at position 2 with key [0-9a-f]{16}/);
      const key = operator("audit", "key");
      expect(key.status, key.stderr).toBe(0);
      expect(key.stdout).toContain("-----BEGIN PUBLIC KEY-----");
      expect(key.stdout).not.toContain("PRIVATE");
      writeFileSync(join(dir, "public.pem"), key.stdout.slice(key.stdout.indexOf("-----BEGIN")));
    },
    CLI_TIMEOUT,
  );

  it(
    "verify with only the public key: intact, signatures pinned",
    () => {
      const r = auditor("audit", "verify", "--public-key", join(dir, "public.pem"));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("2 record(s) checked, head at position 2");
      expect(r.stdout).toContain("signatures checked against a key held outside the database");
      expect(r.stdout).toContain("result: intact");
    },
    CLI_TIMEOUT,
  );

  it(
    "after a superuser's edit, verify names the record and exits 1, and no checkpoint is signed",
    async () => {
      const database = await openDatabase({ kind: "pglite", dataDir });
      let edited: string;
      try {
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
      } finally {
        await database.close();
      }
      const r = auditor("audit", "verify", "--json");
      expect(r.status).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.firstBreak).toMatchObject({ kind: "content-changed", position: 3, recordId: edited });
      expect(report.checkpoints.keysPinned).toBe(false);
      const signed = operator("audit", "checkpoint");
      expect(signed.status).toBe(1);
      expect(signed.stderr).toMatch(/does not verify at position 3 \(content-changed\); nothing was signed/);
    },
    CLI_TIMEOUT,
  );
});
