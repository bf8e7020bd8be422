/**
 * Bedside verification (shared/domain/workflow-standards.md §2.6; issue 4): two different people
 * with a clinical role at the site confirm, for the bag about to be infused, the patient's subject
 * code, the chain-of-identity id, the DIN with its boxed check character, the product code and the
 * thaw time. The comparison and the post-thaw expiry are the pure rule in
 * src/domain/bedside-comparison.ts; this service reads the bag, its journey's patient and
 * enrolment and the dose check, authenticates the two signers, and logs every attempt.
 *
 * Two electronic signatures (21 CFR Part 11; docs/decisions/0022): the request carries both
 * people's signatures, each their own username and password typed on the device at the bedside,
 * with the meaning "verified product identity at bedside". One of them is the signed-in user, who
 * re-enters their password too (a session left open on a ward tablet is not a signature); the other
 * is a different person. Both must hold a clinical role (investigator or coordinator) at the bag's
 * site. A wrong password, one person twice or a signer without the role refuses the request before
 * anything is compared or written (services/signatures.ts).
 *
 * Expiry: the bag's post-thaw stability (`thawStabilityMinutes`) is set on the final product when
 * it is recorded (it comes from the manufacturer's label); the check runs at the server's clock.
 *
 * Dose: when the enrolment names a dose level, the bag's CAR+ viable cells (its QC result) per kg
 * of the patient's latest weight, or in total for a flat dose, must fall within the tolerance of
 * src/domain/dose-check.ts; a count or weight that is missing is a mismatch too (the computed
 * check is kept with the attempt).
 *
 * Any mismatch is a hard stop: 422 rule-violation naming every mismatched field, the attempt is
 * committed in its own transaction (so it survives the refusal) with both authenticated verifiers,
 * and no product or journey state changes. Only a passed attempt is signed: its two signatures are
 * what lets the journey's verify-at-bedside and infuse events proceed.
 */
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { compareAtBedside } from "../domain/bedside-comparison.ts";
import { DomainError, notFound } from "../domain/errors.ts";
import { checkBedsideAllowed } from "../domain/event-time.ts";
import { Instant, Uuid } from "../domain/schemas/common.ts";
import { SignatureInput } from "../domain/signatures.ts";
import { findJourney } from "../store/journeys.ts";
import { findProductUnit, insertBedsideAttempt } from "../store/products.ts";
import { findById } from "../store/versioned.ts";
import { requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { bedsideDoseCheck } from "./release.ts";
import { authenticateSigners, recordSignatures, type SignatureDto } from "./signatures.ts";
import { parseInput } from "./validate.ts";

export const BedsideInput = z
  .object({
    /**
     * both verifiers' signatures, each typed by its signer: the signed-in user's and another
     * person's, meaning "verified product identity at bedside"
     */
    signatures: z.array(SignatureInput).length(2),
    patientSubjectCode: z.string().min(1).max(50),
    /** optional: when the order or wristband names the enrolment, it is compared too */
    enrolmentId: Uuid.optional(),
    coiId: z.string().min(1).max(40),
    din: z.string().min(1).max(40),
    dinCheckCharacter: z.string().min(1).max(2),
    productCode: z.string().min(1).max(20),
    thawedAt: Instant,
  })
  .strict();

export interface BedsideResult extends Record<string, unknown> {
  id: string;
  productId: string;
  journeyId: string;
  passed: true;
  verifiedBy: string[];
  signatures: SignatureDto[];
  at: string;
}

export async function verifyAtBedside(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
): Promise<BedsideResult> {
  const input = parseInput(BedsideInput, raw);
  const db = ctx.db;
  const product = await findProductUnit(db, productId);
  if (!product) throw notFound("product", productId);
  requireAt(ctx.actor, product.site_id, "clinical:write", "product", productId);
  const journey = (await findJourney(db, product.journey_id))!;
  // Not a mismatch but a refusal before any check: no attempt is logged (src/domain/event-time.ts).
  checkBedsideAllowed(journey.state);
  // Both people sign before anything is compared: a refused signature writes nothing.
  const signers = await authenticateSigners(
    ctx,
    {
      siteId: product.site_id,
      meanings: ["verified product identity at bedside"],
      recordKind: "bedside-attempt",
      productId: product.id,
    },
    input.signatures,
  );
  const first = signers.find((s) => s.userId === ctx.actor.userId)!;
  const second = signers.find((s) => s.userId !== ctx.actor.userId)!;
  const { signatures: _signatures, ...scanned } = input;
  const patient = (await findById(db, "patients", journey.patient_id))!;
  const now = ctx.now();
  // The dose this bag gives against the enrolment's dose level (src/domain/dose-check.ts).
  const dose = await bedsideDoseCheck(db, product, now);
  const mismatches = compareAtBedside(
    { ...scanned, thawedAt: new Date(input.thawedAt) },
    {
      productKind: product.kind,
      productState: product.state,
      coiId: product.coi_id,
      din: product.din,
      productCode: product.product_code,
      thawedAt: product.thawed_at,
      thawStabilityMinutes: product.thaw_stability_minutes,
      subjectCode: patient.subject_code,
      enrolmentId: journey.enrolment_id,
    },
    dose,
    now,
  );

  const passed = mismatches.length === 0;
  // Its own committed transaction even when refused: the attempt is the record of the hard stop.
  // (Inside a caller's transaction, e.g. a batch loader, it joins that one instead.)
  const attempt = await inTransaction(ctx, async (trx) => {
    const row = await insertBedsideAttempt(trx, {
      id: uuidv7(),
      product_id: product.id,
      journey_id: journey.id,
      site_id: product.site_id,
      first_verifier_id: first.userId,
      second_verifier_id: second.userId,
      // what was read at the bedside, never the passwords
      scanned: JSON.stringify(dose ? { ...scanned, doseCheck: dose } : scanned),
      passed,
      mismatches: JSON.stringify(mismatches),
      at: now,
    });
    await appendAudit(trx, ctx, {
      action: "create",
      entityType: "bedside-attempt",
      entityId: row.id,
      siteId: row.site_id,
      after: {
        productId: product.id,
        passed,
        mismatches,
        verifiedBy: [first.userId, second.userId],
      },
    });
    const signatures = passed
      ? await recordSignatures(trx, ctx, {
          kind: "bedside-attempt",
          recordId: row.id,
          siteId: row.site_id,
          productId: product.id,
          signers: [first, second],
        })
      : [];
    return { row, signatures };
  });
  if (!passed) {
    throw new DomainError(
      "rule-violation",
      `Bedside verification failed (${mismatches.join(", ")}). This is a hard stop: do not infuse; the attempt is logged.`,
      mismatches.map((m) => ({
        path: m === "productState" || m === "expiry" || m === "dose" ? "" : `/${m}`,
        message: m === "dose" ? `dose does not match: ${dose?.reason}` : `${m} does not match`,
      })),
      {
        rule: "V2V-BEDSIDE-MISMATCH",
        mismatches,
        ...(dose ? { doseCheck: dose } : {}),
        attemptId: attempt.row.id,
      },
    );
  }
  return {
    id: attempt.row.id,
    productId: product.id,
    journeyId: journey.id,
    passed: true,
    verifiedBy: [first.userId, second.userId],
    signatures: attempt.signatures,
    at: now.toISOString(),
  };
}
