/**
 * CDISC SDTM export of the demo study over HTTP and the CLI (issue 13), checked independently:
 * R reads every .xpt back with haven::read_xpt (the reader FDA reviewers' tools share with SAS's
 * own layout, TS-140) and the matching .csv with base read.csv, compares them cell by cell, and
 * reads define.xml with xml2 to list each dataset's variables. Record counts are counted again
 * here with SQL on the record itself, and a few values are the reference case's published facts
 * (infusion 2019-09-16, a woman born 1976, lymphoma arm at 3 × 10^6 CAR+ cells/kg).
 * R must be installed: a missing Rscript fails the test, never skips it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_INFUSION_DATE } from "../../src/demo/reference-case.ts";
import { LB_TESTS, VS_TESTS } from "../../src/domain/cdisc/terminology.ts";
import { buildApp } from "../../src/http/app.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { readOnlySnapshot, systemActor } from "../../src/services/context.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { usingPostgres } from "../support/database.ts";
import { demoDatabase } from "../support/demo-database.ts";
import { queriesRun } from "../support/statements.ts";

const run = promisify(execFile);
const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let app: FastifyInstance;
let studyId: string;
const tokens: Record<string, string> = {};

interface Manifest {
  studyId: string;
  sites: string[];
  datasets: { name: string; label: string; records: number; variables: string[]; files: string[] }[];
  define: string;
  notes: string[];
}

beforeAll(async () => {
  ({ database } = await demoDatabase(now));
  app = await buildApp({ database, now });
  const system = { db: database.db, actor: systemActor(), now };
  for (const u of ["investigator", "coordinator-wh", "manufacturing", "monitor"])
    tokens[u] = await createApiToken(system, u, "sdtm test", { expiresAt: new Date("2100-01-01T00:00:00Z") });
  studyId = (await database.db.selectFrom("studies").select("id").executeTakeFirstOrThrow()).id;
}, 600_000);
afterAll(async () => {
  await app?.close();
  await database?.close();
});

const get = (url: string, user = "investigator") =>
  app.inject({ method: "GET", url, headers: { authorization: `Bearer ${tokens[user]}` } });

async function manifest(user = "investigator"): Promise<Manifest> {
  const res = await get(`/api/v1/studies/${studyId}/sdtm`, user);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Manifest;
}

/** Record counts of the demo study, counted with SQL on the record (not through the export). */
async function expectedCounts() {
  const count = async (q: ReturnType<typeof sql<{ n: number }>>) =>
    Number((await q.execute(database.db)).rows[0]!.n);
  const enrolled = sql`SELECT patient_id FROM enrolments WHERE study_id = ${studyId}`;
  const codes = (list: readonly { loinc: string }[]) => sql.join(list.map((t) => sql`${t.loinc}`));
  return {
    DM: await count(sql`SELECT count(*) AS n FROM enrolments WHERE study_id = ${studyId}`),
    LB: await count(
      sql`SELECT count(*) AS n FROM observations WHERE patient_id IN (${enrolled}) AND status <> 'entered-in-error' AND code IN (${codes(LB_TESTS)})`,
    ),
    VS: await count(
      sql`SELECT count(*) AS n FROM observations WHERE patient_id IN (${enrolled}) AND status <> 'entered-in-error' AND code IN (${codes(VS_TESTS)})`,
    ),
    // CM and EX share the medications; EX adds one CAR-T infusion per infused subject.
    medications: await count(
      sql`SELECT count(*) AS n FROM medications WHERE patient_id IN (${enrolled}) AND status <> 'entered-in-error'`,
    ),
    infusions: await count(
      sql`SELECT count(*) AS n FROM journey_events je JOIN journeys j ON j.id = je.journey_id JOIN enrolments e ON e.id = j.enrolment_id WHERE e.study_id = ${studyId} AND je.event_type = 'infuse'`,
    ),
    MH: await count(sql`SELECT count(*) AS n FROM conditions WHERE patient_id IN (${enrolled})`),
    lugano: await count(
      sql`SELECT count(*) AS n FROM assessments WHERE patient_id IN (${enrolled}) AND calculator IN ('lugano-pet', 'lugano-ct') AND status <> 'entered-in-error'`,
    ),
    AE: await count(sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled})`),
    aeSerious: await count(
      sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled}) AND serious`,
    ),
    // NCI CTEP: related = possible, probable or definite
    aeRelated: await count(
      sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled}) AND attribution IN ('possible', 'probable', 'definite')`,
    ),
    aeHospitalised: await count(
      sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled}) AND 'hospitalisation' = ANY (serious_criteria)`,
    ),
    aeInfections: await count(
      sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled}) AND soc = 'Infections and infestations'`,
    ),
    aeGrade3: await count(
      sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled}) AND grade >= 3`,
    ),
    aeCrsIcans: await count(
      sql`SELECT count(*) AS n FROM adverse_events WHERE patient_id IN (${enrolled}) AND term IN ('Cytokine release syndrome', 'Immune effector cell-associated neurotoxicity syndrome')`,
    ),
    ecog: await count(
      sql`SELECT count(*) AS n FROM observations WHERE patient_id IN (${enrolled}) AND code = '89247-1' AND status <> 'entered-in-error'`,
    ),
  };
}

/**
 * The R check: for every dataset, rows and names of the .xpt (haven) and the .csv (read.csv, all
 * text), the variable labels, the cells that differ between the two, and the variables define.xml
 * lists for it; plus the reference case's DM record and first haemoglobin as R reads them.
 */
const R_SCRIPT = String.raw`
args <- commandArgs(TRUE); dir <- args[1]
suppressMessages({ library(haven); library(xml2) })
out <- file(file.path(dir, "out.tsv"), "w")
emit <- function(ds, key, value) writeLines(paste(ds, key, paste(value, collapse = "|"), sep = "\t"), out)
def <- read_xml(file.path(dir, "define.xml"))
ns <- c(odm = "http://www.cdisc.org/ns/odm/v1.3", def = "http://www.cdisc.org/ns/def/v2.0")
for (f in sort(list.files(dir, "[.]xpt$"))) {
  ds <- toupper(sub("[.]xpt$", "", f))
  x <- read_xpt(file.path(dir, f))
  c <- read.csv(file.path(dir, sub("xpt$", "csv", f)), colClasses = "character", na.strings = character(0), check.names = FALSE)
  emit(ds, "xpt_rows", nrow(x)); emit(ds, "csv_rows", nrow(c))
  emit(ds, "names", names(x)); emit(ds, "csv_names", names(c))
  emit(ds, "labels", vapply(x, function(v) attr(v, "label"), ""))
  emit(ds, "dataset_label", attr(x, "label"))
  emit(ds, "numeric", names(x)[vapply(x, is.numeric, TRUE)])
  bad <- 0
  for (n in names(x)) {
    a <- x[[n]]; b <- c[[n]]
    if (is.numeric(a)) {
      bn <- suppressWarnings(as.numeric(ifelse(b == "", NA, b)))
      ok <- (is.na(a) & is.na(bn)) | (!is.na(a) & !is.na(bn) & abs(a - bn) <= 1e-12 * pmax(1, abs(bn)))
    } else ok <- a == b
    bad <- bad + sum(!ok)
  }
  emit(ds, "mismatches", bad)
  ig <- xml_find_first(def, sprintf("//odm:ItemGroupDef[@Name='%s']", ds), ns)
  oids <- xml_attr(xml_find_all(ig, "odm:ItemRef", ns), "ItemOID")
  emit(ds, "define_names", vapply(oids, function(o) xml_attr(xml_find_first(def, sprintf("//odm:ItemDef[@OID='%s']", o), ns), "Name"), ""))
  emit(ds, "define_leaf", xml_attr(xml_find_first(ig, "def:leaf", ns), "href"))
  if (ds == "DM") { r <- x[x$SUBJID == "SZ-0001", ]; for (n in names(x)) emit(ds, paste0("SZ-0001.", n), as.character(r[[n]])) }
  if (ds == "AE") emit(ds, "tally", c(sum(x$AESER == "Y"), sum(x$AEREL == "RELATED"), sum(x$AESHOSP %in% "Y"), sum(x$AEBODSYS == "Infections and infestations"), sum(as.integer(x$AETOXGR) >= 3), sum(x$AEDECOD %in% c("Cytokine release syndrome", "Immune effector cell-associated neurotoxicity syndrome"))))
  if (ds == "LB") { r <- x[x$USUBJID == paste0(x$STUDYID[1], "-SZ-0001") & x$LBTESTCD == "HGB", ][1, ]; emit(ds, "SZ-0001.HGB1", c(r$LBDTC, format(r$LBSTRESN, digits = 15), r$LBSTRESU, r$LBDY)) }
}
close(out)
`;

async function readWithR(dir: string): Promise<Map<string, string>> {
  await writeFile(join(dir, "check.R"), R_SCRIPT);
  try {
    await run("Rscript", ["--vanilla", join(dir, "check.R"), dir], { maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT")
      throw new Error("Rscript is not installed: the XPT files are checked with R haven");
    throw new Error(`Rscript failed: ${err.stderr ?? err.message}`);
  }
  const table = new Map<string, string>();
  for (const line of (await readFile(join(dir, "out.tsv"), "utf8")).split("\n")) {
    if (!line) continue;
    const [ds, key, value] = line.split("\t");
    table.set(`${ds}|${key}`, value ?? "");
  }
  return table;
}

describe("SDTM export of the demo study", () => {
  it("lists every domain with the record counts the record holds", async () => {
    const m = await manifest();
    expect(m.studyId).toBe("DEMO-0001");
    expect(m.sites).toEqual(["SZ", "WH"]);
    expect(m.datasets.map((d) => d.name)).toEqual([
      "DM",
      "CM",
      "EX",
      "AE",
      "DS",
      "MH",
      "LB",
      "RS",
      "TR",
      "TU",
      "VS",
    ]);
    const n = Object.fromEntries(m.datasets.map((d) => [d.name, d.records]));
    const want = await expectedCounts();
    expect(n.DM).toBe(want.DM);
    expect(want.DM).toBe(30);
    expect(n.LB).toBe(want.LB);
    expect(n.VS).toBe(want.VS);
    expect(n.MH).toBe(want.MH);
    expect(n.CM! + n.EX!).toBe(want.medications + want.infusions);
    // Flu/Cy: fludarabine and cyclophosphamide for each of the 22 infused patients, and the infusion.
    expect(want.infusions).toBe(22);
    expect(n.EX).toBe(22 * 3);
    expect(n.RS).toBe(want.lugano + want.ecog);
    // One AE record per recorded adverse event, CRS and ICANS included (no second count from the
    // gradings): CRS in every infused patient but WH-0001 and SZ-0013 (cohort-outcomes.test.ts
    // reads the same from the plan), ICANS in SZ-0008 and SZ-0020, plus febrile neutropenia and
    // infections.
    expect(n.AE).toBe(want.AE);
    expect(want.aeCrsIcans).toBe(20 + 2);
    expect(want.AE).toBeGreaterThan(want.aeCrsIcans);
    // DS: consent of all 30, 2 screen failures, 3 completed, 2 deaths, 1 withdrawal, 1 lost.
    expect(n.DS).toBe(30 + 2 + 3 + 2 + 1 + 1);
    expect(m.notes).toEqual([]);
  });

  it("writes .xpt files that R haven reads back equal to the .csv, named and labelled as define.xml says", async () => {
    const m = await manifest();
    const dir = await mkdtemp(join(tmpdir(), "v2v-sdtm-"));
    try {
      const files = [...m.datasets.flatMap((d) => d.files), m.define];
      for (const f of files) {
        const res = await get(`/api/v1/studies/${studyId}/sdtm/${f}`);
        expect(res.statusCode, `${f}: ${res.body.slice(0, 200)}`).toBe(200);
        expect(res.headers["content-disposition"]).toBe(`attachment; filename="${f}"`);
        await writeFile(join(dir, f), res.rawPayload);
      }
      // 80-byte records throughout (TS-140), starting with the library header.
      for (const d of m.datasets) {
        const xpt = await readFile(join(dir, `${d.name.toLowerCase()}.xpt`));
        expect(xpt.length % 80).toBe(0);
        expect(xpt.subarray(0, 48).toString("latin1")).toBe(
          "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!",
        );
      }
      const r = await readWithR(dir);
      for (const d of m.datasets) {
        const at = (key: string) => r.get(`${d.name}|${key}`);
        expect(at("xpt_rows"), d.name).toBe(String(d.records));
        expect(at("csv_rows"), d.name).toBe(String(d.records));
        expect(at("names"), d.name).toBe(d.variables.join("|"));
        expect(at("csv_names"), d.name).toBe(d.variables.join("|"));
        expect(at("define_names"), d.name).toBe(d.variables.join("|"));
        expect(at("define_leaf"), d.name).toBe(`${d.name.toLowerCase()}.xpt`);
        expect(at("dataset_label"), d.name).toBe(d.label);
        expect(at("mismatches"), d.name).toBe("0");
        expect(
          at("numeric")
            ?.split("|")
            .every((v) => /(SEQ|DY|STRESN|DOSE|AGE)$/.test(v)),
          d.name,
        ).toBe(true);
      }
      expect(r.get("DM|labels")?.split("|").slice(0, 4)).toEqual([
        "Study Identifier",
        "Domain Abbreviation",
        "Unique Subject Identifier",
        "Subject Identifier for the Study",
      ]);
      // AE as R reads it, tallied against SQL on adverse_events: serious, related (possible,
      // probable, definite), hospitalisation, infections, grade >= 3, CRS/ICANS.
      const want = await expectedCounts();
      expect(r.get("AE|tally")).toBe(
        [
          want.aeSerious,
          want.aeRelated,
          want.aeHospitalised,
          want.aeInfections,
          want.aeGrade3,
          want.aeCrsIcans,
        ].join("|"),
      );
      expect(want.aeInfections).toBeGreaterThan(0);
      expect(want.aeRelated).toBeLessThan(want.AE);
      const dm = (v: string) => r.get(`DM|SZ-0001.${v}`);
      expect(dm("USUBJID")).toBe("DEMO-0001-SZ-0001");
      expect(dm("RFSTDTC")?.slice(0, 10)).toBe(REFERENCE_INFUSION_DATE);
      expect(dm("SEX")).toBe("F");
      expect(dm("BRTHDTC")).toBe("1976");
      // Consent in August 2019: 2019 − 1976.
      expect(dm("AGE")).toBe("43");
      expect(dm("ARMCD")).toBe("LYM-DL2");
      expect(dm("COUNTRY")).toBe("CHN");
      // Her haemoglobin before lymphodepletion: 11.2 g/dL on 20 August 2019 (07:30 in Shenzhen),
      // SDTM day −27 from the infusion on 16 September (no day 0).
      expect(r.get("LB|SZ-0001.HGB1")).toBe("2019-08-20T07:30|11.2|g/dL|-27");
      const define = await readFile(join(dir, "define.xml"), "utf8");
      expect(define).toContain('def:DefineVersion="2.0.0"');
      expect(define).toContain('<Alias Context="nci:ExtCodeID" Name="C65047"/>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("is audited as an export, naming the file, the sites and the record counts", async () => {
    await get(`/api/v1/studies/${studyId}/sdtm/ae.csv`, "monitor");
    const row = await database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "export")
      .where("entity_id", "=", studyId)
      .where("actor_name", "=", "monitor")
      .executeTakeFirstOrThrow();
    expect(row.after).toMatchObject({
      format: "CDISC SDTM",
      files: "ae.csv",
      sites: ["SZ", "WH"],
      records: { AE: (await expectedCounts()).AE },
    });
  });

  it("covers only the sites where the user may read clinical data, and refuses others", async () => {
    const wh = await manifest("coordinator-wh");
    expect(wh.sites).toEqual(["WH"]);
    const dm = await get(`/api/v1/studies/${studyId}/sdtm/dm.csv`, "coordinator-wh");
    const subjects = dm.body
      .trim()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(",")[3]);
    expect(subjects.length).toBeGreaterThan(0);
    expect(subjects.every((s) => s?.startsWith("WH-"))).toBe(true);
    expect((await get(`/api/v1/studies/${studyId}/sdtm`, "manufacturing")).statusCode).toBe(403);
    expect((await get(`/api/v1/studies/01a24099-0000-7000-8000-000000000000/sdtm`)).statusCode).toBe(404);
    expect((await get(`/api/v1/studies/${studyId}/sdtm/zz.csv`)).statusCode).toBe(404);
    const bad = await get(`/api/v1/studies/${studyId}/sdtm/..%2Fetc.csv`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
  });

  it("v2v export sdtm writes the same files into a directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), "v2v-sdtm-cli-"));
    try {
      const r = await runV2v(database, ["export", "sdtm", "--study", "DEMO-0001", "--out", dir]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("SDTM export of DEMO-0001 (sites SZ, WH)");
      const files = (await readdir(dir)).sort();
      expect(files).toHaveLength(11 * 2 + 1);
      expect(files).toContain("define.xml");
      const api = await get(`/api/v1/studies/${studyId}/sdtm/lb.csv`);
      expect(await readFile(join(dir, "lb.csv"), "utf8")).toBe(api.body);
      const missing = await runV2v(database, ["export", "sdtm", "--study", "NO-SUCH", "--out", dir]);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain("No study");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("cohort outcomes as CSV", () => {
  it("one line per infused patient over HTTP and the CLI, readable by R, with the plan's grades", async () => {
    const res = await get("/api/v1/cohorts/outcomes.csv");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const cli = await runV2v(database, ["cohort", "outcomes", "--csv", "--as-of", "2026-11-01"]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(res.body);
    const dir = await mkdtemp(join(tmpdir(), "v2v-cohort-csv-"));
    try {
      await writeFile(join(dir, "cohort.csv"), res.body);
      await writeFile(
        join(dir, "check.R"),
        String.raw`d <- read.csv(file.path(commandArgs(TRUE)[1], "cohort.csv"))
cat(nrow(d), "\n", paste(table(d$crs_max_grade), collapse = ","), "\n", sum(d$os_event), "\n", sum(d$best_response %in% "CR"), "\n", paste(sort(d$subject_code[!is.na(d$death_date) & d$death_date != ""]), collapse = ","), "\n", sep = "")
sri4 <- sapply(c(3, 6, 9, 12), function(m) { x <- d[[paste0("sri4_month_", m)]]; paste0(sum(x, na.rm = TRUE), "/", sum(!is.na(x))) })
cat(paste(sri4, collapse = ","), "\n", sep = "")`,
      );
      const { stdout } = await run("Rscript", ["--vanilla", join(dir, "check.R"), dir]);
      const [rows, crs, deaths, cr, died, sri4] = stdout.trim().split("\n");
      expect(rows).toBe("22");
      // CRS by maximum grade 0, 1, 2, 3 as cohort-outcomes.test.ts reads them off the demo plan.
      expect(crs).toBe("2,12,7,1");
      expect(deaths).toBe("2");
      expect(cr).toBe("6");
      expect(died?.split(",")).toHaveLength(2);
      // SRI-4 responders/scored at months 3, 6, 9, 12: the remission table's counts, redone in R from the file
      expect(sri4).toBe("10/10,9/9,0/0,9/9");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const wh = await get("/api/v1/cohorts/outcomes.csv?site=WH", "coordinator-wh");
    expect(wh.statusCode, wh.body).toBe(200);
    expect(
      wh.body
        .trim()
        .split("\r\n")
        .slice(1)
        .every((l) => l.startsWith("WH-")),
    ).toBe(true);
    expect((await get("/api/v1/cohorts/outcomes.csv?indication=nonsense")).statusCode).toBe(400);
  }, 60_000);
});

describe("downloads compressed for a client that asks (decision 0062)", () => {
  const gzipped = (url: string) =>
    app.inject({
      method: "GET",
      url,
      headers: { authorization: `Bearer ${tokens.investigator}`, "accept-encoding": "gzip, deflate, br" },
    });

  it.each(["lb.xpt", "lb.csv", "define.xml"])(
    "an SDTM file (%s): gzip, the same bytes once unzipped",
    async (file) => {
      const url = `/api/v1/studies/${studyId}/sdtm/${file}`;
      const plain = await get(url);
      const zipped = await gzipped(url);
      expect(zipped.statusCode, zipped.body).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(String(zipped.headers.vary)).toMatch(/accept-encoding/i);
      expect(zipped.headers["content-type"]).toBe(plain.headers["content-type"]);
      expect(zipped.headers["content-disposition"]).toBe(plain.headers["content-disposition"]);
      expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    },
  );

  it("the cohort CSV: gzip, the same text once unzipped", async () => {
    const plain = await get("/api/v1/cohorts/outcomes.csv");
    const zipped = await gzipped("/api/v1/cohorts/outcomes.csv");
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(zipped.rawPayload).toString("utf8")).toBe(plain.body);
  });
});

describe("an export reads on the reports' connection (decision 0060)", () => {
  it("reads in one read-only snapshot there, and writes only its audit record, on the primary", async () => {
    const seen = await queriesRun(database, async () => {
      expect((await get(`/api/v1/studies/${studyId}/sdtm/lb.csv`)).statusCode).toBe(200);
    });
    const readOnly = seen.findIndex((e) => /^SET TRANSACTION READ ONLY$/i.test(e.sql));
    const reads = seen.filter((e) => /from "?observations"?/i.test(e.sql));
    const audit = seen.filter((e) => /insert into "?audit_events"?/i.test(e.sql));
    expect(readOnly).toBeGreaterThanOrEqual(0);
    expect(reads.length).toBeGreaterThan(0);
    expect(audit).toHaveLength(1);
    // The snapshot is opened first, the audit record written once the reads are done.
    for (const r of reads) expect(seen.indexOf(r)).toBeGreaterThan(readOnly);
    expect(seen.indexOf(audit[0]!)).toBeGreaterThan(seen.indexOf(reads.at(-1)!));
    if (usingPostgres()) {
      // Its own pool (PGlite has one connection): every read there, the audit record not.
      const snapshot = seen.slice(readOnly, seen.indexOf(reads.at(-1)!) + 1);
      expect(snapshot.filter((e) => !e.reports).map((e) => e.sql)).toEqual([]);
      expect(audit[0]!.reports).toBeUndefined();
    }
  });

  it("refuses a write in a report's snapshot, on either backend, and changes nothing", async () => {
    const ctx = { db: database.db, reports: database.reports, actor: systemActor(), now };
    const titles = () => database.db.selectFrom("studies").select("title").orderBy("id").execute();
    const before = await titles();
    await expect(
      readOnlySnapshot(ctx, (trx) => sql`UPDATE studies SET title = 'changed by a report'`.execute(trx)),
    ).rejects.toThrow(/read-only transaction/);
    expect(await titles()).toEqual(before);
  });

  it.runIf(usingPostgres())(
    "refuses to open when DATABASE_REPORTS_URL names a database it cannot reach",
    async () => {
      const url = process.env.TEST_DATABASE_URL!;
      const missing = new URL(url);
      missing.pathname = "/v2v_no_such_reports_database";
      await expect(
        openDatabase({ kind: "postgres", url, reportsUrl: missing.toString(), maxConnections: 1 }),
      ).rejects.toThrow(/v2v_no_such_reports_database" does not exist/);
    },
  );

  it.runIf(usingPostgres())("runs on sessions of its own, named for the DBA", async () => {
    const { rows } = await sql<{ name: string }>`SELECT current_setting('application_name') AS name`.execute(
      database.reports,
    );
    expect(rows[0]!.name).toBe("vein2vein reports");
  });
});
