/**
 * `v2v audit verify|checkpoint|key`: the audit trail's hash chain and signed checkpoints
 * (decision 0021). `verify` walks the whole chain and names the first broken link (exit 1 when
 * broken); it trusts the public half of the configured signing key (when the file is there) and
 * any `--public-key FILE`, so an auditor can verify with the public key alone. `checkpoint` signs
 * the current head now; `key` prints the public key and its id for auditors to pin.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import type { Command } from "commander";
import { readConfig } from "../config.ts";
import { keyIdOf } from "../domain/audit-chain.ts";
import {
  rawPublicKey,
  type VerifyReport,
  verifyAuditChain,
  writeCheckpoint,
} from "../services/audit-chain.ts";
import { loadPublicKey, loadSigningKey } from "./audit-key.ts";
import type { Cli } from "./cli-context.ts";

const n = (x: number) => x.toLocaleString("en-US");

export function formatReport(r: VerifyReport): string[] {
  const out: string[] = [];
  const head = r.head?.position ?? 0;
  out.push(
    `audit chain: ${n(r.records)} record(s) checked, head at position ${n(head)}` +
      (r.chainStartedAt
        ? `; chain started ${r.chainStartedAt}` +
          (r.backfilled ? ` (the ${n(r.backfilled)} record(s) older than that were linked then)` : "")
        : ""),
  );
  const c = r.checkpoints;
  out.push(
    c.last
      ? `checkpoints: ${n(c.count)}; the last one checked is #${c.last.number} at position ${n(c.last.position)} (${c.last.at}), key ${c.last.keyId}`
      : `checkpoints: ${n(c.count)}${c.count ? "" : " (none signed yet)"}`,
  );
  out.push(
    c.keysPinned
      ? "signatures checked against a key held outside the database"
      : "warning: no trusted public key given (--public-key or the key file), so signatures were checked only against the keys stored beside them, which a database superuser could replace",
  );
  if (r.unsignedTail > 0)
    out.push(`${n(r.unsignedTail)} record(s) after the last checkpoint are chained but not yet signed`);
  const b = r.firstBreak;
  if (!b) out.push("result: intact");
  else {
    out.push(`result: BROKEN at position ${n(b.position)}: ${b.kind}`);
    if (b.recordId) out.push(`  record ${b.recordId}`);
    if (b.checkpoint !== null) out.push(`  checkpoint #${b.checkpoint}`);
    out.push(`  ${b.detail}`);
  }
  return out;
}

export function registerAuditCommands(program: Command, cli: Cli) {
  const { withDatabase } = cli;
  const audit = program.command("audit").description("the audit trail's hash chain and signed checkpoints");

  audit
    .command("verify")
    .description("check every link and checkpoint; name the first broken link (exit 1 when broken)")
    .option(
      "--public-key <file>",
      "trust checkpoints signed by this public key (PEM); repeat for more",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--json", "print the report as JSON")
    .action(async (opts: { publicKey?: string[]; json?: boolean }) => {
      const ok = await withDatabase(async (database) => {
        const trusted: KeyObject[] = (opts.publicKey ?? []).map(loadPublicKey);
        const own = loadSigningKey(readConfig(cli.io.env).auditKeyFile, { create: false });
        if (own) trusted.push(createPublicKey(own));
        const report = await verifyAuditChain(database.db, { trustedKeys: trusted });
        cli.out(opts.json ? JSON.stringify(report, null, 2) : formatReport(report).join("\n"));
        return report.ok;
      });
      // set after the database is closed: closing PGlite resets the exit code
      if (!ok) cli.exitCode = 1;
    });

  audit
    .command("checkpoint")
    .description("verify the links since the last checkpoint and sign the chain head now")
    .action(async () => {
      const ok = await withDatabase(async (database) => {
        const file = readConfig(cli.io.env).auditKeyFile;
        const key = loadSigningKey(file, { create: true })!;
        const r = await writeCheckpoint(database.db, key, () => new Date());
        if (r.brokenAt) {
          cli.err(
            `v2v: the audit chain does not verify at position ${r.brokenAt.position} (${r.brokenAt.kind}); nothing was signed. Run \`v2v audit verify\`.`,
          );
          return false;
        }
        if (r.written)
          cli.out(
            `checkpoint #${r.written.number} signed at position ${n(r.written.position)} with key ${r.written.keyId} (${file})`,
          );
        else cli.out("nothing new since the last checkpoint");
        return true;
      });
      if (!ok) cli.exitCode = 1;
    });

  audit
    .command("key")
    .description("print the public key that signs checkpoints (created when missing), to pin with auditors")
    .action(() => {
      const file = readConfig(cli.io.env).auditKeyFile;
      const key = loadSigningKey(file, { create: true })!;
      const pub = createPublicKey(key);
      cli.out(`key id ${keyIdOf(rawPublicKey(pub))} (private key: ${file})`);
      cli.io.stdout.write(pub.export({ format: "pem", type: "spki" }).toString());
    });
}
