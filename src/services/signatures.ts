/**
 * Electronic signatures (21 CFR Part 11; docs/decisions/0022-electronic-signatures.md) for every
 * two-person or quality step: the bedside verification, QA release, the OOS exception and QA's
 * quarantine decision. A signing use case works in two halves:
 *
 * 1. `authenticateSigners`, BEFORE its transaction (verifyPassword counts every check towards the
 *    account's backoff, and a count inside a rolled-back transaction would be lost): each signer's
 *    username and password are checked, the signers must be different people, one of them the
 *    signed-in user, each holding a role at the record's site that gives this meaning. Any failure
 *    refuses the whole request and nothing is written (a wrong password is audited as a failed
 *    password check with purpose "signature", for the site's admins to see, §11.300(d)).
 * 2. `recordSignatures`, INSIDE the transaction that wrote the record: the record is read back as
 *    stored, its canonical content hashed (src/domain/signatures.ts), one row per signer appended
 *    with the printed name, the server's time and the meaning, and each signature audited.
 *
 * `checkSignatures` recomputes the hash of every signed record and compares it with what was
 * signed, and compares each signature with its audit record: a record changed after signing, or a
 * signature row edited behind the application's back, shows as not valid.
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { DomainError, notFound } from "../domain/errors.ts";
import { isRole } from "../domain/roles.ts";
import {
  type OosCapacity,
  SIGNED_CONTENT_FORM,
  type SignatureInput,
  type SignatureMeaning,
  type SignedRecordKind,
  signedContentHash,
  signingRole,
  signingRoles,
} from "../domain/signatures.ts";
import type { DB, Selectable } from "../store/schema.ts";
import type { ElectronicSignaturesTable } from "../store/schema-signatures.ts";
import {
  bedsideAttemptRow,
  insertSignatures,
  oosDeclaration,
  oosExceptionRow,
  productEventRow,
  productIdentity,
  qcResultsUpTo,
  releaseEvaluationRow,
  signatureAuditRecords,
  signaturesOfProduct,
} from "../store/signatures.ts";
import { listMemberships } from "../store/users.ts";
import { requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { verifyPassword } from "./auth.ts";
import type { ServiceContext } from "./context.ts";

/** A signer whose username and password were just checked. */
export interface Signer {
  userId: string;
  username: string;
  /** the display name at signing (§11.50(a)(1)) */
  printedName: string;
  signedAs: "investigator" | "coordinator" | "quality";
  meaning: SignatureMeaning;
  capacity?: OosCapacity;
}

export interface SigningStep {
  /** the site of the record being signed: signers need their role there */
  siteId: string;
  /** the meanings this step accepts (one for most steps; release or reject for quarantine) */
  meanings: readonly SignatureMeaning[];
  /** for the failure's audit record */
  recordKind: SignedRecordKind;
  productId?: string;
  /** JSON Pointer of the signatures array in the body */
  path?: string;
}

const ROLE_NAMES: Record<string, string> = {
  investigator: "an investigator",
  coordinator: "a coordinator",
  quality: "quality assurance",
};

/**
 * Checks every signature of one signing step and returns the signers, or refuses: 400 when a
 * meaning is not this step's, 422 when the same person signs twice or the signed-in user is not
 * among the signers, 403 when a password is wrong (or the username unknown) or a signer holds no
 * role at the site that gives this meaning, 429 while a username is locked by the backoff.
 */
export async function authenticateSigners(
  ctx: ServiceContext,
  step: SigningStep,
  signatures: readonly (SignatureInput & { capacity?: OosCapacity })[],
): Promise<Signer[]> {
  const base = step.path ?? "/signatures";
  const badMeaning = signatures.flatMap((s, i) =>
    step.meanings.includes(s.meaning)
      ? []
      : [
          {
            path: `${base}/${i}/meaning`,
            message: `this step is signed as ${step.meanings.map((m) => `"${m}"`).join(" or ")}`,
          },
        ],
  );
  if (badMeaning.length)
    throw new DomainError("validation", "A signature does not have this step's meaning.", badMeaning);
  const seen = new Map<string, number>();
  for (const [i, s] of signatures.entries()) {
    const first = seen.get(s.username);
    if (first !== undefined)
      throw new DomainError(
        "rule-violation",
        "The signatures must come from different people: one person cannot sign twice.",
        [{ path: `${base}/${i}/username`, message: `signature ${first + 1} is already ${s.username}'s` }],
        { rule: "V2V-SIGNATURES-SAME-PERSON" },
      );
    seen.set(s.username, i);
  }
  if (!seen.has(ctx.actor.username))
    throw new DomainError(
      "rule-violation",
      `The signed-in user (${ctx.actor.username}) signs this step too, with their own password.`,
      [{ path: base, message: `no signature by ${ctx.actor.username}` }],
      { rule: "V2V-SIGNATURE-NEEDS-SESSION-USER" },
    );

  const signers: Signer[] = [];
  for (const [i, s] of signatures.entries()) {
    const check = await verifyPassword(ctx, s.username, s.password, "signature");
    if (!check.ok || !check.user) {
      await appendAudit(ctx.db, ctx, {
        action: "login-failed",
        entityType: "user",
        entityId: check.user?.id ?? s.username,
        siteId: step.siteId,
        after: {
          purpose: "signature",
          meaning: s.meaning,
          recordKind: step.recordKind,
          ...(step.productId ? { productId: step.productId } : {}),
          ...(check.lockedUntil ? { lockedUntil: check.lockedUntil.toISOString() } : {}),
        },
      });
      throw new DomainError(
        "forbidden",
        `Signature ${i + 1} was not accepted: unknown username or wrong password. Nothing was signed or written.`,
        [{ path: `${base}/${i}/password`, message: "unknown username or wrong password" }],
        { rule: "V2V-SIGNATURE-REJECTED" },
      );
    }
    const user = check.user;
    const held = (await listMemberships(ctx.db, user.id))
      .filter((m) => m.site_id === step.siteId)
      .map((m) => m.role)
      .filter(isRole);
    const role = signingRole(held, s.meaning, s.capacity);
    if (!role)
      throw new DomainError(
        "forbidden",
        `${user.username} may not sign "${s.meaning}"${s.capacity ? ` as ${s.capacity}` : ""} here: that takes ${signingRoles(
          s.meaning,
          s.capacity,
        )
          .map((r) => ROLE_NAMES[r] ?? r)
          .join(" or ")} at this site. Nothing was signed or written.`,
        [{ path: `${base}/${i}/username`, message: "holds no role at this site that signs this" }],
        { rule: "V2V-SIGNER-NOT-ELIGIBLE" },
      );
    signers.push({
      userId: user.id,
      username: user.username,
      printedName: user.display_name,
      signedAs: role as Signer["signedAs"],
      meaning: s.meaning,
      ...(s.capacity ? { capacity: s.capacity } : {}),
    });
  }
  if (new Set(signers.map((s) => s.userId)).size !== signers.length)
    throw new DomainError("rule-violation", "The signatures must come from different people.", [], {
      rule: "V2V-SIGNATURES-SAME-PERSON",
    });
  return signers;
}

// ───────────────────────────────────────────── signed content ──

const iso = (d: Date) => d.toISOString();

/**
 * The content of a signed record as stored, in the canonical shape the hash is taken over
 * (version v2v-signed-content/1), or null when the record no longer exists. Only fields that never
 * change after the record is written are included (a product's state and version move on; its
 * DIN, chain of identity and product code do not).
 */
export async function signedContent(
  db: Kysely<DB>,
  kind: SignedRecordKind,
  recordId: string,
): Promise<Record<string, unknown> | null> {
  const bag = async (productId: string) => {
    const p = await productIdentity(db, productId);
    return p ? { productId: p.id, din: p.din, coiId: p.coi_id, productCode: p.product_code } : null;
  };
  switch (kind) {
    case "bedside-attempt": {
      const a = await bedsideAttemptRow(db, recordId);
      if (!a) return null;
      return {
        ...(await bag(a.product_id)),
        journeyId: a.journey_id,
        siteId: a.site_id,
        verifiers: [a.first_verifier_id, a.second_verifier_id],
        scanned: a.scanned,
        passed: a.passed,
        mismatches: a.mismatches,
        at: iso(a.at),
      };
    }
    case "product-release": {
      const r = await releaseEvaluationRow(db, recordId);
      if (!r) return null;
      const results = await qcResultsUpTo(db, r.product_id, r.decided_at);
      return {
        ...(await bag(r.product_id)),
        siteId: r.site_id,
        outcome: r.outcome,
        specId: r.spec_id,
        specRevision: r.spec_revision,
        evaluation: r.evaluation,
        qcResults: results.map((q) => ({
          id: q.id,
          attribute: q.attribute,
          valueNumber: q.value_number,
          valueCode: q.value_code,
          unit: q.unit,
          method: q.method,
          testedAt: iso(q.tested_at),
          enteredBy: q.entered_by,
          enteredAt: iso(q.entered_at),
        })),
        decidedBy: r.decided_by,
        decidedAt: iso(r.decided_at),
      };
    }
    case "oos-exception": {
      const ex = await oosExceptionRow(db, recordId);
      if (!ex) return null;
      const declared = await oosDeclaration(db, ex.product_id);
      return {
        ...(await bag(ex.product_id)),
        siteId: ex.site_id,
        rationale: ex.rationale,
        outOfSpecification: declared
          ? {
              evaluationId: declared.id,
              evaluation: declared.evaluation,
              decidedAt: iso(declared.decided_at),
            }
          : null,
        createdBy: ex.created_by,
        createdAt: iso(ex.created_at),
      };
    }
    case "quarantine-decision": {
      const e = await productEventRow(db, recordId);
      if (!e) return null;
      return {
        ...(await bag(e.product_id)),
        siteId: e.site_id,
        eventType: e.event_type,
        fromState: e.from_state,
        toState: e.to_state,
        payload: e.payload,
        actor: e.actor,
        at: iso(e.at),
      };
    }
  }
}

async function contentHashOf(db: Kysely<DB>, kind: SignedRecordKind, recordId: string) {
  const content = await signedContent(db, kind, recordId);
  return content ? signedContentHash(kind, recordId, content) : null;
}

// ───────────────────────────────────────────── recording ──

export interface SignatureDto {
  id: string;
  recordKind: SignedRecordKind;
  recordId: string;
  productId: string | null;
  signerId: string;
  signerUsername: string;
  printedName: string;
  signedAs: string;
  meaning: SignatureMeaning;
  signedAt: string;
  method: string;
  contentHash: string;
}

export const signatureDto = (r: Selectable<ElectronicSignaturesTable>): SignatureDto => ({
  id: r.id,
  recordKind: r.record_kind,
  recordId: r.record_id,
  productId: r.product_id,
  signerId: r.signer_id,
  signerUsername: r.signer_username,
  printedName: r.printed_name,
  signedAs: r.signed_as,
  meaning: r.meaning,
  signedAt: r.signed_at.toISOString(),
  method: r.method,
  contentHash: r.content_hash,
});

/** What the audit record of a signature holds: every field of the row but its id. */
const auditedFields = (d: SignatureDto) => {
  const { id: _id, ...rest } = d;
  return rest;
};

/**
 * Signs a record written earlier in the same transaction: its content is read back as stored and
 * hashed, one signature appended per signer, each audited. Call inside the transaction.
 */
export async function recordSignatures(
  db: Kysely<DB>,
  ctx: ServiceContext,
  o: { kind: SignedRecordKind; recordId: string; siteId: string; productId?: string; signers: Signer[] },
): Promise<SignatureDto[]> {
  const hash = await contentHashOf(db, o.kind, o.recordId);
  if (!hash) throw new Error(`signing a ${o.kind} ${o.recordId} that is not stored`);
  const signedAt = ctx.now();
  const rows = await insertSignatures(
    db,
    o.signers.map((s) => ({
      id: uuidv7(),
      site_id: o.siteId,
      product_id: o.productId ?? null,
      record_kind: o.kind,
      record_id: o.recordId,
      signer_id: s.userId,
      signer_username: s.username,
      printed_name: s.printedName,
      signed_as: s.signedAs,
      meaning: s.meaning,
      signed_at: signedAt,
      method: "username-password" as const,
      content_form: SIGNED_CONTENT_FORM,
      content_hash: hash,
    })),
  );
  const dtos = rows.map(signatureDto);
  await appendAudit(
    db,
    ctx,
    dtos.map((d) => ({
      action: "sign" as const,
      entityType: "electronic-signature",
      entityId: d.id,
      siteId: o.siteId,
      after: auditedFields(d),
    })),
  );
  return dtos;
}

// ───────────────────────────────────────────── verification ──

export interface CheckedSignature extends SignatureDto {
  /** the signed record's content still hashes to what was signed */
  contentMatches: boolean;
  /** the signature row still says what its audit record says */
  auditMatches: boolean;
  valid: boolean;
}

const sameFields = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

/** Each signature with whether its record still matches what was signed and its row its audit record. */
export async function checkSignatures(
  db: Kysely<DB>,
  rows: Selectable<ElectronicSignaturesTable>[],
): Promise<CheckedSignature[]> {
  const hashes = new Map<string, string | null>();
  for (const r of rows) {
    const key = `${r.record_kind}/${r.record_id}`;
    if (!hashes.has(key)) hashes.set(key, await contentHashOf(db, r.record_kind, r.record_id));
  }
  const audits = new Map(
    (
      await signatureAuditRecords(
        db,
        rows.map((r) => r.id),
      )
    ).map((a) => [a.entity_id, a]),
  );
  return rows.map((r) => {
    const dto = signatureDto(r);
    const contentMatches = hashes.get(`${r.record_kind}/${r.record_id}`) === r.content_hash;
    const audit = audits.get(r.id);
    const auditMatches =
      audit !== undefined && audit.site_id === r.site_id && sameFields(audit.after, auditedFields(dto));
    return { ...dto, contentMatches, auditMatches, valid: contentMatches && auditMatches };
  });
}

/** Every signature on the bag's records (bedside, release, OOS exception, quarantine), checked. */
export async function productSignatures(ctx: ServiceContext, productId: string) {
  const p = await productIdentity(ctx.db, productId);
  if (!p) throw notFound("product", productId);
  requireAt(ctx.actor, p.site_id, "study:read", "product", productId);
  const items = await checkSignatures(ctx.db, await signaturesOfProduct(ctx.db, productId));
  return { productId, items, allValid: items.every((s) => s.valid) };
}
