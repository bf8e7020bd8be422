/**
 * BiologicallyDerivedProduct for each bag (https://hl7.org/fhir/R4/biologicallyderivedproduct.html,
 * [S41] in shared/domain/workflow-standards.md): the apheresis collection and the final CAR-T
 * product, with the ISBT 128 DIN and the chain-of-identity id as identifiers, the final product
 * pointing at its apheresis bag as `parent`, and the collection naming the patient as source.
 *
 * R4's status has two codes (available | unavailable, required binding): a bag that has been
 * administered, discarded, returned or has failed manufacture is "unavailable", any other is still
 * in the chain and "available". Its exact state is carried in `processing`.
 */
import type { BiologicallyDerivedProduct, Procedure } from "@medplum/fhirtypes";
import { patientRef, ref } from "./references.ts";
import { LOCAL_SYSTEMS } from "./systems.ts";
import { metaOf } from "./time.ts";

export interface ProductRecord {
  id: string;
  patient_id: string;
  kind: "apheresis" | "final-product";
  parent_id: string | null;
  din: string;
  coi_id: string;
  product_code: string;
  state: string;
  created_at: Date;
  version: number;
  updated_at: Date;
  /** when the cells were collected (the apheresis), if recorded */
  collected_at: Date | null;
}

const GONE = new Set(["administered", "discarded", "returned", "failed"]);

export function toBiologicallyDerivedProduct(p: ProductRecord): BiologicallyDerivedProduct {
  return {
    resourceType: "BiologicallyDerivedProduct",
    id: p.id,
    meta: metaOf(p),
    identifier: [
      { system: LOCAL_SYSTEMS.isbt128Din, value: p.din },
      { system: LOCAL_SYSTEMS.chainOfIdentity, value: p.coi_id },
    ],
    productCategory: "cells",
    productCode: {
      coding: [{ system: LOCAL_SYSTEMS.isbt128ProductCode, code: p.product_code }],
      text: p.kind === "apheresis" ? "Apheresis collection for CAR-T manufacture" : "CAR-T cell product",
    },
    status: GONE.has(p.state) ? "unavailable" : "available",
    ...(p.parent_id ? { parent: [ref("BiologicallyDerivedProduct", p.parent_id)] } : {}),
    collection: {
      source: patientRef(p.patient_id),
      ...(p.collected_at ? { collectedDateTime: p.collected_at.toISOString() } : {}),
    },
    processing: [{ description: `state: ${p.state}` }],
    quantity: 1,
  };
}

export interface ProcedureRecord {
  /** the journey event (apheresis) or product event (infusion) the procedure is read from */
  id: string;
  patient_id: string;
  kind: "apheresis" | "infusion";
  at: Date;
  /** the bag collected (apheresis) or infused */
  product_id: string | null;
  recorded_at: Date;
}

const PROCEDURE_TEXT = {
  apheresis: "Leukapheresis for CAR-T manufacture",
  infusion: "CAR-T cell infusion",
} as const;

/**
 * Procedure for the apheresis and the infusion. No SNOMED CT code for either was verified
 * (shared/domain/workflow-standards.md §5.5 lists none), so the code is local with text. R4's
 * Procedure.usedReference cannot point at a BiologicallyDerivedProduct (§5.1), so the bag is named
 * in an extension, the pattern §5.1 suggests.
 */
export function toProcedure(p: ProcedureRecord): Procedure {
  return {
    resourceType: "Procedure",
    id: p.id,
    meta: { versionId: "1", lastUpdated: p.recorded_at.toISOString() },
    ...(p.product_id
      ? {
          extension: [
            {
              url: LOCAL_SYSTEMS.procedureProductExtension,
              valueReference: ref("BiologicallyDerivedProduct", p.product_id),
            },
          ],
        }
      : {}),
    status: "completed",
    code: {
      coding: [{ system: LOCAL_SYSTEMS.procedure, code: p.kind, display: PROCEDURE_TEXT[p.kind] }],
      text: PROCEDURE_TEXT[p.kind],
    },
    subject: patientRef(p.patient_id),
    performedDateTime: p.at.toISOString(),
  };
}
