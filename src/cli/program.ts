/**
 * The `v2v` command line: serve, migrate, demo load, token create|list|revoke, user create, worklist,
 * audit verify|checkpoint|key. Each command opens
 * the configured database, calls services, and maps a DomainError to a message on stderr and a
 * non-zero exit code (2 for bad input, 1 otherwise).
 */

import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readConfig } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { isRole, ROLES } from "../domain/roles.ts";
import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "../domain/schemas/admin.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../services/auth.ts";
import { systemActor } from "../services/context.ts";
import { createUser } from "../services/sites.ts";
import { openDatabase } from "../store/database.ts";
import { appliedMigrations, migrate } from "../store/migrator.ts";
import { migratedSnapshot, startFromSnapshot } from "../store/pglite-snapshots.ts";
import { registerAuditCommands } from "./audit-commands.ts";
import type { Cli, CliIo } from "./cli-context.ts";
import { registerCohortCommand } from "./cohort-command.ts";
import { columns } from "./columns.ts";
import { compiledCli } from "./compiled-cli.ts";
import { printDemoSummary } from "./demo-summary.ts";
import { registerExportFhirCommand } from "./export-fhir-command.ts";
import { registerExportSdtmCommand } from "./export-sdtm-command.ts";
import { registerJourneyCommands } from "./journey-commands.ts";
import { registerKineticsCommand } from "./kinetics-command.ts";
import { registerLabsCommand } from "./lab-import-command.ts";
import { registerLtfuCommand } from "./ltfu-command.ts";
import { registerReportCommand } from "./report-command.ts";
import { siteByCode } from "./sites.ts";
import { ensureWebBuild } from "./web-build.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};
/** The version `v2v --version` prints and `serve` reports (package.json's). */
export const V2V_VERSION = pkg.version;

/**
 * Runs one `v2v` command line (`argv` without node and the script) and resolves to its exit code:
 * 0, 1 for a failure, 2 for input the services refuse. `serve` resolves once it is listening.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const cli: Cli = {
    io,
    out: (line) => io.stdout.write(`${String(line)}\n`),
    err: (line) => io.stderr.write(`${String(line)}\n`),
    exitCode: 0,
    async withDatabase(fn) {
      if (io.database) return fn(io.database);
      const config = readConfig(io.env).database;
      // A new embedded installation starts from the migrated snapshot rather than initdb.
      await startFromSnapshot(config, migratedSnapshot);
      const database = await openDatabase(config);
      try {
        await migrate(database);
        return await fn(database);
      } finally {
        await database.close();
      }
    },
  };
  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv, { from: "user" });
    return cli.exitCode;
  } catch (e) {
    return report(cli, e);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

function buildProgram(cli: Cli): Command {
  const { withDatabase } = cli;
  const program = new Command()
    .name("v2v")
    .description("vein2vein: CAR-T cell therapy program records")
    .version(pkg.version)
    .showHelpAfterError()
    // Set before any subcommand is added: commander copies these settings into each one. Errors
    // come back as exceptions (runCli's exit code), never as process.exit.
    .exitOverride()
    .configureOutput({ writeOut: (t) => cli.io.stdout.write(t), writeErr: (t) => cli.io.stderr.write(t) });

  program
    .command("serve")
    .description("migrate, load the demo program on first start, and serve the API and web page")
    .option("--no-demo", "do not load the demo program on first start")
    .action(async (opts: { demo: boolean }) => {
      const { serve } = await import("./serve.ts");
      await serve(
        { ...readConfig(cli.io.env), ...(opts.demo ? {} : { loadDemoOnFirstStart: false }) },
        pkg.version,
        cli.out,
      );
    });

  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(() =>
      withDatabase(async (database) => {
        // migrate() already ran in withDatabase; report the state.
        const rows = await appliedMigrations(database);
        for (const r of rows) cli.out(`${String(r.version).padStart(4, "0")}_${r.name}  applied`);
        cli.out(`database: ${database.location} (${database.kind})`);
      }),
    );

  program
    .command("prepare")
    .description(
      "build the web app, the demo and migrated database snapshots and the compiled command line now, so a first `serve` starts in seconds (npm install runs this)",
    )
    .action(async () => {
      const started = Date.now();
      await ensureWebBuild(cli.out);
      const { demoSnapshot } = await import("../demo/snapshot.ts");
      const snapshot = await demoSnapshot();
      // The command line compiled ahead of time, which every later start loads instead of the sources.
      const compiled = await (await compiledCli()).compileCli();
      cli.out(
        `ready in ${((Date.now() - started) / 1000).toFixed(1)} s: web/dist, ${snapshot.path} and ${compiled}`,
      );
    });

  const demo = program.command("demo").description("the synthetic demo program");
  demo
    .command("load")
    .description("load the synthetic demo program (sites, users, study, reference case, cohort)")
    .action(() =>
      withDatabase(async (database) => {
        const { loadDemo } = await import("../demo/load.ts");
        const summary = await loadDemo(database, () => new Date());
        printDemoSummary(summary, cli.out);
      }),
    );

  demo
    .command("scale")
    .description(
      "add a synthetic registry of N patients (all journey stages, products, visits, ~200 lab results each) for scale measurements",
    )
    .requiredOption("--patients <n>", "how many patients", (v) => positiveInt(v, "--patients"))
    .option("--sites <codes>", "comma-separated site codes; missing sites are created", "SA,SB")
    .option("--seed <n>", "seed of the generator", (v) => positiveInt(v, "--seed"))
    .option("--as-of <date>", "the registry's today (YYYY-MM-DD); default today")
    .option("--observations <n>", "lab results per patient, roughly", (v) => positiveInt(v, "--observations"))
    .option("--progress", "show a progress bar even when stderr is not a terminal")
    .action(
      (opts: {
        patients: number;
        sites: string;
        seed?: number;
        asOf?: string;
        observations?: number;
        progress?: boolean;
      }) =>
        withDatabase(async (database) => {
          const { generateScaleRegistry } = await import("../demo/scale.ts");
          const { SingleBar } = await import("cli-progress");
          const bar =
            opts.progress || cli.io.stderr.isTTY
              ? new SingleBar({
                  format: "patients {bar} {value}/{total} · {percentage}% · {eta_formatted} left",
                  stream: cli.io.stderr as NodeJS.WritableStream,
                  hideCursor: true,
                })
              : null;
          const started = Date.now();
          const summary = await generateScaleRegistry(database, {
            patients: opts.patients,
            siteCodes: opts.sites
              .split(",")
              .map((c) => c.trim())
              .filter(Boolean),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            ...(opts.asOf ? { asOf: opts.asOf } : {}),
            ...(opts.observations !== undefined ? { observationsPerPatient: opts.observations } : {}),
            onProgress: (done, total) => (done === 0 ? bar?.start(total, 0) : bar?.update(done)),
          });
          bar?.stop();
          const seconds = (Date.now() - started) / 1000;
          const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
          cli.out(
            `Generated ${opts.patients} synthetic patients at ${summary.sites.map((s) => `${s.code} (${s.patients})`).join(", ")} ` +
              `as of ${summary.asOf}, seed ${summary.seed}: study ${summary.studyId}, ${summary.batches} batch(es), one audit record each`,
          );
          for (const [table, n] of Object.entries(summary.rows)) cli.out(`  ${table.padEnd(16)} ${n}`);
          cli.out(
            `  journey states: ${Object.entries(summary.journeyStates)
              .map(([s, n]) => `${s} ${n}`)
              .join(", ")}`,
          );
          cli.out(
            `${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s) into ${database.location}`,
          );
        }),
    );

  function positiveInt(value: string, name: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} takes a whole number ≥ 1`);
    return n;
  }

  program
    .command("calc")
    .description(
      "evaluate a calculator on JSON inputs from FILE or standard input and print the result (nothing is stored)",
    )
    .argument("[name]", "calculator name, e.g. crs, sledai-2k, bsa (omit with --list)")
    .argument("[file]", "JSON file with the inputs; standard input when omitted")
    .option("--list", "list the calculators")
    .action(async (name: string | undefined, file: string | undefined, opts: { list?: boolean }) => {
      const { CALCULATORS } = await import("../domain/calculators/index.ts");
      if (opts.list || !name) {
        for (const c of CALCULATORS) cli.out(`${c.name.padEnd(22)} ${c.title}  [${c.ruleSet}]`);
        return;
      }
      const { evaluateCalculator } = await import("../services/assessments.ts");
      const text = file ? readFileSync(file, "utf8") : await readAll(cli.io.stdin);
      let inputs: unknown;
      try {
        inputs = JSON.parse(text);
      } catch (e) {
        throw new DomainError("validation", `The inputs are not valid JSON: ${(e as Error).message}`);
      }
      cli.out(JSON.stringify(evaluateCalculator(name, inputs), null, 2));
    });

  registerLabsCommand(program, cli);
  registerExportFhirCommand(program, cli);
  registerLtfuCommand(program, cli);
  registerCohortCommand(program, cli);
  registerExportSdtmCommand(program, cli);
  registerReportCommand(program, cli, pkg.version);
  registerKineticsCommand(program, cli);
  registerJourneyCommands(program, cli);
  registerAuditCommands(program, cli);

  const token = program.command("token").description("API tokens for scripts");
  token
    .command("create")
    .description("create an API token for a user and print it (shown once; store it safely)")
    .requiredOption("--user <username>", "the user the token acts as")
    .option("--label <text>", "what the token is for", "cli")
    .option(
      "--expires-in <days>",
      `days until it expires (at most ${TOKEN_MAX_DAYS})`,
      String(TOKEN_DEFAULT_DAYS),
    )
    .action((opts: { user: string; label: string; expiresIn: string }) =>
      withDatabase(async (database) => {
        const t = await createApiToken(
          { db: database.db, actor: systemActor(), now: () => new Date() },
          opts.user,
          opts.label,
          { expiresInDays: Number(opts.expiresIn) },
        );
        cli.out(t);
      }),
    );
  token
    .command("list")
    .description("list API tokens: id, owner, label, created, last used, expires, state")
    .option("--user <username>", "only this user's tokens")
    .option("--site <code>", "only tokens of this site's users")
    .option("--all", "include revoked and expired tokens")
    .action((opts: { user?: string; site?: string; all?: boolean }) =>
      withDatabase(async (database) => {
        let siteId: string | undefined;
        if (opts.site) {
          siteId = (await siteByCode(database, opts.site)).id;
        }
        const ctx = { db: database.db, actor: systemActor(), now: () => new Date() };
        const rows = (await listApiTokens(ctx, siteId ? { siteId } : {})).filter(
          (t) => (opts.all || t.state === "active") && (!opts.user || t.username === opts.user),
        );
        const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");
        const table = rows.map((t) => [
          t.id,
          t.username,
          t.label,
          day(t.createdAt),
          day(t.lastUsedAt),
          day(t.expiresAt),
          t.state,
        ]);
        for (const l of columns(["id", "user", "label", "created", "last used", "expires", "state"], table))
          cli.out(l);
        cli.out(`${rows.length} token(s)${opts.all ? "" : " active (--all for revoked and expired)"}`);
      }),
    );
  token
    .command("revoke")
    .description("revoke an API token at once (its id from `v2v token list`)")
    .argument("<id>", "the token's id")
    .option("--reason <text>", "why, for the audit trail")
    .action((id: string, opts: { reason?: string }) =>
      withDatabase(async (database) => {
        const t = await revokeApiToken(
          { db: database.db, actor: systemActor(), now: () => new Date() },
          id,
          opts.reason ? { reason: opts.reason } : {},
        );
        cli.out(`revoked ${t.id} (${t.username}, ${t.label})`);
      }),
    );

  function membership(value: string, previous: { siteId: string; role: string }[] = []) {
    const [siteCode, role] = value.split(":");
    if (!siteCode || !role || !isRole(role))
      throw new InvalidArgumentError(`use SITE_CODE:ROLE, role one of ${ROLES.join(", ")}`);
    return [...previous, { siteId: siteCode, role }];
  }

  const user = program.command("user").description("user accounts");
  user
    .command("create")
    .description(
      "create a user with at least one site role (e.g. --role SZ:coordinator); the password is read from V2V_PASSWORD " +
        "(at least 12 characters, not a common password, not containing the username)",
    )
    .requiredOption("--username <name>")
    .requiredOption("--display-name <text>")
    .option("--role <SITE:ROLE>", "a role at a site; repeat for more", membership)
    .action((opts: { username: string; displayName: string; role?: { siteId: string; role: string }[] }) =>
      withDatabase(async (database) => {
        const memberships = [];
        for (const m of opts.role ?? []) {
          memberships.push({ siteId: (await siteByCode(database, m.siteId)).id, role: m.role });
        }
        const created = await createUser(
          { db: database.db, actor: systemActor(), now: () => new Date() },
          {
            username: opts.username,
            displayName: opts.displayName,
            password: cli.io.env.V2V_PASSWORD,
            memberships,
          },
        );
        cli.out(JSON.stringify(created, null, 2));
      }),
    );

  program
    .command("worklist")
    .description("open protocol visits due today (or this week) or overdue at a site")
    .requiredOption("--site <code>", "site code, e.g. SZ")
    .option("--week", "due in the next 7 days, today included, instead of today only")
    .option("--status <list>", "due, overdue or both (comma-separated)", "due,overdue")
    .action((opts: { site: string; week?: boolean; status: string }) =>
      withDatabase(async (database) => {
        const site = await siteByCode(database, opts.site);
        const { localDate } = await import("../domain/study-day.ts");
        const { addDays } = await import("../domain/calendar.ts");
        const { worklist } = await import("../services/visits.ts");
        const today = localDate(new Date(), site.time_zone);
        // A read-only role at that one site: the command sees what a monitor there would.
        const ctx = {
          db: database.db,
          actor: systemActor([{ siteId: site.id, role: "monitor" }]),
          now: () => new Date(),
        };
        // Every page: the command prints the whole list.
        const items: Awaited<ReturnType<typeof worklist>>["items"] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<typeof worklist>> = await worklist(ctx, {
            siteId: site.id,
            from: today,
            to: opts.week ? addDays(today, 6) : today,
            status: opts.status,
            limit: 500,
            ...(cursor ? { cursor } : {}),
          });
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        const rows = items.map((v) => [
          v.subjectCode,
          v.code,
          `${v.windowStart}..${v.windowEnd}`,
          v.status.status === "overdue"
            ? `overdue ${v.status.daysOverdue} d`
            : v.status.status === "due"
              ? `due, closes in ${v.status.closesInDays} d`
              : v.status.status === "upcoming"
                ? `opens in ${v.status.opensInDays} d`
                : v.status.status,
          String(v.studyDayToday),
        ]);
        cli.out(`${opts.site} worklist ${today}${opts.week ? ` to ${addDays(today, 6)}` : ""}`);
        for (const l of columns(["subject", "visit", "window", "status", "study day today"], rows))
          cli.out(l);
        cli.out(`${rows.length} visit(s)`);
      }),
    );
  return program;
}

/** Commander's own errors (unknown option, --help) carry their exit code; DomainErrors map to 2 or 1. */
function report(cli: Cli, e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode;
  if (e instanceof DomainError) {
    cli.err(`v2v: ${e.message}`);
    for (const i of e.issues) cli.err(`  ${i.path || "(input)"}: ${i.message}`);
    return e.code === "validation" || e.code === "conflict" || e.code === "not-found" ? 2 : 1;
  }
  cli.err(`v2v: ${(e as Error).message}`);
  return 1;
}
