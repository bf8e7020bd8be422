/** Lists an interface's keys at run time; the argument must name every key and no other. */
export const all = <T>(keys: Record<keyof T, true>) => Object.keys(keys).sort();
