/**
 * `v2v report cohort|patient` on the demo program: a real Chromium prints the web app's report
 * pages to PDF, and `pdftotext` (poppler-utils) reads the text back, so the test checks what a
 * reader of the PDF sees: the cohort definition and data cut, the counts, the section titles, the
 * Chinese subtitle (which needs a CJK font: fonts-noto-cjk), and for the case report the subject
 * code without the patient's name.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { demoDatabase } from "../support/demo-database.ts";

const now = () => new Date("2026-11-01T09:00:00+08:00");
let database: Database;
let dir: string;

beforeAll(async () => {
  ({ database } = await demoDatabase(now));
  dir = mkdtempSync(join(tmpdir(), "v2v-report-"));
}, 300_000);
afterAll(async () => {
  await database?.close();
  // V2V_KEEP_REPORTS=DIR keeps the PDFs to look at.
  if (process.env.V2V_KEEP_REPORTS) cpSync(dir, process.env.V2V_KEEP_REPORTS, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
});

const pdfText = (file: string) => execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });

describe("v2v report", () => {
  it("prints the cohort report: definition, data cut, counts, curves and tables", async () => {
    const out = join(dir, "cohort.pdf");
    const res = await runV2v(database, [
      "report",
      "cohort",
      "--user",
      "investigator",
      "--at-site",
      "SZ",
      "--indication",
      "lymphoma,overlap",
      "--as-of",
      "2026-11-01",
      "--out",
      out,
    ]);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^Wrote .*cohort\.pdf \(\d+ pages?\)/);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(out);
    expect(text).toContain("Cohort outcomes report");
    expect(text).toContain("队列疗效报告");
    expect(text).toMatch(/Cohort\s+indication lymphoma, overlap\n/);
    expect(text).toMatch(/Data cut\s+2026-11-01/);
    expect(text).toMatch(/Infused patients\s+9/);
    expect(text).toMatch(/by vein2vein \d+\.\d+\.\d+/);
    for (const section of [
      "Overall survival",
      "Progression-free survival",
      "Swimmer plot",
      "Best overall response",
    ])
      expect(text).toContain(section);
    expect(text).toMatch(/8\/9 89%/);
    // The swimmer plot's lanes are text in the PDF: every patient of the cohort is there.
    for (const code of ["SZ-0001", "SZ-0003", "SZ-0020"]) expect(text).toContain(code);
    expect(text).not.toContain("WH-0001");
  }, 180_000);

  it("prints a pseudonymous case report for SZ-0001", async () => {
    const out = join(dir, "patient.pdf");
    const res = await runV2v(database, [
      "report",
      "patient",
      "--user",
      "investigator",
      "--subject",
      "SZ-0001",
      "--site",
      "SZ",
      "--out",
      out,
    ]);
    expect(res.status, res.stderr).toBe(0);
    const text = pdfText(out);
    expect(text).toContain("Case report — SZ-0001");
    expect(text).toContain("病例报告");
    expect(text).toContain("Best overall response");
    expect(text).toContain("DORIS remission");
    const identity = await database.db
      .selectFrom("patient_identities")
      .innerJoin("patients", "patients.id", "patient_identities.patient_id")
      .select(["family_name", "given_name"])
      .where("patients.subject_code", "=", "SZ-0001")
      .executeTakeFirstOrThrow();
    expect(text).not.toContain(identity.family_name);
  }, 180_000);

  it("refuses before printing: a bad filter, an unknown user, an unknown patient", async () => {
    const bad = await runV2v(database, [
      "report",
      "cohort",
      "--user",
      "investigator",
      "--indication",
      "x",
      "--out",
      join(dir, "x.pdf"),
    ]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/indication/);
    const nobody = await runV2v(database, [
      "report",
      "cohort",
      "--user",
      "nobody",
      "--out",
      join(dir, "y.pdf"),
    ]);
    expect(nobody.status).not.toBe(0);
    expect(nobody.stderr).toMatch(/nobody/);
    const missing = await runV2v(database, [
      "report",
      "patient",
      "--user",
      "investigator",
      "--subject",
      "SZ-9999",
      "--site",
      "SZ",
      "--out",
      join(dir, "z.pdf"),
    ]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/SZ-9999/);
  }, 60_000);
});
