/**
 * The app's language: i18next with the two catalogues in this folder (docs/decisions/0030).
 * Before login the app follows what this device chose last, else the browser's languages; after
 * login the user's choice stored on the server wins (GET/PUT /api/v1/auth/language), so it follows
 * the user from the ward PC to a tablet.
 */
import i18next from "i18next";
import { en } from "./en.ts";
import { addReasonFormats } from "./reasons.ts";
import { zhCN } from "./zh-CN.ts";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

const DEVICE_KEY = "v2v.language";

/** The browser's globals, absent when the catalogue code runs in a unit test under Node. */
const browser = globalThis as unknown as {
  document?: { documentElement: { lang: string } };
  localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  navigator?: { languages?: readonly string[] };
};

export const isLanguage = (v: unknown): v is Language => LANGUAGES.includes(v as Language);

/** The browser's first language we have a catalogue for: any Chinese reads Simplified Chinese. */
export function browserLanguage(preferred: readonly string[] = browser.navigator?.languages ?? []): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function initialLanguage(): Language {
  const stored = browser.localStorage?.getItem(DEVICE_KEY) ?? null;
  return isLanguage(stored) ? stored : browserLanguage();
}

export const i18n = i18next.createInstance();
// React finds this instance through <I18nextProvider> (main.tsx); this module stays free of React
// so the unit tests of the catalogues and formats run under Node.
void i18n.init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: "en",
  // React escapes text itself.
  interpolation: { escapeValue: false },
  returnNull: false,
  // The catalogues are in the bundle: ready before the first render.
  initAsync: false,
});
addReasonFormats(i18n);
// <html lang> follows, so screen readers and fonts (CJK glyphs) pick the right language.
const markPage = (lng: string) => {
  if (browser.document) browser.document.documentElement.lang = lng;
};
markPage(i18n.language);
i18n.on("languageChanged", markPage);

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : "en";
}

/** Shows the app in `language` and remembers it on this device (the server copy is the session's job). */
export async function showIn(language: Language): Promise<void> {
  browser.localStorage?.setItem(DEVICE_KEY, language);
  if (i18n.language !== language) await i18n.changeLanguage(language);
}
