/**
 * CAR transgene copies are recorded as clinical notes until a LOINC code for them is verified
 * (see demo/reference-case.ts): the title carries the number, e.g. "CAR-T copies day 10: 124,000
 * copies/µg gDNA (qPCR)" or "… day 274: below the limit of detection (< 50) copies/µg gDNA". This
 * reads exactly that form and nothing looser, so an unrelated note is never taken for a level.
 * The study day is taken from the note's date, not from its title.
 * TODO(coding): read observations instead once CAR-T copies have a code.
 */
import type { CarSample } from "./car-kinetics.ts";
/** What every such title starts with; the store filters notes by it before they are parsed here. */
export const CAR_COPIES_NOTE_PREFIX = "CAR-T copies day ";
const TITLE = /^CAR-T copies day -?\d+: (.+?) copies\/µg gDNA\b/;
const NUMBER = /^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$/;
const BELOW = /^below the limit of (?:detection|quantification)(?: \(< ?([\d,.]+)\))?$/i;

export type CarCopiesNote = { value: number } | { belowLimit: true; limit: number | null };

export function parseCarCopiesNote(title: string): CarCopiesNote | null {
  const m = TITLE.exec(title);
  if (!m) return null;
  const text = m[1]!.trim();
  if (NUMBER.test(text)) return { value: Number(text.replaceAll(",", "")) };
  const below = BELOW.exec(text);
  if (below) return { belowLimit: true, limit: below[1] ? Number(below[1].replaceAll(",", "")) : null };
  return null;
}

/**
 * The CAR-T series of a patient's copies notes, for the car-kinetics endpoints: one sample per
 * note that parses, and the assay's lower limit as the highest "below the limit (< n)" stated
 * (the laboratory's reporting limit; a higher limit on one run bounds every censored value).
 */
export function carSeriesFromNotes(notes: readonly { id: string; date: string; title: string }[]): {
  samples: CarSample[];
  lloq: number | null;
} {
  const samples: CarSample[] = [];
  let lloq: number | null = null;
  for (const n of notes) {
    const parsed = parseCarCopiesNote(n.title);
    if (!parsed) continue;
    const ref = { kind: "event" as const, id: n.id };
    if ("value" in parsed) samples.push({ date: n.date, value: parsed.value, ref });
    else {
      samples.push({ date: n.date, belowLloq: true, ref });
      if (parsed.limit !== null) lloq = lloq === null ? parsed.limit : Math.max(lloq, parsed.limit);
    }
  }
  return { samples, lloq };
}
