/**
 * The SLE family (reference notes §5): SLEDAI-2K, classic SELENA-SLEDAI Flare Index, SRI-4,
 * DORIS 2021 remission, LLDAS and the 2019 EULAR/ACR classification criteria.
 */
import type { Calculator } from "../calculator.ts";
import { doris } from "./doris.ts";
import { eularAcr2019 } from "./eular-acr-2019.ts";
import { lldas } from "./lldas.ts";
import { selenaFlare } from "./selena-flare.ts";
import { sledai2k } from "./sledai.ts";
import { sri4 } from "./sri4.ts";

export { doris, eularAcr2019, lldas, selenaFlare, sledai2k, sri4 };

export const lupusCalculators: Calculator[] = [sledai2k, selenaFlare, sri4, doris, lldas, eularAcr2019];
