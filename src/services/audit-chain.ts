/**
 * Verifying the audit hash chain and writing its signed checkpoints (docs/decisions/0021).
 *
 * `verifyAuditChain` walks every link from the genesis, recomputes each record's content hash and
 * each link hash with domain/audit-chain.ts, checks every checkpoint's signature (and, given
 * trusted public keys, that it was made by one of them) and that the chain still has the hash
 * each checkpoint signed, and looks for audit rows that were never linked. It reports the first
 * broken position and what is wrong there. `writeCheckpoint` verifies the links added since the
 * last checkpoint before it signs the new head, so a checkpoint never vouches for a broken chain.
 */
import { createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import type { Kysely } from "kysely";
import {
  type BreakKind,
  checkpointMessage,
  contentHash,
  genesisContentHash,
  keyIdOf,
  linkHash,
  ZERO_HASH,
} from "../domain/audit-chain.ts";
import { identityDigest } from "../domain/identity-digest.ts";
import {
  type ChainRow,
  type CheckpointRow,
  chainHead,
  chainPage,
  chainStart,
  insertCheckpoint,
  lastCheckpoint,
  linkAt,
  listCheckpoints,
  lockCheckpoints,
  positionBefore,
  positionsWithHash,
  siteOfEvent,
  unchainedEvents,
} from "../store/audit-chain.ts";
import { identityCommitments, uncommittedIdentityHistory } from "../store/patients.ts";
import type { DB } from "../store/schema.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";

export interface ChainBreak {
  kind: BreakKind;
  /** the chain position where the break shows (0 is the genesis link) */
  position: number;
  /** the audit record concerned, when there is one (null when it is outside the caller's sites) */
  recordId: string | null;
  /** the checkpoint concerned, for checkpoint kinds */
  checkpoint: number | null;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  /** audit records checked (links after the genesis) */
  records: number;
  head: { position: number; hash: string } | null;
  /** when migration 0012 started the chain, and how many older records it linked then */
  chainStartedAt: string | null;
  backfilled: number;
  checkpoints: {
    count: number;
    /** the last checkpoint the chain was checked against */
    last: { number: number; at: string; position: number; keyId: string } | null;
    keyIds: string[];
    /**
     * true: every signature was checked against a key held outside the database; false: signatures
     * were checked only against the public key stored beside them, which a database superuser
     * could have replaced along with them.
     */
    keysPinned: boolean;
  };
  /** records after the last checkpoint: covered by the chain but by no signature yet */
  unsignedTail: number;
  firstBreak: ChainBreak | null;
}

const PAGE = 2000;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => Buffer.from(s, "hex");

/** Raw 32-byte Ed25519 public key of a public or private key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const jwk = pub.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || !jwk.x) throw new Error("The audit signing key must be an Ed25519 key.");
  return Buffer.from(jwk.x, "base64url");
}

const publicKeyFromRaw = (raw: Uint8Array): KeyObject =>
  createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") },
    format: "jwk",
  });

interface WalkResult {
  lastSeq: number;
  lastHash: string;
  records: number;
  brk: ChainBreak | null;
  /** checkpoints whose position the walk reached and matched */
  matched: CheckpointRow[];
}

const brk = (
  kind: BreakKind,
  position: number,
  detail: string,
  recordId: string | null = null,
  checkpoint: number | null = null,
): ChainBreak => ({ kind, position, recordId, checkpoint, detail });

/** Why the link at `row.seq` does not follow the verified link before it. */
async function explainLink(
  db: Kysely<DB>,
  row: ChainRow,
  prevSeq: number,
  prevHash: string,
): Promise<ChainBreak | null> {
  const p = row.seq;
  if (p === 0) {
    if (row.contentHash !== hex(genesisContentHash()) || row.prevHash !== hex(ZERO_HASH))
      return brk("content-changed", 0, "The genesis link was changed.");
    if (row.hash !== hex(linkHash(0, ZERO_HASH, genesisContentHash())))
      return brk("content-changed", 0, "The genesis link's hash was changed.");
    return null;
  }
  const e = row.event;
  if (!e)
    return brk(
      "record-missing",
      p,
      `The record linked at position ${p} is no longer in the audit trail (deleted).`,
      row.eventId,
    );
  const computed = hex(contentHash(e));
  if (computed !== row.contentHash) {
    if (
      row.eventAt &&
      e.at !== row.eventAt &&
      hex(contentHash({ ...e, at: row.eventAt })) === row.contentHash
    )
      return brk(
        "order-changed",
        p,
        `The record's time was changed from ${row.eventAt} to ${e.at}, which moves it in the trail; nothing else in it changed.`,
        e.id,
      );
    const elsewhere = (await positionsWithHash(db, "content_hash", computed)).filter((q) => q !== p);
    if (elsewhere.length)
      return brk(
        "order-changed",
        p,
        `Position ${p} now names the record chained at position ${elsewhere[0]}: links were swapped.`,
        e.id,
      );
    if (row.eventId !== e.id)
      return brk("content-changed", p, "The link names a different record than the one chained.", e.id);
    return brk("content-changed", p, "The record's content differs from what was chained.", e.id);
  }
  if (row.prevHash !== prevHash) {
    const owners = await positionsWithHash(db, "hash", row.prevHash);
    if (owners.includes(p - 2))
      return brk(
        "record-inserted",
        p - 1,
        `The link at position ${p - 1} was put into the chain afterwards: position ${p} follows position ${p - 2} directly.`,
        null,
      );
    if (owners.length)
      return brk(
        "order-changed",
        p,
        `The link at position ${p} followed position ${owners[0]} when it was written, not position ${prevSeq}: positions were renumbered or swapped.`,
        e.id,
      );
    return brk(
      "record-missing",
      p,
      `The link at position ${p} follows a link that is no longer in the chain: a record before it was removed and the positions renumbered.`,
      e.id,
    );
  }
  if (row.hash !== hex(linkHash(p, fromHex(prevHash), fromHex(computed))))
    return brk("content-changed", p, "The link's own hash was changed.", e.id);
  return null;
}

/**
 * Checks links after `fromSeq` (whose verified hash is `fromHash`) up to `toSeq`. A start of -1
 * means from the genesis. Checkpoints at the positions it passes are compared with the chain.
 */
async function walk(
  db: Kysely<DB>,
  from: { seq: number; hash: string },
  toSeq: number,
  checkpointsAt: Map<number, CheckpointRow[]>,
): Promise<WalkResult> {
  let prevSeq = from.seq;
  let prevHash = from.hash;
  let records = 0;
  const matched: CheckpointRow[] = [];
  for (;;) {
    const rows = await chainPage(db, prevSeq, PAGE);
    for (const row of rows) {
      if (row.seq > toSeq) return { lastSeq: prevSeq, lastHash: prevHash, records, brk: null, matched };
      if (row.seq !== prevSeq + 1) {
        const gap =
          row.seq === prevSeq + 2
            ? `Position ${prevSeq + 1} is`
            : `Positions ${prevSeq + 1}–${row.seq - 1} are`;
        return {
          lastSeq: prevSeq,
          lastHash: prevHash,
          records,
          brk: brk("record-missing", prevSeq + 1, `${gap} missing from the chain.`),
          matched,
        };
      }
      const problem = await explainLink(db, row, prevSeq, prevHash);
      if (problem) return { lastSeq: prevSeq, lastHash: prevHash, records, brk: problem, matched };
      for (const c of checkpointsAt.get(row.seq) ?? []) {
        if (c.chainHash !== row.hash)
          return {
            lastSeq: prevSeq,
            lastHash: prevHash,
            records,
            brk: brk(
              "checkpoint-mismatch",
              row.seq,
              `Checkpoint ${c.number} signed a different chain at position ${row.seq}: a record up to here was changed and the chain recomputed to hide it.`,
              null,
              c.number,
            ),
            matched,
          };
        matched.push(c);
      }
      prevSeq = row.seq;
      prevHash = row.hash;
      if (row.seq > 0) records++;
    }
    if (rows.length < PAGE) return { lastSeq: prevSeq, lastHash: prevHash, records, brk: null, matched };
  }
}

/** Signature, numbering and key of each checkpoint; the chain itself is compared during the walk. */
function checkCheckpoints(checkpoints: CheckpointRow[], trusted: Set<string> | null): ChainBreak[] {
  const out: ChainBreak[] = [];
  checkpoints.forEach((c, i) => {
    const prev = checkpoints[i - 1];
    if (c.number !== i + 1) {
      out.push(
        brk(
          "checkpoint-missing",
          c.chainSeq,
          `Checkpoint ${i + 1} is missing (the next one is number ${c.number}).`,
          null,
          c.number,
        ),
      );
      return;
    }
    const message = checkpointMessage({
      number: c.number,
      at: c.at,
      chainSeq: c.chainSeq,
      chainHash: fromHex(c.chainHash),
      prevSignature: c.prevSignature === null ? null : fromHex(c.prevSignature),
    });
    let valid = false;
    try {
      valid =
        keyIdOf(fromHex(c.publicKey)) === c.keyId &&
        verify(null, message, publicKeyFromRaw(fromHex(c.publicKey)), fromHex(c.signature));
    } catch {
      valid = false;
    }
    if (!valid)
      out.push(
        brk(
          "checkpoint-signature-invalid",
          c.chainSeq,
          `Checkpoint ${c.number}'s signature does not match what it says.`,
          null,
          c.number,
        ),
      );
    else if (trusted && !trusted.has(c.keyId))
      out.push(
        brk(
          "checkpoint-signature-invalid",
          c.chainSeq,
          `Checkpoint ${c.number} is signed by key ${c.keyId}, which is not one of the trusted keys.`,
          null,
          c.number,
        ),
      );
    else if ((prev?.signature ?? null) !== c.prevSignature)
      out.push(
        brk(
          "checkpoint-signature-invalid",
          c.chainSeq,
          `Checkpoint ${c.number} does not follow checkpoint ${c.number - 1}.`,
          null,
          c.number,
        ),
      );
    else if (prev && c.chainSeq < prev.chainSeq)
      out.push(
        brk(
          "checkpoint-mismatch",
          c.chainSeq,
          `Checkpoint ${c.number} signs an earlier position than checkpoint ${prev.number}.`,
          null,
          c.number,
        ),
      );
  });
  return out;
}

const KIND_ORDER: BreakKind[] = [
  "record-missing",
  "record-inserted",
  "order-changed",
  "content-changed",
  // a checkpoint that was itself altered also no longer matches the chain: say what happened to it
  "checkpoint-missing",
  "checkpoint-signature-invalid",
  "checkpoint-mismatch",
];
const earliest = (breaks: ChainBreak[]): ChainBreak | null =>
  breaks.reduce<ChainBreak | null>(
    (best, b) =>
      !best ||
      b.position < best.position ||
      (b.position === best.position && KIND_ORDER.indexOf(b.kind) < KIND_ORDER.indexOf(best.kind))
        ? b
        : best,
    null,
  );

export interface VerifyOptions {
  /** public (or private) keys held outside the database; checkpoints signed by others are breaks */
  trustedKeys?: KeyObject[];
}

/** The whole chain, every checkpoint, and audit rows that were never linked. Reads only. */
export async function verifyAuditChain(db: Kysely<DB>, options: VerifyOptions = {}): Promise<VerifyReport> {
  const trusted = options.trustedKeys?.length
    ? new Set(options.trustedKeys.map((k) => keyIdOf(rawPublicKey(k))))
    : null;
  const start = await chainStart(db);
  const checkpoints = await listCheckpoints(db);
  const breaks = checkCheckpoints(checkpoints, trusted);
  const at = new Map<number, CheckpointRow[]>();
  for (const c of checkpoints) at.set(c.chainSeq, [...(at.get(c.chainSeq) ?? []), c]);

  const result = await walk(db, { seq: -1, hash: hex(ZERO_HASH) }, Number.MAX_SAFE_INTEGER, at);
  if (result.brk) breaks.push(result.brk);
  else {
    const beyond = checkpoints.find((c) => c.chainSeq > result.lastSeq);
    if (beyond)
      breaks.push(
        brk(
          "record-missing",
          result.lastSeq + 1,
          `The chain ends at position ${result.lastSeq}, but checkpoint ${beyond.number} signed position ${beyond.chainSeq}: records at the end were removed.`,
          null,
          beyond.number,
        ),
      );
  }
  if (result.lastSeq < 0 && !result.brk)
    breaks.push(brk("record-missing", 0, "The genesis link is missing: the chain is empty."));

  for (const e of await unchainedEvents(db, 1)) {
    const before = await positionBefore(db, e.id);
    breaks.push(
      brk(
        "record-inserted",
        before + 1,
        `This record (time ${e.at}) was never chained: it was written past the database's chain trigger. By its id it would follow position ${before}.`,
        e.id,
      ),
    );
  }

  breaks.push(...(await checkIdentityHistory(db)));

  const firstBreak = earliest(breaks);
  const head = result.brk ? await chainHead(db) : { seq: result.lastSeq, hash: result.lastHash };
  const lastGood =
    result.matched.filter((c) => !firstBreak || c.chainSeq < firstBreak.position).at(-1) ?? null;
  return {
    ok: firstBreak === null,
    records: result.records,
    head: head ? { position: head.seq, hash: head.hash } : null,
    chainStartedAt: start?.startedAt ?? null,
    backfilled: start?.backfilled ?? 0,
    checkpoints: {
      count: checkpoints.length,
      last: lastGood
        ? {
            number: lastGood.number,
            at: lastGood.at.toISOString(),
            position: lastGood.chainSeq,
            keyId: lastGood.keyId,
          }
        : null,
      keyIds: [...new Set(checkpoints.map((c) => c.keyId))],
      keysPinned: trusted !== null,
    },
    unsignedTail: head ? head.seq - (lastGood?.chainSeq ?? 0) : 0,
    firstBreak,
  };
}

/**
 * Identity history against the digests the chained audit records committed to (migration 0013):
 * a replaced value changed, removed or slipped in afterwards. Only digests leave this function.
 */
async function checkIdentityHistory(db: Kysely<DB>): Promise<ChainBreak[]> {
  for (const c of await identityCommitments(db)) {
    const position = Number(c.seq);
    if (c.history_id === null || c.salt === null)
      return [
        brk(
          "record-missing",
          position,
          `The identity history this record committed to (the values of version ${c.version}) is gone.`,
          c.event_id,
        ),
      ];
    const digest = identityDigest(fromHex(c.salt), {
      familyName: c.family_name,
      givenName: c.given_name,
      sex: c.sex,
      birthDate: c.birth_date,
      phone: c.phone,
      email: c.email,
      address: c.address,
      homeRegion: c.home_region,
      nationalId: c.national_id,
    });
    if (digest !== c.digest)
      return [
        brk(
          "content-changed",
          position,
          `The identity history this record committed to (the values of version ${c.version}) was changed.`,
          c.event_id,
        ),
      ];
  }
  const [extra] = await uncommittedIdentityHistory(db);
  if (extra)
    return [
      brk(
        "record-inserted",
        Number(extra.position ?? 0) + 1,
        "An identity history row that no audit record commits to was added.",
      ),
    ];
  return [];
}

export interface CheckpointResult {
  /** the checkpoint written, or null when the head has not moved since the last one or the chain is broken */
  written: { number: number; position: number; keyId: string } | null;
  /** set when the links since the last checkpoint do not verify: nothing is signed then */
  brokenAt: ChainBreak | null;
}

/**
 * Signs the chain head as the next checkpoint, after verifying the links added since the last
 * checkpoint (and that the chain still has the hash that checkpoint signed). One writer at a time.
 */
export async function writeCheckpoint(
  db: Kysely<DB>,
  key: KeyObject,
  now: () => Date,
): Promise<CheckpointResult> {
  if (key.type !== "private") throw new Error("Writing a checkpoint needs the private signing key.");
  const publicKey = rawPublicKey(key);
  return db.transaction().execute(async (trx) => {
    await lockCheckpoints(trx);
    const last = await lastCheckpoint(trx);
    const head = await chainHead(trx);
    if (!head) return { written: null, brokenAt: brk("record-missing", 0, "The chain is empty.") };
    if (last && last.chainSeq === head.seq) return { written: null, brokenAt: null };
    let from = { seq: -1, hash: hex(ZERO_HASH) };
    if (last) {
      const link = await linkAt(trx, last.chainSeq);
      if (!link || link.hash !== last.chainHash)
        return {
          written: null,
          brokenAt: brk(
            link ? "checkpoint-mismatch" : "record-missing",
            last.chainSeq,
            `The chain no longer has at position ${last.chainSeq} the hash checkpoint ${last.number} signed.`,
            null,
            last.number,
          ),
        };
      from = { seq: last.chainSeq, hash: last.chainHash };
    }
    const walked = await walk(trx, from, head.seq, new Map());
    if (walked.brk) return { written: null, brokenAt: walked.brk };
    const number = (last?.number ?? 0) + 1;
    const at = now();
    const prevSignature = last ? fromHex(last.signature) : null;
    const signature = sign(
      null,
      checkpointMessage({
        number,
        at,
        chainSeq: walked.lastSeq,
        chainHash: fromHex(walked.lastHash),
        prevSignature,
      }),
      key,
    );
    const keyId = keyIdOf(publicKey);
    await insertCheckpoint(trx, {
      number,
      at,
      chainSeq: walked.lastSeq,
      chainHash: walked.lastHash,
      prevSignature: last?.signature ?? null,
      keyId,
      publicKey: hex(publicKey),
      signature: hex(signature),
    });
    return { written: { number, position: walked.lastSeq, keyId }, brokenAt: null };
  });
}

/**
 * The admin API's view: admins only (audit:verify), and the first break names its record only
 * when that record belongs to one of the caller's sites (others see the kind and the position).
 */
export async function verifyAuditForAdmin(
  ctx: ServiceContext,
  q: { siteId?: string },
  options: VerifyOptions,
): Promise<VerifyReport> {
  const sites = readableSites(ctx.actor, "audit:verify", q.siteId);
  const report = await verifyAuditChain(ctx.db, options);
  const b = report.firstBreak;
  if (b?.recordId) {
    const site = await siteOfEvent(ctx.db, b.recordId);
    if (site === null || !sites.includes(site))
      report.firstBreak = {
        ...b,
        recordId: null,
        detail: `${REDACTED[b.kind]} The record is not one of your sites' records; an administrator of its site, or \`v2v audit verify\` on the server, shows which.`,
      };
  }
  return report;
}

const REDACTED: Record<BreakKind, string> = {
  "content-changed": "A record's content differs from what was chained.",
  "record-missing": "A chained record is gone.",
  "record-inserted": "A record was never chained.",
  "order-changed": "A record was moved in the trail.",
  "checkpoint-signature-invalid": "A checkpoint's signature is invalid.",
  "checkpoint-mismatch": "The chain differs from what a checkpoint signed.",
  "checkpoint-missing": "A checkpoint is missing.",
};
