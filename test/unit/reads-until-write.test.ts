/** Which statements count as writes, and how kept reads are shared and dropped (store/reads-until-write.ts). */
import { describe, expect, it } from "vitest";
import { isPlainRead, ReadsUntilWrite } from "../../src/store/reads-until-write.ts";

describe("isPlainRead", () => {
  it.each([
    "select 1",
    "  /* v2v prepared */ SELECT a FROM t",
    "-- a comment\nselect 1",
    "\n  WITH ranked AS (SELECT 1 AS r) SELECT * FROM ranked",
    "select updated_at, deleted from t",
  ])("a read: %j", (statement) => {
    expect(isPlainRead(statement)).toBe(true);
  });

  it.each([
    "insert into t values (1)",
    "update t set a = 1",
    "delete from t",
    "WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM x",
    "with x as (delete from t returning *) select count(*) from x",
    "SELECT * FROM t WHERE id = $1 FOR UPDATE",
    "select * from t for no key update",
    "SELECT * INTO copy FROM t",
    "BEGIN",
    "COMMIT",
    "CREATE TABLE t (a int)",
    "TRUNCATE t",
    "/* select */ update t set a = 1",
  ])("a write: %j", (statement) => {
    expect(isPlainRead(statement)).toBe(false);
  });
});

describe("ReadsUntilWrite", () => {
  it("shares one read among callers until a statement that may write", async () => {
    const reads = new ReadsUntilWrite();
    let runs = 0;
    const read = () => reads.read("k", async () => ++runs);
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    reads.statementRan("select 1");
    expect(await read()).toBe(1);
    reads.statementRan("update t set a = 1");
    expect(await read()).toBe(2);
    reads.wrote();
    expect(await read()).toBe(3);
  });

  it("does not keep a read sent before a write, even if it ends after it", async () => {
    const reads = new ReadsUntilWrite();
    let finish: (v: string) => void = () => {};
    const first = reads.read("k", () => new Promise<string>((r) => (finish = r)));
    reads.statementRan("insert into t values (1)");
    finish("before the write");
    expect(await first).toBe("before the write");
    expect(await reads.read("k", async () => "after the write")).toBe("after the write");
  });

  it("does not keep a failed read", async () => {
    const reads = new ReadsUntilWrite();
    await expect(reads.read("k", async () => Promise.reject(new Error("lost")))).rejects.toThrow("lost");
    expect(await reads.read("k", async () => "read again")).toBe("read again");
  });

  it("drops every kept read past its limit", async () => {
    const reads = new ReadsUntilWrite(2);
    let runs = 0;
    for (const key of ["a", "b", "c"]) await reads.read(key, async () => ++runs);
    expect(await reads.read("a", async () => ++runs)).toBe(4);
  });
});
