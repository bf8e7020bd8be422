/**
 * Steroid-free, lupus-therapy-free and medication-free dates: which drugs count (by name, by ATC
 * code, not topical, not lymphodepletion, not prophylaxis), the day after the last stop, ongoing
 * records, and a restart moving the date.
 */
import { describe, expect, it } from "vitest";
import {
  type MedicationRecord,
  medicationFreeEndpoints,
} from "../../../src/domain/endpoints/medication-free.ts";
import { isLupusTherapy, lupusDrugClass } from "../../../src/domain/medications.ts";

const DAY0 = "2019-09-16";
let n = 0;
const med = (
  drug: string,
  startDate: string,
  stopDate: string | null,
  extra: Partial<MedicationRecord> = {},
) =>
  ({
    id: `m${++n}`,
    drug,
    atcCode: null,
    route: "oral",
    indication: null,
    startDate,
    stopDate,
    ...extra,
  }) satisfies MedicationRecord;
const byKey = (meds: MedicationRecord[]) =>
  Object.fromEntries(medicationFreeEndpoints(meds, DAY0).map((e) => [e.key, e]));

describe("which medications count", () => {
  it("classes lupus drugs by name or ATC code, systemic routes only", () => {
    expect(lupusDrugClass(med("Prednisolone", "2019-01-01", null))).toBe("glucocorticoid");
    expect(lupusDrugClass(med("Medrol", "2019-01-01", null, { atcCode: "H02AB04" }))).toBe("glucocorticoid");
    expect(lupusDrugClass(med("fludrocortisone", "2019-01-01", null, { atcCode: "H02AA02" }))).toBeNull();
    expect(lupusDrugClass(med("hydrocortisone cream", "2019-01-01", null, { route: "topical" }))).toBeNull();
    expect(lupusDrugClass(med("hydroxychloroquine", "2019-01-01", null))).toBe("antimalarial");
    expect(lupusDrugClass(med("mycophenolate mofetil", "2019-01-01", null))).toBe("immunosuppressive");
    expect(lupusDrugClass(med("belimumab", "2019-01-01", null))).toBe("biologic");
    for (const d of [
      "aciclovir",
      "sulfamethoxazole-trimethoprim",
      "immunoglobulin (IVIG)",
      "filgrastim",
      "tocilizumab",
      "paracetamol",
    ])
      expect(lupusDrugClass(med(d, "2019-01-01", null)), d).toBeNull();
  });

  it("does not count lymphodepletion as lupus therapy", () => {
    expect(
      isLupusTherapy(
        med("cyclophosphamide", "2019-09-11", "2019-09-13", { indication: "Lymphodepletion before CAR-T" }),
      ),
    ).toBe(false);
    expect(
      isLupusTherapy(med("cyclophosphamide", "2018-01-01", "2018-06-01", { indication: "Lupus nephritis" })),
    ).toBe(true);
  });
});

describe("free-from dates", () => {
  // The reference case's record, in short.
  const reference = [
    med("prednisone", "1998-11-01", "2019-08-19"),
    med("prednisone", "2019-09-06", "2019-09-09"),
    med("hydroxychloroquine", "2001-03-01", "2019-09-03"),
    med("cyclophosphamide", "2019-09-11", "2019-09-13", { indication: "Lymphodepletion before CAR-T" }),
    med("paracetamol", "2019-09-17", "2019-09-19"),
    med("aciclovir", "2019-09-11", "2020-03-16", { indication: "Antiviral prophylaxis after CAR-T" }),
  ];

  it("is the day after the last stop of each kind", () => {
    const e = byKey(reference);
    expect(e["steroid-free"]).toMatchObject({ status: "met", date: "2019-09-10", studyDay: -6 });
    expect(e["lupus-therapy-free"]).toMatchObject({ date: "2019-09-10" });
    expect(e["medication-free"]).toMatchObject({ date: "2020-03-17", studyDay: 183 });
    expect(e["medication-free"]!.derivedFrom).toEqual([{ kind: "medication", id: reference[5]!.id }]);
  });

  it("a restart moves the date, and an ongoing record means not free", () => {
    const restarted = byKey([...reference, med("prednisolone", "2020-01-01", "2020-02-14")]);
    expect(restarted["steroid-free"]!.date).toBe("2020-02-15");
    const ongoing = byKey([...reference, med("hydroxychloroquine", "2020-01-01", null)]);
    expect(ongoing["lupus-therapy-free"]).toMatchObject({ status: "not-met", date: null });
    expect(ongoing["medication-free"]!.status).toBe("not-met");
    expect(ongoing["steroid-free"]!.status).toBe("met");
  });

  it("is not evaluable when nothing of the kind was ever recorded", () => {
    const e = byKey([med("aciclovir", "2019-09-11", "2019-12-01")]);
    expect(e["steroid-free"]).toMatchObject({
      status: "not-evaluable",
      reasons: [expect.stringMatching(/No systemic glucocorticoid/)],
    });
    expect(e["medication-free"]!.date).toBe("2019-12-02");
  });
});
