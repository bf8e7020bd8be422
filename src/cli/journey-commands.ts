/**
 * `v2v journey list|show|move` and `v2v product show|label|metrics|slots`: the vein-to-vein
 * journey, product units, their labels, manufacturing slots and program metrics from the command
 * line. Reads run as a read-only monitor at every site (subject codes only, never identity) unless
 * `--as USER` names a user; a move is a write and always acts as the named user, with that user's
 * roles. Problems go to main.ts's reporter (exit 2 for bad input, 1 otherwise).
 */
import { writeFileSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import { DomainError } from "../domain/errors.ts";
import type { Metrics } from "../domain/journey-metrics.ts";
import { actorFor } from "../services/auth.ts";
import { type ServiceContext, systemActor } from "../services/context.ts";
import { listJourneysAt } from "../services/journey-list.ts";
import { veinToVeinMetrics } from "../services/journey-metrics.ts";
import { applyJourney, getJourney, listJourneyHistory } from "../services/journeys.ts";
import { productLabel } from "../services/labels.ts";
import { listJourneySlotBookings, listSlots } from "../services/manufacturing-slots.ts";
import { getProduct, listProductHistory } from "../services/products.ts";
import type { Database } from "../store/database.ts";
import { findUserByName } from "../store/users.ts";
import type { Cli } from "./cli-context.ts";
import { columns } from "./columns.ts";
import { registerSignCommands } from "./sign-commands.ts";
import { allSiteIds, siteByCode } from "./sites.ts";

async function contextFor(database: Database, username: string | undefined): Promise<ServiceContext> {
  const now = () => new Date();
  if (username) {
    const user = await findUserByName(database.db, username);
    if (!user?.is_active) throw new DomainError("validation", `No active user ${username}.`);
    return { db: database.db, actor: await actorFor(database.db, user.id, user.username), now };
  }
  const sites = await allSiteIds(database);
  return { db: database.db, actor: systemActor(sites.map((siteId) => ({ siteId, role: "monitor" }))), now };
}

async function siteIdOf(database: Database, code: string): Promise<string> {
  return (await siteByCode(database, code)).id;
}

/** Parsed inside the action so that bad input is a DomainError: printed, exit status 2. */
function jsonObject(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DomainError("validation", `--data is not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new DomainError(
      "validation",
      `--data must be a JSON object, e.g. '{"apheresisDate":"2026-03-01"}'`,
    );
  return value as Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function requireId(id: string, what: string): string {
  if (!UUID.test(id))
    throw new DomainError("validation", `${JSON.stringify(id)} is not a ${what} id (a UUID).`);
  return id;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number from 1");
  return n;
}

const fmt = (x: number | null, digits = 1) =>
  x === null ? "–" : String(Math.round(x * 10 ** digits) / 10 ** digits);
const summary = (s: Metrics["veinToVeinDays"]) =>
  s.n === 0 ? "n=0" : `median ${fmt(s.median)} d (range ${s.min}–${s.max}), n=${s.n}`;
const pct = (r: Metrics["failureRate"]) =>
  `${r.numerator}/${r.denominator}${r.rate === null ? "" : ` (${fmt(r.rate * 100)} %)`}`;

export function formatMetrics(label: string, m: Metrics): string[] {
  return [
    `${label}`,
    `  vein-to-vein         ${summary(m.veinToVeinDays)}`,
    `  manufacturing        ${summary(m.manufacturingTurnaroundDays)}`,
    `  lots                 ${m.lots.started} started: ${m.lots.released} released, ${m.lots.outOfSpecification} OOS, ${m.lots.failed} failed, ${m.lots.pending} pending`,
    `  failure rate         ${pct(m.failureRate)}`,
    `  OOS rate             ${pct(m.oosRate)}`,
  ];
}

export function registerJourneyCommands(program: Command, cli: Cli) {
  const { withDatabase } = cli;
  const journey = program.command("journey").description("vein-to-vein journeys");
  journey
    .command("list")
    .description("journeys at a site with subject code and state")
    .requiredOption("--site <code>", "site code, e.g. SZ")
    .option("--state <state>", "only journeys in this state, e.g. apheresis-scheduled")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .action((opts: { site: string; state?: string; as?: string }) =>
      withDatabase(async (database) => {
        const ctx = await contextFor(database, opts.as);
        const list = await listJourneysAt(ctx, {
          siteId: await siteIdOf(database, opts.site),
          state: opts.state,
        });
        for (const l of columns(
          ["subject", "state", "FHIR status", "journey", "updated"],
          list.items.map((j) => [j.subjectCode, j.state, j.researchSubjectStatus, j.id, j.updatedAt]),
        ))
          cli.out(l);
        cli.out(`${list.items.length} journey(s)`);
      }),
    );
  journey
    .command("show")
    .description("one journey: state, allowed events, slot bookings and history")
    .argument("<id>", "journey id")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .action((id: string, opts: { as?: string }) =>
      withDatabase(async (database) => {
        requireId(id, "journey");
        const ctx = await contextFor(database, opts.as);
        const j = await getJourney(ctx, id);
        cli.out(`journey ${j.id}  state ${j.state} (${j.researchSubjectStatus})  version ${j.version}`);
        cli.out(`allowed events: ${j.allowedEvents.join(", ") || "none (closed)"}`);
        const bookings = (await listJourneySlotBookings(ctx, id)).items;
        for (const b of bookings) cli.out(`slot ${b.slotId}  apheresis ${b.apheresisDate}  ${b.status}`);
        const history = (await listJourneyHistory(ctx, id)).items;
        for (const l of columns(
          ["at", "event", "from", "to"],
          history.map((e) => [e.at, e.type, e.fromState, e.toState]),
        ))
          cli.out(l);
      }),
    );
  journey
    .command("move")
    .description(
      'apply one journey event as a user, e.g. move ID book-apheresis --data \'{"apheresisDate":"2026-03-01"}\'',
    )
    .argument("<id>", "journey id")
    .argument("<event>", "event type, e.g. book-apheresis, reschedule-apheresis, withdraw")
    .requiredOption("--as <username>", "the user making the move (their roles apply)")
    .option("--data <json>", "the event's fields as a JSON object")
    .option("--reason <text>", "why (kept in the audit trail)")
    .action((id: string, event: string, opts: { as: string; data?: string; reason?: string }) =>
      withDatabase(async (database) => {
        const data = jsonObject(opts.data);
        requireId(id, "journey");
        const ctx = await contextFor(database, opts.as);
        // The version just read: the CLI acts on the journey as it is now.
        const current = await getJourney(ctx, id);
        const moved = await applyJourney(
          ctx,
          id,
          { ...data, type: event, ...(opts.reason ? { reason: opts.reason } : {}) },
          current.version,
        );
        cli.out(`${current.state} → ${moved.state} (version ${moved.version})`);
        for (const e of (moved.effects as { type: string }[] | undefined) ?? []) cli.out(`effect: ${e.type}`);
      }),
    );

  const product = program
    .command("product")
    .description("product units, labels, slots and metrics, and the signed quality decisions");
  registerSignCommands(product, cli);
  product
    .command("show")
    .description("one product unit: DIN with its check character, chain of identity, state and history")
    .argument("<id>", "product unit id")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .action((id: string, opts: { as?: string }) =>
      withDatabase(async (database) => {
        requireId(id, "product unit");
        const ctx = await contextFor(database, opts.as);
        const p = await getProduct(ctx, id);
        cli.out(`${p.kind} ${p.id}  patient ${p.subjectCode}`);
        cli.out(
          `DIN ${p.din} [${p.dinCheckCharacter}]  CoI ${p.coiId} [${p.coiCheckCharacter}]  product ${p.productCode}`,
        );
        cli.out(`state ${p.state}  version ${p.version}`);
        const history = (await listProductHistory(ctx, id)).items;
        for (const l of columns(
          ["at", "event", "from", "to", "actor"],
          history.map((e) => [e.at, e.type, e.fromState, e.toState, e.actorName ?? "—"]),
        ))
          cli.out(l);
      }),
    );
  product
    .command("label")
    .description("print-ready HTML label with Code 128 bar codes, to a file or standard output")
    .argument("<id>", "product unit id")
    .option("--kind <kind>", "bag or sample", "bag")
    .option("--copies <n>", "sample labels on the sheet", positiveInt, 1)
    .option("--out <file>", "write the HTML here instead of standard output")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .action((id: string, opts: { kind: string; copies: number; out?: string; as?: string }) =>
      withDatabase(async (database) => {
        requireId(id, "product unit");
        const ctx = await contextFor(database, opts.as);
        const { html, model } = await productLabel(ctx, id, { kind: opts.kind, copies: opts.copies });
        if (!opts.out) {
          cli.io.stdout.write(html);
          return;
        }
        writeFileSync(opts.out, html);
        cli.out(
          `${model.title} label for DIN ${model.din.text} [${model.din.checkCharacter}] written to ${opts.out}`,
        );
      }),
    );
  product
    .command("slots")
    .description("manufacturing slots with their free places")
    .option("--study <id>", "only this study's products")
    .option("--free", "only slots with a free place")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .action((opts: { study?: string; free?: boolean; as?: string }) =>
      withDatabase(async (database) => {
        const ctx = await contextFor(database, opts.as);
        if (opts.study) requireId(opts.study, "study");
        const { items } = await listSlots(ctx, { studyId: opts.study, onlyFree: opts.free === true });
        for (const l of columns(
          ["starts", "accepts from", "facility", "booked", "free", "slot"],
          items.map((s) => [
            s.startsOn,
            s.acceptsCollectionFrom,
            s.facility,
            `${s.booked}/${s.capacity}`,
            String(s.free),
            s.id,
          ]),
        ))
          cli.out(l);
        cli.out(`${items.length} slot(s)`);
      }),
    );
  product
    .command("metrics")
    .description("vein-to-vein days, manufacturing turnaround, failure and OOS rates, with n")
    .option("--site <code>", "one site only")
    .option("--as <username>", "read as this user instead of a read-only monitor")
    .action((opts: { site?: string; as?: string }) =>
      withDatabase(async (database) => {
        const ctx = await contextFor(database, opts.as);
        const r = await veinToVeinMetrics(
          ctx,
          opts.site ? { siteId: await siteIdOf(database, opts.site) } : {},
        );
        for (const l of formatMetrics("all sites shown", r.overall)) cli.out(l);
        for (const p of r.byProduct) for (const l of formatMetrics(`product ${p.name}`, p)) cli.out(l);
        for (const s of r.bySite) for (const l of formatMetrics(`site ${s.code}`, s)) cli.out(l);
      }),
    );
}
