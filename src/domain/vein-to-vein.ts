/**
 * Vein to vein: two pure state machines.
 *
 * - The **patient journey**, one per enrolment: referral → consent → screening → enrolment →
 *   apheresis → waiting for product (bridging / washout) → lymphodepletion → infusion → acute
 *   monitoring → follow-up → long-term follow-up → completion, or an exit (screen failure, off
 *   treatment, death, withdrawal, loss to follow-up). Each state maps to a FHIR R4
 *   `ResearchSubject.status` code.
 * - The **product**, one per collection / final product: collected → shipped → manufactured → QC →
 *   released | out-of-specification | failed → shipped to site → stored → thawed → administered |
 *   discarded | returned, with quarantine on a temperature excursion. Every product event carries
 *   its actor and time.
 *
 * Reference: shared/domain/workflow-standards.md §1.3 (diagram and FHIR mapping), §1.4 (product
 * states), §1.5 (failure events), §2.6 (bedside check); issue 4.
 *
 * Both machines are functions `(state, event) → { state, effects }`. They do no I/O and keep no
 * history: every fact a guard needs (is the product released, is it at the site, did the bedside
 * check pass) travels in the event. A refused move throws `DomainError("rule-violation")` whose
 * details carry a stable rule id (`rule`), the state (`from`) and the event type (`event`), so the
 * HTTP layer's problem+json names the rule. `effects` are hints for the service layer (free a
 * manufacturing slot, decide what happens to a product that will not be infused…); the machine
 * never performs them.
 */

export * from "./vein-to-vein/journey.ts";
export * from "./vein-to-vein/product.ts";
export type { BedsideVerification, OosException, Signature } from "./vein-to-vein/signed-checks.ts";
export { checkOosException } from "./vein-to-vein/signed-checks.ts";
