export { clopperPearson, type Proportion } from "./binomial.ts";
export { averageRanks, type RankCorrelation, spearman } from "./correlation.ts";
export {
  type CompetingTime,
  type CumulativeIncidence,
  cumulativeIncidence,
  type IncidenceStep,
  incidenceAt,
} from "./cumulative-incidence.ts";
export { pchisqUpper, pt, qbeta, qnorm, zForLevel } from "./distributions.ts";
export {
  type Estimate,
  type KaplanMeier,
  type KaplanMeierStep,
  kaplanMeier,
  logLogInterval,
  type SurvivalAtTime,
  type SurvivalTime,
  survivalAt,
} from "./kaplan-meier.ts";
export { type LogRankGroup, type LogRankResult, logRank } from "./log-rank.ts";
export { type MedianRange, medianRange } from "./median-range.ts";
