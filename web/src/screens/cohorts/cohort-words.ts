/**
 * The cohort's server-written English in the reader's language: group names by their key (the
 * indication groups, all patients), the methods' notes by the analysis they describe, and the
 * cohort's one-line description from its query. English readers keep the server's sentences word
 * for word; a group or note the catalogue does not know keeps the server's English.
 */
import { lookup } from "../../api/problem-errors.ts";
import { currentLanguage, i18n } from "../../i18n/index.ts";
import { serverText } from "../../i18n/server-text.ts";

/** A group's name: "B-cell lymphoma" → B 细胞淋巴瘤 for the indication groups; codes as they are. */
export const groupLabel = (g: { key: string; label: string }): string =>
  serverText(g.label, lookup(`cohort.group.${g.key}`) ?? g.label);

/** A method note the server writes in English, by the analysis it belongs to. */
export const cohortNote = (english: string, key: string): string =>
  serverText(english, lookup(`cohort.notes.${key}`) ?? english);

/** The parts of a cohort query that narrow it, as the definition's fields name them. */
const LISTS = ["study", "arm", "doseLevel", "target", "format", "site"] as const;

/** "every infused patient", or the filters of the query, in the reader's language (English: the server's line). */
export const describeCohortQuery = (english: string, query: string): string =>
  currentLanguage() === "en" ? english : describeInReadersLanguage(query);

function describeInReadersLanguage(query: string): string {
  const q = new URLSearchParams(query);
  const list = (key: string) => (q.get(key) ?? "").split(",").filter(Boolean).sort();
  const sep = i18n.t("cohort.describe.separator");
  const parts: string[] = [];
  for (const key of LISTS)
    if (list(key).length) parts.push(i18n.t(`cohort.describe.${key}`, { values: list(key).join(sep) }));
  if (list("indication").length)
    parts.push(
      i18n.t("cohort.describe.indication", {
        values: list("indication")
          .map((k) => lookup(`cohort.group.${k}`) ?? k)
          .join(sep),
      }),
    );
  const from = q.get("infusedFrom");
  const to = q.get("infusedTo");
  if (from || to)
    parts.push(
      i18n.t("cohort.describe.infused", {
        from: from ?? i18n.t("cohort.describe.anyDate"),
        to: to ?? i18n.t("cohort.describe.today"),
      }),
    );
  return parts.length ? parts.join(" · ") : i18n.t("cohort.describe.all");
}
