/**
 * On PGlite, which only this process writes, the read of held answers' versions is kept until the
 * next statement that may write (store/reads-until-write.ts, decision 0063): asked again with
 * nothing written it runs no statement; after a write by any path (a statement, a transaction, a
 * script, a COPY) it reads again and sees the write. On PostgreSQL nothing is kept.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropKeptReads } from "../../src/store/reads-until-write.ts";
import { siteVersions, siteVersionsAndSites } from "../../src/store/site-versions.ts";
import { patientWithDay0 } from "../../src/store/timeline.ts";
import { usingPostgres } from "../support/database.ts";
import { registerPatient } from "../support/patients.ts";
import { queriesRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
const kept = !usingPostgres();

beforeAll(async () => {
  w = await buildWorld();
  patientId = await registerPatient(w);
});
afterAll(() => w?.close());

const version = () => siteVersions(w.database.db, "observations", [w.sites.A]);
/** The version, and how many statements reading it ran. */
async function read(): Promise<{ version: string; statements: number }> {
  let v = "";
  const statements = await queriesRun(w.database, async () => {
    v = await version();
  });
  return { version: v, statements: statements.length };
}

/** After `write`, the version is read again (one statement) and is not the one before it. */
async function readAgainAfter(write: () => Promise<unknown>): Promise<void> {
  const before = await read();
  await write();
  const after = await read();
  expect(after.statements).toBe(1);
  expect(after.version).not.toBe(before.version);
}

const observe = async () => {
  const res = await w.call("investigator", "A", "POST", "/api/v1/observations", {
    patientId,
    code: "1988-5",
    valueNumber: 12,
    unit: "mg/L",
    effectiveAt: "2026-01-05T01:00:00Z",
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};

describe(kept ? "on PGlite, a version read is kept until a write" : "on PostgreSQL, no read is kept", () => {
  it(
    kept ? "asked again with nothing written: no statement" : "asked again: a statement each time",
    async () => {
      const first = await read();
      const again = await read();
      expect(again.version).toBe(first.version);
      expect(again.statements).toBe(kept ? 0 : 1);
    },
  );

  it("a write through the API: read again, and the new version", async () => {
    await readAgainAfter(observe);
  });

  it("a write in a transaction: read again once it commits", async () => {
    const id = await observe();
    await readAgainAfter(() =>
      w.database.db
        .transaction()
        .execute((trx) => sql`UPDATE observations SET note = 'checked' WHERE id = ${id}`.execute(trx)),
    );
  });

  it("a script run on the session, and a COPY: read again", async () => {
    const id = await observe();
    await readAgainAfter(() =>
      w.database.session((run) => run(`UPDATE observations SET note = 'rechecked' WHERE id = '${id}'`)),
    );
    await readAgainAfter(() =>
      w.database.copyCsv!(
        "held_answer_bumps",
        ["topic", "site_id", "bumps"],
        `observations,${w.sites.A},1\n`,
      ),
    );
  });

  it("a read sent while a write waits for the connection is not kept past the write", async () => {
    const id = await observe();
    const before = await read();
    dropKeptReads(w.database.db); // so that the read below is sent, not answered from memory
    // Sent together: the UPDATE first, then the read. On PGlite the read is queued behind the
    // write on the one connection; on PostgreSQL they run on two and either may come first.
    const write = sql`UPDATE observations SET note = 'raced' WHERE id = ${id}`.execute(w.database.db);
    const during = version();
    await write;
    const seen = await during;
    const after = await read();
    expect(after.statements).toBe(1);
    expect(after.version).not.toBe(before.version);
    if (kept) expect(seen).toBe(after.version);
  });

  it("a plain read elsewhere leaves the kept read standing", async () => {
    await read();
    await w.call("investigator", "A", "GET", `/api/v1/patients/${patientId}`);
    await sql`WITH n AS (SELECT count(*) FROM observations) SELECT * FROM n`.execute(w.database.db);
    expect((await read()).statements).toBe(kept ? 0 : 1);
  });

  it("gives every caller the same frozen result until a write", async () => {
    const a = await siteVersionsAndSites(w.database.db, ["dashboard"], [w.sites.A]);
    const b = await siteVersionsAndSites(w.database.db, ["dashboard"], [w.sites.A]);
    expect(Object.isFrozen(a) && Object.isFrozen(a.sites[0])).toBe(true);
    expect(a === b).toBe(kept);
    expect(a.sites.map((s) => s.id)).toEqual([w.sites.A]);
  });
});

describe.runIf(usingPostgres())("on PostgreSQL, version reads asked at once share a statement", () => {
  // store/shared-reads.ts, decision 0064; the order in which callers share is tested exactly in
  // test/unit/shared-reads.test.ts.
  it("twenty callers at once: fewer statements than callers, one answer", async () => {
    let versions: string[] = [];
    const statements = await queriesRun(w.database, async () => {
      versions = await Promise.all(Array.from({ length: 20 }, version));
    });
    expect(statements.length).toBeGreaterThanOrEqual(1);
    expect(statements.length).toBeLessThan(20);
    expect(new Set(versions).size).toBe(1);
  });

  it("callers after a write all see it, shared or not", async () => {
    const before = await version();
    await observe();
    const after = await Promise.all(Array.from({ length: 20 }, version));
    expect(after.every((v) => v !== before)).toBe(true);
    expect(new Set(after).size).toBe(1);
  });

  it("inside a transaction every read is its own", async () => {
    const statements = await queriesRun(w.database, () =>
      w.database.db.transaction().execute(async (trx) => {
        await Promise.all(Array.from({ length: 5 }, () => siteVersions(trx, "observations", [w.sites.A])));
      }),
    );
    expect(statements.filter((s) => /held_answer_bumps/.test(s.sql))).toHaveLength(5);
  });
});

describe("the timeline's patient reads (store/timeline.ts)", () => {
  const isPatientRead = (e: { sql: string }) => /patient_record_versions/.test(e.sql);
  const versionOf = async (id: string) => (await patientWithDay0(w.database.db, id))?.timeline_version;

  it("for several patients at once share a statement, each its own row; on PGlite kept until a write", async () => {
    const others = [patientId];
    for (let i = 0; i < 4; i++) others.push(await registerPatient(w));
    const asked = [...others, others[1]!.toUpperCase(), "not-a-uuid"];
    dropKeptReads(w.database.db); // so that the reads below are sent
    let rows: ({ id: string } | undefined)[] = [];
    const statements = await queriesRun(w.database, async () => {
      rows = await Promise.all(asked.map((id) => patientWithDay0(w.database.db, id)));
    });
    const reads = statements.filter(isPatientRead);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.length).toBeLessThan(asked.length);
    expect(rows.map((r) => r?.id)).toEqual([...others, others[1], undefined]);
    // Asked again with nothing written: on PGlite no statement, the same frozen rows.
    let again: ({ id: string } | undefined)[] = [];
    const second = await queriesRun(w.database, async () => {
      again = await Promise.all(asked.map((id) => patientWithDay0(w.database.db, id)));
    });
    if (kept) {
      expect(second.filter(isPatientRead)).toEqual([]);
      expect(again.every((r, i) => r === rows[i])).toBe(true);
    } else expect(second.filter(isPatientRead).length).toBeGreaterThanOrEqual(1); // PostgreSQL keeps nothing
  });

  it("a read asked while a write waits for the connection is not kept past the write, and sees it", async () => {
    const other = await registerPatient(w);
    const observation = await observe();
    dropKeptReads(w.database.db);
    const before = await versionOf(patientId);
    dropKeptReads(w.database.db);
    // Asked together: the other patient's read is sent, this patient's waits behind it for the
    // batch after; the write is sent meanwhile, and on PGlite runs before that batch.
    const first = patientWithDay0(w.database.db, other);
    const queued = patientWithDay0(w.database.db, patientId);
    const write = sql`UPDATE observations SET note = 'raced again' WHERE id = ${observation}`.execute(
      w.database.db,
    );
    await Promise.all([first, write]);
    const seen = (await queued)?.timeline_version;
    // Asked after the write: read again (not the row asked for before it), and the write's version.
    const statements = await queriesRun(w.database, async () => {
      expect(await versionOf(patientId)).not.toBe(before);
    });
    expect(statements.filter(isPatientRead)).toHaveLength(1);
    if (kept) expect(seen).toBe(await versionOf(patientId));
  });
});
