/**
 * The cohort page's server-written English in Chinese (issue 11; web/src/screens/cohorts/
 * cohort-words.ts): the method notes of every analysis, the indication groups, and the cohort's
 * one-line description. The English catalogue holds the server's notes word for word, so a note
 * changed on the server without its translation fails here.
 */
import { afterAll, describe, expect, it } from "vitest";
import { INDICATION_LABELS } from "../../src/domain/cohort/indication.ts";
import { summariseCohort } from "../../src/domain/cohort/summary.ts";
import { en } from "../../web/src/i18n/en.ts";
import { i18n } from "../../web/src/i18n/index.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { cohortNote, describeCohortQuery, groupLabel } from "../../web/src/screens/cohorts/cohort-words.ts";

const s = summariseCohort([]);
const NOTES: [string, string][] = [
  ...s.survival.map((a): [string, string] => [`survival.${a.endpoint}`, a.definition]),
  ["competingRisks", s.competingRisks.definition],
  [`waterfall.${s.waterfall.measure}`, s.waterfall.definition],
  [`waterfall.${s.tumourWaterfall.measure}`, s.tumourWaterfall.definition],
  ["correlations", s.productCorrelations.method],
];
const at = (catalogue: unknown, path: string) =>
  path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], catalogue);

afterAll(async () => {
  await i18n.changeLanguage("en");
});

describe("the cohort's notes", () => {
  it("the English catalogue has every note of the server word for word; the Chinese one has each", () => {
    expect(NOTES.length).toBe(8);
    for (const [key, english] of NOTES) {
      expect(at(en.cohort.notes, key), key).toBe(english);
      expect(at(zhCN.cohort.notes, key), key).toMatch(/\p{Script=Han}/u);
    }
  });

  it("English readers get the server's note, Chinese readers the catalogue's", async () => {
    const [key, english] = NOTES[0]!;
    await i18n.changeLanguage("en");
    expect(cohortNote(english, key)).toBe(english);
    await i18n.changeLanguage("zh-CN");
    expect(cohortNote(english, key)).toBe(at(zhCN.cohort.notes, key));
    // a note the catalogue does not know stays as the server wrote it
    expect(cohortNote("A new note.", "survival.something-new")).toBe("A new note.");
  });
});

describe("groups and the cohort's description in Chinese", () => {
  it("names every indication group, all patients and the unclassified", async () => {
    await i18n.changeLanguage("zh-CN");
    const groups: [string, string][] = [
      ...Object.entries(INDICATION_LABELS),
      ["all", "All patients"],
      ["unclassified", "No treated diagnosis recorded"],
    ];
    for (const [key, label] of groups) expect(groupLabel({ key, label }), key).toMatch(/\p{Script=Han}/u);
    expect(groupLabel({ key: "DL2", label: "DL2" })).toBe("DL2");
    await i18n.changeLanguage("en");
    expect(groupLabel({ key: "overlap", label: INDICATION_LABELS.overlap })).toBe(INDICATION_LABELS.overlap);
    expect(en.cohort.group.overlap).toBe(INDICATION_LABELS.overlap);
  });

  it("describes the cohort from its query", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(describeCohortQuery("every infused patient", "")).toBe("全部已输注患者");
    expect(
      describeCohortQuery(
        "…",
        "indication=overlap,lymphoma&site=SZ&infusedFrom=2020-01-01&groupBy=doseLevel",
      ),
    ).toBe("中心 SZ · 适应证 B 细胞淋巴瘤、狼疮合并 B 细胞淋巴瘤 · 输注日期 2020-01-01 至 今天");
    await i18n.changeLanguage("en");
    expect(describeCohortQuery("indication lymphoma", "indication=lymphoma")).toBe("indication lymphoma");
  });
});
