/**
 * Studies across sites (issue 10): a site takes part in a study only when an admin or an
 * investigator of that site says so. Before, an investigator of one site could list another site
 * in a new study and then, as the lead site, rewrite the visit schedule that site's enrolled
 * patients follow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { createUser } from "../../src/services/sites.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
/** Bearer tokens of people with roles at both sites. */
const both = {} as Record<"investigatorBoth" | "investigatorAmonitorB" | "adminBoth", string>;

beforeAll(async () => {
  w = await buildWorld();
  const make = async (username: string, roles: [Role, Role]) => {
    await createUser(w.system, {
      username,
      displayName: username,
      password: PASSWORD,
      memberships: [
        { siteId: w.sites.A, role: roles[0] },
        { siteId: w.sites.B, role: roles[1] },
      ],
    });
    return createApiToken(w.system, username, "test");
  };
  both.investigatorBoth = await make("inv-both", ["investigator", "investigator"]);
  both.investigatorAmonitorB = await make("inv-a-mon-b", ["investigator", "monitor"]);
  both.adminBoth = await make("admin-both", ["admin", "admin"]);
}, 120_000);
afterAll(() => w.close());

const study = (leadSiteId: string, siteIds: string[]) => ({
  leadSiteId,
  siteIds,
  title: "Multi-site study",
  shortName: `MS-${Math.random().toString(36).slice(2, 7)}`,
  phase: "phase-1",
  status: "active",
  arms: [{ code: "X", name: "Arm X", doseLevels: [] }],
});

const asToken = (token: string, method: string, url: string, body?: unknown) =>
  w.app.inject({
    method: method as "POST",
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });

const studyCount = async () => (await w.database.db.selectFrom("studies").select("id").execute()).length;

describe("listing other sites when creating a study", () => {
  it("a single-site investigator cannot attach another site (404: that site does not exist for them)", async () => {
    const before = await studyCount();
    const res = await w.call(
      "investigator",
      "A",
      "POST",
      "/api/v1/studies",
      study(w.sites.A, [w.sites.A, w.sites.B]),
    );
    expect(res.statusCode, res.body).toBe(404);
    expect(await studyCount()).toBe(before);
  });

  it("a role at the other site that may not run studies there is not enough (403)", async () => {
    const before = await studyCount();
    const res = await asToken(
      both.investigatorAmonitorB,
      "POST",
      "/api/v1/studies",
      study(w.sites.A, [w.sites.A, w.sites.B]),
    );
    expect(res.statusCode, res.body).toBe(403);
    expect(await studyCount()).toBe(before);
  });

  it.each([
    ["an investigator", "investigatorBoth"],
    ["an admin", "adminBoth"],
  ] as const)("%s of both sites may", async (_who, key) => {
    const res = await asToken(both[key], "POST", "/api/v1/studies", study(w.sites.A, [w.sites.B]));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().siteIds).toEqual([w.sites.A, w.sites.B].sort());
  });
});

describe("adding a site to a running study", () => {
  let studyId: string;
  beforeAll(async () => {
    const res = await w.call("investigator", "A", "POST", "/api/v1/studies", study(w.sites.A, []));
    expect(res.statusCode).toBe(201);
    studyId = res.json().id;
  });
  const add = (call: (body: unknown) => Promise<{ statusCode: number; body: string }>) =>
    call({ siteId: w.sites.B, reason: "site B joins" });
  const sitesOf = async () =>
    (
      await w.database.db
        .selectFrom("study_sites")
        .select("site_id")
        .where("study_id", "=", studyId)
        .execute()
    ).map((r) => r.site_id);

  it("the lead site's investigator alone cannot add another site", async () => {
    const res = await add((b) => w.call("investigator", "A", "POST", `/api/v1/studies/${studyId}/sites`, b));
    expect(res.statusCode, res.body).toBe(404);
    expect(JSON.parse(res.body).detail).not.toMatch(/No route/);
    expect(await sitesOf()).toEqual([w.sites.A]);
  });

  it("the other site's investigator alone cannot join a study they cannot see", async () => {
    const res = await add((b) => w.call("investigator", "B", "POST", `/api/v1/studies/${studyId}/sites`, b));
    expect(res.statusCode, res.body).toBe(404);
    expect(JSON.parse(res.body).detail).not.toMatch(/No route/);
    expect(await sitesOf()).toEqual([w.sites.A]);
  });

  it("a monitor of the other site is not enough", async () => {
    const res = await add((b) =>
      asToken(both.investigatorAmonitorB, "POST", `/api/v1/studies/${studyId}/sites`, b),
    );
    expect(res.statusCode, res.body).toBe(403);
    expect(await sitesOf()).toEqual([w.sites.A]);
  });

  it("an investigator of both sites adds it; both sites' admins see it in the audit trail", async () => {
    const res = await add((b) =>
      asToken(both.investigatorBoth, "POST", `/api/v1/studies/${studyId}/sites`, b),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body).siteIds).toEqual([w.sites.A, w.sites.B].sort());
    expect((await sitesOf()).sort()).toEqual([w.sites.A, w.sites.B].sort());
    for (const site of ["A", "B"] as const) {
      const audit = await w.call(
        "admin",
        site,
        "GET",
        `/api/v1/audit?siteId=${w.sites[site]}&entity=study&entityId=${studyId}`,
      );
      const rows = audit.json().items as { action: string; after: { siteIds: string[] }; reason: string }[];
      expect(rows[0]?.reason).toBe("site B joins");
      expect(rows[0]?.after.siteIds).toContain(w.sites.B);
    }
    const again = await add((b) =>
      asToken(both.investigatorBoth, "POST", `/api/v1/studies/${studyId}/sites`, b),
    );
    expect(again.statusCode).toBe(409);
  });
});
