/**
 * A small seeded pseudo-random generator for the synthetic cohort. The demo must come out the same
 * on every load (tests compare two loads, screenshots and tutorials name subject codes and values),
 * so nothing here touches Math.random or the clock. mulberry32 is a well-known 32-bit generator:
 * far from cryptographic, but uniform enough for jittering lab values and picking names.
 */
export interface Random {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform in [min, max] rounded to `decimals` places */
  between(min: number, max: number, decimals?: number): number;
  /** integer in [min, max], both inclusive */
  int(min: number, max: number): number;
  pick<T>(items: ReadonlyArray<T>): T;
  chance(probability: number): boolean;
  /** `value` scaled by a factor within ±`fraction`, rounded to `decimals` places */
  jitter(value: number, fraction: number, decimals?: number): number;
}

export function round(value: number, decimals = 0): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    between: (min, max, decimals = 0) => round(min + (max - min) * next(), decimals),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (probability) => next() < probability,
    jitter: (value, fraction, decimals = 0) => round(value * (1 + (next() * 2 - 1) * fraction), decimals),
  };
}

/**
 * A generator derived from a base seed and a label, so each synthetic patient draws from its own
 * stream: adding a patient or a lab to one record does not shift the values of all the others.
 */
export function forkRandom(seed: number, label: string): Random {
  // FNV-1a over the label, mixed with the seed.
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mulberry32(h >>> 0);
}
