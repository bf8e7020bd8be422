/**
 * Define-XML 2.0 (CDISC, 2013) metadata for the SDTM datasets: one ItemGroupDef per dataset with
 * its ItemRefs in dataset order and key sequence, one ItemDef per variable (data type, length, SAS
 * name, label, origin), the codelists the data use (CDISC terms with their NCI codelist alias,
 * sponsor values marked def:ExtendedValue="Yes"), comments, and def:leaf links to the .xpt files.
 * Elements follow the order of the Define-XML 2.0 schema (ItemGroupDef, ItemDef, CodeList,
 * def:CommentDef, def:leaf) so a schema validator accepts it; it is built from the same metadata
 * and rows as the XPT files, so every variable written is listed.
 */
import { numberText } from "./findings.ts";
import type { SdtmDataset, SdtmVariable } from "./model.ts";
import { variableLength } from "./sdtm.ts";
import { CDISC_TERMS, CODELISTS, CT_PACKAGE, SDTMIG_VERSION } from "./terminology.ts";

export interface DefineStudy {
  studyId: string;
  title: string;
  /** what the export covers, e.g. "sites SZ, WH" */
  description: string;
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const text = (s: string) =>
  `<Description><TranslatedText xml:lang="en">${esc(s)}</TranslatedText></Description>`;

/** Define-XML data type of a variable: ISO 8601 text is datetime/date, numbers integer or float. */
function dataType(ds: SdtmDataset, v: SdtmVariable): string {
  if (v.type === "num")
    return ds.rows.every((r) => r[v.name] === null || Number.isInteger(r[v.name])) ? "integer" : "float";
  if (v.iso8601) return "datetime";
  return "text";
}

/** Define-XML 2.0 SignificantDigits: the most digits after the decimal point any value has. */
function decimals(ds: SdtmDataset, v: SdtmVariable): number {
  let most = 0;
  for (const r of ds.rows) {
    const x = r[v.name];
    if (typeof x === "number") most = Math.max(most, numberText(x).split(".")[1]?.length ?? 0);
  }
  return most;
}

const itemOid = (ds: SdtmDataset, v: SdtmVariable) => `IT.${ds.name}.${v.name}`;
const codelistOid = (ds: SdtmDataset, v: SdtmVariable) => `CL.${ds.name}.${v.name}.${v.codelist}`;

/** The values a controlled variable takes in the data; a codelist lists exactly these. */
function codedValues(ds: SdtmDataset, v: SdtmVariable): string[] {
  if (!v.codelist) return [];
  return [...new Set(ds.rows.map((r) => r[v.name]).filter((x): x is string => typeof x === "string"))].sort();
}

export function defineXml(study: DefineStudy, datasets: SdtmDataset[], createdAt: Date): string {
  const out: string[] = [];
  const comments: { oid: string; text: string }[] = [];
  const line = (s: string) => out.push(s);
  line('<?xml version="1.0" encoding="UTF-8"?>');
  line(
    `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:def="http://www.cdisc.org/ns/def/v2.0" ODMVersion="1.3.2" FileType="Snapshot" FileOID="DEFINE.${esc(study.studyId)}" CreationDateTime="${createdAt.toISOString().slice(0, 19)}" Originator="vein2vein">`,
  );
  line(`  <Study OID="ST.${esc(study.studyId)}">`);
  line("    <GlobalVariables>");
  line(`      <StudyName>${esc(study.studyId)}</StudyName>`);
  line(`      <StudyDescription>${esc(`${study.title} (${study.description})`)}</StudyDescription>`);
  line(`      <ProtocolName>${esc(study.studyId)}</ProtocolName>`);
  line("    </GlobalVariables>");
  line(
    `    <MetaDataVersion OID="MDV.${esc(study.studyId)}.SDTMIG.${SDTMIG_VERSION}" Name="SDTM export" Description="SDTMIG ${SDTMIG_VERSION}; ${esc(CT_PACKAGE)}" def:DefineVersion="2.0.0" def:StandardName="SDTM-IG" def:StandardVersion="${SDTMIG_VERSION}">`,
  );
  for (const ds of datasets) {
    line(
      `      <ItemGroupDef OID="IG.${ds.name}" Domain="${ds.name}" Name="${ds.name}" Repeating="${ds.name === "DM" ? "No" : "Yes"}" IsReferenceData="No" SASDatasetName="${ds.name}" Purpose="Tabulation" def:Structure="${esc(ds.structure)}" def:Class="${ds.class}" def:ArchiveLocationID="LF.${ds.name}">`,
    );
    line(`        ${text(ds.label)}`);
    ds.variables.forEach((v, i) => {
      const key = ds.keys.indexOf(v.name);
      line(
        `        <ItemRef ItemOID="${itemOid(ds, v)}" OrderNumber="${i + 1}" Mandatory="${v.core === "Req" ? "Yes" : "No"}"${key >= 0 ? ` KeySequence="${key + 1}"` : ""}/>`,
      );
    });
    line(
      `        <def:leaf ID="LF.${ds.name}" xlink:href="${ds.name.toLowerCase()}.xpt"><def:title>${ds.name.toLowerCase()}.xpt</def:title></def:leaf>`,
    );
    line("      </ItemGroupDef>");
  }
  for (const ds of datasets)
    for (const v of ds.variables) {
      const type = dataType(ds, v);
      const comment = v.comment ? `COM.${ds.name}.${v.name}` : null;
      if (comment) comments.push({ oid: comment, text: v.comment! });
      line(
        `      <ItemDef OID="${itemOid(ds, v)}" Name="${v.name}" DataType="${type}"${type === "datetime" ? "" : ` Length="${variableLength(ds, v)}"`}${type === "float" ? ` SignificantDigits="${decimals(ds, v)}"` : ""} SASFieldName="${v.name}"${comment ? ` def:CommentOID="${comment}"` : ""}>`,
      );
      line(`        ${text(v.label)}`);
      if (codedValues(ds, v).length) line(`        <CodeListRef CodeListOID="${codelistOid(ds, v)}"/>`);
      // Define-XML 2.0 names data collected on the (e)CRF "CRF"; "Collected" is 2.1's word.
      line(`        <def:Origin Type="${v.origin === "Collected" ? "CRF" : v.origin}"/>`);
      line("      </ItemDef>");
    }
  for (const ds of datasets)
    for (const v of ds.variables) {
      const values = codedValues(ds, v);
      if (!values.length) continue;
      const cl = CODELISTS[v.codelist!]!;
      const cdisc = CDISC_TERMS[v.codelist!] ?? [];
      line(`      <CodeList OID="${codelistOid(ds, v)}" Name="${esc(cl.name)}" DataType="text">`);
      for (const value of values)
        line(
          `        <EnumeratedItem CodedValue="${esc(value)}"${cl.sponsorDefined || cdisc.includes(value) ? "" : ' def:ExtendedValue="Yes"'}/>`,
        );
      if (cl.nciCode) line(`        <Alias Context="nci:ExtCodeID" Name="${cl.nciCode}"/>`);
      line("      </CodeList>");
    }
  for (const c of comments) line(`      <def:CommentDef OID="${c.oid}">${text(c.text)}</def:CommentDef>`);
  line("    </MetaDataVersion>");
  line("  </Study>");
  line("</ODM>");
  return `${out.join("\n")}\n`;
}
