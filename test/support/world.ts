/**
 * A small world for service and HTTP tests: two sites (A and B), one user per role at each, an API
 * token per user, and the app built on a fresh database. Builders (`make*`) create records
 * through the services, never with raw SQL.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { ROLES, type Role } from "../../src/domain/roles.ts";
import { buildApp } from "../../src/http/app.ts";
import { actorFor, createApiToken } from "../../src/services/auth.ts";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { createSite, createUser } from "../../src/services/sites.ts";
import type { Database } from "../../src/store/database.ts";
import type { DB } from "../../src/store/schema.ts";
import { testDatabase } from "./database.ts";

export type SiteKey = "A" | "B";

export interface World {
  database: Database;
  app: FastifyInstance;
  sites: Record<SiteKey, string>;
  /** tokens[role][site] is the bearer token of the user holding `role` at `site` */
  tokens: Record<Role, Record<SiteKey, string>>;
  usernames: Record<Role, Record<SiteKey, string>>;
  /** a service context acting as `role` at `site` */
  as(role: Role, site: SiteKey): Promise<ServiceContext>;
  system: ServiceContext;
  /** HTTP request as a user, with JSON body */
  call(
    role: Role,
    site: SiteKey,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** how many rows `table` holds (to show that a refused request wrote nothing) */
  rowCount(table: keyof DB): Promise<number>;
  close(): Promise<void>;
}

export const PASSWORD = "correct-horse-battery";
const FIXTURE_TOKEN_EXPIRY = new Date("2100-01-01T00:00:00Z");

export async function buildWorld(
  options: {
    now?: () => Date;
    loginRateLimit?: number;
    /** a migrated database to build on (e.g. a data directory a CLI test then hands to `v2v`) */
    database?: Database;
  } = {},
): Promise<World> {
  const database = options.database ?? (await testDatabase());
  const now = options.now ?? (() => new Date());
  const system: ServiceContext = { db: database.db, actor: systemActor(), now };
  const siteA = await createSite(system, {
    code: "AA",
    name: "Site A",
    department: "Hematology",
    timeZone: "Asia/Shanghai",
  });
  const siteB = await createSite(system, {
    code: "BB",
    name: "Site B",
    department: "Rheumatology",
    timeZone: "Europe/Berlin",
  });
  const sites = { A: siteA.id, B: siteB.id };
  const tokens = {} as World["tokens"];
  const usernames = {} as World["usernames"];
  for (const role of ROLES) {
    tokens[role] = {} as Record<SiteKey, string>;
    usernames[role] = {} as Record<SiteKey, string>;
    for (const key of ["A", "B"] as const) {
      const username = `${role}-${key.toLowerCase()}`;
      await createUser(system, {
        username,
        displayName: `${role} at ${key}`,
        password: PASSWORD,
        memberships: [{ siteId: sites[key], role }],
      });
      // Fixtures outlive the 365-day limit: tests move their clock across years of follow-up.
      tokens[role][key] = await createApiToken(system, username, "test", { expiresAt: FIXTURE_TOKEN_EXPIRY });
      usernames[role][key] = username;
    }
  }
  const app = await buildApp({ database, now, loginRateLimit: options.loginRateLimit ?? 1000 });
  await app.ready();
  const userIds = new Map<string, string>();
  return {
    database,
    app,
    sites,
    tokens,
    usernames,
    system,
    async as(role, site) {
      const username = usernames[role][site];
      let id = userIds.get(username);
      if (!id) {
        const row = await database.db
          .selectFrom("users")
          .select("id")
          .where("username", "=", username)
          .executeTakeFirstOrThrow();
        id = row.id;
        userIds.set(username, id);
      }
      return { db: database.db, actor: await actorFor(database.db, id, username), now };
    },
    call(role, site, method, url, body, headers = {}) {
      return app.inject({
        method: method as "GET",
        url,
        headers: { authorization: `Bearer ${tokens[role][site]}`, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
    async rowCount(table) {
      const row = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
