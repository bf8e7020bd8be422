/**
 * A cohort definition: which treated patients a set of results is about. The same definition is
 * read from a URL query (the web app's address bar, so a view can be shared by link), from the
 * API's query string and from CLI options, and it is written back in one canonical order so that
 * two links to the same cohort are the same link.
 *
 * Lists are comma-separated (`indication=lymphoma,overlap`); within a list any value matches, and
 * different keys must all match. `target=BCMA` keeps patients whose study product targets BCMA,
 * whether alone or with CD19. `asOf` is the data cut: nothing recorded after that date counts.
 */
import { z } from "zod";
import { CalendarDate, Uuid } from "../schemas/common.ts";
import { CAR_FORMATS, CAR_TARGETS } from "../schemas/study.ts";
import { INDICATIONS } from "./indication.ts";
import { GROUPINGS } from "./summary.ts";

const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== "")
        : v,
    z.array(item).min(1).max(50),
  );

const Code = z.string().trim().min(1).max(30);

const fields = {
  study: list(Uuid).optional().describe("study ids, comma-separated"),
  arm: list(Code).optional().describe("arm codes, e.g. LYM,AID"),
  doseLevel: list(Code).optional().describe("dose-level codes, e.g. DL1,DL2"),
  target: list(z.enum(CAR_TARGETS)).optional().describe("the study product targets any of these antigens"),
  format: list(z.enum(CAR_FORMATS)).optional().describe("the study product's construct format"),
  site: list(Code).optional().describe("site codes, e.g. SZ,WH"),
  indication: list(z.enum(INDICATIONS)).optional().describe("lymphoma, myeloma, sle, overlap"),
  infusedFrom: CalendarDate.optional().describe("first infusion on or after this date"),
  infusedTo: CalendarDate.optional().describe("first infusion on or before this date"),
  asOf: CalendarDate.optional().describe("data cut: records after this date are not counted"),
};

function checkDates(d: { infusedFrom?: string; infusedTo?: string; asOf?: string }, ctx: z.RefinementCtx) {
  if (d.infusedFrom && d.infusedTo && d.infusedFrom > d.infusedTo)
    ctx.addIssue({ code: "custom", path: ["infusedTo"], message: "infusedTo is before infusedFrom" });
  if (d.asOf && d.infusedFrom && d.asOf < d.infusedFrom)
    ctx.addIssue({
      code: "custom",
      path: ["asOf"],
      message: "the data cut is before the first infusion asked for",
    });
}

export const CohortDefinition = z.object(fields).strict().superRefine(checkDates);
export type CohortDefinition = z.infer<typeof CohortDefinition>;

/** The definition plus how to split the results (the API's and CLI's query). */
export const CohortResultsQuery = z
  .object({
    ...fields,
    groupBy: z.enum(GROUPINGS).default("indication").describe("split the results by this"),
  })
  .strict()
  .superRefine(checkDates);

const ORDER = [
  "study",
  "arm",
  "doseLevel",
  "target",
  "format",
  "site",
  "indication",
  "infusedFrom",
  "infusedTo",
  "asOf",
] as const satisfies readonly (keyof CohortDefinition)[];

/** The canonical query string of a definition (without "?"); "" for the whole program. */
export function cohortQuery(d: CohortDefinition): string {
  const params = new URLSearchParams();
  for (const key of ORDER) {
    const v = d[key];
    if (v === undefined) continue;
    params.set(key, Array.isArray(v) ? [...new Set<string>(v)].sort().join(",") : v);
  }
  // URLSearchParams escapes commas; they are safe in a query and easier to read unescaped.
  return params.toString().replaceAll("%2C", ",");
}

/**
 * One line a reader can check, e.g. "indication lymphoma, overlap · infused 2020-01-01 to 2024-12-31".
 * The data cut is not part of it: results always state their data cut on their own.
 */
export function describeCohort(d: CohortDefinition): string {
  const parts: string[] = [];
  const join = (v: readonly string[]) => [...v].sort().join(", ");
  if (d.study) parts.push(`study ${join(d.study)}`);
  if (d.arm) parts.push(`arm ${join(d.arm)}`);
  if (d.doseLevel) parts.push(`dose level ${join(d.doseLevel)}`);
  if (d.target) parts.push(`targets ${join(d.target)}`);
  if (d.format) parts.push(`format ${join(d.format)}`);
  if (d.site) parts.push(`site ${join(d.site)}`);
  if (d.indication) parts.push(`indication ${join(d.indication)}`);
  if (d.infusedFrom || d.infusedTo)
    parts.push(`infused ${d.infusedFrom ?? "any date"} to ${d.infusedTo ?? "today"}`);
  return parts.length === 0 ? "every infused patient" : parts.join(" · ");
}
