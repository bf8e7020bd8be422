/**
 * Haematological toxicity calculators (reference notes §3): CTCAE v5.0 haematology grades, ICAHT
 * (EHA/EBMT 2023), CAR-HEMATOTOX (Rejeski 2021) and the IEC-HS screen (ASTCT 2023).
 */
import type { Calculator } from "../calculator.ts";
import { carHematotox } from "./car-hematotox.ts";
import { ctcaeHematology } from "./ctcae.ts";
import { icaht } from "./icaht.ts";
import { iecHs } from "./iec-hs.ts";

export { carHematotox, ctcaeHematology, icaht, iecHs };

export const hematologicCalculators: Calculator[] = [ctcaeHematology, icaht, carHematotox, iecHs];
