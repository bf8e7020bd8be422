/**
 * The languages the web app is written in, as BCP 47 tags (the same tags `Intl` and the browser's
 * `navigator.languages` use). English is the reference text; Simplified Chinese (zh-CN) follows
 * it key for key (web/src/i18n/).
 */
export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
