/**
 * The signed quality decisions from the command line, as QA runs them, in process on the test's
 * database (test/support/cli.ts) prepared through the HTTP API (test/support/bags.ts). The password
 * comes from standard input or V2V_PASSWORD, never an argument; a wrong one refuses and writes
 * nothing; `v2v product signatures` lists each signature with its printed name, time and meaning
 * and whether it still matches what it signed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bagAwaitingRelease, oosBag, quarantinedCollection } from "../support/bags.ts";
import { runV2v } from "../support/cli.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
let bagId: string;
let oosId: string;
let quarantinedId: string;

const v2v = (args: string[], o: { input?: string; password?: string } = {}) =>
  runV2v(w.database, args, { env: { V2V_PASSWORD: o.password ?? "" }, input: o.input ?? "" });

async function state(id: string) {
  const { database } = w;
  {
    const unit = await database.db
      .selectFrom("product_units")
      .select("state")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const signatures = await database.db
      .selectFrom("electronic_signatures")
      .select("meaning")
      .where("product_id", "=", id)
      .execute();
    return { state: unit.state, signatures: signatures.map((s) => s.meaning) };
  }
}

beforeAll(async () => {
  // The real clock: the command signs at the real time, after everything prepared here.
  w = await buildWorld();
  bagId = (await bagAwaitingRelease(w)).bagId;
  oosId = (await oosBag(w)).bagId;
  quarantinedId = (await quarantinedCollection(w)).collectionId;
});
afterAll(() => w?.close());

describe("v2v product release|quarantine-decision|oos-sign|signatures", () => {
  it("refuses a wrong password from stdin and writes nothing", async () => {
    const run = await v2v(["product", "release", bagId, "--as", "quality-a"], {
      input: "not-the-password\n",
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('Signing as quality-a: "released"');
    expect(run.stderr).toMatch(/not accepted: unknown username or wrong password/);
    expect(await state(bagId)).toEqual({ state: "qc-pending", signatures: [] });
  });

  it("releases with the password from stdin and prints the signature", async () => {
    const run = await v2v(["product", "release", bagId, "--as", "quality-a"], { input: `${PASSWORD}\n` });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/released/);
    expect(run.stdout).toMatch(/signed "released" by quality at A \(quality-a, as quality\) at \d{4}-/);
    expect(await state(bagId)).toEqual({ state: "released", signatures: ["released"] });
  });

  it("signs a quarantine decision and an OOS exception with V2V_PASSWORD", async () => {
    const q = await v2v(
      [
        "product",
        "quarantine-decision",
        quarantinedId,
        "--decision",
        "discard",
        "--reason",
        "beyond stability",
        "--as",
        "quality-a",
      ],
      { password: PASSWORD },
    );
    expect(q.status, q.stderr).toBe(0);
    expect(q.stdout).toMatch(/discarded/);
    expect(q.stdout).toMatch(/signed "rejected" by quality at A/);
    const o = await v2v(
      [
        "product",
        "oos-sign",
        oosId,
        "--capacity",
        "investigator",
        "--rationale",
        "dose reached; risk assessed",
        "--as",
        "investigator-a",
      ],
      { password: PASSWORD },
    );
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toMatch(/awaiting its other signature/);
    expect(await state(oosId)).toEqual({
      state: "out-of-specification",
      signatures: ["approved deviation"],
    });
  });

  it("lists a bag's signatures, each checked", async () => {
    const run = await v2v(["product", "signatures", bagId]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^valid +product-release +signed "released" by quality at A/m);
    expect(run.stdout).toContain("1 signature(s), all valid");
  });
});
