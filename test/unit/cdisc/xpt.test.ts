/**
 * The SAS XPORT v5 layout, byte by byte, against the record layout of SAS TS-140: 80-byte header
 * records, 140-byte NAMESTRs (type, length, number, name, label, position), observations packed
 * back to back and blank-padded to a record boundary. The expected bytes are written out here
 * from the document, not produced by the writer.
 */
import { describe, expect, it } from "vitest";
import { asciiText, sasHeaderDateTime, writeXpt, xptProblems } from "../../../src/domain/cdisc/xpt.ts";

const at = new Date("2026-12-04T10:30:05Z");
const file = writeXpt(
  [
    {
      name: "DM",
      label: "Demographics",
      variables: [
        { name: "USUBJID", label: "Unique Subject Identifier", type: "char", length: 6 },
        { name: "AGE", label: "Age", type: "num", length: 8 },
      ],
      rows: [
        ["S-0001", 43],
        ["S-02", null],
      ],
    },
  ],
  at,
);
const text = (from: number, to: number) => Buffer.from(file.subarray(from, to)).toString("latin1");
const record = (i: number) => text(i * 80, (i + 1) * 80);

describe("SAS XPORT v5 writer", () => {
  it("writes the library and member headers of TS-140", () => {
    expect(record(0)).toBe(`HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!${"0".repeat(30)}  `);
    expect(record(1)).toBe(
      `SAS     SAS     SASLIB  9.4     ${" ".repeat(8)}${" ".repeat(24)}04DEC26:10:30:05`,
    );
    expect(record(2)).toBe(`04DEC26:10:30:05${" ".repeat(64)}`);
    expect(record(3)).toBe(
      "HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140  ",
    );
    expect(record(4)).toBe(`HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!${"0".repeat(30)}  `);
    expect(record(5)).toBe(`SAS     DM      SASDATA 9.4     ${" ".repeat(32)}04DEC26:10:30:05`);
    expect(record(6)).toBe(`04DEC26:10:30:05${" ".repeat(16)}${"Demographics".padEnd(40)}${" ".repeat(8)}`);
    // two variables: "0002" in the NAMESTR header
    expect(record(7)).toBe(`HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!0000000002${"0".repeat(20)}  `);
  });

  it("writes one 140-byte NAMESTR per variable, padded to a record boundary", () => {
    const namestr = (i: number) => file.subarray(8 * 80 + i * 140, 8 * 80 + (i + 1) * 140);
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const first = namestr(0);
    expect(view(first).getInt16(0)).toBe(2); // character
    expect(view(first).getInt16(4)).toBe(6); // length
    expect(view(first).getInt16(6)).toBe(1); // variable number
    expect(Buffer.from(first.subarray(8, 16)).toString("latin1")).toBe("USUBJID ");
    expect(Buffer.from(first.subarray(16, 56)).toString("latin1")).toBe(
      "Unique Subject Identifier".padEnd(40),
    );
    expect(view(first).getInt32(84)).toBe(0); // position in the observation
    const second = namestr(1);
    expect(view(second).getInt16(0)).toBe(1); // numeric
    expect(view(second).getInt16(4)).toBe(8);
    expect(view(second).getInt32(84)).toBe(6);
    // 2 × 140 = 280 bytes: 4 records (320) with 40 blanks
    expect(text(8 * 80 + 280, 12 * 80)).toBe(" ".repeat(40));
    expect(record(12)).toBe(`HEADER RECORD*******OBS     HEADER RECORD!!!!!!!${"0".repeat(30)}  `);
  });

  it("packs observations back to back: blank-padded text, IBM numbers, '.' for missing", () => {
    const obs = file.subarray(13 * 80);
    // observation length 6 + 8 = 14; two observations = 28 bytes, padded to 80
    expect(obs.length).toBe(80);
    expect(Buffer.from(obs.subarray(0, 6)).toString("latin1")).toBe("S-0001");
    // 43 = 0x2B = 0.2B (hex) × 16^2
    expect(Buffer.from(obs.subarray(6, 14)).toString("hex")).toBe("422b000000000000");
    expect(Buffer.from(obs.subarray(14, 20)).toString("latin1")).toBe("S-02  ");
    expect(Buffer.from(obs.subarray(20, 28)).toString("hex")).toBe("2e00000000000000");
    expect(Buffer.from(obs.subarray(28)).toString("latin1")).toBe(" ".repeat(52));
  });

  it("refuses what version 5 cannot hold, naming each problem", () => {
    expect(
      xptProblems({
        name: "lowercase",
        label: "x".repeat(41),
        variables: [
          { name: "TOOLONGNAME", label: "ok", type: "char", length: 201 },
          { name: "N", label: "n", type: "num", length: 4 },
        ],
        rows: [["x", "not a number"]],
      }),
    ).toEqual([
      "dataset name lowercase is not a SAS V5 name",
      "dataset lowercase: label longer than 40",
      "lowercase.TOOLONGNAME: not a SAS V5 name",
      "lowercase.TOOLONGNAME: character length must be 1–200",
      "lowercase.N: numbers take 8 bytes",
      "lowercase row 1 N: not a number",
    ]);
  });

  it("writes text as ASCII and header times as ddMMMyy:hh:mm:ss", () => {
    expect(asciiText("3 × 10^6 CAR+ cells/kg, 38.9 °C, 5 µg, Müller, ≥ 2")).toBe(
      "3 x 10^6 CAR+ cells/kg, 38.9 deg C, 5 ug, Muller, >= 2",
    );
    expect(asciiText("深圳")).toBe("??");
    expect(sasHeaderDateTime(new Date("2019-09-16T02:00:00Z"))).toBe("16SEP19:02:00:00");
  });
});
