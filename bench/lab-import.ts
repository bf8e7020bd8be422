/**
 * 4. Lab import of a 20,000-row CSV file (read, checked, units converted, patients resolved, one
 * transaction with audit) against the same results recorded through recordObservations in four
 * 5,000-row batches, already in canonical units (the baseline). The ratio is the price of the
 * import's parsing and UCUM normalisation over the plain batch write.
 */
import { importLabCsv } from "../src/services/lab-import.ts";
import { recordObservations } from "../src/services/observations.ts";
import { addPatient, type Backend, EPOCH, openSite } from "./fixtures.ts";
import { type Comparison, check, comparePair, median } from "./harness.ts";

type Log = (message: string) => void;

const ROWS = 20_000;
const PATIENTS = 20;
const MINUTE = 60_000;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** One result kind per row, as a lab writes it and as it is stored. */
const KINDS = [
  { code: "718-7", written: "g/L", factor: 0.1, stored: "g/dL" },
  { code: "777-3", written: "10*9/L", factor: 1, stored: "10*3/uL" },
  { code: "5130-0", written: "kIU/L", factor: 1, stored: "[IU]/mL" },
  { code: "2465-3", written: "g/L", factor: 100, stored: "mg/dL" },
  { code: "1988-5", written: "mg/L", factor: 1, stored: "mg/L" },
] as const;

const MAPPING = {
  columns: { subjectCode: "subject", code: "loinc", value: "value", unit: "unit", effectiveAt: "time" },
};

export async function labImport(backend: Backend, url: string | undefined, log: Log): Promise<Comparison[]> {
  const site = await openSite(backend, url);
  try {
    const ids: string[] = [];
    for (let p = 0; p < PATIENTS; p++) ids.push(await addPatient(site, p));
    const codes = await site.database.db
      .selectFrom("patients")
      .select(["id", "subject_code"])
      .where("site_id", "=", site.siteId)
      .execute();
    const codeOf = new Map(codes.map((r) => [r.id, r.subject_code]));
    // Each run gets its own times, so no file repeats (the same file twice is refused).
    let run = 0;
    const rowsOf = (n: number) => {
      const offset = run++ * n;
      return Array.from({ length: n }, (_, i) => {
        const k = KINDS[i % KINDS.length]!;
        const patientId = ids[i % PATIENTS]!;
        return {
          patientId,
          subject: codeOf.get(patientId)!,
          kind: k,
          value: 50 + ((i * 7919) % 1000) / 10,
          at: new Date(EPOCH + (offset + i) * MINUTE).toISOString(),
        };
      });
    };
    const imported = async (n: number) => {
      const rows = rowsOf(n);
      const content = [
        "subject,loinc,value,unit,time",
        ...rows.map((r) => `${r.subject},${r.kind.code},${r.value},${r.kind.written},${r.at}`),
      ].join("\n");
      const done = await importLabCsv(
        site.ctx,
        { siteId: site.siteId, fileName: "bench.csv", content },
        MAPPING,
      );
      check(done.rowCount === n, `import stored ${done.rowCount} of ${n}`);
    };
    const batched = async (n: number) => {
      const rows = rowsOf(n);
      for (let i = 0; i < rows.length; i += 5000) {
        const observations = rows.slice(i, i + 5000).map((r) => ({
          patientId: r.patientId,
          code: r.kind.code,
          valueNumber: Math.round(r.value * r.kind.factor * 1e6) / 1e6,
          unit: r.kind.stored,
          effectiveAt: r.at,
          source: "bench",
        }));
        const stored = await recordObservations(site.ctx, { observations });
        check(stored.length === observations.length, "batch stored every row");
      }
    };
    log(`  ${fmt(ROWS)} rows × 3 repetitions, CSV import and recordObservations batches`);
    const { baselineMs, measuredMs } = await comparePair({
      warmups: 1,
      repetitions: 3,
      baseline: () => batched(ROWS),
      measured: () => imported(ROWS),
      warmupBaseline: () => batched(2000),
      warmupMeasured: () => imported(2000),
    });
    const rate = (ms: number[]) => (ROWS / median(ms)) * 1000;
    return [
      {
        benchmark: `lab import CSV vs observation batches (${fmt(ROWS)} rows)`,
        backend,
        baseline: "recordObservations, 4 × 5,000",
        measured: "CSV import, one file",
        baselineMs,
        measuredMs,
        notes: [`batches ${fmt(rate(baselineMs))} rows/s`, `import ${fmt(rate(measuredMs))} rows/s`],
      },
    ];
  } finally {
    await site.close();
  }
}
