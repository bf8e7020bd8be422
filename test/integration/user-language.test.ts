/**
 * The web app's language per user (issue 11): each user reads and sets only their own, the choice
 * survives a new login, a code outside the catalogue languages is refused with a field pointer and
 * changes nothing, and the change is audited with before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});
afterAll(() => w.close());

describe("user language", () => {
  it("starts unchosen, so the app follows the browser", async () => {
    const res = await w.call("monitor", "A", "GET", "/api/v1/auth/language");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ language: null });
  });

  it("is set per user and read back; another user's stays unchosen", async () => {
    const put = await w.call("coordinator", "A", "PUT", "/api/v1/auth/language", { language: "zh-CN" });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ language: "zh-CN" });
    const mine = await w.call("coordinator", "A", "GET", "/api/v1/auth/language");
    expect(mine.json()).toEqual({ language: "zh-CN" });
    const other = await w.call("coordinator", "B", "GET", "/api/v1/auth/language");
    expect(other.json()).toEqual({ language: null });
  });

  it("refuses a language the app is not written in and keeps the old choice", async () => {
    const bad = await w.call("coordinator", "A", "PUT", "/api/v1/auth/language", { language: "fr" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ in: "body", pointer: "/language" })]);
    const still = await w.call("coordinator", "A", "GET", "/api/v1/auth/language");
    expect(still.json()).toEqual({ language: "zh-CN" });
  });

  it("audits the change with the old and new language", async () => {
    await w.call("investigator", "A", "PUT", "/api/v1/auth/language", { language: "en" });
    await w.call("investigator", "A", "PUT", "/api/v1/auth/language", { language: "zh-CN" });
    const user = await w.database.db
      .selectFrom("users")
      .select(["id", "language"])
      .where("username", "=", w.usernames.investigator.A)
      .executeTakeFirstOrThrow();
    expect(user.language).toBe("zh-CN");
    const rows = await w.database.db
      .selectFrom("audit_events")
      .select(["action", "before", "after"])
      .where("entity_type", "=", "user")
      .where("entity_id", "=", user.id)
      .where("action", "=", "update")
      .orderBy("at")
      .execute();
    expect(rows.map((r) => [r.before, r.after])).toEqual([
      [{ language: null }, { language: "en" }],
      [{ language: "en" }, { language: "zh-CN" }],
    ]);
  });
});
