/**
 * The bodies a client sends to apply a journey or product event (POST /journeys/{id}/events,
 * POST /product-units/{id}/events), one branch per event type. The machines' own event types
 * (vein-to-vein/journey.ts, product.ts) also carry facts the server fills from its records —
 * the product's state, the bedside verification, the recorded OOS exception, who and when — so a
 * client never sends those; test/unit/http-contract.test.ts checks the journey branches are the
 * machine's events without them. The services parse these bodies themselves (the machine names
 * a refused move as a 422 rule), so these schemas are the documented contract of that parse.
 */
import { z } from "zod";
import { QUARANTINE_ORIGINS } from "../vein-to-vein/product.ts";
import { Instant, Uuid } from "./common.ts";

const text = z.string().min(1).max(2000);
const common = {
  reason: z.string().max(2000).optional(),
  version: z.number().int().min(1).optional().describe("the journey's version (or send If-Match)"),
};
const event = <T extends string, S extends z.ZodRawShape = Record<never, never>>(
  type: T,
  shape: S = {} as S,
) => z.object({ type: z.literal(type), ...common, ...shape });

export const JourneyEventBody = z
  .discriminatedUnion("type", [
    event("consult"),
    event("sign-consent", { scopes: z.array(z.enum(["trial", "treatment", "registry", "data-transfer"])) }),
    event("start-screening"),
    event("fail-screening", { failedCriteria: z.array(z.string()) }),
    event("enrol", {
      pathway: z.enum(["trial", "routine-care"]),
      eligibilityConfirmed: z.boolean().optional(),
      payerApproved: z.boolean().optional(),
      mdtApproved: z.boolean().optional(),
    }),
    event("book-apheresis", { manufacturingSlotId: Uuid }),
    event("reschedule-apheresis", { manufacturingSlotId: Uuid }),
    event("record-apheresis"),
    event("hand-to-courier"),
    event("start-bridging", { kind: z.enum(["bridging", "washout"]) }),
    event("end-bridging"),
    event("product-released"),
    event("manufacturing-failed", { reason: text }),
    event("start-lymphodepletion", { patientFit: z.boolean() }),
    event("complete-lymphodepletion"),
    event("verify-at-bedside"),
    event("infuse"),
    event("defer-infusion", { reason: text }),
    event("resume-pre-infusion-check"),
    event("start-acute-monitoring"),
    event("start-follow-up"),
    event("start-long-term-follow-up"),
    event("complete"),
    event("stop-treatment", { reason: text }),
    event("die"),
    event("withdraw"),
    event("lose-to-follow-up"),
  ])
  .meta({ id: "JourneyEventBody" });

const productEvent = <T extends string, S extends z.ZodRawShape = Record<never, never>>(
  type: T,
  shape: S = {} as S,
) =>
  z.object({
    type: z.literal(type),
    at: Instant.optional().describe("when it happened; default now, never in the future"),
    version: z.number().int().min(1).optional(),
    ...shape,
  });

export const ProductEventBody = z
  .discriminatedUnion("type", [
    productEvent("ship-to-manufacturer"),
    productEvent("receive-at-manufacturer"),
    productEvent("start-manufacture"),
    productEvent("complete-manufacture"),
    productEvent("release", { qcAllPassed: z.boolean() }),
    productEvent("declare-oos", { failedAttributes: z.array(z.string()) }),
    productEvent("declare-failed", { reason: text }),
    productEvent("ship-to-site"),
    productEvent("receive-at-site"),
    productEvent("thaw"),
    productEvent("administer"),
    productEvent("discard", { reason: text }),
    productEvent("return-to-manufacturer", { reason: text }),
    productEvent("quarantine", { reason: text }),
    productEvent("release-from-quarantine", {
      returnTo: z.enum(QUARANTINE_ORIGINS).optional().describe("must be the state it was quarantined from"),
    }),
  ])
  .meta({ id: "ProductEventBody" });
