/**
 * The signed quality decisions from the command line (21 CFR Part 11; docs/decisions/0022):
 * `v2v product release|quarantine-decision|oos-sign ID --as USER` sign as the named user, and
 * `v2v product signatures ID` lists a bag's signatures with whether each still matches what it
 * signed (exit 1 when one does not).
 *
 * The password is never an argument (argv is visible to other users and kept in shell history):
 * it is read from `V2V_PASSWORD` when set (scripts), else asked for on the terminal without echo,
 * else read as the first line of standard input (`… < file`, a pipe). The username is `--as`, so
 * the signer gives both identification components. Before asking, the command prints what is
 * being signed and what the signature means. The two-person bedside check is not offered here: it
 * is done at the bedside, by two people on one device (the web app).
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { DomainError } from "../domain/errors.ts";
import type { SignatureMeaning } from "../domain/signatures.ts";
import { actorFor } from "../services/auth.ts";
import { type ServiceContext, systemActor } from "../services/context.ts";
import { decideQuarantine } from "../services/custody.ts";
import { getProduct } from "../services/products.ts";
import { releaseProduct, signOosException } from "../services/release.ts";
import { productSignatures, type SignatureDto } from "../services/signatures.ts";
import type { Database } from "../store/database.ts";
import { findUserByName } from "../store/users.ts";
import type { Cli, CliIo } from "./cli-context.ts";
import { allSiteIds } from "./sites.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function requireId(id: string): string {
  if (!UUID.test(id))
    throw new DomainError("validation", `${JSON.stringify(id)} is not a product unit id (a UUID).`);
  return id;
}

async function actingAs(database: Database, username: string): Promise<ServiceContext> {
  const user = await findUserByName(database.db, username);
  if (!user?.is_active) throw new DomainError("validation", `No active user ${username}.`);
  return {
    db: database.db,
    actor: await actorFor(database.db, user.id, user.username),
    now: () => new Date(),
  };
}

/** Asks on the terminal (stderr) without echoing what is typed. */
function promptHidden(io: CliIo, question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({
      input: io.stdin,
      output: io.stderr as NodeJS.WritableStream,
      terminal: true,
    });
    const writer = rl as unknown as { _writeToOutput: (s: string) => void };
    let muted = false;
    writer._writeToOutput = (s) => {
      if (!muted) io.stderr.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      io.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function firstLineOfStdin(io: CliIo): Promise<string> {
  let text = "";
  for await (const chunk of io.stdin) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

/** The signer's password: V2V_PASSWORD, else a hidden prompt on a terminal, else stdin's first line. */
export async function signingPassword(io: CliIo, username: string): Promise<string> {
  const fromEnv = io.env.V2V_PASSWORD;
  const password =
    fromEnv !== undefined && fromEnv !== ""
      ? fromEnv
      : io.stdin.isTTY
        ? await promptHidden(io, `Password for ${username}: `)
        : await firstLineOfStdin(io);
  if (!password)
    throw new DomainError("validation", "No password given (V2V_PASSWORD, the terminal or standard input).");
  return password;
}

async function signature(cli: Cli, ctx: ServiceContext, productId: string, meaning: SignatureMeaning) {
  const p = await getProduct(ctx, productId);
  cli.err(
    `Signing as ${ctx.actor.username}: "${meaning}" — ${p.kind} DIN ${p.din} [${p.dinCheckCharacter}], product ${p.productCode}, state ${p.state}.`,
  );
  return {
    username: ctx.actor.username,
    password: await signingPassword(cli.io, ctx.actor.username),
    meaning,
  };
}

const manifestation = (s: SignatureDto) =>
  `signed "${s.meaning}" by ${s.printedName} (${s.signerUsername}, as ${s.signedAs}) at ${s.signedAt}`;

export function registerSignCommands(product: Command, cli: Cli) {
  const { withDatabase } = cli;
  product
    .command("release")
    .description(
      "QA release of a bag whose QC results meet its specification, signed by --as with their password (V2V_PASSWORD, the terminal or stdin)",
    )
    .argument("<id>", "product unit id")
    .requiredOption("--as <username>", "the quality user who releases and signs")
    .action((id: string, opts: { as: string }) =>
      withDatabase(async (database) => {
        requireId(id);
        const ctx = await actingAs(database, opts.as);
        const sig = await signature(cli, ctx, id, "released");
        const r = await releaseProduct(ctx, id, { signatures: [sig] });
        cli.out(`${r.product.din}: ${r.product.state}`);
        for (const s of r.signatures) cli.out(manifestation(s));
      }),
    );
  product
    .command("quarantine-decision")
    .description("QA's signed decision on a quarantined product: release it to where it was, or discard it")
    .argument("<id>", "product unit id")
    .requiredOption("--decision <decision>", "release or discard")
    .requiredOption("--reason <text>", "why (kept with the decision)")
    .requiredOption("--as <username>", "the quality user who decides and signs")
    .action((id: string, opts: { decision: string; reason: string; as: string }) =>
      withDatabase(async (database) => {
        requireId(id);
        if (opts.decision !== "release" && opts.decision !== "discard")
          throw new DomainError("validation", "--decision is release or discard.");
        const ctx = await actingAs(database, opts.as);
        const sig = await signature(
          cli,
          ctx,
          id,
          opts.decision === "release" ? "released from quarantine" : "rejected",
        );
        const r = await decideQuarantine(ctx, id, {
          decision: opts.decision,
          reason: opts.reason,
          signatures: [sig],
        });
        cli.out(`${r.din}: ${r.state}`);
        for (const s of r.signatures) cli.out(manifestation(s));
      }),
    );
  product
    .command("oos-sign")
    .description(
      "sign the exception decision for an out-of-specification bag as investigator or QA (the first signer gives the rationale)",
    )
    .argument("<id>", "product unit id")
    .requiredOption("--capacity <capacity>", "investigator or qa")
    .option("--rationale <text>", "the risk assessment (required with the first signature)")
    .requiredOption("--as <username>", "the investigator or quality user who signs")
    .action((id: string, opts: { capacity: string; rationale?: string; as: string }) =>
      withDatabase(async (database) => {
        requireId(id);
        if (opts.capacity !== "investigator" && opts.capacity !== "qa")
          throw new DomainError("validation", "--capacity is investigator or qa.");
        const ctx = await actingAs(database, opts.as);
        const sig = await signature(cli, ctx, id, "approved deviation");
        const r = await signOosException(ctx, id, {
          ...(opts.rationale ? { rationale: opts.rationale } : {}),
          signatures: [{ ...sig, capacity: opts.capacity }],
        });
        cli.out(`exception ${r.complete ? "complete" : "awaiting its other signature"}: ${r.rationale}`);
        for (const s of r.electronicSignatures) cli.out(manifestation(s));
      }),
    );
  product
    .command("signatures")
    .description(
      "the electronic signatures on a product unit's records, each checked against what it signed (exit 1 if one no longer matches)",
    )
    .argument("<id>", "product unit id")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .option("--json", "print the report as JSON")
    .action((id: string, opts: { as?: string; json?: boolean }) =>
      withDatabase(async (database) => {
        requireId(id);
        const ctx = opts.as ? await actingAs(database, opts.as) : await monitorEverywhere(database);
        const report = await productSignatures(ctx, id);
        if (opts.json) cli.out(JSON.stringify(report, null, 2));
        else {
          for (const s of report.items) {
            const why = [
              s.contentMatches ? "" : "the signed record changed since",
              s.auditMatches ? "" : "the signature differs from its audit record",
            ].filter(Boolean);
            cli.out(
              `${s.valid ? "valid  " : "CHANGED"}  ${s.recordKind}  ${manifestation(s)}${why.length ? `  (${why.join("; ")})` : ""}`,
            );
          }
          cli.out(`${report.items.length} signature(s), ${report.allValid ? "all valid" : "NOT ALL VALID"}`);
        }
        if (!report.allValid) cli.exitCode = 1;
      }),
    );
}

async function monitorEverywhere(database: Database): Promise<ServiceContext> {
  const sites = await allSiteIds(database);
  return {
    db: database.db,
    actor: systemActor(sites.map((siteId) => ({ siteId, role: "monitor" as const }))),
    now: () => new Date(),
  };
}
