/**
 * Kysely table type for electronic signatures (migration 0016). `DB` extends `SignatureTables`.
 * Written only by services/signatures.ts; append-only.
 */
import type { ColumnType } from "kysely";
import type { SignatureMeaning, SignedRecordKind } from "../domain/signatures.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface ElectronicSignaturesTable {
  id: string;
  site_id: string;
  product_id: string | null;
  record_kind: SignedRecordKind;
  record_id: string;
  signer_id: string;
  signer_username: string;
  printed_name: string;
  signed_as: "investigator" | "coordinator" | "quality";
  meaning: SignatureMeaning;
  signed_at: Timestamp;
  method: "username-password";
  content_form: "v2v-signed-content/1";
  content_hash: string;
}

export interface SignatureTables {
  electronic_signatures: ElectronicSignaturesTable;
}
