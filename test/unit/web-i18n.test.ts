/**
 * The web app's words (issue 11): both catalogues have the same keys, every placeholder of an
 * English message is in its Chinese one, no component shows a word outside the catalogues (files
 * not yet moved to the catalogues are listed with their count and may only go down), and server
 * problems are worded from their codes, never from the English `detail`.
 */
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ApiError } from "../../web/src/api/client.ts";
import { issueMessage, problemErrors, problemMessage } from "../../web/src/api/problem-errors.ts";
import { en } from "../../web/src/i18n/en.ts";
import { browserLanguage, i18n, showIn } from "../../web/src/i18n/index.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { isoDate, studyDay } from "../../web/src/ui/format.ts";
import { findHardCodedText, hardCodedTextIn } from "../support/hard-coded-text.ts";

const ROOT = resolve(import.meta.dirname, "../..");

function leaves(obj: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of leaves(v as object, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

/**
 * Components not yet moved to the catalogues, with how many hard-coded words each still has.
 * Translating one lowers its number (the test then asks to lower it here); a new file or a new
 * word fails.
 */
const NOT_YET_TRANSLATED: Record<string, number> = {};

describe("catalogues", () => {
  const english = leaves(en);
  const chinese = leaves(zhCN);

  it("have the same keys both ways", () => {
    expect([...english.keys()].filter((k) => !chinese.has(k))).toEqual([]);
    expect([...chinese.keys()].filter((k) => !english.has(k))).toEqual([]);
    expect(english.size).toBeGreaterThan(400);
  });

  it("use the same placeholders in both languages, and no entry is empty", () => {
    const differing = [...english].filter(
      ([k, v]) => placeholders(v).join() !== placeholders(chinese.get(k) ?? "").join(),
    );
    expect(differing.map(([k]) => k)).toEqual([]);
    expect([...english, ...chinese].filter(([, v]) => v.trim() === "").map(([k]) => k)).toEqual([]);
  });

  it("Chinese entries are written in Chinese (a copied English sentence is caught)", () => {
    // Codes and names the same in both (CRS, SLEDAI-2K, D{{day}}) have no letters outside A–Z.
    const untranslated = [...chinese].filter(
      ([k, v]) =>
        /[a-z]{4,}/.test(v.replace(/\{\{[^}]*\}\}/g, "")) &&
        !/\p{Script=Han}/u.test(v) &&
        english.get(k) === v,
    );
    // The language's own name, and the Lugano criteria's name.
    expect(untranslated.map(([k]) => k)).toEqual([
      "language.en",
      "gradeLink.lugano-pet",
      "gradeLink.lugano-ct",
    ]);
  });
});

describe("no hard-coded words in components", () => {
  it("finds JSX text, user-facing props and option labels, and leaves catalogue lookups alone", () => {
    const src = `
      const a = <Text>Not gradable yet</Text>;
      const b = <TextInput label="Oxygen flow" placeholder={t("x.y")} />;
      const c = <Select data={[{ value: "HFNC", label: "High-flow nasal cannula" }]} aria-label={\`Site \${n}\`} />;
      const d = <Text>{t("grading.why")} · {value} °C</Text>;
      const e = <Badge>{"overdue"}</Badge>;
      const f = <Text>{enrolled ? t("a.b") : "Not enrolled"}{date ?? "not yet"}</Text>;`;
    expect(findHardCodedText("x.tsx", src).map((f) => f.text)).toEqual([
      "Not gradable yet",
      "Oxygen flow",
      "High-flow nasal cannula",
      "Site",
      "overdue",
      "Not enrolled",
      "not yet",
    ]);
  });

  it("every component outside the list of those not yet translated takes its words from the catalogues", () => {
    const counts: Record<string, number> = {};
    for (const f of hardCodedTextIn(ROOT, "web/src")) counts[f.file] = (counts[f.file] ?? 0) + 1;
    const wrong = Object.keys({ ...counts, ...NOT_YET_TRANSLATED })
      .filter((file) => (counts[file] ?? 0) !== (NOT_YET_TRANSLATED[file] ?? 0))
      .map((file) => `${file}: ${counts[file] ?? 0} hard-coded, listed ${NOT_YET_TRANSLATED[file] ?? 0}`);
    expect(wrong).toEqual([]);
  });
});

describe("server problems in the reader's language", () => {
  afterAll(() => showIn("en"));
  const tooHot = {
    in: "body",
    pointer: "/inputs/tempMaxC",
    detail: "Too big: expected number to be <=45",
    code: "too_big",
    limit: 45,
    inclusive: true,
  };

  it("words a bound from its code and limit, with the field's label and unit, never zod's English", async () => {
    await showIn("en");
    expect(issueMessage(tooHot)).toBe("Highest temperature must be at most 45 °C");
    await showIn("zh-CN");
    expect(issueMessage(tooHot)).toBe("最高体温不能高于 45 °C");
    const e = new ApiError(400, {
      type: "https://vein2vein.org/problems/validation",
      detail: "The request has problems; nothing was written.",
      errors: [tooHot],
    });
    expect(problemErrors(e)).toEqual([{ path: "/inputs/tempMaxC", message: "最高体温不能高于 45 °C" }]);
    expect(problemMessage(e)).toBe("提交的内容有问题，未写入任何数据。");
  });

  it("words a refusal by its rule code; English readers keep the server's sentence when there is one", async () => {
    const refusal = new ApiError(422, {
      type: "https://vein2vein.org/problems/rule-violation",
      detail: "Bag ISBT 128 W0000 26 000001 does not belong to SZ-0001.",
      rule: "V2V-BEDSIDE-MISMATCH",
    });
    await showIn("zh-CN");
    expect(problemMessage(refusal)).toBe("细胞袋与患者不匹配：请勿回输。");
    await showIn("en");
    expect(problemMessage(refusal)).toBe("Bag ISBT 128 W0000 26 000001 does not belong to SZ-0001.");
    const bare = new ApiError(422, { rule: "V2V-BEDSIDE-MISMATCH" });
    expect(problemMessage(bare)).toBe("Bag and patient do not match: do not infuse.");
  });

  it("falls back to the problem type's code when there is no rule, and to the status for an unknown type", async () => {
    await showIn("zh-CN");
    const forbidden = new ApiError(403, {
      type: "https://vein2vein.org/problems/forbidden",
      detail: "Only quality may release.",
    });
    expect(problemMessage(forbidden)).toBe("您在本中心的角色无权执行此操作。");
    expect(problemMessage(new ApiError(418, { detail: "I'm a teapot" }))).toBe(
      "服务器拒绝了请求（HTTP 418）。",
    );
  });
});

describe("language and formats", () => {
  afterAll(() => showIn("en"));

  it("follows the browser's first language it has a catalogue for, English otherwise", () => {
    expect(browserLanguage(["zh-TW", "en"])).toBe("zh-CN");
    expect(browserLanguage(["fr-FR", "en-GB"])).toBe("en");
    expect(browserLanguage(["de"])).toBe("en");
  });

  it("writes dates through Intl in the reader's language, the date itself never moved by a zone", async () => {
    await showIn("en");
    expect(isoDate("2019-09-16")).toBe("2019-09-16");
    expect(isoDate("2019-09-16T23:30:00Z")).toBe("2019-09-16");
    expect(studyDay(-3)).toBe("D−3");
    await showIn("zh-CN");
    expect(isoDate("2019-09-16")).toBe("2019/09/16");
    expect(i18n.language).toBe("zh-CN");
  });
});
