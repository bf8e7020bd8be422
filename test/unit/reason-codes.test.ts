/**
 * Coded reasons (decision 0041): every code and term the server can emit, enumerated from the
 * domain's families, is worded in both web catalogues with the same placeholders; the English
 * catalogue says exactly what the server says; and the web renderer, fed the codes of real
 * calculator runs, gives back the server's English and a Chinese sentence with the values filled in.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CalculatorResult } from "../../src/domain/calculators/calculator.ts";
import { crs } from "../../src/domain/calculators/crs-icans/crs.ts";
import { allReasonTemplates, allReasonTerms, REASON_FAMILIES } from "../../src/domain/reason-codes.ts";
import { templatePlaceholders } from "../../src/domain/reasons.ts";
import { en } from "../../web/src/i18n/en.ts";
import { showIn } from "../../web/src/i18n/index.ts";
import { reasonTexts } from "../../web/src/i18n/reasons.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";

const ROOT = resolve(import.meta.dirname, "../..");

function at(catalogue: object, path: string): unknown {
  let o: unknown = catalogue;
  for (const p of path.split("."))
    o = o && typeof o === "object" ? (o as Record<string, unknown>)[p] : undefined;
  return o;
}

function leafKeys(obj: object, prefix: string): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "string" ? [`${prefix}.${k}`] : leafKeys(v as object, `${prefix}.${k}`),
  );
}

const shape = (t: string) =>
  templatePlaceholders(t)
    .map((p) => `${p.name},${p.format}`)
    .sort()
    .join(" ");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("every code the server can emit is in both catalogues", () => {
  const templates = allReasonTemplates();
  const terms = allReasonTerms();

  it("enumerates the codes from the domain's families, each family listed once", () => {
    // A family defined in src/ but not listed in reason-codes.ts would escape this test.
    const defined = sourceFiles(join(ROOT, "src"))
      .filter((f) => !f.endsWith("domain/reasons.ts"))
      .flatMap((f) => [...readFileSync(f, "utf8").matchAll(/reasonFamily\(\s*"([\w-]+)"/g)].map((m) => m[1]));
    expect(defined.sort()).toEqual(REASON_FAMILIES.map((f) => f.prefix).sort());
    expect(templates.size).toBeGreaterThan(20);
  });

  it("the English catalogue has each code's template word for word; the Chinese one has each code with the same placeholders", () => {
    const problems: string[] = [];
    for (const [code, template] of templates) {
      const english = at(en, `reasons.${code}`);
      const chinese = at(zhCN, `reasons.${code}`);
      if (english !== template) problems.push(`en reasons.${code}`);
      if (typeof chinese !== "string" || !/\p{Script=Han}/u.test(chinese))
        problems.push(`zh-CN reasons.${code}`);
      else if (shape(chinese) !== shape(template)) problems.push(`zh-CN reasons.${code} placeholders`);
    }
    expect(problems).toEqual([]);
  });

  it("every term a sentence can quote is worded in both catalogues", () => {
    const problems: string[] = [];
    for (const [term, text] of terms) {
      if (at(en, `reasons.term.${term}`) !== text) problems.push(`en ${term}`);
      if (typeof at(zhCN, `reasons.term.${term}`) !== "string") problems.push(`zh-CN ${term}`);
    }
    expect(problems).toEqual([]);
  });

  it("the catalogues hold no code the server no longer emits", () => {
    const known = new Set([...[...templates.keys()], ...[...terms.keys()].map((t) => `term.${t}`)]);
    for (const catalogue of [en, zhCN])
      expect(
        leafKeys(catalogue.reasons, "")
          .map((k) => k.slice(1))
          .filter((k) => !known.has(k)),
      ).toEqual([]);
  });
});

/** Runs and the codes they emitted, across the CRS table (fever, hypotension, oxygen, other causes). */
function crsRuns(): CalculatorResult[] {
  const out: CalculatorResult[] = [];
  const pressors: [string, string[] | undefined][] = [
    ["NONE", undefined],
    ["NO_VASOPRESSOR", undefined],
    ["ONE_VASOPRESSOR", undefined],
    ["ONE_VASOPRESSOR", ["NOREPINEPHRINE"]],
    ["ONE_VASOPRESSOR", ["NOREPINEPHRINE", "VASOPRESSIN"]],
    ["MULTIPLE_VASOPRESSORS", undefined],
    ["MULTIPLE_VASOPRESSORS", ["NOREPINEPHRINE", "EPINEPHRINE"]],
  ];
  const oxygen: [string, number | undefined][] = [
    ["NONE", undefined],
    ["NASAL_CANNULA", 4],
    ["NASAL_CANNULA", 8],
    ["BLOW_BY", undefined],
    ["FACEMASK", undefined],
    ["BIPAP", undefined],
  ];
  for (const [tempMaxC, feverOtherCause] of [
    [37.2, undefined],
    [38.6, false],
    [38.6, true],
  ] as const)
    for (const [crsAlreadyDiagnosed, feverMaskingTherapyGiven] of [
      [false, undefined],
      [true, true],
    ] as const)
      for (const [hypotension, vasopressors] of pressors)
        for (const [oxygenDevice, oxygenFlowLpm] of oxygen)
          for (const otherCause of [false, true])
            out.push(
              crs.run({
                tempMaxC,
                feverOtherCause,
                crsAlreadyDiagnosed,
                feverMaskingTherapyGiven,
                hypotension,
                vasopressors,
                hypotensionOtherCause: hypotension === "NONE" ? undefined : otherCause,
                oxygenDevice,
                oxygenFlowLpm,
                hypoxiaOtherCause: oxygenDevice === "NONE" ? undefined : otherCause,
                deathDueToCrs: false,
              }),
            );
  out.push(
    crs.run({
      tempMaxC: 39,
      feverOtherCause: false,
      crsAlreadyDiagnosed: true,
      feverMaskingTherapyGiven: false,
      hypotension: "NONE",
      oxygenDevice: "NONE",
      deathDueToCrs: true,
    }),
  );
  return out;
}

describe("the web app words real results from their codes", () => {
  afterAll(() => showIn("en"));
  const runs = crsRuns();

  it("CRS runs reach every CRS code, and every sentence is coded", () => {
    const emitted = new Set(runs.flatMap((r) => r.reasonCodes.map((c) => c?.code)));
    const phrases = new Set(
      runs.flatMap((r) =>
        r.reasonCodes.flatMap((c) =>
          Object.values(c?.params ?? {}).flatMap((p) =>
            typeof p === "object" && "code" in p ? [p.code] : [],
          ),
        ),
      ),
    );
    expect(emitted.has(undefined)).toBe(false);
    const crsCodes = [...allReasonTemplates().keys()].filter((c) => c.startsWith("crs."));
    expect(crsCodes.filter((c) => !emitted.has(c) && !phrases.has(c))).toEqual([]);
  });

  it("in English, the catalogue gives back the server's sentence for every CRS run", async () => {
    await showIn("en");
    const differing = runs.flatMap((r) =>
      reasonTexts(r.reasons, r.reasonCodes).filter((text, i) => text !== r.reasons[i]),
    );
    expect(differing).toEqual([]);
  });

  it("in Chinese, every CRS sentence is worded with its values and no English or placeholder left", async () => {
    await showIn("zh-CN");
    const bad = runs.flatMap((r) =>
      reasonTexts(r.reasons, r.reasonCodes).filter(
        (t) => /\{\{|[a-z]{5,}/.test(t.replace(/blow-by|Lee|Table/g, "")) || !/\p{Script=Han}/u.test(t),
      ),
    );
    expect(bad).toEqual([]);
  });

  it("words a grade 3 CRS (fever, norepinephrine plus vasopressin, nasal cannula 4 L/min) in Chinese", async () => {
    const r = crs.run({
      tempMaxC: 39.2,
      feverOtherCause: false,
      crsAlreadyDiagnosed: false,
      hypotension: "ONE_VASOPRESSOR",
      vasopressors: ["NOREPINEPHRINE", "VASOPRESSIN"],
      hypotensionOtherCause: false,
      oxygenDevice: "NASAL_CANNULA",
      oxygenFlowLpm: 4,
      hypoxiaOtherCause: false,
      deathDueToCrs: false,
    });
    expect(r.value).toBe(3);
    await showIn("zh-CN");
    expect(reasonTexts(r.reasons, r.reasonCodes)).toEqual([
      "发热：最高体温 39.2 °C ≥ 38.0 °C，且不能归因于其他原因。",
      "3 级：低血压，需要一种血管活性药物（去甲肾上腺素 + 血管加压素）；血管加压素不计为第二种血管活性药物。",
      "2 级：低流量吸氧（鼻导管 4 L/min ≤ 6 L/min）。",
      "按较重的事件分级：低血压 3 级，低氧 2 级 → 3 级。",
    ]);
  });

  it("falls back to the server's English for an unknown code or a sentence not yet coded", async () => {
    await showIn("zh-CN");
    expect(
      reasonTexts(
        ["From a newer server.", "Not coded yet.", "Stored before codes."],
        [{ code: "crs.fromTheFuture", params: {} }, null],
      ),
    ).toEqual(["From a newer server.", "Not coded yet.", "Stored before codes."]);
  });
});
