/**
 * The snapshot cache (store/pglite-snapshots.ts) when two builds of one key run at once, as two
 * test workers do after a change of the code the demo snapshot is keyed on: each load of the demo
 * makes its own ids, so the summary returned must be the one written with the tar returned. With
 * a rename of each file per build, one build's tar could end beside the other's summary (seen as a
 * demo test finding the reference patient under an id the database did not hold).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cachedSnapshot } from "../../src/store/pglite-snapshots.ts";

let dir: string;
const before = process.env.V2V_CACHE_DIR;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "v2v-snapshot-cache-"));
  process.env.V2V_CACHE_DIR = dir;
});
afterAll(() => {
  if (before === undefined) delete process.env.V2V_CACHE_DIR;
  else process.env.V2V_CACHE_DIR = before;
  rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("two builds of one key at once: each returns its own tar with its own meta, and one is published", async () => {
  const build = (id: string, ms: number) => async () => {
    await pause(ms);
    return { tar: new Blob([`tar of ${id}`]), meta: { id } };
  };
  const [a, b] = await Promise.all([
    cachedSnapshot("race", "k1", build("a", 20)),
    cachedSnapshot("race", "k1", build("b", 5)),
  ]);
  for (const built of [a, b])
    expect(readFileSync(built.path, "utf8")).toBe(`tar of ${(built.meta as { id: string }).id}`);
  expect(new Set([(a.meta as { id: string }).id, (b.meta as { id: string }).id])).toEqual(
    new Set(["a", "b"]),
  );
  // Later readers get the published pair, which is the first build's.
  const later = await cachedSnapshot("race", "k1", build("c", 0));
  expect(later.meta).toEqual({ id: "b" });
  expect(readFileSync(later.path, "utf8")).toBe("tar of b");
});
