/**
 * Response schemas of the vein-to-vein routes: journeys, product units and their histories,
 * bedside verification, electronic signatures, manufacturing slots and bookings, lymphodepletion
 * regimens and the product board. Checked against the services' types in
 * test/unit/http-contract.test.ts.
 */
import { z } from "zod";
import { LD_DRUGS } from "../../domain/calculators/dosing-kinetics/lymphodepletion.ts";
import { SIGNATURE_MEANINGS, SIGNED_RECORD_KINDS } from "../../domain/signatures.ts";
import { JOURNEY_STATES } from "../../domain/vein-to-vein/journey.ts";

const str = z.string();
const maybeStr = str.nullable();
const num = z.number();

export const JourneySchema = z
  .object({
    id: str,
    enrolmentId: str,
    patientId: str,
    siteId: str,
    state: z.enum(JOURNEY_STATES),
    researchSubjectStatus: str.describe("FHIR R4 ResearchSubject.status for this state"),
    allowedEvents: z.array(str),
    version: num,
    createdAt: str,
    updatedAt: str,
  })
  .meta({ id: "Journey" });

const text = z.string();
/** What a move set in motion (domain/vein-to-vein/journey.ts JourneyEffect). */
export const JourneyEffectSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("record-screen-failure"), failedCriteria: z.array(text) }),
  z.object({ type: z.literal("reserve-manufacturing-slot"), slotId: text }),
  z.object({ type: z.literal("move-manufacturing-slot"), slotId: text }),
  z.object({ type: z.literal("free-manufacturing-slot") }),
  z.object({ type: z.literal("remanufacture-on-same-coi"), reason: text }),
  z.object({ type: z.literal("record-bedside-verification"), verifiedBy: z.array(text) }),
  z.object({ type: z.literal("decide-product-disposition"), reason: text }),
  z.object({ type: z.literal("report-death-to-registry") }),
  z.object({ type: z.literal("close-open-visits"), reason: text }),
]);

/** The journey after an event, with what the move set in motion. */
export const JourneyMoveSchema = JourneySchema.extend({ effects: z.array(JourneyEffectSchema) }).meta({
  id: "JourneyMove",
});

export const JourneyHistorySchema = z
  .object({
    items: z.array(
      z.object({
        id: str,
        type: str,
        fromState: str,
        toState: str,
        actorId: str,
        at: str,
        reason: maybeStr,
        payload: z.unknown(),
      }),
    ),
  })
  .meta({ id: "JourneyHistory" });

export const ProductUnitSchema = z
  .object({
    id: str,
    journeyId: str,
    patientId: str,
    siteId: str,
    kind: z.enum(["apheresis", "final-product"]),
    parentId: maybeStr,
    din: str.describe("ISBT 128 donation identification number"),
    dinCheckCharacter: str,
    coiId: str.describe("chain-of-identity id"),
    coiCheckCharacter: str,
    productCode: str,
    state: str,
    quarantinedFrom: maybeStr,
    thawStabilityMinutes: num.nullable(),
    thawedAt: maybeStr,
    postThawExpiresAt: maybeStr.describe(
      "a thawed bag's last usable instant: the thaw plus its post-thaw stability (null before the thaw or without a stability)",
    ),
    allowedEvents: z.array(str),
    version: num,
    createdAt: str,
    updatedAt: str,
  })
  .meta({ id: "ProductUnit" });

export const ProductUnitReadSchema = ProductUnitSchema.extend({
  subjectCode: str.describe("the patient's subject code, as people name the bag's owner"),
}).meta({ id: "ProductUnitRead" });

export const ProductHistorySchema = z
  .object({
    items: z.array(
      z.object({
        id: str,
        type: str,
        fromState: str,
        toState: str,
        actor: str,
        actorName: maybeStr,
        at: str,
        recordedBy: str,
        recordedByName: maybeStr,
        recordedAt: str,
        payload: z.unknown(),
      }),
    ),
  })
  .meta({ id: "ProductHistory" });

export const SignatureSchema = z
  .object({
    id: str,
    recordKind: z.enum(SIGNED_RECORD_KINDS),
    recordId: str,
    productId: maybeStr,
    signerId: str,
    signerUsername: str,
    printedName: str,
    signedAs: str,
    meaning: z.enum(SIGNATURE_MEANINGS),
    signedAt: str,
    method: str,
    contentHash: str,
  })
  .meta({ id: "Signature" });

export const CheckedSignatureSchema = SignatureSchema.extend({
  contentMatches: z.boolean(),
  auditMatches: z.boolean(),
  valid: z.boolean(),
}).meta({ id: "CheckedSignature" });

export const ProductSignaturesSchema = z
  .object({ productId: str, items: z.array(CheckedSignatureSchema), allValid: z.boolean() })
  .meta({ id: "ProductSignatures" });

export const BedsideResultSchema = z
  .object({
    id: str,
    productId: str,
    journeyId: str,
    passed: z.literal(true),
    verifiedBy: z.array(str),
    signatures: z.array(SignatureSchema),
    at: str,
  })
  .meta({ id: "BedsideResult" });

export const ManufacturingSlotSchema = z
  .object({
    id: str,
    carProductId: str,
    siteId: str,
    facility: str,
    startsOn: str,
    collectionWindowDays: num,
    acceptsCollectionFrom: str,
    capacity: num,
    booked: num,
    free: num,
    note: maybeStr,
    version: num,
    createdAt: str,
    updatedAt: str,
  })
  .meta({ id: "ManufacturingSlot" });

export const SlotBookingSchema = z
  .object({
    id: str,
    slotId: str,
    journeyId: str,
    apheresisDate: str,
    status: z.enum(["booked", "used", "freed"]),
    bookedAt: str,
    bookedBy: str,
    freedAt: maybeStr,
    freedReason: maybeStr,
  })
  .meta({ id: "SlotBooking" });

export const LymphodepletionRegimenSchema = z
  .object({
    id: str,
    studyId: str,
    armCode: str,
    name: str,
    regimen: z.unknown(),
    fludarabineRenalRule: z.unknown(),
    bsaFormula: str,
    creatinineClearanceWeightBasis: str,
    version: num,
    updatedAt: str,
  })
  .meta({ id: "LymphodepletionRegimen" });

export const ProductBoardSchema = z
  .object({
    siteId: str,
    today: str,
    states: z.array(str),
    items: z.array(
      ProductUnitSchema.extend({
        subjectCode: str,
        journeyState: str,
        collectedOn: maybeStr,
        daysSinceCollection: num.nullable(),
        daysInState: num,
      }),
    ),
    nextCursor: maybeStr,
  })
  .meta({ id: "ProductBoard" });

export const BedsideVerifiersSchema = z
  .object({ items: z.array(z.object({ id: str, username: str, displayName: maybeStr })) })
  .meta({ id: "BedsideVerifiers" });

const PlanInput = z.object({ value: num, unit: str, observationId: str, effectiveAt: str, code: str });

export const LymphodepletionPlanSchema = z
  .object({
    enrolmentId: str,
    patientId: str,
    subjectCode: str,
    infusionDate: str,
    regimen: LymphodepletionRegimenSchema,
    inputs: z.object({
      height: PlanInput,
      weight: PlanInput,
      serumCreatinine: PlanInput,
      ageYears: z.object({ value: num, basis: str }),
      sex: z.enum(["female", "male"]),
    }),
    bsa: z.object({ m2: num, formula: str, reasons: z.array(str) }),
    creatinineClearance: z.object({ mlPerMin: num, weightBasis: str, reasons: z.array(str) }),
    renalRule: z.unknown().describe("the fludarabine renal rule applied, with the band it chose"),
    drugs: z.array(
      z.object({
        drug: z.enum(LD_DRUGS),
        plannedMgPerM2PerDay: num,
        renalFactor: num,
        withheld: z.boolean(),
        adjustedMgPerM2PerDay: num,
        mgPerDay: num,
        days: z.array(num),
        totalMg: num,
      }),
    ),
    days: z.array(z.object({ day: num, date: str, doses: z.array(z.object({ drug: str, mg: num })) })),
    fludarabineWithheld: z.boolean(),
    reasons: z.array(str),
    ruleSets: z.array(str),
  })
  .meta({ id: "LymphodepletionPlan" });

export const HandOffSchema = z
  .object({
    id: str,
    productId: str,
    fromParty: str,
    toParty: str,
    place: str,
    at: str,
    shipperId: maybeStr,
    loggerId: maybeStr,
    conditionNote: maybeStr,
    recordedBy: str,
    recordedAt: str,
  })
  .meta({ id: "HandOff" });

export const LoggerUploadSchema = z
  .object({
    id: str,
    productId: str,
    loggerId: str,
    range: z.object({
      minC: num,
      maxC: num,
      allowedExcursionMinutes: num.optional(),
      maxGapMinutes: num.optional(),
    }),
    readingCount: num,
    firstAt: str,
    lastAt: str,
    verdict: z.enum(["within-range", "excursion", "gaps"]),
    excursions: z.array(
      z.object({
        direction: z.enum(["above", "below"]),
        startedAt: str,
        endedAt: str.describe("first reading back in range, or the last reading when ongoing"),
        durationMinutes: num,
        extremeC: num.describe("warmest reading of an excursion above the range, coldest of one below"),
        ongoing: z.boolean(),
        tolerated: z.boolean().describe("true when the range's allowed excursion covers it"),
      }),
    ),
    gaps: z.array(z.object({ from: str, to: str, minutes: num })),
    quarantined: z.boolean(),
    recordedBy: str,
    recordedAt: str,
  })
  .meta({ id: "LoggerUpload" });

export const LoggerUploadResultSchema = z
  .object({
    upload: LoggerUploadSchema,
    product: ProductUnitSchema,
    quarantine: z.enum(["quarantined", "already-quarantined", "not-needed", "not-possible-in-this-state"]),
  })
  .meta({ id: "LoggerUploadResult" });

export const CustodySchema = z
  .object({
    productId: str,
    state: str,
    handOffs: z.array(HandOffSchema),
    loggerUploads: z.array(LoggerUploadSchema),
  })
  .meta({ id: "Custody" });

export const QuarantineDecisionSchema = ProductUnitSchema.extend({
  signatures: z.array(SignatureSchema),
}).meta({ id: "QuarantineDecision" });
