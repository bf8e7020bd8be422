/**
 * Virtual patients drawn from the population priors: each fittable parameter (or a chosen subset)
 * log-normal or logit-normal around its median, the rest as given. Randomness is injected (a
 * uniform generator), so the domain stays pure and a cohort is reproducible from its seed.
 */
import { type ModelParameters, PARAMETERS, type ParameterName, type Prior } from "./parameters.ts";
import { FITTABLE } from "./posterior.ts";

/** Uniform on [0, 1). */
export type Uniform = () => number;

/**
 * A seeded generator for reproducible cohorts: Marsaglia's xorshift32 with shifts (13, 17, 5)
 * (Marsaglia G. Xorshift RNGs. J Stat Softw 2003;8(14)). Not for cryptography; 2³² − 1 period
 * is ample for 10⁴–10⁵ patients × a dozen draws.
 */
export function seededUniform(seed: number): Uniform {
  let x = seed >>> 0 || 0x9e3779b9; // xorshift stays at 0 from 0
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Standard normal by Box–Muller (Box GEP, Muller ME. Ann Math Stat 1958;29:610–611). */
export function standardNormal(uniform: Uniform): number {
  let u = uniform();
  while (u === 0) u = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}

/** One virtual patient: `base` with `names` drawn from their priors. */
export function samplePatient(
  base: ModelParameters,
  uniform: Uniform,
  names: readonly ParameterName[] = FITTABLE,
): ModelParameters {
  const p = { ...base };
  for (const k of names) {
    const prior = PARAMETERS[k].prior as Prior | null;
    if (!prior) throw new RangeError(`${k} has no population prior to sample from`);
    const z = standardNormal(uniform);
    p[k] =
      prior.kind === "logNormal"
        ? prior.median * Math.exp(prior.sdLog * z)
        : 1 / (1 + Math.exp(-(Math.log(prior.median / (1 - prior.median)) + prior.sdLogit * z)));
  }
  return p;
}
