/**
 * Adverse-event consistency rules (domain/adverse-events.ts), each from a worked case: CTCAE v5.0
 * grade ranges per term, grade 5 ⇔ FATAL, ICH E2A seriousness, dates, infection-only fields, and
 * the infection windows of Hill 2018 / Cordeiro 2020.
 */
import { describe, expect, it } from "vitest";
import {
  AdverseEventCreate,
  type AdverseEventFacts,
  adverseEventProblems,
  infectionWindow,
  isRelated,
} from "../../src/domain/adverse-events.ts";

const base: AdverseEventFacts = {
  term: "Lung infection",
  soc: "Infections and infestations",
  grade: 3,
  attribution: "possible",
  serious: true,
  seriousCriteria: ["hospitalisation"],
  onsetDate: "2024-03-10",
  resolvedDate: "2024-03-24",
  outcome: "RECOVERED/RESOLVED",
  pathogenClass: "bacterial",
};
const paths = (ae: AdverseEventFacts) => adverseEventProblems(ae).map((p) => p.path);

describe("adverse event rules", () => {
  it("accepts a consistent grade 3 pneumonia needing admission", () => {
    expect(adverseEventProblems(base)).toEqual([]);
  });

  it("refuses grades CTCAE v5.0 does not define for the term", () => {
    // Febrile neutropenia starts at grade 3; sepsis at grade 4; count decreases have no grade 5.
    expect(
      paths({
        ...base,
        term: "Febrile neutropenia",
        soc: "Blood and lymphatic system disorders",
        pathogenClass: null,
        grade: 2,
      }),
    ).toEqual(["grade"]);
    expect(paths({ ...base, term: "Sepsis", grade: 3 })).toEqual(["grade"]);
    expect(paths({ ...base, term: "Sepsis", grade: 4, seriousCriteria: ["life-threatening"] })).toEqual([]);
    expect(
      paths({
        ...base,
        term: "Neutrophil count decreased",
        soc: "Investigations",
        pathogenClass: null,
        grade: 5,
        outcome: "FATAL",
        seriousCriteria: ["death"],
      }),
    ).toEqual(["grade"]);
    // A term outside the list is checked only against 1–5.
    expect(
      paths({
        ...base,
        term: "Pneumonitis",
        soc: "Respiratory, thoracic and mediastinal disorders",
        pathogenClass: null,
        grade: 1,
        serious: false,
        seriousCriteria: [],
      }),
    ).toEqual([]);
  });

  it("refuses a known term filed under another SOC, case-insensitively", () => {
    expect(
      paths({ ...base, term: "sepsis", soc: "Immune system disorders", grade: 4, pathogenClass: null }),
    ).toEqual(["soc"]);
  });

  it("ties grade 5 to the outcome FATAL both ways, and a fatal event is serious", () => {
    expect(paths({ ...base, grade: 5 })).toContain("outcome");
    expect(paths({ ...base, grade: 4, outcome: "FATAL" })).toContain("grade");
    expect(
      paths({ ...base, grade: 5, outcome: "FATAL", serious: false, seriousCriteria: [], resolvedDate: null }),
    ).toEqual(["serious"]);
    expect(
      paths({ ...base, grade: 5, outcome: "FATAL", seriousCriteria: ["death"], resolvedDate: null }),
    ).toEqual([]);
  });

  it("asks a serious event for its criteria and a non-serious one for none", () => {
    expect(paths({ ...base, seriousCriteria: [] })).toEqual(["seriousCriteria"]);
    expect(paths({ ...base, serious: false })).toEqual(["serious"]);
    expect(paths({ ...base, seriousCriteria: ["death"] })).toEqual(["seriousCriteria"]);
  });

  it("checks the dates against the outcome", () => {
    expect(paths({ ...base, resolvedDate: "2024-03-09" })).toEqual(["resolvedDate"]);
    expect(paths({ ...base, resolvedDate: null })).toEqual(["resolvedDate"]);
    expect(paths({ ...base, outcome: "RECOVERING/RESOLVING" })).toEqual(["outcome"]);
    expect(paths({ ...base, outcome: "RECOVERING/RESOLVING", resolvedDate: null })).toEqual([]);
  });

  it("keeps the pathogen for infections", () => {
    expect(paths({ ...base, term: "Hypotension", soc: "Vascular disorders" })).toEqual(["pathogenClass"]);
  });

  it("counts possible, probable and definite as related (NCI CTEP)", () => {
    expect(
      ["unrelated", "unlikely", "possible", "probable", "definite"].map((a) => isRelated(a as never)),
    ).toEqual([false, false, true, true, true]);
  });

  it("puts onset days in the windows CAR-T infection series use", () => {
    expect([-3, 0, 28, 29, 90, 91].map(infectionWindow)).toEqual([
      "before infusion",
      "days 0–28",
      "days 0–28",
      "days 29–90",
      "days 29–90",
      "after day 90",
    ]);
  });

  it("reports every problem through the input schema with its field", () => {
    const parsed = AdverseEventCreate.safeParse({
      ...base,
      patientId: "018f0000-0000-7000-8000-000000000000",
      term: "Hypotension",
      soc: "Vascular disorders",
      organism: "E. coli",
    });
    expect(parsed.success).toBe(false);
    const fields = parsed.error?.issues.map((i) => i.path.join(".")).sort();
    expect(fields).toEqual(["organism", "pathogenClass"]);
  });
});
