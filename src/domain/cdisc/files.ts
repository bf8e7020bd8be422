/**
 * The files of an SDTM export, named as FDA's Technical Conformance Guide names them (lower-case
 * domain code): per dataset `dm.xpt` (SAS XPORT v5, one dataset per file) and `dm.csv` (the same
 * records for R and spreadsheet users), and `define.xml` describing them all.
 */
import { csvText } from "./csv.ts";
import { type DefineStudy, defineXml } from "./define-xml.ts";
import type { SdtmDataset } from "./model.ts";
import { variableLength } from "./sdtm.ts";
import { writeXpt } from "./xpt.ts";

export interface ExportFile {
  name: string;
  mediaType: string;
  content: Uint8Array | string;
}

export const SDTM_FILE = /^(?:([a-z]{2})\.(csv|xpt)|define\.xml)$/;

export function datasetCsv(ds: SdtmDataset): string {
  return csvText(
    ds.variables.map((v) => v.name),
    ds.rows.map((r) => ds.variables.map((v) => r[v.name])),
  );
}

export function datasetXpt(ds: SdtmDataset, createdAt: Date): Uint8Array {
  return writeXpt(
    [
      {
        name: ds.name,
        label: ds.label,
        variables: ds.variables.map((v) => ({
          name: v.name,
          label: v.label,
          type: v.type,
          length: variableLength(ds, v),
        })),
        rows: ds.rows.map((r) => ds.variables.map((v) => r[v.name] ?? null)),
      },
    ],
    createdAt,
  );
}

/** One file of the export by name, or null when the export has no such file. */
export function sdtmFile(
  study: DefineStudy,
  datasets: SdtmDataset[],
  name: string,
  createdAt: Date,
): ExportFile | null {
  if (name === "define.xml")
    return { name, mediaType: "application/xml", content: defineXml(study, datasets, createdAt) };
  const m = SDTM_FILE.exec(name);
  const ds = m?.[1] ? datasets.find((d) => d.name === m[1]!.toUpperCase()) : undefined;
  if (!m || !ds) return null;
  return m[2] === "csv"
    ? { name, mediaType: "text/csv", content: datasetCsv(ds) }
    : { name, mediaType: "application/x-sas-xport", content: datasetXpt(ds, createdAt) };
}

export function sdtmFiles(study: DefineStudy, datasets: SdtmDataset[], createdAt: Date): ExportFile[] {
  const names = [
    ...datasets.flatMap((d) => [`${d.name.toLowerCase()}.csv`, `${d.name.toLowerCase()}.xpt`]),
    "define.xml",
  ];
  return names.map((n) => sdtmFile(study, datasets, n, createdAt)!);
}
