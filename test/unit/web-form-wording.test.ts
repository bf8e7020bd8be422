/**
 * The grading forms in a clinician's words, in English and Chinese (issue 11: "Form wording comes
 * from code … Labels, options, help and errors in a clinician's words; enum codes never shown
 * raw"). The forms are built from each calculator's JSON Schema; a field or option the catalogues
 * do not word would show a label made from its key ("Creatinine clearance ml min") or its code.
 * This walks every calculator's schema, so a calculator or field added without its words fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CALCULATORS, findCalculator } from "../../src/domain/calculators/index.ts";
import { SLEDAI_2K_DESCRIPTORS } from "../../src/domain/calculators/lupus/sledai.ts";
import { en } from "../../web/src/i18n/en.ts";
import { i18n } from "../../web/src/i18n/index.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { fieldHelp, type JsonSchema } from "../../web/src/screens/grading/json-schema.ts";

interface Field {
  calculator: string;
  key: string;
  description?: string;
}

/** Every field (nested ones too) and every option code of every calculator's input schema. */
function formsOf(): { fields: Field[]; codes: Map<string, string> } {
  const fields: Field[] = [];
  const codes = new Map<string, string>();
  const walk = (s: JsonSchema & { oneOf?: JsonSchema[] }, calculator: string) => {
    for (const [key, sub] of Object.entries(s.properties ?? {})) {
      const description = sub.description ?? sub.anyOf?.find((x) => x.description)?.description;
      fields.push({ calculator, key, description });
      walk(sub, calculator);
    }
    const options = s.enum ?? (typeof s.const === "string" ? [s.const] : []);
    for (const o of options) if (typeof o === "string") codes.set(o, calculator);
    for (const next of [s.items, ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) if (next) walk(next, calculator);
  };
  for (const c of CALCULATORS)
    walk(z.toJSONSchema(c.input, { io: "input", unrepresentable: "any" }) as JsonSchema, c.name);
  return { fields, codes };
}

const { fields, codes } = formsOf();
const worded = (catalogue: typeof en, group: "field" | "choice", key: string) =>
  (catalogue[group] as Record<string, string>)[key];

/** Option codes that are also the clinic's own abbreviations, so they may appear in help text. */
const CLINICAL_ABBREVIATIONS = new Set([
  "CPAP",
  "BIPAP",
  "CR",
  "PR",
  "SD",
  "PD",
  "CMR",
  "PMR",
  "NMR",
  "PMD",
  "SLE",
]);

describe("the grading forms' wording", () => {
  beforeAll(async () => {
    await i18n.changeLanguage("en");
  });

  it("walks a real set of forms (every calculator, nested fields, options)", () => {
    expect(new Set(fields.map((f) => f.calculator)).size).toBe(CALCULATORS.length);
    expect(fields.length).toBeGreaterThan(250);
    expect(codes.size).toBeGreaterThan(100);
  });

  it("every field has a label in English and in Chinese", () => {
    const missing = (catalogue: typeof en) =>
      fields.filter((f) => !worded(catalogue, "field", f.key)).map((f) => `${f.calculator}.${f.key}`);
    expect(missing(en)).toEqual([]);
    expect(missing(zhCN)).toEqual([]);
    const notChinese = fields.filter((f) => !/\p{Script=Han}/u.test(worded(zhCN, "field", f.key)!));
    expect(notChinese.map((f) => f.key)).toEqual([]);
  });

  it("every option has its words in both languages; signs such as < are shown as they are", () => {
    const named = [...codes.keys()].filter((c) => /[A-Za-z]/.test(c));
    expect(named.filter((c) => !worded(en, "choice", c))).toEqual([]);
    expect(named.filter((c) => !worded(zhCN, "choice", c))).toEqual([]);
  });

  it("help shown in English never uses a field key, an option code or a JSON value", () => {
    const keys = new Set(fields.map((f) => f.key));
    const leaks = fields.flatMap((f) => {
      const help = fieldHelp(f.key, f.description);
      if (!help) return [];
      const words = help.match(/[A-Za-z0-9_]+/g) ?? [];
      const bad = words.filter(
        (w) =>
          (keys.has(w) && /[a-z][A-Z]/.test(w)) ||
          (codes.has(w) && /[A-Z]{2}/.test(w) && !CLINICAL_ABBREVIATIONS.has(w)) ||
          ["true", "false", "null"].includes(w),
      );
      return bad.length ? [`${f.calculator}.${f.key}: ${bad.join(", ")}`] : [];
    });
    expect(leaks).toEqual([]);
    // The help that is shown is still shown: most fields keep their description.
    expect(fields.filter((f) => fieldHelp(f.key, f.description)).length).toBeGreaterThan(250);
  });

  it("a description's sentences written for API clients are left out rather than shown to a nurse", () => {
    expect(fieldHelp("x", "Which weight: ACTUAL (weightKg), IDEAL (needs heightCm)")).toBeUndefined();
    expect(fieldHelp("x", "true if present in the scoring window")).toBeUndefined();
    expect(fieldHelp("x", "New lesions ([] when none)")).toBeUndefined();
    expect(fieldHelp("x", "Height in cm")).toBe("Height in cm");
    // the definition stays, the sentence for API clients goes
    expect(
      fieldHelp(
        "psychosis",
        "SLEDAI-2K descriptor 2 (Psychosis, weight 8): severe disturbance in the perception of reality; uraemia and drugs excluded. true if present in the scoring window and attributable to SLE",
      ),
    ).toBe(
      "SLEDAI-2K descriptor 2 (Psychosis, weight 8): severe disturbance in the perception of reality; uraemia and drugs excluded.",
    );
  });

  it("SLEDAI-2K's descriptors carry their definition in both languages wherever SLEDAI-2K is asked; EULAR/ACR's fields of the same name keep their own", async () => {
    const schemaOf = (name: string) =>
      z.toJSONSchema(findCalculator(name)!.input, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const help = (c: typeof en) => c.help.sledai2k as Record<string, string>;
    for (const d of SLEDAI_2K_DESCRIPTORS) {
      expect(help(en)[d.key], d.key).toBe(
        `Weight ${d.weight}: ${d.definition}. Yes when present in the scoring window and due to SLE.`,
      );
      expect(help(zhCN)[d.key], d.key).toMatch(new RegExp(`^权重 ${d.weight}：.+时选“是”。$`, "u"));
      expect(schemaOf("sledai-2k").properties![d.key]!["x-helpKey"]).toBe(`sledai2k.${d.key}`);
      for (const nested of ["doris", "lldas"])
        expect(schemaOf(nested).properties!.sledai2k!.properties![d.key]!["x-helpKey"]).toBe(
          `sledai2k.${d.key}`,
        );
    }
    const eularFever = schemaOf("eular-acr-2019").properties!.fever!;
    expect(eularFever["x-helpKey"]).toBeUndefined();
    await i18n.changeLanguage("zh-CN");
    try {
      expect(fieldHelp("fever", "SLEDAI fever", "sledai2k.fever")).toBe(help(zhCN).fever);
      expect(fieldHelp("fever", eularFever.description)).toBeUndefined();
    } finally {
      await i18n.changeLanguage("en");
    }
    // In English EULAR/ACR's fever keeps its own threshold (> 38.3 °C), not SLEDAI-2K's.
    expect(fieldHelp("fever", eularFever.description)).toMatch(/38\.3/);
  });
});
