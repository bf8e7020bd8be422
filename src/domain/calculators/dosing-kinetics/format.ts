/**
 * Small helpers shared by the dosing and kinetics calculators: display formatting (results keep
 * full precision; only labels and reasons are rounded) and tolerant comparisons for boundaries
 * that are reached through floating-point arithmetic (e.g. 0.75 × 10⁶/kg × 70 kg).
 */

/** Relative tolerance for "at the boundary" comparisons of computed quantities. */
const REL_EPS = 1e-9;

/** a ≤ b, treating a value within floating-point noise of b as equal. */
export const leq = (a: number, b: number): boolean => a <= b + Math.abs(b) * REL_EPS;

/** a ≥ b, treating a value within floating-point noise of b as equal. */
export const geq = (a: number, b: number): boolean => a >= b - Math.abs(b) * REL_EPS;

/** Fixed decimals without trailing noise, e.g. fmt(54.5436, 1) → "54.5". */
export const fmt = (x: number, decimals = 1): string => {
  const r = Number(x.toFixed(decimals));
  return Object.is(r, -0) ? "0" : String(r);
};

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** Cell numbers in scientific notation, e.g. 2.4e8 → "2.40 × 10⁸". */
export const fmtCells = (x: number): string => {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let mantissa = x / 10 ** exp;
  let e = exp;
  if (Number(mantissa.toFixed(2)) >= 10) {
    mantissa /= 10;
    e += 1;
  }
  const sup = [...String(e)].map((c) => SUPERSCRIPT[c] ?? c).join("");
  return `${mantissa.toFixed(2)} × 10${sup}`;
};
