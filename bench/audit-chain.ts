/**
 * 5. The audit hash chain's price per append (decision 0021). The same writes with the chain
 * trigger switched off (the baseline: an audit append as it was before the chain) and on:
 * 300 transactions of one audit record each, and one 1,000-observation batch (1,000 audit
 * records, the ingest path of issue 15). Both run alternately on one database.
 */
import { sql } from "kysely";
import { appendAudit } from "../src/services/audit.ts";
import { verifyAuditChain } from "../src/services/audit-chain.ts";
import { recordObservations } from "../src/services/observations.ts";
import { addPatient, type Backend, observation, openSite } from "./fixtures.ts";
import { type Comparison, check, comparePair, median } from "./harness.ts";

type Log = (message: string) => void;

const SINGLES = 300;
const BATCH = 1000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export async function auditChain(backend: Backend, url: string | undefined, log: Log): Promise<Comparison[]> {
  const site = await openSite(backend, url);
  try {
    const db = site.database.db;
    const chain = (on: boolean) =>
      sql`ALTER TABLE audit_events ${sql.raw(on ? "ENABLE" : "DISABLE")} TRIGGER audit_events_chain`.execute(
        db,
      );
    const patientId = await addPatient(site, 1);
    let next = 0;
    const singles = async (on: boolean, n = SINGLES) => {
      await chain(on);
      for (let i = 0; i < n; i++)
        await appendAudit(db, site.ctx, {
          action: "update",
          entityType: "observation",
          entityId: `bench-${next++}`,
          siteId: site.siteId,
          before: { valueNumber: 10.1 },
          after: { valueNumber: 10.2 },
          reason: "bench",
        });
    };
    const batch = async (on: boolean, n = BATCH) => {
      await chain(on);
      const stored = await recordObservations(site.ctx, {
        observations: Array.from({ length: n }, () => observation(patientId, next++, 1)),
      });
      check(stored.length === n, `batch stored ${stored.length} of ${n}`);
    };
    log(`  ${SINGLES} one-record transactions and a ${fmt(BATCH)}-observation batch, chain off and on`);
    const one = await comparePair({
      warmups: 1,
      repetitions: 7,
      baseline: () => singles(false),
      measured: () => singles(true),
      warmupBaseline: () => singles(false, 50),
      warmupMeasured: () => singles(true, 50),
    });
    const many = await comparePair({
      warmups: 1,
      repetitions: 7,
      baseline: () => batch(false),
      measured: () => batch(true),
      warmupBaseline: () => batch(false, 100),
      warmupMeasured: () => batch(true, 100),
    });
    await chain(true);
    // The records written with the chain off were never linked: verification must say so.
    const report = await verifyAuditChain(db);
    check(report.firstBreak?.kind === "record-inserted", "records written past the trigger are found");
    const perAppend = (ms: number[], n: number) => `${((median(ms) / n) * 1000).toFixed(0)} µs`;
    return [
      {
        benchmark: "audit append, hash chain off vs on (one record per transaction)",
        backend,
        baseline: `${SINGLES} transactions, chain off`,
        measured: `${SINGLES} transactions, chain on`,
        ...one,
        notes: [
          `off ${perAppend(one.baselineMs, SINGLES)}/append`,
          `on ${perAppend(one.measuredMs, SINGLES)}/append`,
        ],
      },
      {
        benchmark: "observation batch with its audit records, hash chain off vs on",
        backend,
        baseline: `${fmt(BATCH)} rows, chain off`,
        measured: `${fmt(BATCH)} rows, chain on`,
        ...many,
        notes: [
          `off ${fmt((BATCH / median(many.baselineMs)) * 1000)} rows/s`,
          `on ${fmt((BATCH / median(many.measuredMs)) * 1000)} rows/s`,
        ],
      },
    ];
  } finally {
    await site.close();
  }
}
