/**
 * What a refused request says, in the reader's language. Translated by the problem's stable codes
 * only — the `rule` of a refusal (V2V-…), the last segment of its `type` URI, and each field
 * issue's `code` with its `limit` — never by reading the English `detail`, which is shown only in
 * English and only where no catalogue entry says more.
 */
import { currentLanguage, i18n } from "../i18n/index.ts";
import { ApiError, type ProblemIssue } from "./client.ts";

export interface FieldIssue {
  /** JSON Pointer into the body sent (prefixed with `query:` or `params:` for those) */
  path: string;
  /** what is wrong there, in the reader's language */
  message: string;
}

/** A catalogue lookup by a code the server sends; undefined when the catalogue has no entry. */
export function lookup(key: string, values: Record<string, unknown> = {}): string | undefined {
  return i18n.exists(key) ? String(i18n.t(key as never, values as never)) : undefined;
}

/** The problem's code: "rule-violation" from "https://vein2vein.org/problems/rule-violation". */
function typeCode(e: ApiError): string | undefined {
  const type = (e.problem as { type?: string }).type;
  return typeof type === "string" ? type.slice(type.lastIndexOf("/") + 1) : undefined;
}

/** The sentence for a refused request: in English the server's; else the rule's, the problem type's, or the status. */
export function problemMessage(e: unknown): string {
  if (!(e instanceof ApiError)) {
    if (e instanceof TypeError) return i18n.t("common.couldNotReach");
    return e instanceof Error ? e.message : String(e);
  }
  // English readers get the server's own sentence, which often names the record concerned.
  if (currentLanguage() === "en" && e.problem.detail) return e.problem.detail;
  const rule = e.problem.rule ? lookup(`problem.rule.${e.problem.rule}`) : undefined;
  if (rule) return rule;
  const code = typeCode(e);
  return (
    (code ? lookup(`problem.type.${code}`) : undefined) ??
    (e.status >= 500 ? i18n.t("problem.type.internal") : i18n.t("problem.type.other", { status: e.status }))
  );
}

/** The unit a field's name ends in, for "must be at most 45 °C". */
const UNITS: [RegExp, string][] = [
  [/CellsPerUL$/, " cells/µL"],
  [/GPerDL$/, " g/dL"],
  [/NgPerML$/, " ng/mL"],
  [/MgPerDL$/, " mg/dL"],
  [/MgPerL$/, " mg/L"],
  [/UPerL$/, " U/L"],
  [/Lpm$/, " L/min"],
  [/Minutes$/, " min"],
  [/Years$/, " y"],
  [/Kg$/, " kg"],
  [/Cm$/, " cm"],
  [/C$/, " °C"],
];

export function unitOf(name: string): string {
  for (const [re, unit] of UNITS) if (re.test(name) && name.replace(re, "").length > 0) return unit;
  return "";
}

/**
 * One field issue in the reader's language. `field` is the label the screen shows for that field
 * (the last segment of the pointer when the screen has none).
 */
export function issueMessage(issue: ProblemIssue, field?: string): string {
  const name = issue.pointer.split("/").filter(Boolean).at(-1) ?? "";
  // Never the field's code name ("tempMaxC"): its catalogue label, else "This value".
  const label = field ?? lookup(`field.${name}`) ?? i18n.t(name ? "common.thisValue" : "common.theForm");
  const values = { field: label, limit: issue.limit, unit: unitOf(name) };
  const code = issue.code ?? "";
  if ((code === "too_big" || code === "too_small") && typeof issue.limit === "number")
    return i18n.t(issue.inclusive === false ? `issue.${code}_exclusive` : `issue.${code}`, values);
  // A rule written for one field ("required when the temperature is 38.0 °C or more") is its own
  // sentence on the server; in English it is shown as written, in Chinese by its code's meaning.
  if (code === "custom" || !code) {
    if (currentLanguage() === "en" && issue.detail) return issue.detail;
    return i18n.t("issue.custom", values);
  }
  // A rule's own code (a calculator's input check, e.g. "crs_hfnc_low_flow"): in English the
  // server's sentence, which may quote the values entered; otherwise its catalogue wording.
  return (
    lookup(`issue.${code}`, values) ??
    (currentLanguage() === "en" ? issue.detail : undefined) ??
    lookup(`issue.rule.${code}`, values) ??
    i18n.t("issue.custom", values)
  );
}

export function problemErrors(e: unknown): FieldIssue[] {
  if (!(e instanceof ApiError)) return [];
  return (e.problem.errors ?? []).map((x) => ({
    path: x.in && x.in !== "body" ? `${x.in}:${x.pointer}` : x.pointer,
    message: issueMessage(x),
  }));
}
