/**
 * The product steps recorded on a unit's page (issue 11), and who does each: the one home of the
 * owners table, read by the web app's product page and the unit test. The owners are those of the product state machine in
 * shared/domain/workflow-standards.md §1.4 (apheresis unit ships the collection, the manufacturer
 * receives, manufactures and ships the bag, the site's cell-therapy lab receives and stores it,
 * the clinical programme disposes of it). The server records a step only from a role that owns
 * it (services/products.ts requireStepOwner) and only when it fits the product's state; the web
 * app shows each role the buttons of its own steps.
 *
 * Not here: the thaw (ThawForm.tsx), the administration (the journey's infusion after the bedside
 * check), and the quality decisions (release, OOS, leaving quarantine), which only QA's signed
 * forms make (services/products.ts QUALITY_DECISION_EVENTS).
 */
import type { Role } from "../roles.ts";

export type ProductStep =
  | "ship-to-manufacturer"
  | "receive-at-manufacturer"
  | "start-manufacture"
  | "complete-manufacture"
  | "ship-to-site"
  | "receive-at-site"
  | "declare-failed"
  | "discard"
  | "return-to-manufacturer";

const CLINICAL: Role[] = ["coordinator", "investigator"];
const MANUFACTURING: Role[] = ["manufacturing"];

type Kind = "apheresis" | "final-product";

/**
 * Who records each step (§1.4 "Owner"), whether it ends the product and needs a reason, and, for a
 * step of one kind of unit only, which: manufacture is completed on the final bag (the bag then
 * goes to QC and release, which apply to bags only), while the collection it was made from stays
 * in manufacture; the machine alone would also let the collection take the step.
 */
export const PRODUCT_STEPS: Record<ProductStep, { roles: Role[]; reason: boolean; only?: Kind }> = {
  "ship-to-manufacturer": { roles: CLINICAL, reason: false },
  "receive-at-manufacturer": { roles: MANUFACTURING, reason: false },
  "start-manufacture": { roles: MANUFACTURING, reason: false },
  "complete-manufacture": { roles: MANUFACTURING, reason: false, only: "final-product" },
  "ship-to-site": { roles: MANUFACTURING, reason: false },
  "receive-at-site": { roles: CLINICAL, reason: false },
  "declare-failed": { roles: MANUFACTURING, reason: true },
  discard: { roles: [...CLINICAL, ...MANUFACTURING], reason: true },
  "return-to-manufacturer": { roles: CLINICAL, reason: true },
};

const isStep = (type: string): type is ProductStep => Object.hasOwn(PRODUCT_STEPS, type);

/** The roles that record a product step, or undefined for an event that is not one of these steps. */
export const stepOwners = (type: string): readonly Role[] | undefined =>
  isStep(type) ? PRODUCT_STEPS[type].roles : undefined;

/**
 * The steps this person may record now: those the server allows from the product's state
 * (`allowedEvents`) for this kind of unit that a role they hold at the site does, forward steps
 * first, endings after.
 */
export function stepsFor(
  allowedEvents: readonly string[],
  roles: readonly Role[],
  kind: Kind,
): { forward: ProductStep[]; endings: ProductStep[] } {
  const mine = allowedEvents
    .filter(isStep)
    .filter((type) => (PRODUCT_STEPS[type].only ?? kind) === kind)
    .filter((type) => PRODUCT_STEPS[type].roles.some((r) => roles.includes(r)));
  return {
    forward: mine.filter((type) => !PRODUCT_STEPS[type].reason),
    endings: mine.filter((type) => PRODUCT_STEPS[type].reason),
  };
}

/**
 * The body sent for a step: its type, the time when one was entered (else the server's clock
 * records it now), and the reason for an ending.
 */
export function stepBody(
  type: ProductStep,
  at: string | null,
  reason: string,
): { type: ProductStep; at?: string; reason?: string } {
  return {
    type,
    ...(at ? { at } : {}),
    ...(PRODUCT_STEPS[type].reason ? { reason: reason.trim() } : {}),
  };
}

/** A final bag is made from a collection in manufacture (services/products.ts recordFinalProduct). */
export const makesFinalBag = (unit: { kind: string; state: string }) =>
  unit.kind === "apheresis" && unit.state === "in-manufacture";
