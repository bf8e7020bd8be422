/**
 * SAS XPORT version 5 transport files, written from the record layout in SAS Technical Support
 * document TS-140 ("The record layout of a SAS transport file"), the format FDA's Study Data
 * Technical Conformance Guide requires for SDTM datasets. The file is a sequence of 80-byte
 * records: a library header, then per dataset (member) a member header, one 140-byte NAMESTR per
 * variable, and the observations packed back to back; each section is padded with blanks to a
 * record boundary. Numbers are 8-byte IBM doubles (ibm-float.ts), character values are padded
 * with blanks to the variable's length.
 *
 * Written by hand rather than with an npm package: no maintained XPT v5 writer is known to us
 * (decision 0033), and the layout is a few fixed records.
 *
 * Version 5 limits (TS-140): names of at most 8 characters (SDTM asks upper case letters, digits
 * and underscores, starting with a letter), labels of at most 40, character values of at most 200
 * bytes, and no character set: values are written as ASCII, anything else is transliterated or
 * replaced (asciiText) so the file stays readable by every SAS version.
 */
import { ibmDouble, sasMissing } from "./ibm-float.ts";

export interface XptVariable {
  name: string;
  label: string;
  type: "char" | "num";
  /** bytes; 8 for numbers, 1–200 for characters */
  length: number;
  /** optional SAS format, e.g. "DATE9." is not used by SDTM (dates are ISO 8601 text) */
  format?: string;
}

export type XptValue = string | number | null;

export interface XptDataset {
  /** member name, at most 8 characters, e.g. "DM" */
  name: string;
  /** at most 40 characters, e.g. "Demographics" */
  label: string;
  variables: XptVariable[];
  rows: XptValue[][];
}

const RECORD = 80;
const NAME = /^[A-Z][A-Z0-9_]{0,7}$/;
const MAX_CHAR_LENGTH = 200;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text as 7-bit ASCII: accents dropped (é → e), µ as u, × as x, ≥ as >=, anything else as "?". */
export function asciiText(text: string): string {
  // Most values are printable ASCII already; the twelve passes below were the export's largest
  // cost for them (a CPU profile of the SDTM tests, 2026-12-06).
  if (PRINTABLE_ASCII.test(text)) return text;
  return text
    .replace(/[µμ]/g, "u")
    .replace(/×/g, "x")
    .replace(/°/g, "deg ")
    .replace(/≥/g, ">=")
    .replace(/≤/g, "<=")
    .replace(/±/g, "+/-")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[–—]/g, "-")
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\x20-\x7e]/g, "?");
}

/** SAS datetime text as TS-140 writes it in headers: ddMMMyy:hh:mm:ss (UTC here). */
export function sasHeaderDateTime(at: Date): string {
  const months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(at.getUTCDate())}${months[at.getUTCMonth()]}${two(at.getUTCFullYear() % 100)}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}`;
}

/** Checks a dataset against the version 5 limits; returns every problem as a sentence. */
export function xptProblems(dataset: XptDataset): string[] {
  const problems: string[] = [];
  if (!NAME.test(dataset.name)) problems.push(`dataset name ${dataset.name} is not a SAS V5 name`);
  if (dataset.label.length > 40) problems.push(`dataset ${dataset.name}: label longer than 40`);
  const seen = new Set<string>();
  for (const v of dataset.variables) {
    if (!NAME.test(v.name)) problems.push(`${dataset.name}.${v.name}: not a SAS V5 name`);
    if (seen.has(v.name)) problems.push(`${dataset.name}.${v.name}: listed twice`);
    seen.add(v.name);
    if (v.label.length > 40) problems.push(`${dataset.name}.${v.name}: label longer than 40`);
    if (v.type === "num" && v.length !== 8) problems.push(`${dataset.name}.${v.name}: numbers take 8 bytes`);
    if (v.type === "char" && (v.length < 1 || v.length > MAX_CHAR_LENGTH))
      problems.push(`${dataset.name}.${v.name}: character length must be 1–200`);
  }
  dataset.rows.forEach((row, i) => {
    if (row.length !== dataset.variables.length)
      problems.push(
        `${dataset.name} row ${i + 1}: ${row.length} values for ${dataset.variables.length} variables`,
      );
    dataset.variables.forEach((v, j) => {
      const value = row[j];
      if (value === null || value === undefined) return;
      if (v.type === "num" && typeof value !== "number")
        problems.push(`${dataset.name} row ${i + 1} ${v.name}: not a number`);
      if (v.type === "char" && typeof value !== "string")
        problems.push(`${dataset.name} row ${i + 1} ${v.name}: not text`);
      if (v.type === "char" && typeof value === "string" && asciiText(value).length > v.length)
        problems.push(`${dataset.name} row ${i + 1} ${v.name}: longer than ${v.length}`);
    });
  });
  return problems;
}

class RecordWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  text(text: string, width: number) {
    const bytes = new Uint8Array(width).fill(0x20);
    const ascii = asciiText(text);
    for (let i = 0; i < Math.min(width, ascii.length); i++) bytes[i] = ascii.charCodeAt(i);
    this.bytes(bytes);
  }

  bytes(bytes: Uint8Array) {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  /** Blanks up to the next 80-byte boundary. */
  pad() {
    const rest = this.size % RECORD;
    if (rest) this.bytes(new Uint8Array(RECORD - rest).fill(0x20));
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const header = (kind: string, tail = "000000000000000000000000000000  ") =>
  `HEADER RECORD*******${kind.padEnd(8)}HEADER RECORD!!!!!!!${tail}`;

function short(view: DataView, at: number, value: number) {
  view.setInt16(at, value, false);
}

/** One 140-byte NAMESTR (TS-140): type, length, number, name, label, format, position. */
function namestr(v: XptVariable, index: number, position: number): Uint8Array {
  const bytes = new Uint8Array(140);
  const view = new DataView(bytes.buffer);
  const put = (at: number, text: string, width: number) => {
    for (let i = 0; i < width; i++) bytes[at + i] = i < text.length ? text.charCodeAt(i) : 0x20;
  };
  short(view, 0, v.type === "num" ? 1 : 2); // ntype
  short(view, 2, 0); // nhfun
  short(view, 4, v.length); // nlng
  short(view, 6, index + 1); // nvar0
  put(8, v.name, 8); // nname
  put(16, asciiText(v.label), 40); // nlabel
  const format = /^([A-Z$][A-Z0-9_]*?)(\d*)\.(\d*)$/.exec(v.format ?? "");
  put(56, format?.[1] ?? "", 8); // nform
  short(view, 64, format?.[2] ? Number(format[2]) : 0); // nfl
  short(view, 66, format?.[3] ? Number(format[3]) : 0); // nfd
  short(view, 68, 0); // nfj: left-justified
  put(72, "", 8); // niform
  short(view, 80, 0); // nifl
  short(view, 82, 0); // nifd
  view.setInt32(84, position, false); // npos
  return bytes; // the remaining 52 bytes stay zero
}

/**
 * The transport file of one or more datasets. `createdAt` goes into the headers, so the same data
 * and time give the same bytes. Throws a RangeError listing every problem when a dataset breaks
 * the version 5 limits (callers check with xptProblems first to report them).
 */
export function writeXpt(datasets: XptDataset[], createdAt: Date): Uint8Array {
  const problems = datasets.flatMap(xptProblems);
  if (problems.length) throw new RangeError(problems.join("; "));
  const stamp = sasHeaderDateTime(createdAt);
  const w = new RecordWriter();
  w.text(header("LIBRARY"), RECORD);
  w.text(
    `${"SAS".padEnd(8)}${"SAS".padEnd(8)}${"SASLIB".padEnd(8)}${"9.4".padEnd(8)}${"".padEnd(8)}${"".padEnd(24)}${stamp}`,
    RECORD,
  );
  w.text(stamp, RECORD);
  for (const ds of datasets) {
    w.text(header("MEMBER", "000000000000000001600000000140  "), RECORD);
    w.text(header("DSCRPTR"), RECORD);
    w.text(
      `${"SAS".padEnd(8)}${ds.name.padEnd(8)}${"SASDATA".padEnd(8)}${"9.4".padEnd(8)}${"".padEnd(8)}${"".padEnd(24)}${stamp}`,
      RECORD,
    );
    w.text(`${stamp}${"".padEnd(16)}${ds.label.padEnd(40)}${"".padEnd(8)}`, RECORD);
    w.text(
      header("NAMESTR", `000000${String(ds.variables.length).padStart(4, "0")}00000000000000000000  `),
      RECORD,
    );
    let position = 0;
    ds.variables.forEach((v, i) => {
      w.bytes(namestr(v, i, position));
      position += v.length;
    });
    w.pad();
    w.text(header("OBS"), RECORD);
    for (const row of ds.rows)
      ds.variables.forEach((v, j) => {
        const value = row[j] ?? null;
        if (v.type === "num") w.bytes(typeof value === "number" ? ibmDouble(value) : sasMissing());
        else w.text(value === null ? "" : String(value), v.length);
      });
    w.pad();
  }
  return w.result();
}
