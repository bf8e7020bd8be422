/**
 * What a product label says and what its bar codes carry. Pure: the service renders it.
 *
 * Bar-code data content (ICCBBA ISBT 128 Standard Technical Specification ST-001 v6.2.2):
 * - DIN, Data Structure 001 (§2.4.1): "=" + 13-character DIN + 2 flag characters. We put the Type 3
 *   flags (ISO 7064 checksum + 60, §2.4.1 Table 3) there, so a scanner can check the DIN it read;
 *   Type 3 flags are never printed (§7.4.1), the keyboard check character K is, in a box (§7.5.1.1).
 * - Product Code, Data Structure 003 (§2.4.3): "=<" + 8 characters αooootds (Product Description
 *   Code αoooo, then collection type t and division code ds).
 * - Expiration Date and Time, Data Structure 005 (§2.4.5): "&>" + cyyjjjhhmm (century, year,
 *   ordinal day, hour, minute); §2.4.4 recommends DS 005 rather than DS 004 for cellular therapy.
 * - Chain of Identity Identifier, Data Structure 040 (§2.4.40): "&/" + 15 characters (isbt128.ts).
 * Every bar code is Code 128 (notes §2.1 [S21]), printed with its eye-readable text.
 *
 * Layout (quadrants, sizes, fonts) is ours, not ICCBBA's: the label design standard for cellular
 * therapy is ST-004 "Labeling of Cellular Therapy Products" (ICCBBA, v1.2.x), which is licensed and
 * was not available to check; a site proofs the printed label against its approved template
 * before use (FACT-JACIE labelling controls, notes §2.2).
 */
import { DomainError } from "./errors.ts";
import { coiBarcodeData, dinBarcodeData, eyeReadable, eyeReadableCoi } from "./isbt128.ts";

/** ST-001 §2.4.3: α {A–Z}, oooo {A–Z, 0–9}, t {A–Z, a–z, 0–9}, d {A–Z, 0–9}, s {a–z, 0–9}. */
const PRODUCT_CODE_DS003 = /^[A-Z][A-Z0-9]{4}[A-Za-z0-9][A-Z0-9][a-z0-9]$/;

export function productCodeBarcodeData(code: string): string {
  if (!PRODUCT_CODE_DS003.test(code))
    throw new DomainError(
      "validation",
      "This product code cannot be printed as an ISBT 128 Product Code bar code.",
      [
        {
          path: "/productCode",
          message: `Product code ${JSON.stringify(code)} is not the 8-character αooootds of ST-001 Data Structure 003 (e.g. S1234V00).`,
          code: "invalid_product_code",
        },
      ],
    );
  return `=<${code}`;
}

/** The wall-clock parts of `instant` in `timeZone`. */
function localParts(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/**
 * ST-001 §2.4.5: "&>" + c yy jjj hh mm, in the local time of the site where the label is used. We
 * read c, "the century of the year", as the hundreds digit of the year (0 for 2000–2099); the
 * standard's worked examples were not available to confirm that reading (see the decision record).
 */
export function expiryBarcodeData(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const year = Number(p.year);
  const ordinal =
    Math.round((Date.UTC(year, Number(p.month) - 1, Number(p.day)) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const c = String(Math.floor(year / 100) % 10);
  return `&>${c}${String(year % 100).padStart(2, "0")}${String(ordinal).padStart(3, "0")}${p.hour}${p.minute}`;
}

/** "2026-11-25 17:45" in the site's time zone, as printed beside the expiry bar code. */
export function expiryText(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export type LabelKind = "bag" | "sample";

export interface LabelFacts {
  kind: LabelKind;
  din: string;
  coiId: string;
  productCode: string;
  /** the CAR product's name, e.g. "cCAR (CD19/BCMA)"; null when the journey names none */
  productName: string | null;
  unitKind: "apheresis" | "final-product";
  subjectCode: string;
  siteName: string;
  timeZone: string;
  /** when the unit expires, if recorded (a thawed bag: thaw time + thaw stability) */
  expiresAt: Date | null;
  /** what the expiry is based on, printed beside it */
  expiryBasis: string | null;
}

export interface BarcodeSpec {
  /** what the bar code is, for the caption and for tests */
  name: "din" | "product-code" | "expiry" | "coi";
  /** the exact data content to encode in Code 128 */
  data: string;
}

export interface LabelModel {
  kind: LabelKind;
  title: string;
  din: { text: string; checkCharacter: string };
  coi: { text: string; checkCharacter: string };
  productCode: string;
  productName: string | null;
  unitKind: string;
  subjectCode: string;
  siteName: string;
  expiry: { text: string; basis: string } | null;
  barcodes: BarcodeSpec[];
}

export function labelModel(f: LabelFacts): LabelModel {
  const din = eyeReadable(f.din);
  const coi = eyeReadableCoi(f.coiId);
  const barcodes: BarcodeSpec[] = [
    { name: "din", data: dinBarcodeData(f.din, "type3") },
    { name: "product-code", data: productCodeBarcodeData(f.productCode) },
  ];
  if (f.kind === "bag") {
    if (f.expiresAt) barcodes.push({ name: "expiry", data: expiryBarcodeData(f.expiresAt, f.timeZone) });
    barcodes.push({ name: "coi", data: coiBarcodeData(f.coiId) });
  }
  return {
    kind: f.kind,
    title:
      f.kind === "bag" ? (f.unitKind === "apheresis" ? "Apheresis collection" : "CAR-T product") : "Sample",
    din: { text: din.text, checkCharacter: din.checkCharacter },
    coi: { text: coi.text, checkCharacter: coi.checkCharacter },
    productCode: f.productCode,
    productName: f.productName,
    unitKind: f.unitKind,
    subjectCode: f.subjectCode,
    siteName: f.siteName,
    expiry:
      f.expiresAt && f.expiryBasis
        ? { text: expiryText(f.expiresAt, f.timeZone), basis: f.expiryBasis }
        : null,
    barcodes,
  };
}
