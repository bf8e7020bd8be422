import { recordObservations } from "../src/services/observations.ts";
import { insertObservations } from "../src/store/clinical-records.ts";
import { addPatient, observation, openSite } from "./fixtures.ts";
import { v7 as uuidv7 } from "uuid";

const backend = (process.argv[2] ?? "pglite") as "pglite" | "postgres";
const site = await openSite(backend, process.env.BENCH_DATABASE_URL);
const pid = await addPatient(site, 1);
let t = performance.now();
for (let b = 0; b < 5; b++) {
  await recordObservations(site.ctx, { observations: Array.from({ length: 1000 }, (_, k) => observation(pid, b * 1000 + k, 10)) });
}
console.log("service batch 1000 x5", (performance.now() - t) / 5, "ms per batch");
t = performance.now();
for (let i = 0; i < 200; i++) await recordObservations(site.ctx, observation(pid, 10000 + i, 10));
console.log("single x200", (performance.now() - t) / 200, "ms per call");
const pid2 = await addPatient(site, 2);
t = performance.now();
for (let b = 0; b < 5; b++) {
  const now = new Date();
  await insertObservations(site.database.db, Array.from({ length: 1000 }, (_, k) => {
    const o = observation(pid2, b * 1000 + k, 10);
    return { id: uuidv7(), patient_id: pid2, site_id: site.siteId, code_system: "http://loinc.org", code: o.code, display: null, value_number: o.valueNumber, value_code: null, value_text: null, unit: o.unit, effective_at: o.effectiveAt, specimen: null, source: o.source, status: "final", note: null, created_at: now, created_by: site.ctx.actor.userId, updated_at: now };
  }));
}
console.log("store insert 1000 x5", (performance.now() - t) / 5, "ms per batch");
await site.close();
