/**
 * Printable bag and sample labels for a product unit, as print-ready HTML with Code 128 bar codes
 * drawn as inline SVG by bwip-js (docs/decisions/0012-barcodes-bwip-js.md). What the label says and
 * encodes is decided in src/domain/product-label.ts; this module gathers the facts and draws.
 *
 * Read like the product itself: `study:read` at the product's site. The label carries the
 * pseudonymous subject code, never the patient's name (identity stays in patient_identities).
 */

import { createRequire } from "node:module";
import type bwipjs from "bwip-js";
import type { Kysely } from "kysely";
import { z } from "zod";
import { postThawExpiry } from "../domain/bedside-comparison.ts";
import { notFound } from "../domain/errors.ts";
import { type LabelFacts, type LabelKind, type LabelModel, labelModel } from "../domain/product-label.ts";
import { findJourney } from "../store/journeys.ts";
import { journeyBookings, productOfSlot } from "../store/manufacturing-slots.ts";
import { findProductUnit } from "../store/products.ts";
import type { DB } from "../store/schema.ts";
import { findSite } from "../store/sites.ts";
import { carProductsOfStudies } from "../store/studies.ts";
import { findById } from "../store/versioned.ts";
import { requireAt } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { parseInput } from "./validate.ts";

export const LabelQuery = z.object({
  kind: z.enum(["bag", "sample"]).default("bag"),
  copies: z.coerce.number().int().min(1).max(20).default(1).describe("Sample labels on the sheet"),
});

/** The CAR product a journey's material is made into: its slot's product, else the study's only one. */
async function carProductName(db: Kysely<DB>, journeyId: string, studyId: string): Promise<string | null> {
  const booking = (await journeyBookings(db, journeyId)).filter((b) => b.status !== "freed").at(-1);
  if (booking) {
    const row = await productOfSlot(db, booking.slot_id);
    if (row) return `${row.name} (${row.code})`;
  }
  const products = await carProductsOfStudies(db, [studyId]);
  return products.length === 1 ? `${products[0]!.name} (${products[0]!.code})` : null;
}

export async function productLabelFacts(
  ctx: ServiceContext,
  productId: string,
  kind: LabelKind,
): Promise<LabelFacts> {
  const unit = await findProductUnit(ctx.db, productId);
  if (!unit) throw notFound("product", productId);
  requireAt(ctx.actor, unit.site_id, "study:read", "product", productId);
  const journey = (await findJourney(ctx.db, unit.journey_id))!;
  const enrolment = (await findById(ctx.db, "enrolments", journey.enrolment_id))!;
  const patient = (await findById(ctx.db, "patients", unit.patient_id))!;
  const site = (await findSite(ctx.db, unit.site_id))!;
  const thawExpiry =
    unit.thawed_at && unit.thaw_stability_minutes
      ? postThawExpiry(unit.thawed_at, unit.thaw_stability_minutes)
      : null;
  return {
    kind,
    din: unit.din,
    coiId: unit.coi_id,
    productCode: unit.product_code,
    productName: await carProductName(ctx.db, journey.id, enrolment.study_id),
    unitKind: unit.kind,
    subjectCode: patient.subject_code,
    siteName: site.name,
    timeZone: site.time_zone,
    expiresAt: thawExpiry,
    expiryBasis: thawExpiry ? `thawed + ${unit.thaw_stability_minutes} min stability` : null,
  };
}

export async function productLabel(
  ctx: ServiceContext,
  productId: string,
  rawQuery: unknown,
): Promise<{ html: string; model: LabelModel }> {
  const q = parseInput(LabelQuery, rawQuery ?? {});
  const model = labelModel(await productLabelFacts(ctx, productId, q.kind));
  return { html: renderLabelHtml(model, q.copies), model };
}

type BarcodeWriter = typeof bwipjs;
let barcodeWriter: BarcodeWriter | undefined;
// bwip-js is 2.3 MB of JavaScript: loaded when the first label is drawn, not parsed at every
// start of the server and the command line (decision 0047).
const loadBarcodeWriter = (): BarcodeWriter =>
  (barcodeWriter ??= createRequire(import.meta.url)("bwip-js") as BarcodeWriter);

/** Code 128 as SVG; bwip-js picks the code sets (ISBT 128 data starts in set B, notes §2.1). */
export function code128Svg(data: string, heightMm = 10): string {
  return loadBarcodeWriter().toSVG({
    bcid: "code128",
    text: data,
    height: heightMm,
    scale: 2,
    includetext: false,
  });
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

const CAPTIONS = { din: "DIN", "product-code": "Product", expiry: "Expiry", coi: "CoI" } as const;

function barcode(model: LabelModel, name: keyof typeof CAPTIONS, eyeReadable: string): string {
  const spec = model.barcodes.find((b) => b.name === name);
  if (!spec) return "";
  return `<figure class="barcode" data-barcode="${name}" data-content="${escapeHtml(spec.data)}">${code128Svg(spec.data)}<figcaption>${eyeReadable}</figcaption></figure>`;
}

const boxed = (k: string) => `<span class="check" title="keyboard check character">${escapeHtml(k)}</span>`;

function bagLabel(m: LabelModel): string {
  const e = escapeHtml;
  const din = `${e(m.din.text)} ${boxed(m.din.checkCharacter)}`;
  const coi = `${e(m.coi.text)} ${boxed(m.coi.checkCharacter)}`;
  return `<section class="label bag">
<div class="q din">${barcode(m, "din", din)}</div>
<div class="q product">${barcode(m, "product-code", e(m.productCode))}<p class="name">${e(m.productName ?? "CAR product not named")}</p><p>${e(m.title)}</p></div>
<div class="q coi">${barcode(m, "coi", coi)}<p>Subject <strong>${e(m.subjectCode)}</strong></p><p>${e(m.siteName)}</p></div>
<div class="q expiry">${
    m.expiry
      ? `${barcode(m, "expiry", `EXP ${e(m.expiry.text)}`)}<p class="basis">${e(m.expiry.basis)}</p>`
      : `<p class="no-expiry">EXP: not recorded; see the certificate of release</p>`
  }</div>
<p class="foot">For autologous use only. Verify patient, CoI and DIN at the bedside.</p>
</section>`;
}

function sampleLabel(m: LabelModel): string {
  const e = escapeHtml;
  return `<section class="label sample">
${barcode(m, "din", `${e(m.din.text)} ${boxed(m.din.checkCharacter)}`)}
<p>${e(m.productCode)} · CoI ${e(m.coi.text)} ${boxed(m.coi.checkCharacter)}</p>
<p>Subject <strong>${e(m.subjectCode)}</strong> · sample</p>
</section>`;
}

/** A whole printable page: one bag label, or `copies` sample labels. Every text is escaped. */
export function renderLabelHtml(m: LabelModel, copies = 1): string {
  const body =
    m.kind === "bag" ? bagLabel(m) : Array.from({ length: copies }, () => sampleLabel(m)).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${m.title} label ${m.din.text}`)}</title>
<style>
@page { margin: 5mm; }
body { font-family: "DejaVu Sans Mono", "Consolas", monospace; margin: 0; }
.label { border: 0.3mm solid #000; box-sizing: border-box; page-break-inside: avoid; margin: 0 0 4mm 0; }
.bag { width: 100mm; min-height: 100mm; display: grid; grid-template-columns: 1fr 1fr; gap: 2mm; padding: 2mm; }
.bag .foot { grid-column: 1 / 3; font-size: 7pt; margin: 0; }
.sample { width: 60mm; padding: 1.5mm; font-size: 7pt; }
.q { font-size: 8pt; }
.q p { margin: 0.5mm 0; }
.barcode { margin: 0; }
.barcode svg { width: 100%; height: 10mm; }
.barcode figcaption { font-size: 9pt; letter-spacing: 0.3mm; }
.check { border: 0.3mm solid #000; padding: 0 0.6mm; margin-left: 0.5mm; }
.no-expiry { font-weight: bold; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
