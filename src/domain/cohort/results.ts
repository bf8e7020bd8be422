/** What the cohort-results API, CLI and reports return for one cohort definition. */
import type { CohortDefinition } from "./definition.ts";
import type { TreatedPatient } from "./patient-outcome.ts";
import type { CohortSummary, Grouping } from "./summary.ts";

export interface CohortOutcomes {
  definition: CohortDefinition;
  grouping: Grouping;
  /** the canonical query string of the definition, for links */
  query: string;
  description: string;
  /** the data cut: the given asOf, else today at the latest of the sites' zones */
  dataCut: string;
  generatedAt: string;
  patients: TreatedPatient[];
  summary: CohortSummary;
}
