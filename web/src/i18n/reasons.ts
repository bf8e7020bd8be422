/**
 * Sentences the server computes (a calculator's reasons) in the reader's language (decision 0041).
 * Beside each English sentence the API sends a stable code and the values it quotes; the catalogues
 * word the code under `reasons.<code>`. Templates share i18next's syntax with the server's:
 * `{{x, term}}` words a qualified code ("oxygenDevice.HFNC") from `reasons.term`, `{{x, terms}}` a
 * list of them (`{{x, termlist}}` as an enumeration, `{{x, capterm}}` opening a sentence), `{{x, phrase}}` a coded part of the sentence
 * (`{{x, phrases}}`, `{{x, clauses}}`, `{{x, sum}}` a list of them joined by ", ", "; ", " + "). A code the catalogue does not know (a
 * newer server, a sentence not yet coded) shows the server's English.
 */
import type { i18n as I18n } from "i18next";
import { i18n } from "./index.ts";

export type PlainParam = number | string | readonly string[];
export interface ReasonPhrase {
  code: string;
  params: Record<string, PlainParam>;
}
export interface ReasonCode {
  code: string;
  params: Record<string, PlainParam | ReasonPhrase | readonly ReasonPhrase[]>;
}

const termKey = (qualified: unknown) => `reasons.term.${String(qualified)}`;

/** A lookup by a key built at run time (the typed `t` takes only literal keys). */
const translate = (instance: I18n, key: string, options: object): string =>
  String(instance.t(key as never, options as never) as unknown);

/** Registers the formats the reason templates use; index.ts calls it once. */
export function addReasonFormats(instance: I18n): void {
  const f = instance.services.formatter;
  if (!f) return;
  const word = (key: string, lng: string | undefined, fallback: string, params: object = {}) =>
    instance.exists(key, { lng }) ? translate(instance, key, { ...params, lng }) : fallback;
  f.add("term", (value, lng) => word(termKey(value), lng, String(value)));
  f.add("terms", (value, lng) =>
    (Array.isArray(value) ? value : [value]).map((v) => word(termKey(v), lng, String(v))).join(" + "),
  );
  // An enumeration: the Chinese enumeration comma 、 between items, a comma elsewhere.
  f.add("termlist", (value, lng) =>
    (Array.isArray(value) ? value : [value])
      .map((v) => word(termKey(v), lng, String(v)))
      .join(lng?.startsWith("zh") ? "、" : ", "),
  );
  // Study-day spans ("3", "5–8") of a list: "day 3, days 5–8" / "第 3 天、第 5–8 天".
  f.add("dayspans", (value, lng) =>
    (Array.isArray(value) ? value : [value])
      .map((span) =>
        String(span).includes("–")
          ? translate(instance, "reasonFormat.days", { span, lng })
          : translate(instance, "reasonFormat.day", { day: span, lng }),
      )
      .join(lng?.startsWith("zh") ? "、" : ", "),
  );
  // A term opening a sentence: capitalised as the server's English does (no-op for Chinese).
  f.add("capterm", (value, lng) => {
    const t = word(termKey(value), lng, String(value));
    return `${t.slice(0, 1).toUpperCase()}${t.slice(1)}`;
  });
  f.add("phrases", (value, lng) =>
    (Array.isArray(value) ? (value as ReasonPhrase[]) : [])
      .map((p) => word(`reasons.${p.code}`, lng, p.code, p.params))
      .join(lng?.startsWith("zh") ? "、" : ", "),
  );
  // Clauses of a list ("; " — the Chinese full-width "；") and the terms of a sum (" + " everywhere).
  f.add("clauses", (value, lng) =>
    (Array.isArray(value) ? (value as ReasonPhrase[]) : [])
      .map((p) => word(`reasons.${p.code}`, lng, p.code, p.params))
      .join(lng?.startsWith("zh") ? "；" : "; "),
  );
  f.add("sum", (value, lng) =>
    (Array.isArray(value) ? (value as ReasonPhrase[]) : [])
      .map((p) => word(`reasons.${p.code}`, lng, p.code, p.params))
      .join(" + "),
  );
  f.add("phrase", (value, lng) => {
    const p = value as ReasonPhrase;
    return word(`reasons.${p.code}`, lng, p.code, p.params);
  });
}

/** The sentence in the reader's language from its code, or the server's English when the code is unknown. */
export function reasonText(english: string, coded: ReasonCode | null | undefined): string {
  if (!coded) return english;
  const key = `reasons.${coded.code}`;
  if (!i18n.exists(key)) return english;
  return translate(i18n, key, coded.params);
}

/** All reasons of a result, worded; `codes` may be missing (results stored before codes existed). */
export function reasonTexts(
  reasons: readonly string[],
  codes: readonly (ReasonCode | null)[] | undefined,
): string[] {
  return reasons.map((r, i) => reasonText(r, codes?.[i]));
}
