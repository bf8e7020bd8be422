/**
 * Plausibility on entry (issue 10): POST /api/v1/observations normalises units to the canonical
 * unit of each LOINC code through the same code path as lab import, keeps the value as entered,
 * and refuses incompatible units, values outside physiological bounds, future times and decimal
 * commas with 400 problem+json naming the field, writing nothing. Lab import applies the same
 * rules; calculators warn when a count looks entered in the wrong unit. Runs on PGlite and, with
 * TEST_DATABASE_URL, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatient } from "../../src/services/patients.ts";
import { buildWorld, type World } from "../support/world.ts";

/** The server's clock, fixed so "the future" is exact. */
const NOW = new Date("2026-03-01T04:00:00Z");
const minutesFromNow = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();

let w: World;
let patientId: string;
beforeAll(async () => {
  w = await buildWorld({ now: () => NOW });
  patientId = (
    await createPatient(await w.as("coordinator", "A"), {
      siteId: w.sites.A,
      subjectCode: "AA-0101",
      birthYear: 1976,
      sex: "female",
    })
  ).id;
}, 180_000);
afterAll(() => w?.close());

const post = (body: unknown) => w.call("coordinator", "A", "POST", "/api/v1/observations", body);
const obs = (code: string, value: Record<string, unknown>, at = "2026-02-27T08:00:00+08:00") => ({
  patientId,
  code,
  ...value,
  effectiveAt: at,
});

async function counts() {
  const n = async (table: "observations" | "audit_events" | "lab_imports") =>
    Number(
      (
        await w.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    observations: await n("observations"),
    audit: await n("audit_events"),
    imports: await n("lab_imports"),
  };
}

type Problem = {
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string; code?: string }[];
};

/** 400 problem+json, nothing written (observations, audit, imports counted before and after). */
async function refused(
  send: () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>,
) {
  const before = await counts();
  const res = await send();
  expect(res.statusCode, res.body).toBe(400);
  expect(String(res.headers["content-type"])).toContain("application/problem+json");
  expect(await counts()).toEqual(before);
  return JSON.parse(res.body) as Problem;
}

describe("a good entry in a non-canonical unit", () => {
  it("haemoglobin 120 g/L is stored as 12 g/dL (the code's canonical unit) with 120 g/L kept as entered", async () => {
    const res = await post(obs("718-7", { valueNumber: 120, unit: "g/L" }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      code: "718-7",
      valueNumber: 12,
      unit: "g/dL",
      originalValue: 120,
      originalUnit: "g/L",
      display: "Hemoglobin [Mass/volume] in Blood",
    });
    const row = await w.database.db
      .selectFrom("observations")
      .selectAll()
      .where("id", "=", res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ value_number: 12, unit: "g/dL", original_value: 120, original_unit: "g/L" });
  });

  it("a batch converts each row exactly as lab import does: mmol/L haemoglobin, 10^9/L platelets, °F and °C", async () => {
    const res = await post({
      observations: [
        obs("718-7", { valueNumber: 7.4472, unit: "mmol/L" }),
        obs("777-3", { valueNumber: 150, unit: "10*9/L" }),
        obs("8310-5", { valueNumber: 101.3, unit: "[degF]" }),
        obs("8310-5", { valueNumber: 37.2, unit: "°C" }),
        obs("6690-2", { valueNumber: 4.2, unit: "x10^9/L" }),
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const stored = res.json().observations as { valueNumber: number; unit: string; originalUnit: string }[];
    expect(stored.map((o) => [o.valueNumber, o.unit, o.originalUnit])).toEqual([
      [12, "g/dL", "mmol/L"],
      [150, "10*3/uL", "10*9/L"],
      [38.5, "Cel", "[degF]"],
      [37.2, "Cel", "°C"],
      [4.2, "10*3/uL", "x10^9/L"],
    ]);
  });

  it("a value already in the canonical unit is stored as it is, and keeps what was entered", async () => {
    const res = await post(obs("718-7", { valueNumber: 12, unit: "g/dL" }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      valueNumber: 12,
      unit: "g/dL",
      originalValue: 12,
      originalUnit: "g/dL",
    });
  });

  it("a LOINC code without a canonical unit is stored in the UCUM unit given, which must be UCUM", async () => {
    const alt = await post(obs("1742-6", { valueNumber: 35, unit: "U/L" }));
    expect(alt.statusCode, alt.body).toBe(201);
    expect(alt.json()).toMatchObject({
      valueNumber: 35,
      unit: "U/L",
      originalValue: 35,
      originalUnit: "U/L",
    });
    const p = await refused(() => post(obs("1742-6", { valueNumber: 35, unit: "units" })));
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([["/unit", "unknown_unit"]]);
  });
});

describe("refused with 400 naming the field, nothing written", () => {
  it("temperature in kg", async () => {
    const p = await refused(() => post(obs("8310-5", { valueNumber: 37, unit: "kg" })));
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([["/unit", "incompatible_unit"]]);
    expect(p.errors?.[0]?.detail).toMatch(/kg cannot be converted to Cel/);
  });

  it("negative haemoglobin, SpO2 above 100 %, a temperature of 60 °C (also as 140 °F)", async () => {
    for (const [code, value, unit] of [
      ["718-7", -1, "g/dL"],
      ["59408-5", 101, "%"],
      ["8310-5", 60, "Cel"],
      ["8310-5", 140, "[degF]"],
    ] as const) {
      const p = await refused(() => post(obs(code, { valueNumber: value, unit })));
      expect(
        p.errors?.map((e) => [e.pointer, e.code]),
        `${code} ${value} ${unit}`,
      ).toEqual([["/valueNumber", "implausible_value"]]);
    }
  });

  it("a bad row in a batch: every bad row named by index, none of the good rows written", async () => {
    const p = await refused(() =>
      post({
        observations: [
          obs("718-7", { valueNumber: 11.5, unit: "g/dL" }),
          obs("718-7", { valueNumber: 115, unit: "g/dL" }), // g/L typed as g/dL
          obs("8310-5", { valueNumber: 37, unit: "kg" }),
          obs("777-3", { valueNumber: 180, unit: "10*3/uL" }),
          obs("718-7", { valueText: "11,5" }),
          obs("777-3", { valueNumber: 180, unit: "10*3/uL" }, minutesFromNow(60)),
        ],
      }),
    );
    expect(p.errors?.map((e) => e.pointer)).toEqual([
      "/observations/1/valueNumber",
      "/observations/2/unit",
      "/observations/4/valueText",
      "/observations/5/effectiveAt",
    ]);
  });

  it("a time beyond the 5-minute clock skew; within it is accepted", async () => {
    const p = await refused(() => post(obs("718-7", { valueNumber: 12, unit: "g/dL" }, minutesFromNow(6))));
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([["/effectiveAt", "future_time"]]);
    expect(p.errors?.[0]?.detail).toMatch(/5 minutes/);
    const ok = await post(obs("718-7", { valueNumber: 12, unit: "g/dL" }, minutesFromNow(4)));
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it("a decimal comma is refused with the fix, never stored as text", async () => {
    for (const code of ["718-7", "1742-6", "8061-4"]) {
      const p = await refused(() => post(obs(code, { valueText: "3,5" })));
      expect(
        p.errors?.map((e) => [e.pointer, e.code]),
        code,
      ).toEqual([["/valueText", "decimal_comma"]]);
      expect(p.errors?.[0]?.detail).toMatch(/3\.5/);
    }
  });

  it("a number sent as text is refused: it belongs in valueNumber with its unit", async () => {
    for (const code of ["718-7", "1742-6"]) {
      const p = await refused(() => post(obs(code, { valueText: "12" })));
      expect(
        p.errors?.map((e) => [e.pointer, e.code]),
        code,
      ).toEqual([["/valueText", "number_as_text"]]);
    }
  });

  it("a number under a coded LOINC code, and a code under a quantity", async () => {
    let p = await refused(() => post(obs("8061-4", { valueNumber: 1, unit: "1" })));
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([
      ["/valueNumber", "expected_coded"],
      ["/unit", "unexpected_unit"],
    ]);
    p = await refused(() => post(obs("718-7", { valueCode: "low" })));
    expect(p.errors?.map((e) => e.pointer)).toEqual(["/valueCode"]);
  });

  it("an ECOG score that is not a whole number from 0 to 5", async () => {
    for (const v of [1.5, 6]) {
      const p = await refused(() => post(obs("89247-1", { valueNumber: v, unit: "{score}" })));
      expect(
        p.errors?.map((e) => [e.pointer, e.code]),
        String(v),
      ).toEqual([["/valueNumber", "implausible_value"]]);
    }
  });
});

describe("corrections follow the same rules", () => {
  it("a PATCH to a negative value or an incompatible unit is refused; a unit fix re-normalises the entered number", async () => {
    const created = (await post(obs("718-7", { valueNumber: 120, unit: "g/dL" }))).json();
    // 120 g/dL is implausible: refused at entry
    expect(created.status).toBe(400);
    const good = (await post(obs("718-7", { valueNumber: 11, unit: "g/dL" }))).json();
    const patch = (body: Record<string, unknown>) =>
      w.call("coordinator", "A", "PATCH", `/api/v1/observations/${good.id}`, { reason: "typo", ...body });
    let p = await refused(() => patch({ valueNumber: -2, version: 1 }));
    expect(p.errors?.map((e) => e.pointer)).toEqual(["/valueNumber"]);
    p = await refused(() => patch({ unit: "kg", version: 1 }));
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([["/unit", "incompatible_unit"]]);
    p = await refused(() => patch({ effectiveAt: minutesFromNow(30), version: 1 }));
    expect(p.errors?.map((e) => e.pointer)).toEqual(["/effectiveAt"]);
    const fixed = await patch({ valueNumber: 110, unit: "g/L", version: 1 });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({
      valueNumber: 11,
      unit: "g/dL",
      originalValue: 110,
      originalUnit: "g/L",
    });
  });
});

describe("lab import applies the same rules", () => {
  const mapping = {
    columns: {
      subjectCode: "Subject",
      code: "Test",
      value: "Result",
      unit: "Units",
      effectiveAt: "Collected",
    },
  };
  const csv = (rows: string[]) => ["Subject,Test,Result,Units,Collected", ...rows].join("\n");
  const importCsv = (rows: string[]) =>
    w.call("coordinator", "A", "POST", "/api/v1/lab-imports", {
      format: "csv",
      siteId: w.sites.A,
      fileName: "plausibility.csv",
      mapping,
      content: csv(rows),
    });

  it("refuses a negative haemoglobin, SpO2 over 100 %, 60 °C and a result an hour ahead of the clock", async () => {
    const p = await refused(() =>
      importCsv([
        "AA-0101,718-7,12.1,g/dL,2026-02-27T08:00:00+08:00",
        "AA-0101,718-7,-1,g/dL,2026-02-27T08:00:00+08:00",
        "AA-0101,59408-5,101,%,2026-02-27T08:00:00+08:00",
        "AA-0101,8310-5,60,Cel,2026-02-27T08:00:00+08:00",
        `AA-0101,777-3,180,10*3/uL,${minutesFromNow(60)}`,
        'AA-0101,718-7,"12,1",g/dL,2026-02-27T08:00:00+08:00',
      ]),
    );
    expect(p.errors?.map((e) => [e.pointer, e.code])).toEqual([
      ["/lines/3/Result", "implausible_value"],
      ["/lines/4/Result", "implausible_value"],
      ["/lines/5/Result", "implausible_value"],
      ["/lines/6/Collected", "future_time"],
      ["/lines/7/Result", "decimal_comma"],
    ]);
  });

  it("a good file in non-canonical units is stored canonically, as on entry", async () => {
    const res = await importCsv(["AA-0101,718-7,120,g/L,2026-02-26T08:00:00+08:00"]);
    expect(res.statusCode, res.body).toBe(201);
    const row = await w.database.db
      .selectFrom("observations")
      .selectAll()
      .where("lab_import_id", "=", res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ value_number: 12, unit: "g/dL", original_value: 120, original_unit: "g/L" });
  });
});

describe("calculators warn when a count looks entered in the wrong unit", () => {
  const calc = (name: string, body: unknown) =>
    w.call("coordinator", "A", "POST", `/api/v1/calculators/${name}`, body);

  it("platelets 200 /µL next to an LLN of 150,000: graded, with a warning naming the field", async () => {
    const res = await calc("ctcae-hematology", {
      platelets: { countCellsPerUL: 200, llnCellsPerUL: 150_000 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.value.platelets).toBe(4);
    expect(r.warnings).toEqual([
      expect.objectContaining({ path: "/platelets/countCellsPerUL", code: "count_unit_suspect" }),
    ]);
    expect(r.warnings[0].message).toMatch(/200,000/);
  });

  it("a plausible count carries an empty warnings array", async () => {
    const res = await calc("ctcae-hematology", { platelets: { countCellsPerUL: 20_000 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().warnings).toEqual([]);
  });

  it("a stored assessment keeps its warnings", async () => {
    const res = await w.call("investigator", "A", "POST", `/api/v1/patients/${patientId}/assessments`, {
      calculator: "car-hematotox",
      assessedAt: "2026-02-27T08:00:00+08:00",
      inputs: {
        plateletsCellsPerUL: 180,
        ancCellsPerUL: 1.5,
        hemoglobinGPerDL: 11,
        crpMgPerDL: 1,
        ferritinNgPerML: 300,
        indication: "LBCL",
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().result.warnings.map((x: { path: string }) => x.path)).toEqual([
      "/plateletsCellsPerUL",
      "/ancCellsPerUL",
    ]);
  });
});
