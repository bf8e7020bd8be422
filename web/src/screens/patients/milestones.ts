/**
 * The story of a treatment at a glance (issue 11): the few moments a clinician looks for first, in
 * study-day order — day 0, the first complete response, walking unaided again, anti-dsDNA
 * seroconversion, drug-free remission. Each comes from the server's derived endpoints (met, with
 * their study day; src/domain/endpoints) or from a recorded functional-status event; nothing is
 * computed here, only chosen and named.
 */
import type { DerivedEndpoint, TimelineItem } from "../../api/types.ts";

export interface Milestone {
  day: number;
  date: string | null;
  label: string;
  /** the catalogue key of the label (patient.milestones.*), when it is one of ours and not recorded text */
  labelKey?: "infusion" | "completeResponse" | "antiDsDnaNegative" | "drugFreeRemission";
  /** a few letters for a mark on a chart, where the full label would overlap its neighbours */
  mark: string;
}

/** Endpoint keys shown as milestones, with the short name a chart line can carry. */
const FROM_ENDPOINTS: [
  key: string,
  label: string,
  labelKey: NonNullable<Milestone["labelKey"]>,
  mark: string,
][] = [
  ["first-complete-response", "Complete response", "completeResponse", "CR"],
  ["seroconversion-anti-dsdna", "Anti-dsDNA negative", "antiDsDnaNegative", "dsDNA−"],
  ["drug-free-remission", "Drug-free remission", "drugFreeRemission", "drug-free"],
];

export function storyMilestones(
  infusionDate: string | null,
  endpoints: DerivedEndpoint[],
  timeline: TimelineItem[],
): Milestone[] {
  if (!infusionDate) return [];
  const found: Milestone[] = [
    { day: 0, date: infusionDate, label: "Infusion (day 0)", labelKey: "infusion", mark: "Day 0" },
  ];
  for (const [key, label, labelKey, mark] of FROM_ENDPOINTS) {
    const e = endpoints.find((x) => x.key === key && x.status === "met" && x.studyDay !== null);
    if (e) found.push({ day: e.studyDay!, date: e.date, label, labelKey, mark });
  }
  // Recorded functional milestones after the infusion (e.g. "Walks unaided"), the first of them.
  const functional = timeline
    .filter(
      (i) =>
        i.kind === "event" &&
        i.studyDay !== null &&
        i.studyDay > 0 &&
        (i.detail as { category?: string } | null)?.category === "functional-status",
    )
    .sort((a, b) => a.studyDay! - b.studyDay!)[0];
  if (functional)
    found.push({
      day: functional.studyDay!,
      date: functional.date,
      label: functional.summary,
      // "Walks unaided; wheelchair no longer needed" → "Walks unaided": the summary's first clause.
      mark: functional.summary.split(/[;,.]/)[0]!.slice(0, 16),
    });
  return found.sort((a, b) => a.day - b.day);
}
