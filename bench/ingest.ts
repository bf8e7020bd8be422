/**
 * Issue 15's ingest goal: observation batches through the HTTP API at ≥ 50% of the rows/s of
 * PostgreSQL COPY of the same rows into the same table. The API runs as served (`buildApp` on a
 * real socket, a bearer token, JSON over HTTP from node:http), one batch of 1,000 observations
 * for 10 patients per request; COPY loads 1,000 rows of the same shape (fresh ids, the columns
 * the service writes) from CSV with `COPY … FROM STDIN`. Request bodies and CSV are built before the clock
 * starts, so both sides are timed from sending to stored.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { v7 as uuidv7 } from "uuid";
import { labCode } from "../src/domain/lab-import/canonical-units.ts";
import { buildApp } from "../src/http/app.ts";
import { createApiToken } from "../src/services/auth.ts";
import { type ServiceContext, systemActor } from "../src/services/context.ts";
import { createUser } from "../src/services/sites.ts";
import { addPatient, type Backend, observation, openSite } from "./fixtures.ts";
import { type Comparison, check, comparePair, median } from "./harness.ts";
import type { Log } from "./suites.ts";

const ROWS = 1000;
const PATIENTS = 10;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** The columns COPY fills: what recordObservations writes for a typed-in numeric result. */
const COLUMNS = [
  "id",
  "patient_id",
  "site_id",
  "code_system",
  "code",
  "display",
  "value_number",
  "unit",
  "original_value",
  "original_unit",
  "effective_at",
  "source",
  "status",
  "created_at",
  "created_by",
  "updated_at",
] as const;

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export async function ingestVsCopy(
  backend: Backend,
  url: string | undefined,
  log: Log,
): Promise<Comparison[]> {
  const site = await openSite(backend, url);
  const app = await buildApp({ database: site.database });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const patients: string[] = [];
    for (let p = 0; p < PATIENTS; p++) patients.push(await addPatient(site, p));
    const system: ServiceContext = { db: site.database.db, actor: systemActor(), now: () => new Date() };
    await createUser(system, {
      username: "bench-investigator",
      displayName: "Bench investigator",
      password: "bench-password-not-secret-1",
      memberships: [{ siteId: site.siteId, role: "investigator" }],
    });
    const token = await createApiToken(system, "bench-investigator", "bench");
    const userId = (
      await site.database.db
        .selectFrom("users")
        .select("id")
        .where("username", "=", "bench-investigator")
        .executeTakeFirstOrThrow()
    ).id;
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const copyCsv = site.database.copyCsv;
    check(copyCsv !== undefined, "the database can COPY");

    // Every row of the run gets its own time, API and COPY alike (patient p, row i of 100).
    let next = 0;
    const rows = () => {
      const start = next;
      next += ROWS / PATIENTS;
      return Array.from({ length: ROWS }, (_, k) =>
        observation(patients[k % PATIENTS]!, start + Math.floor(k / PATIENTS), 60, k % PATIENTS),
      );
    };
    // node:http with one kept-alive connection, not fetch: the client runs in this process on the
    // same two cores as the server, and fetch spent ~1.5 ms more of them per request (a client
    // elsewhere would not take them from the server). The answer is read to its last byte and its
    // count checked; parsing all of it is the client's work, tested elsewhere
    // (test/integration/observation-batch.test.ts), not the server's ingest.
    const post = (body: Buffer, minimal: boolean) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(
          {
            host: "127.0.0.1",
            port,
            path: "/api/v1/observations",
            method: "POST",
            agent,
            headers: {
              authorization: `Bearer ${token}`,
              "content-type": "application/json",
              "content-length": body.length,
              ...(minimal ? { prefer: "return=minimal" } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => {
              const answer = Buffer.concat(chunks);
              const head = answer.subarray(0, 40).toString();
              try {
                check(
                  res.statusCode === 201 && head.startsWith(`{"count":${ROWS},`),
                  `API batch answered ${res.statusCode}: ${head}`,
                );
                check(
                  answer.length === Number(res.headers["content-length"] ?? answer.length),
                  "the whole answer arrived",
                );
                resolve();
              } catch (e) {
                reject(e);
              }
            });
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const csv = () => {
      const now = new Date().toISOString();
      return rows()
        .map((o) =>
          [
            uuidv7(),
            o.patientId,
            site.siteId,
            "http://loinc.org",
            o.code,
            labCode(o.code)?.display ?? "",
            o.valueNumber,
            o.unit,
            o.valueNumber,
            o.unit,
            o.effectiveAt,
            o.source,
            "final",
            now,
            userId,
            now,
          ]
            .map(csvField)
            .join(","),
        )
        .join("\n")
        .concat("\n");
    };
    const api = (minimal: boolean) => {
      let body = Buffer.alloc(0);
      return {
        prepare: () => {
          body = Buffer.from(JSON.stringify({ observations: rows() }));
        },
        run: () => post(body, minimal),
      };
    };
    const copy = () => {
      let text = "";
      return {
        prepare: () => {
          text = csv();
        },
        run: () => copyCsv.call(site.database, "observations", COLUMNS, text),
      };
    };

    const out: Comparison[] = [];
    for (const minimal of [true, false]) {
      const a = api(minimal);
      const c = copy();
      log(
        `  ${ROWS} rows per request (${PATIENTS} patients), ${minimal ? "Prefer: return=minimal" : "full answer"}`,
      );
      const r = await comparePairPrepared(c, a);
      const rate = (ms: number[]) => (ROWS / median(ms)) * 1000;
      out.push({
        benchmark: `observation ingest via API vs COPY (1,000 rows, ${minimal ? "Prefer: return=minimal" : "full answer"})`,
        backend,
        baseline: "COPY FROM STDIN",
        measured: "POST /api/v1/observations",
        ...r,
        notes: [
          `COPY ${fmt(rate(r.baselineMs))} rows/s`,
          `API ${fmt(rate(r.measuredMs))} rows/s`,
          `API ÷ COPY rows/s ${(median(r.baselineMs) / median(r.measuredMs)).toFixed(2)} (goal ≥ 0.5)`,
        ],
      });
    }
    const stored = await site.database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    check(
      Number(stored.n) === next * PATIENTS,
      `expected ${next * PATIENTS} observations, found ${stored.n}`,
    );
    return out;
  } finally {
    agent.destroy();
    await app.close();
    await site.close();
  }
}

/** comparePair, with each side's input built (untimed) just before it runs. */
async function comparePairPrepared(
  baseline: { prepare(): void; run(): Promise<unknown> },
  measured: { prepare(): void; run(): Promise<unknown> },
) {
  const { performance } = await import("node:perf_hooks");
  const timed = async (side: typeof baseline) => {
    side.prepare();
    const start = performance.now();
    await side.run();
    return performance.now() - start;
  };
  // comparePair times whole calls; here only `run` counts, so each side times itself.
  return comparePair({
    warmups: 5,
    repetitions: 25,
    baseline: () => timed(baseline),
    measured: () => timed(measured),
    baselineTimesItself: true,
    measuredTimesItself: true,
  });
}
