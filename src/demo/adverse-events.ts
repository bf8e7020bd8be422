/**
 * The demo's adverse events: for every infused patient the CRS and ICANS episodes already told by
 * the story's events and gradings (ASTCT grade, attribution definite), febrile neutropenia during
 * the aplasia after lymphodepletion, and infections in the windows CAR-T series count them in
 * (days 0–28, 29–90, after day 90; Hill et al., Blood 2018; Cordeiro et al., BBMT 2020), at
 * roughly those series' frequencies: early infections mostly bacterial, later ones mostly viral.
 * Drawn from their own random stream so adding them moved no other value of the demo.
 */
import type { z } from "zod";
import { type AdverseEventCreate, aeTerm, type PathogenClass } from "../domain/adverse-events.ts";
import { addDays } from "../domain/calendar.ts";
import type { Random } from "./random.ts";

export type AdverseEventPlan = Omit<z.input<typeof AdverseEventCreate>, "patientId">;

const SYNTHETIC = "Synthetic adverse event for the demo cohort.";

interface Toxicity {
  infusion: string;
  crs: { grade: number; onset: number; resolved: number };
  icans: { grade: number; day: number };
  /** the patient's last day in the story (death or the demo's today), as a study day */
  lastDay: number;
}

/** An infection the patient might have had in one window: probability, days, terms by pathogen. */
interface InfectionRisk {
  probability: number;
  from: number;
  to: number;
  pathogens: readonly PathogenClass[];
}

const INFECTION_RISKS: readonly InfectionRisk[] = [
  {
    probability: 0.25,
    from: 3,
    to: 28,
    pathogens: ["bacterial", "bacterial", "bacterial", "viral", "fungal"],
  },
  { probability: 0.2, from: 29, to: 90, pathogens: ["viral", "viral", "bacterial", "unidentified"] },
  { probability: 0.15, from: 91, to: 540, pathogens: ["viral", "bacterial", "viral"] },
];

const ORGANISMS: Record<PathogenClass, readonly { term: string; organism: string | null }[]> = {
  bacterial: [
    { term: "Lung infection", organism: "Klebsiella pneumoniae" },
    { term: "Urinary tract infection", organism: "Escherichia coli" },
    {
      term: "Infections and infestations - Other, specify",
      organism: "Staphylococcus epidermidis (central line)",
    },
  ],
  viral: [
    { term: "Upper respiratory infection", organism: "Rhinovirus" },
    { term: "Cytomegalovirus infection reactivation", organism: "Cytomegalovirus" },
    { term: "Lung infection", organism: "SARS-CoV-2" },
  ],
  fungal: [{ term: "Lung infection", organism: "Aspergillus fumigatus" }],
  parasitic: [],
  unidentified: [{ term: "Upper respiratory infection", organism: null }],
};

export function demoAdverseEvents(t: Toxicity, r: Random): AdverseEventPlan[] {
  const on = (d: number) => addDays(t.infusion, d);
  const events: AdverseEventPlan[] = [];
  const add = (ae: AdverseEventPlan, lastDayOfEvent: number) => {
    if (ae.onsetDate > on(t.lastDay)) return;
    // Still going at the story's end: recovering, no resolution date yet.
    if (lastDayOfEvent > t.lastDay)
      events.push({ ...ae, resolvedDate: null, outcome: "RECOVERING/RESOLVING" });
    else events.push(ae);
  };
  if (t.crs.grade > 0)
    add(
      {
        term: "Cytokine release syndrome",
        soc: "Immune system disorders",
        grade: t.crs.grade as 1 | 2 | 3,
        attribution: "definite",
        ...(t.crs.grade >= 3
          ? { serious: true, seriousCriteria: ["important-medical-event"] }
          : { serious: false, seriousCriteria: [] }),
        onsetDate: on(t.crs.onset),
        resolvedDate: on(t.crs.resolved),
        outcome: "RECOVERED/RESOLVED",
        note: SYNTHETIC,
      },
      t.crs.resolved,
    );
  if (t.icans.grade > 0)
    add(
      {
        term: "Immune effector cell-associated neurotoxicity syndrome",
        soc: "Nervous system disorders",
        grade: t.icans.grade as 1 | 2,
        attribution: "definite",
        serious: false,
        seriousCriteria: [],
        onsetDate: on(t.icans.day),
        resolvedDate: on(t.icans.day + 3),
        outcome: "RECOVERED/RESOLVED",
        note: SYNTHETIC,
      },
      t.icans.day + 3,
    );
  if (r.chance(0.35)) {
    const day = r.int(2, 9);
    const length = r.int(2, 6);
    add(
      {
        term: "Febrile neutropenia",
        soc: "Blood and lymphatic system disorders",
        grade: 3,
        attribution: "probable",
        serious: true,
        seriousCriteria: ["hospitalisation"],
        onsetDate: on(day),
        resolvedDate: on(day + length),
        outcome: "RECOVERED/RESOLVED",
        note: SYNTHETIC,
      },
      day + length,
    );
  }
  for (const risk of INFECTION_RISKS) {
    if (!r.chance(risk.probability)) continue;
    const pathogenClass = r.pick(risk.pathogens);
    const { term, organism } = r.pick(ORGANISMS[pathogenClass]);
    const day = r.int(risk.from, risk.to);
    const length = r.int(5, 21);
    const severe = r.chance(0.3);
    // A mild episode at the term's lowest CTCAE grade; grade 1 or 2 where the term allows 1.
    const lowest = aeTerm(term)!.grades[0]!;
    const grade = severe ? 3 : lowest > 1 ? lowest : r.pick([1, 2] as const);
    add(
      {
        term,
        soc: "Infections and infestations",
        grade,
        attribution: day <= 90 ? "possible" : "unlikely",
        ...(severe
          ? { serious: true, seriousCriteria: ["hospitalisation"] }
          : { serious: false, seriousCriteria: [] }),
        onsetDate: on(day),
        resolvedDate: on(day + length),
        outcome: "RECOVERED/RESOLVED",
        pathogenClass,
        organism,
        note: SYNTHETIC,
      },
      day + length,
    );
  }
  return events;
}
