/**
 * A visit's name in the reader's language. The default schedule's names ("Day 28", "Month 3") are
 * worded by the catalogues from the visit's code; a name a study gave its visit is shown as the
 * study wrote it (domain/visit-names.ts decides which is which).
 */
import { standardVisitName } from "../../../src/domain/visit-names.ts";
import { i18n } from "../i18n/index.ts";

export function visitName(code: string, label: string): string {
  const standard = standardVisitName(code, label);
  return standard ? i18n.t(`visitName.${standard.unit}`, { n: standard.n }) : label;
}
