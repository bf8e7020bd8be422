/**
 * Which test user records a product event: the role that owns the step (the server refuses the
 * others, services/products.ts requireStepOwner), or `fallback` for events that are not one of the
 * owned steps (thaw, quarantine, administration) and for steps `fallback` owns too (discard).
 */
import { stepOwners } from "../../src/domain/vein-to-vein/product-steps.ts";

export type ProductRole = "manufacturing" | "coordinator";

export function roleForStep(type: string, fallback: ProductRole = "manufacturing"): ProductRole {
  const owners = stepOwners(type);
  if (!owners || owners.includes(fallback)) return fallback;
  return owners.includes("coordinator") ? "coordinator" : "manufacturing";
}
