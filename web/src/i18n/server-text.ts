import { currentLanguage } from "./index.ts";

/**
 * A sentence the server computes in English (a grade's label "Early ICAHT grade 3 (provisional)",
 * a calculator's reasons) shown as written to English readers; other readers get `translated`,
 * built from the codes and numbers that came with it, which may say less.
 */
export function serverText(english: string, translated: string): string {
  return currentLanguage() === "en" ? english : translated;
}
