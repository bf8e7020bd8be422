/**
 * The API shapes of the vein-to-vein board and the product page (product units, custody, release,
 * signatures, bedside), as aliases onto the generated web/src/api/schema.d.ts (decision 0034):
 * nothing here is written by hand but the names, so the screens cannot drift from the server.
 */
import type { components } from "../../api/schema.d.ts";

type Schemas = components["schemas"];

/** GET /api/v1/product-units/{id}: the bag with its owner's subject code. */
export type ProductUnit = Schemas["ProductUnitRead"];
export type ProductBoard = Schemas["ProductBoard"];
export type BoardUnit = ProductBoard["items"][number];
export type ProductEvent = Schemas["ProductHistory"]["items"][number];
export type HandOff = Schemas["HandOff"];
export type LoggerUpload = Schemas["LoggerUpload"];
export type Excursion = NonNullable<LoggerUpload["excursions"]>[number];
export type Custody = Schemas["Custody"];
export type QcResult = Schemas["QcResult"];
export type ReleaseStatus = Schemas["ReleaseStatus"];
/** GET /api/v1/product-units/{id}/signatures: each signature checked against what it signed. */
export type ProductSignature = Schemas["CheckedSignature"];
export type Verifier = Schemas["BedsideVerifiers"]["items"][number];
