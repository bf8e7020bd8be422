/**
 * PostgreSQL closing the app's connections (a restart, a failover, an administrator's
 * `pg_terminate_backend`): the pool drops them and opens others, the app goes on, and the loss is
 * reported (store/postgres-database.ts). Before, node-postgres's "error" event had no listener and
 * was thrown: `v2v serve` exited. Also: the pool keeps the connections it opened past the 10 s after
 * which node-postgres would close idle ones, and while the database cannot be reached a request
 * is answered 503 with Retry-After, not 500. PostgreSQL only (CI's second pass).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrator.ts";
import { databaseRelay } from "../support/database-relay.ts";

const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)("on PostgreSQL, connections the server closes", () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
  });

  /** Terminates the backends of the connections named `application`; how many there were. */
  const terminate = async (application: string) =>
    (
      await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1",
        [application],
      )
    ).rows[0]!.n;

  /** A database opened on its own connections, named so that only they are terminated. */
  const open = async (): Promise<{ database: Database; application: string; lost: Error[] }> => {
    const application = `v2v-lost-${randomBytes(4).toString("hex")}`;
    const withName = new URL(url!);
    withName.searchParams.set("application_name", application);
    const database = await openDatabase({ kind: "postgres", url: withName.toString(), maxConnections: 2 });
    const lost: Error[] = [];
    database.observeLostConnections!((e) => lost.push(e));
    return { database, application, lost };
  };

  const one = async (database: Database) =>
    (await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)).rows[0]!.one;

  /** Waits until `check` holds, at most 5 s (the server's termination reaches the client asynchronously). */
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  };

  it("an idle connection terminated is reported and replaced; the next statement answers", async () => {
    const { database, application, lost } = await open();
    try {
      expect(await one(database)).toBe(1);
      expect(await terminate(application)).toBe(1);
      await until(() => lost.length > 0);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.message).toMatch(/terminating connection due to administrator command/);
      expect(await one(database)).toBe(1);
    } finally {
      await database.close();
    }
  });

  it("a connection terminated inside a transaction fails that transaction only", async () => {
    const { database, application, lost } = await open();
    try {
      const transaction = database.db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        // Checked out, between two statements, when the server closes it.
        expect(await terminate(application)).toBe(1);
        await until(() => lost.length > 0);
        await sql`SELECT 2`.execute(trx);
      });
      await expect(transaction).rejects.toThrow();
      expect(lost.map((e) => e.message)).toEqual([
        expect.stringMatching(/terminating connection due to administrator command/),
      ]);
      expect(await one(database)).toBe(1);
    } finally {
      await database.close();
    }
  });

  it("keeps its connections past the 10 s after which node-postgres closes idle ones", async () => {
    const { database, application } = await open();
    const backends = async () =>
      (
        await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = $1 ORDER BY pid",
          [application],
        )
      ).rows.map((r) => r.pid);
    try {
      // Two statements at once: the pool opens its second connection.
      await Promise.all([
        sql`SELECT pg_sleep(0.2)`.execute(database.db),
        sql`SELECT pg_sleep(0.2)`.execute(database.db),
      ]);
      const opened = await backends();
      expect(opened).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 11_000));
      expect(await backends()).toEqual(opened);
    } finally {
      await database.close();
    }
  }, 30_000);

  it("answers 503 database-unavailable with Retry-After while the database cannot be reached, then serves again", async () => {
    const relay = await databaseRelay(url!);
    const schema = `t_${randomBytes(6).toString("hex")}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    const database = await openDatabase({
      kind: "postgres",
      url: relay.url,
      schema,
      maxConnections: 2,
    });
    await migrate(database);
    const app = await buildApp({ database });
    try {
      expect((await app.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);
      await relay.takeAway();
      const refused = await app.inject({ method: "GET", url: "/api/health" });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(refused.headers["retry-after"]).toBe("5");
      expect(refused.json()).toMatchObject({
        type: "https://vein2vein.org/problems/database-unavailable",
        title: "Database unavailable",
        status: 503,
      });
      await relay.bringBack();
      expect((await app.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);
    } finally {
      await app.close();
      await database.close();
      await relay.takeAway();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  describe("v2v serve", () => {
    const database = `v2v_lost_${randomBytes(4).toString("hex")}`;
    const dataDir = mkdtempSync(join(tmpdir(), "v2v-lost-"));
    let child: ChildProcess | undefined;
    let output = "";
    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child!.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("goes on serving after PostgreSQL closes its connections, and logs the loss", async () => {
      await admin.query(`CREATE DATABASE ${database}`);
      const serverUrl = new URL(url!);
      serverUrl.pathname = `/${database}`;
      child = spawn(process.execPath, ["bin/v2v.js", "serve", "--no-demo"], {
        env: {
          ...process.env,
          DATABASE_URL: serverUrl.toString(),
          DATA_DIR: dataDir,
          PORT: "0",
          LOG_LEVEL: "warn",
          V2V_DEMO: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const up = new Promise<string>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          const m = /is up at (http:\/\/\S+?)\/ /.exec(output);
          if (m) resolve(m[1]!);
        };
        child!.stdout!.on("data", onData);
        child!.stderr!.on("data", onData);
        child!.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      const base = await up;
      expect((await fetch(`${base}/api/health`)).status).toBe(200);

      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1",
        [database],
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
      await until(() => output.includes("PostgreSQL closed a connection"));

      expect(child.exitCode).toBeNull();
      expect(output).toContain("PostgreSQL closed a connection; the pool opens another when one is needed");
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
    }, 120_000);
  });
});
