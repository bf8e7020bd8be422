import type { en } from "./en.ts";

/** The shape every catalogue has: the English keys, each a string in that language. */
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
export type Catalogue = Shape<typeof en>;
