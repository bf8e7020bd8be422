/**
 * Lymphoma response: Lugano 2014 PET-CT and CT response, and the LYRIC 2016 indeterminate response.
 */
import type { Calculator } from "../calculator.ts";
import { luganoCt } from "./lugano-ct.ts";
import { luganoPet } from "./lugano-pet.ts";
import { lyric } from "./lyric.ts";

export { luganoCt, luganoPet, lyric };

export const lymphomaResponseCalculators: Calculator[] = [luganoPet, luganoCt, lyric];
