/**
 * The default schedule's visit names (domain/visit-names.ts) and their wording in the reader's
 * language (web/src/ui/visit-name.ts): only a name that is exactly the one the default schedule
 * gives that code is worded from the catalogues; a study's own name is shown as written.
 */
import { afterAll, describe, expect, it } from "vitest";
import { defaultVisitName, standardVisitName } from "../../src/domain/visit-names.ts";
import { defaultVisitSchedule } from "../../src/domain/visit-schedule.ts";
import { i18n } from "../../web/src/i18n/index.ts";
import { visitName } from "../../web/src/ui/visit-name.ts";

afterAll(async () => {
  await i18n.changeLanguage("en");
});

describe("default visit names", () => {
  it("are recognised for their own code only", () => {
    expect(defaultVisitName("day", 28)).toEqual({ code: "D28", label: "Day 28" });
    expect(standardVisitName("D28", "Day 28")).toEqual({ unit: "day", n: 28 });
    expect(standardVisitName("M3", "Month 3")).toEqual({ unit: "month", n: 3 });
    expect(standardVisitName("Y7", "Year 7 (long-term follow-up)")).toEqual({ unit: "year", n: 7 });
    expect(standardVisitName("D28", "Day 28 — DLT visit")).toBeNull();
    expect(standardVisitName("D21", "Day 28")).toBeNull();
    expect(standardVisitName("SCR", "Screening")).toBeNull();
    expect(standardVisitName("D028", "Day 28")).toBeNull();
  });

  it("cover every visit of the default schedules", () => {
    for (const indication of ["lymphoma", "sle", "other"] as const)
      for (const v of defaultVisitSchedule(indication).visits)
        expect(standardVisitName(v.code, v.label), `${indication} ${v.code}`).not.toBeNull();
  });

  it("are worded in the reader's language; a study's own name is not", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(visitName("D28", "Day 28")).toBe("第 28 天");
    expect(visitName("M12", "Month 12")).toBe("第 12 个月");
    expect(visitName("Y5", "Year 5 (long-term follow-up)")).toBe("第 5 年（长期随访）");
    expect(visitName("SCR", "Screening")).toBe("Screening");
    await i18n.changeLanguage("en");
    expect(visitName("Y5", "Year 5 (long-term follow-up)")).toBe("Year 5 (long-term follow-up)");
    expect(visitName("D7", "Day 7")).toBe("Day 7");
  });
});
