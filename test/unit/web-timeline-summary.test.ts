/**
 * The timeline's entries in the reader's language (web/src/screens/patients/timeline-summary.ts,
 * issue 11): worded from the detail the server sends, in English and in Chinese, with states,
 * event types, condition names and statuses from the catalogues; the record's own words (a lab's
 * display name, a calculator's label) keep the server's summary.
 */
import { afterAll, describe, expect, it } from "vitest";
import { i18n } from "../../web/src/i18n/index.ts";
import { timelineSummary } from "../../web/src/screens/patients/timeline-summary.ts";

const entry = (kind: string, detail: Record<string, unknown>, summary = "server's English") => ({
  kind,
  summary,
  detail,
});
const JOURNEY = entry("journey", { event: "hand-to-courier", from: "apheresed", to: "awaiting-product" });
const PRODUCT = entry("product", {
  din: "W1234 26 000123",
  event: "ship-to-manufacturer",
  from: "collected",
  to: "in-transit-to-manufacturer",
});
const VISIT_DONE = entry("visit", { code: "D28", label: "Day 28", doneOn: "2026-12-30", missedReason: null });
const ASSESSMENT = entry("assessment", {
  calculator: "crs",
  label: "Grade 2",
  labelCode: { code: "crs.label.grade", params: { grade: 2 } },
});
const CMAX = entry("derived-endpoint", {
  key: "car-cmax",
  value: 52300,
  unit: "copies/µg gDNA",
  valueText: "52,300 copies/µg gDNA",
});
const TMAX = entry("derived-endpoint", { key: "car-tmax", value: 10, unit: "day", valueText: "day 10" });
const APLASIA = entry("derived-endpoint", {
  key: "b-cell-aplasia-duration",
  value: 120,
  unit: "days",
  valueText: "120 days",
});
const DRUG_FREE = entry("derived-endpoint", {
  key: "drug-free-remission",
  value: true,
  valueText: "2021-06-01",
});
const RESOLVED = entry("condition-resolved", {
  code: "109969005",
  clinicalStatus: "remission",
  display: "DLBCL",
});

afterAll(async () => {
  await i18n.changeLanguage("en");
});

describe("timeline entries in English", () => {
  it("journey and product moves name the states and the step in words", async () => {
    await i18n.changeLanguage("en");
    expect(timelineSummary(JOURNEY)).toBe(
      `Journey: ${i18n.t("journeyState.apheresed")} → ${i18n.t("journeyState.awaiting-product")} (${i18n.t("journeyEvent.hand-to-courier")})`,
    );
    expect(timelineSummary(PRODUCT)).toMatch(/^Product W1234 26 000123: .+ → .+ \(.+\)$/);
    expect(timelineSummary(PRODUCT)).not.toMatch(/in-transit-to-manufacturer|ship-to-manufacturer/);
  });
  it("a visit, a consent, an enrolment with its dose level, the infusion, a stopped drug", async () => {
    await i18n.changeLanguage("en");
    expect(timelineSummary(VISIT_DONE)).toBe("Visit Day 28 done");
    expect(
      timelineSummary(
        entry("visit", { code: "M3", label: "Month 3", missedReason: "patient in hospital elsewhere" }),
      ),
    ).toBe("Visit Month 3 missed: patient in hospital elsewhere");
    expect(timelineSummary(entry("consent", { study: "cCAR-19/BCMA", consentVersion: "v3.0" }))).toBe(
      "Consent signed (cCAR-19/BCMA, version v3.0)",
    );
    expect(
      timelineSummary(entry("enrolment", { study: "cCAR-19/BCMA", armCode: "LYM", doseLevelCode: "DL2" })),
    ).toBe("Enrolled in cCAR-19/BCMA, arm LYM, dose level DL2");
    expect(timelineSummary(entry("enrolment", { study: "S", armCode: "AID", doseLevelCode: null }))).toBe(
      "Enrolled in S, arm AID",
    );
    expect(timelineSummary(entry("infusion", { study: "cCAR-19/BCMA" }))).toBe(
      "CAR-T infusion (cCAR-19/BCMA)",
    );
    expect(timelineSummary(entry("medication-stop", { drug: "prednisone" }))).toBe("prednisone stopped");
  });
  it("a condition by its code's name; resolved with its status in words; a code the catalogue lacks by its display", async () => {
    await i18n.changeLanguage("en");
    expect(timelineSummary(RESOLVED)).toBe("Diffuse large B-cell lymphoma (In remission)");
    expect(timelineSummary(entry("condition", { code: "999999", display: "Sjögren's syndrome" }))).toBe(
      "Sjögren's syndrome",
    );
  });
  it("an assessment by its calculator and coded label; a derived endpoint by its key", async () => {
    await i18n.changeLanguage("en");
    expect(timelineSummary(ASSESSMENT)).toBe(`${i18n.t("calc.crs")}: Grade 2`);
    expect(timelineSummary(CMAX)).toBe("CAR-T peak level (Cmax): 52,300 copies/µg gDNA");
    expect(timelineSummary(TMAX)).toBe("Time to CAR-T peak (Tmax): day 10");
    expect(timelineSummary(APLASIA)).toBe("B-cell aplasia duration: 120 days");
    expect(timelineSummary(DRUG_FREE)).toBe("Drug-free remission");
    // an endpoint the catalogue does not know keeps the server's summary
    expect(timelineSummary(entry("derived-endpoint", { key: "new-endpoint", value: 1 }, "as sent"))).toBe(
      "as sent",
    );
  });
  it("the record's own words keep the server's summary", async () => {
    await i18n.changeLanguage("en");
    for (const kind of ["observation", "event", "assessment", "derived-endpoint", "medication-start"])
      expect(timelineSummary(entry(kind, {}, `${kind} as written`))).toBe(`${kind} as written`);
  });
});

describe("timeline entries in Chinese", () => {
  it("every worded kind is in Chinese, with no English state, event or sentence head left", async () => {
    await i18n.changeLanguage("zh-CN");
    const worded = [
      JOURNEY,
      PRODUCT,
      entry("custody-handoff", { din: "W1", from: "Ward 5", to: "Courier", place: "Shenzhen" }),
      entry("temperature-log", { din: "W1", loggerId: "L-7", verdict: "excursion", quarantined: true }),
      VISIT_DONE,
      entry("consent", { study: "S", consentVersion: "1" }),
      entry("enrolment", { study: "S", armCode: "LYM", doseLevelCode: "DL1" }),
      entry("infusion", { study: "S" }),
      entry("medication-stop", { drug: "prednisone" }),
      RESOLVED,
      ASSESSMENT,
      CMAX,
      TMAX,
      APLASIA,
      DRUG_FREE,
    ];
    for (const e of worded) {
      const s = timelineSummary(e);
      expect(s, e.kind).toMatch(/\p{Script=Han}/u);
      expect(s, e.kind).not.toMatch(
        /Journey|Product|Visit|Consent|Enrolled|infusion \(|stopped|apheresed|awaiting|collected|excursion|remission/,
      );
    }
    expect(timelineSummary(ASSESSMENT)).toBe(`${i18n.t("calc.crs")}：2 级`);
    expect(timelineSummary(TMAX)).toBe("达 CAR-T 峰值时间（Tmax）：第 10 天");
    expect(timelineSummary(APLASIA)).toBe("B 细胞缺乏持续时间：120 天");
    expect(timelineSummary(JOURNEY)).toBe(
      `治疗进程：${i18n.t("journeyState.apheresed")} → ${i18n.t("journeyState.awaiting-product")}（${i18n.t("journeyEvent.hand-to-courier")}）`,
    );
    // The default schedule's visit name is worded from its code; a study's own name stays as written.
    expect(timelineSummary(VISIT_DONE)).toBe("访视 第 28 天 已完成");
    expect(
      timelineSummary(entry("visit", { code: "D28", label: "Day 28 (DLT)", doneOn: "2026-12-30" })),
    ).toBe("访视 Day 28 (DLT) 已完成");
  });
});
