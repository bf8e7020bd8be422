/**
 * Every family of coded sentences the server can emit (decision 0041). The web catalogues must word
 * each of their codes and terms in English and Chinese (test/unit/reason-codes.test.ts); a test
 * also checks that every `reasonFamily(` in src/ is listed here.
 */
import { CAPD_REASONS } from "./calculators/crs-icans/capd.ts";
import { CRS_REASONS } from "./calculators/crs-icans/crs.ts";
import { ICANS_REASONS } from "./calculators/crs-icans/icans.ts";
import { ICE_REASONS } from "./calculators/crs-icans/ice.ts";
import { BSA_REASONS } from "./calculators/dosing-kinetics/bsa.ts";
import { CAR_T_DOSE_REASONS } from "./calculators/dosing-kinetics/car-t-dose.ts";
import { KINETICS_REASONS } from "./calculators/dosing-kinetics/cellular-kinetics.ts";
import { CRCL_REASONS } from "./calculators/dosing-kinetics/creatinine-clearance.ts";
import { LYMPHODEPLETION_REASONS } from "./calculators/dosing-kinetics/lymphodepletion.ts";
import { HEMATOTOX_REASONS } from "./calculators/hematologic/car-hematotox.ts";
import { CTCAE_REASONS } from "./calculators/hematologic/ctcae.ts";
import { ICAHT_REASONS } from "./calculators/hematologic/icaht.ts";
import { IEC_HS_REASONS } from "./calculators/hematologic/iec-hs.ts";
import { DORIS_REASONS } from "./calculators/lupus/doris.ts";
import { EULAR_ACR_REASONS } from "./calculators/lupus/eular-acr-2019.ts";
import { LLDAS_REASONS } from "./calculators/lupus/lldas.ts";
import { SELENA_FLARE_REASONS } from "./calculators/lupus/selena-flare.ts";
import { SLEDAI_REASONS } from "./calculators/lupus/sledai.ts";
import { SRI4_REASONS } from "./calculators/lupus/sri4.ts";
import { LUGANO_CT_REASONS } from "./calculators/lymphoma-response/lugano-ct.ts";
import { LUGANO_PET_REASONS } from "./calculators/lymphoma-response/lugano-pet.ts";
import { LYRIC_REASONS } from "./calculators/lymphoma-response/lyric.ts";
import type { ReasonFamily } from "./reasons.ts";
import { RELEASE_REASONS } from "./release-specs.ts";

export const REASON_FAMILIES: readonly ReasonFamily[] = [
  CRS_REASONS,
  ICANS_REASONS,
  ICE_REASONS,
  CAPD_REASONS,
  CTCAE_REASONS,
  ICAHT_REASONS,
  IEC_HS_REASONS,
  SLEDAI_REASONS,
  DORIS_REASONS,
  LLDAS_REASONS,
  SRI4_REASONS,
  SELENA_FLARE_REASONS,
  LUGANO_PET_REASONS,
  LUGANO_CT_REASONS,
  BSA_REASONS,
  CRCL_REASONS,
  CAR_T_DOSE_REASONS,
  LYMPHODEPLETION_REASONS,
  KINETICS_REASONS,
  HEMATOTOX_REASONS,
  LYRIC_REASONS,
  EULAR_ACR_REASONS,
  RELEASE_REASONS,
];

/** Every code with its English template. */
export function allReasonTemplates(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of REASON_FAMILIES)
    for (const [key, template] of Object.entries(f.templates)) {
      const code = `${f.prefix}.${key}`;
      if (out.has(code)) throw new Error(`Reason code ${code} defined twice`);
      out.set(code, template);
    }
  return out;
}

/** Every term ("oxygenDevice.HFNC") with its English wording; a group shared by families must agree. */
export function allReasonTerms(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of REASON_FAMILIES)
    for (const [group, table] of Object.entries(f.terms))
      for (const [code, text] of Object.entries(table)) {
        const key = `${group}.${code}`;
        if (out.has(key) && out.get(key) !== text) throw new Error(`Term ${key} worded two ways`);
        out.set(key, text);
      }
  return out;
}
