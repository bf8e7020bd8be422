/**
 * The two checks both machines read from their events: the OOS exception (an investigator's and
 * QA's signatures on a bag out of specification) and the bedside verification (two different
 * people), shared/domain/workflow-standards.md §1.5 and §2.6.
 */
import { isInstant, nonEmpty, type Refusal } from "./machine.ts";

/**
 * One signature on an exception decision. `role` is the capacity in which the person signs, not
 * their site role (the platform's site roles have no QA role yet).
 */
export interface Signature {
  userId: string;
  role: "investigator" | "qa";
  /** ISO 8601 instant with offset or Z */
  signedAt: string;
}

/**
 * The decision to use an out-of-specification product (notes §1.5: clinician–manufacturer risk
 * assessment, recorded with the approvers). Valid only with an investigator signature and a QA
 * signature by two different people.
 */
export interface OosException {
  rationale: string;
  signatures: Signature[];
}

/** Why an OOS exception decision cannot be accepted, or null when it is valid. */
export function checkOosException(exception: OosException | null | undefined): Refusal | null {
  if (exception === null || exception === undefined || typeof exception !== "object")
    return {
      rule: "V2V-OOS-EXCEPTION-REQUIRED",
      message:
        "An out-of-specification product can only be used after an exception decision signed by an investigator and by QA.",
    };
  if (!nonEmpty(exception.rationale))
    return {
      rule: "V2V-OOS-EXCEPTION-NEEDS-RATIONALE",
      message: "The OOS exception decision must state its rationale (the risk assessment).",
    };
  const sigs = Array.isArray(exception.signatures) ? exception.signatures : [];
  const bad = sigs.findIndex(
    (s) =>
      !s || !nonEmpty(s.userId) || (s.role !== "investigator" && s.role !== "qa") || !isInstant(s.signedAt),
  );
  if (bad >= 0)
    return {
      rule: "V2V-OOS-EXCEPTION-BAD-SIGNATURE",
      message: `Signature ${bad + 1} on the OOS exception needs a user, a role (investigator or qa) and an ISO 8601 time with offset.`,
    };
  const investigators = sigs.filter((s) => s.role === "investigator").map((s) => s.userId.trim());
  const qa = sigs.filter((s) => s.role === "qa").map((s) => s.userId.trim());
  if (investigators.length === 0)
    return {
      rule: "V2V-OOS-EXCEPTION-NEEDS-INVESTIGATOR",
      message: "The OOS exception decision has no investigator signature.",
    };
  if (qa.length === 0)
    return { rule: "V2V-OOS-EXCEPTION-NEEDS-QA", message: "The OOS exception decision has no QA signature." };
  if (!investigators.some((i) => qa.some((q) => q !== i)))
    return {
      rule: "V2V-OOS-EXCEPTION-SAME-SIGNER",
      message: "The investigator and QA signatures on the OOS exception must come from two different people.",
    };
  return null;
}

/**
 * The outcome of the bedside verification (issue 4: two different users independently confirm the
 * patient, chain-of-identity id, DIN, product code and thaw time). The comparison itself lives
 * elsewhere; this carries its result.
 */
export interface BedsideVerification {
  passed: boolean;
  /** user ids of the people who verified; at least two different people */
  verifiedBy: string[];
  /** fields that did not match, when `passed` is false */
  mismatches?: string[];
}

export function checkBedside(v: BedsideVerification | null | undefined, failedRule: string): Refusal | null {
  if (
    !v ||
    typeof v !== "object" ||
    v.passed !== true ||
    (Array.isArray(v.mismatches) && v.mismatches.length > 0)
  )
    return {
      rule: failedRule,
      message:
        "The bedside verification has not passed; any mismatch is a hard stop and the infusion cannot be recorded.",
      extra:
        v && Array.isArray(v.mismatches) && v.mismatches.length ? { mismatches: v.mismatches } : undefined,
    };
  const people = new Set(
    (Array.isArray(v.verifiedBy) ? v.verifiedBy : []).filter(nonEmpty).map((u) => u.trim()),
  );
  if (people.size < 2)
    return {
      rule: "V2V-BEDSIDE-NEEDS-TWO-VERIFIERS",
      message: "The bedside verification needs two different people checking independently.",
    };
  return null;
}
