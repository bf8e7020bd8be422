/**
 * CAR transgene copies are recorded as clinical notes until a LOINC code for them is verified
 * (see demo/reference-case.ts): the title carries the number, e.g. "CAR-T copies day 10: 124,000
 * copies/µg gDNA (qPCR)" or "… day 274: below the limit of detection (< 50) copies/µg gDNA". This
 * reads exactly that form and nothing looser, so an unrelated note is never taken for a level.
 * The study day is taken from the note's date, not from its title.
 * TODO(coding): read observations instead once CAR-T copies have a code.
 */
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
