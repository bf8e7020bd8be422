/**
 * `v2v report cohort|patient --user NAME --out FILE.pdf`: a PDF the team brings to a meeting,
 * printed by Chromium from the web app's own report pages (/reports/cohort, /reports/patient/:id),
 * so the PDF shows exactly the tables and plots the screens do, drawn by the same code. The
 * command serves the app on a loopback port for the length of the print, as the named user
 * through a one-day API token that it revokes afterwards (both in the audit trail): the report
 * holds what that user may read, no more. Chromium is Debian's (CHROMIUM_PATH to override).
 */
import type { Command } from "commander";
import { DomainError } from "../domain/errors.ts";
import type { Database } from "../store/database.ts";
import type { Cli } from "./cli-context.ts";
import { COHORT_OPTIONS } from "./cohort-command.ts";
import { siteByCode } from "./sites.ts";

const COHORT_FILTERS: [flag: string, key: string, help: string][] = [
  ...COHORT_OPTIONS,
  ["--group-by <grouping>", "groupBy", "none, indication (default), doseLevel, arm, site or product"],
];

const STEPS = ["web app", "server", "browser", "report page", "PDF"] as const;

interface PrintJob {
  database: Database;
  username: string;
  /** the site the web app opens at (the user's only site, or the one named) */
  siteId: string | undefined;
  path: string;
  out: string;
  version: string;
  step: (name: (typeof STEPS)[number]) => void;
}

async function printReport(job: PrintJob): Promise<{ pages: number }> {
  const { ensureWebBuild } = await import("./web-build.ts");
  const { buildApp } = await import("../http/app.ts");
  const { issueApiToken, revokeApiToken } = await import("../services/auth.ts");
  const { systemActor } = await import("../services/context.ts");
  job.step("web app");
  await ensureWebBuild();
  job.step("server");
  const system = { db: job.database.db, actor: systemActor(), now: () => new Date() };
  const { token, apiToken } = await issueApiToken(system, job.username, {
    label: "v2v report",
    expiresInDays: 1,
  });
  const app = await buildApp({ database: job.database, version: job.version });
  let browser: import("playwright-core").Browser | undefined;
  try {
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    job.step("browser");
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox"],
    });
    const context = await browser.newContext({
      baseURL: address,
      extraHTTPHeaders: { authorization: `Bearer ${token}` },
      locale: "en-GB",
      viewport: { width: 1100, height: 1400 },
    });
    if (job.siteId)
      await context.addInitScript(`localStorage.setItem("v2v.siteId", ${JSON.stringify(job.siteId)})`);
    const page = await context.newPage();
    job.step("report page");
    await page.goto(job.path);
    const ready = page.locator('[data-report-ready="true"]');
    const refused = page.getByRole("alert");
    await ready.or(refused).first().waitFor({ timeout: 60_000 });
    // Charts size themselves to their box after the data arrives: let them draw.
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(500);
    if (await refused.count())
      throw new DomainError(
        "validation",
        `The report was refused: ${((await refused.first().textContent()) ?? "").trim()}`,
      );
    job.step("PDF");
    const pdf = await page.pdf({
      path: job.out,
      format: "A4",
      printBackground: true,
      margin: { top: "14mm", bottom: "14mm", left: "12mm", right: "12mm" },
    });
    // Each page object of a PDF is "/Type /Page" (not /Pages); Chromium writes them uncompressed.
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
    return { pages };
  } finally {
    await browser?.close();
    await app.close();
    await revokeApiToken(system, apiToken.id, { reason: "v2v report finished" }).catch(() => {});
  }
}

export function registerReportCommand(program: Command, cli: Cli, version: string) {
  const report = program.command("report").description("PDF reports printed by Chromium from the web app");
  const progress = () => {
    let i = 0;
    return (name: string) => {
      i++;
      if (cli.io.stderr.isTTY) cli.io.stderr.write(`\r[${i}/${STEPS.length}] ${name}…`.padEnd(40));
    };
  };
  const siteOf = async (database: Database, code: string | undefined) =>
    code ? (await siteByCode(database, code)).id : undefined;

  const cohort = report
    .command("cohort")
    .description("the cohort report: definition, data cut, response, toxicity, survival curves, swimmer plot")
    .requiredOption("--user <username>", "print as this user (the report holds what they may read)")
    .requiredOption("--out <file.pdf>", "where to write the PDF")
    .option("--at-site <code>", "the site the web app opens at, for users of several sites");
  for (const [flag, , help] of COHORT_FILTERS) cohort.option(flag, help);
  cohort.action((opts: Record<string, string | undefined>) =>
    cli.withDatabase(async (database) => {
      const { CohortResultsQuery, cohortQuery } = await import("../domain/cohort/definition.ts");
      const raw = Object.fromEntries(
        COHORT_FILTERS.map(([, key]) => [key, opts[key]]).filter(([, v]) => v !== undefined),
      );
      // Checked here first: a bad filter is a CLI message before any browser starts.
      const { parseInput } = await import("../services/validate.ts");
      const { groupBy, ...definition } = parseInput(CohortResultsQuery, raw);
      const query = [cohortQuery(definition), groupBy !== "indication" ? `groupBy=${groupBy}` : ""]
        .filter(Boolean)
        .join("&");
      const result = await printReport({
        database,
        username: opts.user!,
        siteId: await siteOf(database, opts.atSite),
        path: `/reports/cohort${query ? `?${query}` : ""}`,
        out: opts.out!,
        version,
        step: progress(),
      });
      if (cli.io.stderr.isTTY) cli.io.stderr.write("\n");
      cli.out(`Wrote ${opts.out} (${result.pages} page${result.pages === 1 ? "" : "s"})`);
    }),
  );

  report
    .command("patient")
    .description("a single-patient case report: course, charts, response, toxicity, remission")
    .requiredOption("--user <username>", "print as this user")
    .requiredOption("--subject <code>", "subject code, e.g. SZ-0001")
    .requiredOption("--site <code>", "the patient's site, e.g. SZ")
    .requiredOption("--out <file.pdf>", "where to write the PDF")
    .action((opts: { user: string; subject: string; site: string; out: string }) =>
      cli.withDatabase(async (database) => {
        const { findPatientBySubjectCode } = await import("../store/patients.ts");
        const siteId = await siteOf(database, opts.site);
        const patient = await findPatientBySubjectCode(database.db, siteId!, opts.subject);
        if (!patient) throw new DomainError("validation", `No patient ${opts.subject} at ${opts.site}.`);
        const result = await printReport({
          database,
          username: opts.user,
          siteId,
          path: `/reports/patient/${patient.id}`,
          out: opts.out,
          version,
          step: progress(),
        });
        if (cli.io.stderr.isTTY) cli.io.stderr.write("\n");
        cli.out(`Wrote ${opts.out} (${result.pages} page${result.pages === 1 ? "" : "s"})`);
      }),
    );
}
