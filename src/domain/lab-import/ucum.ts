/**
 * UCUM unit normalisation on top of the NLM's @lhncbc/ucum-lhc (docs/decisions/0014-lab-import.md).
 *
 * Three things the library does not do for us, each decided here:
 * - Spellings: lab systems often write "IU/mL", "cells/uL", "x10^9/L", "mcg/L" or "µg/L", which are not
 *   UCUM codes. A short, explicit list of such spellings is rewritten to UCUM; the original text is
 *   kept on the stored observation, so nothing is lost. Anything else must already be UCUM.
 * - Arbitrary units ([IU], [arb'U]…): UCUM makes them commensurable with no *other* unit, and
 *   ucum-lhc refuses every conversion involving one, even [IU]/mL → k[IU]/L. When both units carry
 *   the same single arbitrary unit, it cancels out of the ratio, so we convert the remaining parts
 *   (1 [IU]/mL = 1000 [IU]/L = 1 k[IU]/L). Different arbitrary units stay incompatible.
 * - Floating-point noise: ucum-lhc computes 3 × 10*9/L as 3.0000000000000004 × 10*3/uL; results are
 *   rounded to 12 significant digits, far below any laboratory's precision.
 */
import ucum from "@lhncbc/ucum-lhc";

// Built on first use: the NLM tables take ~35 ms to set up, which every start of the server and
// the command line paid before a unit was ever read (decision 0047).
let utilsInstance: ReturnType<typeof ucum.UcumLhcUtils.getInstance> | undefined;
const ucumUtils = () => (utilsInstance ??= ucum.UcumLhcUtils.getInstance());
const unitTables = () => ucum.UnitTables.getInstance();

export type UnitProblemCode = "unknown_unit" | "incompatible_unit";

export type Conversion =
  | { ok: true; value: number; unit: string }
  | { ok: false; code: UnitProblemCode; message: string };

/** Non-UCUM spellings seen in laboratory exports, and the UCUM code each means. */
const SPELLINGS: Readonly<Record<string, string>> = {
  "cells/uL": "{cells}/uL",
  "cells/mm3": "{cells}/mm3",
  "/mm³": "/mm3",
  mmHg: "mm[Hg]",
  "°C": "Cel",
  degC: "Cel",
};

const POWER_OF_TEN = /^(?:x\s*)?10\s*(?:\^|E|e)\s*(\d{1,2})\s*\/\s*(L|uL|mm3|mL)$/;
const BARE_IU = /(^|[^[\w])([kmu]?)IU(?=$|[/.\s)])/g;

const validity = new Map<string, boolean>();

export function isUcum(code: string): boolean {
  let ok = validity.get(code);
  if (ok === undefined) {
    ok = code.trim() === code && code !== "" && ucumUtils().validateUnitString(code).status === "valid";
    validity.set(code, ok);
  }
  return ok;
}

/** The UCUM code a unit as written in a lab file stands for, or null if it is not one we know. */
export function ucumCodeOf(written: string): string | null {
  const text = written.trim().replaceAll("µ", "u").replaceAll("μ", "u");
  if (text === "") return null;
  if (isUcum(text)) return text;
  const spelled = SPELLINGS[text];
  if (spelled) return spelled;
  const power = POWER_OF_TEN.exec(text);
  if (power) return `10*${power[1]}/${power[2]}`;
  // "mcg" is the US pharmacy spelling of µg; IU needs UCUM's brackets.
  const rewritten = text.replaceAll("mcg", "ug").replace(BARE_IU, "$1$2[IU]");
  return rewritten !== text && isUcum(rewritten) ? rewritten : null;
}

/** [iU] and [IU] are one unit in UCUM (the table defines [IU] as 1 [iU]). */
const sameArbitrary = (atom: string) => (atom === "[iU]" ? "[IU]" : atom);

function arbitraryAtoms(code: string): string[] {
  return (code.match(/\[[^\]]+\]/g) ?? []).filter(
    (atom) => unitTables().getUnitByCode(atom)?.isArbitrary_ === true,
  );
}

/** A stand-in base unit no laboratory result uses, so a cancelled arbitrary unit keeps its prefix. */
const STAND_IN = "cd";

type Plan =
  | { kind: "linear"; factor: number }
  | { kind: "special"; from: string; to: string; molecularWeight?: number }
  | { kind: "refused"; code: UnitProblemCode; message: string };

const plans = new Map<string, Plan>();

function plan(from: string, to: string, molecularWeight: number | undefined): Plan {
  const key = `${from}\u0000${to}\u0000${molecularWeight ?? ""}`;
  let p = plans.get(key);
  if (!p) {
    p = makePlan(from, to, molecularWeight);
    plans.set(key, p);
  }
  return p;
}

function makePlan(from: string, to: string, molecularWeight: number | undefined): Plan {
  if (from === to) return { kind: "linear", factor: 1 };
  let a = from;
  let b = to;
  const atomsA = arbitraryAtoms(a).map(sameArbitrary);
  const atomsB = arbitraryAtoms(b).map(sameArbitrary);
  if (atomsA.length > 0 || atomsB.length > 0) {
    const distinct = new Set([...atomsA, ...atomsB]);
    if (
      distinct.size !== 1 ||
      atomsA.length !== atomsB.length ||
      a.includes(STAND_IN) ||
      b.includes(STAND_IN)
    )
      return {
        kind: "refused",
        code: "incompatible_unit",
        message: `${from} cannot be converted to ${to}: arbitrary units (such as [IU] or [arb'U]) convert only to the same arbitrary unit`,
      };
    const atom = [...distinct][0]!;
    const standIn = (code: string) => code.replaceAll("[iU]", "[IU]").replaceAll(atom, STAND_IN);
    a = standIn(a);
    b = standIn(b);
  }
  const options = molecularWeight === undefined ? {} : { molecularWeight };
  const one = ucumUtils().convertUnitTo(a, 1, b, options);
  if (one.status !== "succeeded" || one.toVal === null) {
    const molar = one.msg.some((m) => /mass and moles/i.test(m));
    return {
      kind: "refused",
      code: "incompatible_unit",
      message: molar
        ? `${from} cannot be converted to ${to}: mass and amount of substance convert only with an agreed molecular weight, and this code has none`
        : `${from} cannot be converted to ${to}: they measure different kinds of quantity${kelvinHint(from)}`,
    };
  }
  if (one.fromUnit?.isSpecial_ || one.toUnit?.isSpecial_)
    return { kind: "special", from: a, to: b, ...(molecularWeight === undefined ? {} : { molecularWeight }) };
  return { kind: "linear", factor: one.toVal };
}

/** Analysers print "K/uL" for thousands per microlitre; in UCUM K is the kelvin. */
const kelvinHint = (unit: string) =>
  /^K\/(uL|mm3|L)$/.test(unit) ? ` (K is the kelvin in UCUM; thousands per microlitre are 10*3/uL)` : "";

const round = (x: number) => Number(x.toPrecision(12));

/**
 * Converts `value` from the unit written in the file to `target` (a UCUM code). Unknown units and
 * incompatible pairs come back as problems naming both units; nothing is guessed.
 */
export function convertQuantity(
  value: number,
  written: string,
  target: string,
  molecularWeight?: number,
): Conversion {
  const from = ucumCodeOf(written);
  if (from === null)
    return {
      ok: false,
      code: "unknown_unit",
      message: `"${written}" is not a UCUM unit (e.g. mg/dL, 10*9/L, [IU]/mL)`,
    };
  const p = plan(from, target, molecularWeight);
  if (p.kind === "refused") return { ok: false, code: p.code, message: p.message };
  if (p.kind === "linear") return { ok: true, value: round(value * p.factor), unit: target };
  // Special units (°C, °F…) are not proportional: convert each value.
  const r = ucumUtils().convertUnitTo(
    p.from,
    value,
    p.to,
    p.molecularWeight === undefined ? {} : { molecularWeight: p.molecularWeight },
  );
  if (r.status !== "succeeded" || r.toVal === null)
    return { ok: false, code: "incompatible_unit", message: `${from} cannot be converted to ${target}` };
  // Offsets cancel near zero (32 °F → 5.7e-14 °C): round absolutely too, far below any thermometer.
  return { ok: true, value: round(Math.round(r.toVal * 1e10) / 1e10), unit: target };
}
