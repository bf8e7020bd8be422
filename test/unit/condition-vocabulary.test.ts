/**
 * The diagnoses a condition form offers are the ones the cohorts count: each entry's disease is
 * the one cohort/indication.ts derives from its code, and the codes are the SNOMED CT concepts of
 * workflow-standards.md §5.5.
 */
import { describe, expect, it } from "vitest";
import { CODE_SYSTEMS } from "../../src/domain/code-systems.ts";
import { indicationOf } from "../../src/domain/cohort/indication.ts";
import { CONDITION_DIAGNOSES } from "../../src/domain/condition-vocabulary.ts";
import { ConditionCreate } from "../../src/domain/schemas/clinical.ts";

describe("condition vocabulary", () => {
  it("offers SLE, lupus nephritis, DLBCL and myeloma under their SNOMED CT concepts", () => {
    expect(CONDITION_DIAGNOSES.map((d) => [d.code, d.disease])).toEqual([
      ["55464009", "sle"],
      ["68815009", "sle"],
      ["109969005", "lymphoma"],
      ["109989006", "myeloma"],
    ]);
    expect(new Set(CONDITION_DIAGNOSES.map((d) => d.codeSystem))).toEqual(new Set([CODE_SYSTEMS.snomed]));
  });

  it("names for each entry the cohort its code is counted under", () => {
    for (const d of CONDITION_DIAGNOSES) expect(indicationOf([d]), d.display).toBe(d.disease);
  });

  it("each entry is a diagnosis the API accepts as it stands", () => {
    for (const d of CONDITION_DIAGNOSES) {
      const parsed = ConditionCreate.safeParse({
        patientId: "0190f000-0000-7000-8000-000000000001",
        codeSystem: d.codeSystem,
        code: d.code,
        display: d.display,
        clinicalStatus: "active",
      });
      expect(parsed.success, d.display).toBe(true);
    }
  });

  it("names its refusals by stable codes a screen can word in its own language", () => {
    const parsed = ConditionCreate.safeParse({
      patientId: "0190f000-0000-7000-8000-000000000001",
      codeSystem: CODE_SYSTEMS.snomed,
      code: "SLE",
      display: "Systemic lupus erythematosus",
      onsetDate: "2020-05-01",
      abatementDate: "2020-04-30",
      clinicalStatus: "resolved",
    });
    expect(parsed.success).toBe(false);
    const codes = parsed.error?.issues.map((i) => [
      i.path.join("/"),
      (i as { params?: { code?: string } }).params?.code,
    ]);
    expect(codes).toEqual([
      ["abatementDate", "condition_abated_before_onset"],
      ["code", "condition_code_format"],
    ]);
  });
});
