/**
 * Coded sentences (issue 11, decision 0041). A rule that explains itself ("Grade 3: high-flow
 * oxygen (facemask).") says it once here as a template with a stable code, and the same call gives
 * the English sentence (kept for API and CLI clients) and the code with its parameters, which the
 * web app words in the reader's language from its catalogues. The numbers a sentence quotes
 * (temperatures, thresholds, grades) travel as parameters, so no reader recomputes a rule.
 *
 * Templates use i18next's syntax, which the web catalogues share:
 * - `{{name}}` a number or text as given;
 * - `{{name, term}}` a qualified code "group.CODE" (e.g. "oxygenDevice.HFNC") worded from the
 *   family's term tables (catalogue key `reasons.term.group.CODE`);
 * - `{{name, terms}}` a list of such codes, joined with " + ";
 * - `{{name, termlist}}` a list of such codes as an enumeration, joined with ", " (the Chinese
 *   catalogue joins with "、");
 * - `{{name, capterm}}` a term opening a sentence, its first letter capitalised in English;
 * - `{{name, dayspans}}` a list of study-day spans "3" or "3–8", worded "day 3, days 5–8" (the
 *   catalogues word a span under `reasonFormat.day` / `reasonFormat.days`);
 * - `{{name, phrases}}` a list of such parts as an enumeration (", " in English, "、" in Chinese);
 * - `{{name, clauses}}` a list of such parts joined with "; " (the Chinese catalogue joins with "；");
 * - `{{name, sum}}` a list of such parts joined with " + " in every language (the products of a sum);
 * - `{{name, phrase}}` a part of a sentence that is itself coded ({code, params}, one level deep:
 *   a phrase's own parameters are plain values or terms), e.g. the hypotension a grade quotes.
 */

export type PlainParam = number | string | readonly string[];
/** A coded part of a sentence, worded like a sentence; its parameters are plain. */
export interface Phrase {
  code: string;
  params: Record<string, PlainParam>;
}
export type ReasonParam = PlainParam | Phrase | readonly Phrase[];
export type ReasonParams = Record<string, ReasonParam>;

/** What the API sends beside each English sentence: a stable code and the values it quotes. */
export interface ReasonCode {
  code: string;
  params: ReasonParams;
}

/** A sentence of a rule: its code and parameters, and its English wording. */
export interface Reason extends ReasonCode {
  text: string;
}

/** English wording of the codes a term parameter may carry, by group ("oxygenDevice" → HFNC → …). */
export type TermTables = Record<string, Readonly<Record<string, string>>>;

export interface ReasonFamily<K extends string = string> {
  /** code prefix, e.g. "crs": codes read "crs.fever.counted" */
  prefix: string;
  /** English templates by key (the code without the prefix) */
  templates: Readonly<Record<K, string>>;
  terms: TermTables;
  /** The sentence `key` with `params`: code, parameters and English text. */
  say(key: K, params?: ReasonParams): Reason;
  /** The part of a sentence `key`, to pass as a `{{x, phrase}}` parameter of another. */
  phrase(key: K, params?: Record<string, PlainParam>): Phrase;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*(?:,\s*(\w+)\s*)?\}\}/g;

/** The placeholders of a template with their format ("" for plain), in order. */
export function templatePlaceholders(template: string): { name: string; format: string }[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1]!, format: m[2] ?? "" }));
}

function termText(terms: TermTables, qualified: string): string {
  const dot = qualified.indexOf(".");
  const text = dot > 0 ? terms[qualified.slice(0, dot)]?.[qualified.slice(dot + 1)] : undefined;
  if (text === undefined) throw new Error(`No English wording for the term ${qualified}`);
  return text;
}

/**
 * Words a template in English; `phraseTemplate` finds the template of a phrase's code. A missing
 * parameter, term or phrase is a programming error.
 */
export function renderEnglish(
  template: string,
  params: ReasonParams,
  terms: TermTables,
  phraseTemplate: (code: string) => string | undefined,
): string {
  return template.replace(PLACEHOLDER, (_, name: string, format: string | undefined) => {
    const v = params[name];
    if (v === undefined) throw new Error(`Parameter ${name} missing for "${template}"`);
    const phrase = (p: Phrase) => {
      const t = phraseTemplate(p.code);
      if (t === undefined) throw new Error(`No template for the phrase ${p.code}`);
      return renderEnglish(t, p.params, terms, () => undefined);
    };
    if (format === "phrase") return phrase(v as Phrase);
    if (format === "phrases") return (v as readonly Phrase[]).map(phrase).join(", ");
    if (format === "clauses") return (v as readonly Phrase[]).map(phrase).join("; ");
    if (format === "sum") return (v as readonly Phrase[]).map(phrase).join(" + ");
    if (format === "term") return termText(terms, String(v));
    if (format === "terms") return (v as readonly string[]).map((t) => termText(terms, t)).join(" + ");
    if (format === "termlist") return (v as readonly string[]).map((t) => termText(terms, t)).join(", ");
    if (format === "dayspans")
      return (v as readonly string[])
        .map((span) => (span.includes("–") ? `days ${span}` : `day ${span}`))
        .join(", ");
    if (format === "capterm") {
      const t = termText(terms, String(v));
      return `${t[0]!.toUpperCase()}${t.slice(1)}`;
    }
    if (format !== undefined) throw new Error(`Unknown format ${format} in "${template}"`);
    return String(v);
  });
}

/** Defines the coded sentences of one rule family; list it in reason-codes.ts so its codes are checked. */
export function reasonFamily<const T extends Record<string, string>>(
  prefix: string,
  templates: T,
  terms: TermTables = {},
): ReasonFamily<Extract<keyof T, string>> {
  const own = (code: string) =>
    code.startsWith(`${prefix}.`)
      ? (templates as Record<string, string>)[code.slice(prefix.length + 1)]
      : undefined;
  return {
    prefix,
    templates,
    terms,
    say(key, params = {}) {
      return {
        code: `${prefix}.${key}`,
        params,
        text: renderEnglish(templates[key] as string, params, terms, own),
      };
    },
    phrase(key, params = {}) {
      return { code: `${prefix}.${key}`, params };
    },
  };
}

/** A reason as the rules collect it: coded, or an English sentence not yet coded. */
export type ReasonEntry = string | Reason;

/** Splits collected reasons into the English sentences and, in the same order, their codes (null: not coded). */
export function splitReasons(entries: readonly ReasonEntry[]): {
  reasons: string[];
  reasonCodes: (ReasonCode | null)[];
} {
  return {
    reasons: entries.map((e) => (typeof e === "string" ? e : e.text)),
    reasonCodes: entries.map((e) => (typeof e === "string" ? null : { code: e.code, params: e.params })),
  };
}
