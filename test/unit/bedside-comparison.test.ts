/**
 * The bedside comparison as a pure rule (src/domain/bedside-comparison.ts): each field wrong on
 * its own is named, and the post-thaw expiry edge holds to the millisecond. Identifiers are the
 * ISBT 128 worked examples of test/unit/isbt128.test.ts: DIN G1234 98 654321 with check
 * character H, CoI CHA999925ABC123 with check character X.
 */
import { describe, expect, it } from "vitest";
import {
  BEDSIDE_FIELDS,
  type BedsideReading,
  type BedsideRecord,
  compareAtBedside,
  isExpiredAfterThaw,
} from "../../src/domain/bedside-comparison.ts";
import type { DoseCheck } from "../../src/domain/dose-check.ts";

const THAWED = new Date("2026-03-02T09:15:30.250Z");
const bag: BedsideRecord = {
  productKind: "final-product",
  productState: "thawed",
  coiId: "CHA999925ABC123",
  din: "G123498654321",
  productCode: "S1234V00",
  thawedAt: THAWED,
  thawStabilityMinutes: 60,
  subjectCode: "SZ-0001",
  enrolmentId: "0192e4a0-0000-7000-8000-000000000001",
};
const read: BedsideReading = {
  patientSubjectCode: "SZ-0001",
  enrolmentId: bag.enrolmentId,
  coiId: "CHA999925ABC123",
  din: "G123498654321",
  dinCheckCharacter: "H",
  productCode: "S1234V00",
  thawedAt: new Date(THAWED),
};
const in20min = new Date(THAWED.getTime() + 20 * 60_000);
const doseOk: DoseCheck = {
  ok: true,
  delivered: 1e6,
  unit: "car-cells-per-kg",
  target: 1e6,
  lower: 0.8e6,
  upper: 1.2e6,
  reason: "within",
};

describe("compareAtBedside", () => {
  it("passes when every field matches, read in any of the forms a scanner or eye gives", () => {
    expect(compareAtBedside(read, bag, null, in20min)).toEqual([]);
    expect(compareAtBedside(read, bag, doseOk, in20min)).toEqual([]);
    // The CoI with its check character, the DIN as bar-code data, padded subject code.
    const other = {
      ...read,
      coiId: "CH A9999 25 ABC123 X",
      din: "=G12349865432177",
      patientSubjectCode: " SZ-0001 ",
    };
    expect(compareAtBedside(other, bag, null, in20min)).toEqual([]);
    // The enrolment is compared only when the order names it.
    const { enrolmentId: _e, ...noEnrolment } = read;
    expect(compareAtBedside(noEnrolment, bag, null, in20min)).toEqual([]);
  });

  it.each([
    ["patientSubjectCode", { patientSubjectCode: "SZ-0002" }],
    ["enrolmentId", { enrolmentId: "0192e4a0-0000-7000-8000-000000000002" }],
    ["coiId", { coiId: "CHA999925ABC124" }],
    ["coiId", { coiId: "CH A9999 25 ABC123 Y" }],
    ["din", { din: "G123498654322", dinCheckCharacter: "H" }],
    ["dinCheckCharacter", { dinCheckCharacter: "J" }],
    ["productCode", { productCode: "S1234V01" }],
    ["thawedAt", { thawedAt: new Date(THAWED.getTime() + 1) }],
  ] as [string, Partial<BedsideReading>][])("names %s when only it is wrong (%j)", (field, change) => {
    const got = compareAtBedside({ ...read, ...change }, bag, null, in20min);
    // A wrong DIN also fails its check character: the check is verified against the DIN as read.
    if (field === "din") expect(got).toEqual(["din", "dinCheckCharacter"]);
    else expect(got).toEqual([field]);
  });

  it("a bag that is not a thawed final product is a mismatch", () => {
    expect(compareAtBedside(read, { ...bag, productState: "released" }, null, in20min)).toEqual([
      "productState",
    ]);
    expect(compareAtBedside(read, { ...bag, productKind: "apheresis" }, null, in20min)).toEqual([
      "productState",
    ]);
  });

  it("a failed dose check is a mismatch, an unnamed dose level is not", () => {
    const low: DoseCheck = { ok: false, reason: "0.7 × 10⁶/kg below 0.8–1.2 × 10⁶/kg" };
    expect(compareAtBedside(read, bag, low, in20min)).toEqual(["dose"]);
    expect(compareAtBedside(read, bag, null, in20min)).toEqual([]);
  });

  it("names every wrong field at once, in a fixed order", () => {
    const got = compareAtBedside(
      { ...read, productCode: "X", patientSubjectCode: "SZ-0009" },
      { ...bag, thawedAt: null },
      { ok: false, reason: "no weight" },
      in20min,
    );
    expect(got).toEqual(["patientSubjectCode", "productCode", "thawedAt", "dose"]);
    expect(BEDSIDE_FIELDS.indexOf("patientSubjectCode")).toBeLessThan(BEDSIDE_FIELDS.indexOf("dose"));
  });
});

describe("post-thaw expiry, to the millisecond", () => {
  const last = new Date(THAWED.getTime() + 60 * 60_000);
  it("usable at thaw + stability exactly, expired one millisecond later", () => {
    expect(isExpiredAfterThaw(THAWED, 60, last)).toBe(false);
    expect(isExpiredAfterThaw(THAWED, 60, new Date(last.getTime() + 1))).toBe(true);
    expect(compareAtBedside(read, bag, null, last)).toEqual([]);
    expect(compareAtBedside(read, bag, null, new Date(last.getTime() + 1))).toEqual(["expiry"]);
  });

  it("no recorded stability counts as expired", () => {
    expect(isExpiredAfterThaw(THAWED, null, THAWED)).toBe(true);
    expect(compareAtBedside(read, { ...bag, thawStabilityMinutes: null }, null, in20min)).toEqual(["expiry"]);
  });

  it("is counted from the recorded thaw, not from the time read at the bedside", () => {
    // Read 30 minutes later than recorded: thawedAt mismatches, and expiry still runs from the record.
    const late = { ...read, thawedAt: new Date(THAWED.getTime() + 30 * 60_000) };
    const at = new Date(last.getTime() + 1);
    expect(compareAtBedside(late, bag, null, at)).toEqual(["thawedAt", "expiry"]);
    // With no thaw recorded, the time read is all there is.
    expect(compareAtBedside(late, { ...bag, thawedAt: null }, null, at)).toEqual(["thawedAt"]);
  });
});
