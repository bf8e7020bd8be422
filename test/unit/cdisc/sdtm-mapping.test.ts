/**
 * Record → SDTM mappings on a hand-made subject whose expected records are worked out here from
 * SDTMIG 3.4: --DY has no day 0 (section 4.4.4), --DTC is the site's local time, USUBJID joins
 * study and subject code, each recorded adverse event is one AE record (NCI attribution → AEREL,
 * ICH E2A criteria → the seriousness flags), Flu/Cy before the
 * infusion is exposure (EX) and everything else concomitant (CM), Lugano CT lesions become TU/TR.
 */
import { describe, expect, it } from "vitest";
import { defineXml } from "../../../src/domain/cdisc/define-xml.ts";
import type { SourceSubject, StudySource } from "../../../src/domain/cdisc/model.ts";
import { sdtmDatasets } from "../../../src/domain/cdisc/sdtm.ts";
import { sdtmStudyDay } from "../../../src/domain/study-day.ts";

const shanghai = (local: string) => new Date(`${local}+08:00`);

const subject: SourceSubject = {
  subjectCode: "SZ-0009",
  siteCode: "SZ",
  country: "CN",
  timeZone: "Asia/Shanghai",
  birthYear: 1980,
  sex: "male",
  armCode: "LYM",
  doseLevelCode: "DL1",
  consentDate: "2024-02-20",
  infusionDate: "2024-03-10",
  journey: [
    { type: "sign-consent", at: shanghai("2024-02-20T09:00:00"), reason: null, payload: {} },
    // 02:00 UTC on the 10th is 10:00 in Shenzhen
    { type: "infuse", at: new Date("2024-03-10T02:00:00Z"), reason: null, payload: {} },
    { type: "die", at: shanghai("2024-09-01T23:30:00"), reason: null, payload: {} },
  ],
  conditions: [
    {
      id: "c1",
      codeSystem: "http://snomed.info/sct",
      code: "109969005",
      display: "Diffuse large B-cell lymphoma",
      onsetDate: "2022-05-01",
      abatementDate: null,
      clinicalStatus: "active",
    },
  ],
  observations: [
    {
      id: "o1",
      code: "718-7",
      display: null,
      valueNumber: 12,
      valueCode: null,
      valueText: null,
      unit: "g/dL",
      // entered as 120 g/L, stored in the canonical g/dL
      originalValue: 120,
      originalUnit: "g/L",
      effectiveAt: shanghai("2024-03-09T07:30:00"),
    },
    {
      id: "o2",
      code: "8310-5",
      display: null,
      valueNumber: 38.6,
      valueCode: null,
      valueText: null,
      unit: "Cel",
      originalValue: null,
      originalUnit: null,
      effectiveAt: shanghai("2024-03-11T20:00:00"),
    },
    {
      id: "o3",
      code: "99999-9",
      display: "something unmapped",
      valueNumber: 1,
      valueCode: null,
      valueText: null,
      unit: null,
      originalValue: null,
      originalUnit: null,
      effectiveAt: shanghai("2024-03-11T20:00:00"),
    },
  ],
  medications: [
    {
      id: "m1",
      drug: "fludarabine",
      atcCode: "L01BB05",
      doseValue: 30,
      doseUnit: "mg/m2",
      route: "intravenous",
      frequency: "once daily",
      startDate: "2024-03-05",
      stopDate: "2024-03-07",
      indication: "Lymphodepletion",
    },
    {
      id: "m2",
      drug: "tocilizumab",
      atcCode: "L04AC07",
      doseValue: 8,
      doseUnit: "mg/kg",
      route: "intravenous",
      frequency: "every 8 hours",
      startDate: "2024-03-12",
      stopDate: "2024-03-12",
      indication: "CRS grade 2",
    },
    {
      // cyclophosphamide a year earlier is a prior lymphoma treatment, not lymphodepletion
      id: "m3",
      drug: "cyclophosphamide",
      atcCode: "L01AA01",
      doseValue: null,
      doseUnit: null,
      route: "intravenous",
      frequency: "every 21 days, 6 cycles",
      startDate: "2023-01-10",
      stopDate: "2023-05-01",
      indication: "DLBCL first line",
    },
  ],
  adverseEvents: [
    {
      id: "ae2",
      term: "Cytokine release syndrome",
      soc: "Immune system disorders",
      grade: 2,
      attribution: "definite",
      serious: false,
      seriousCriteria: [],
      onsetDate: "2024-03-11",
      resolvedDate: "2024-03-14",
      outcome: "RECOVERED/RESOLVED",
    },
    {
      id: "ae3",
      term: "Sepsis",
      soc: "Infections and infestations",
      grade: 5,
      attribution: "possible",
      serious: true,
      seriousCriteria: ["death"],
      onsetDate: "2024-08-25",
      resolvedDate: "2024-09-01",
      outcome: "FATAL",
    },
    // recorded before the infusion, during lymphodepletion; still resolving
    {
      id: "ae1",
      term: "Lung infection",
      soc: "Infections and infestations",
      grade: 3,
      attribution: "unlikely",
      serious: true,
      seriousCriteria: ["hospitalisation", "important-medical-event"],
      onsetDate: "2024-03-09",
      resolvedDate: null,
      outcome: "RECOVERING/RESOLVING",
    },
  ],
  assessments: [
    {
      id: "a4",
      calculator: "lugano-ct",
      assessedAt: shanghai("2024-04-09T15:00:00"),
      inputs: {
        targetLesions: [
          { site: "mediastinal mass", kind: "NODAL", status: "MEASURED", ldiMm: 30, sdiMm: 20 },
          { site: "left axillary node", kind: "NODAL", status: "TOO_SMALL_TO_MEASURE" },
        ],
        newLesions: [],
      },
      // as the calculator stores it: effective diameters (5 × 5 mm when too small), SPD 600 + 25
      result: {
        value: "PR",
        details: {
          spdMm2: 625,
          lesions: [
            { site: "mediastinal mass", ldiMm: 30, sdiMm: 20 },
            { site: "left axillary node", ldiMm: 5, sdiMm: 5 },
          ],
        },
      },
    },
  ],
};

const study: StudySource = {
  studyId: "NCT00000001",
  title: "A test study",
  arms: [
    {
      code: "LYM",
      name: "Lymphoma",
      doseLevels: [
        { code: "DL1", label: "1 × 10^6 CAR+ cells/kg", dose: 1_000_000, unit: "car-cells-per-kg" },
      ],
    },
  ],
  productName: "cCAR-19B",
  siteCodes: ["SZ"],
  subjects: [subject],
};

const built = sdtmDatasets(study);
const ds = (name: string) => built.datasets.find((d) => d.name === name)!;

describe("SDTM study day", () => {
  it("counts the reference date as day 1 and has no day 0 (SDTMIG 3.4 section 4.4.4)", () => {
    expect(sdtmStudyDay("2024-03-10", "2024-03-10")).toBe(1);
    expect(sdtmStudyDay("2024-03-11", "2024-03-10")).toBe(2);
    expect(sdtmStudyDay("2024-03-09", "2024-03-10")).toBe(-1);
    // across a leap day: 29 February 2024 exists
    expect(sdtmStudyDay("2024-02-28", "2024-03-10")).toBe(-11);
  });
});

describe("record → SDTM", () => {
  it("DM: pseudonymous keys, infusion as reference start, death, arm and dose level", () => {
    expect(ds("DM").rows).toEqual([
      expect.objectContaining({
        STUDYID: "NCT00000001",
        USUBJID: "NCT00000001-SZ-0009",
        SUBJID: "SZ-0009",
        RFSTDTC: "2024-03-10T10:00",
        RFXSTDTC: "2024-03-05",
        RFXENDTC: "2024-03-10T10:00",
        RFICDTC: "2024-02-20",
        RFPENDTC: "2024-09-01T23:30",
        DTHDTC: "2024-09-01T23:30",
        DTHFL: "Y",
        BRTHDTC: "1980",
        AGE: 44,
        SEX: "M",
        ARMCD: "LYM-DL1",
        ARM: "Lymphoma, 1 x 10^6 CAR+ cells/kg",
        ACTARMCD: "LYM-DL1",
        COUNTRY: "CHN",
      }),
    ]);
  });

  it("AE: one record per recorded adverse event in onset order, relatedness and seriousness flags", () => {
    const base = { STUDYID: "NCT00000001", DOMAIN: "AE", USUBJID: "NCT00000001-SZ-0009" };
    expect(ds("AE").rows).toEqual([
      {
        ...base,
        AESEQ: 1,
        AETERM: "Lung infection",
        AEDECOD: "Lung infection",
        AEBODSYS: "Infections and infestations",
        AESOC: "Infections and infestations",
        AESER: "Y",
        // NCI attribution "unlikely" is not related (related = possible, probable, definite)
        AEREL: "NOT RELATED",
        AEOUT: "RECOVERING/RESOLVING",
        AESCONG: "N",
        AESDISAB: "N",
        AESDTH: "N",
        AESHOSP: "Y",
        AESLIFE: "N",
        AESMIE: "Y",
        AETOXGR: "3",
        AESTDTC: "2024-03-09",
        AEENDTC: null,
        // the day before the infusion is day −1 (no day 0)
        AESTDY: -1,
        AEENDY: null,
      },
      {
        ...base,
        AESEQ: 2,
        AETERM: "Cytokine release syndrome",
        AEDECOD: "Cytokine release syndrome",
        AEBODSYS: "Immune system disorders",
        AESOC: "Immune system disorders",
        AESER: "N",
        AEREL: "RELATED",
        AEOUT: "RECOVERED/RESOLVED",
        // not serious: the criteria were not asked, so the flags stay empty
        AESCONG: null,
        AESDISAB: null,
        AESDTH: null,
        AESHOSP: null,
        AESLIFE: null,
        AESMIE: null,
        AETOXGR: "2",
        AESTDTC: "2024-03-11",
        AEENDTC: "2024-03-14",
        AESTDY: 2,
        AEENDY: 5,
      },
      {
        ...base,
        AESEQ: 3,
        AETERM: "Sepsis",
        AEDECOD: "Sepsis",
        AEBODSYS: "Infections and infestations",
        AESOC: "Infections and infestations",
        AESER: "Y",
        AEREL: "RELATED",
        AEOUT: "FATAL",
        AESCONG: "N",
        AESDISAB: "N",
        AESDTH: "Y",
        AESHOSP: "N",
        AESLIFE: "N",
        AESMIE: "N",
        AETOXGR: "5",
        AESTDTC: "2024-08-25",
        AEENDTC: "2024-09-01",
        // 10 March → 25 August 2024: 21 + 30 + 31 + 30 + 31 + 25 = 168 days, day 169; death day 176
        AESTDY: 169,
        AEENDY: 176,
      },
    ]);
    // Severity is not collected apart from the grade, so AESEV is not derived from it.
    expect(ds("AE").variables.map((v) => v.name)).not.toContain("AESEV");
  });

  it("EX: lymphodepletion within the window and the CAR-T infusion; CM: the rest", () => {
    expect(ds("EX").rows.map((r) => [r.EXTRT, r.EXDOSE, r.EXDOSU, r.EXDOSFRQ, r.EXSTDTC, r.EXSTDY])).toEqual([
      ["FLUDARABINE", 30, "mg/m2", "QD", "2024-03-05", -5],
      ["cCAR-19B", 1_000_000, "CAR+ cells/kg", "ONCE", "2024-03-10T10:00", 1],
    ]);
    expect(ds("CM").rows.map((r) => [r.CMTRT, r.CMDOSFRQ, r.CMDOSRGM, r.CMROUTE, r.CMSTDY])).toEqual([
      ["cyclophosphamide", null, "every 21 days, 6 cycles", "INTRAVENOUS", -425],
      ["tocilizumab", "Q8H", "every 8 hours", "INTRAVENOUS", 3],
    ]);
  });

  it("LB and VS: original result as entered, standard result in the canonical unit, CDISC units", () => {
    expect(ds("LB").rows).toEqual([
      expect.objectContaining({
        LBTESTCD: "HGB",
        LBORRES: "120",
        LBORRESU: "g/L",
        LBSTRESC: "12",
        LBSTRESN: 12,
        LBSTRESU: "g/dL",
        LBLOINC: "718-7",
        LBDTC: "2024-03-09T07:30",
        LBDY: -1,
      }),
    ]);
    expect(ds("VS").rows).toEqual([
      expect.objectContaining({ VSTESTCD: "TEMP", VSSTRESN: 38.6, VSSTRESU: "C", VSDY: 2 }),
    ]);
    expect(built.notes).toEqual([
      "Observations under LOINC 99999-9 have no SDTM test mapping and are not exported.",
    ]);
  });

  it("RS, TU, TR from a stored Lugano CT assessment: response, lesions, diameters and SPD", () => {
    expect(ds("RS").rows).toEqual([
      expect.objectContaining({ RSTESTCD: "OVRLRESP", RSORRES: "PR", RSSCAT: "CT-BASED", RSDY: 31 }),
    ]);
    expect(ds("TU").rows.map((r) => [r.TULNKID, r.TUORRES, r.TULOC, r.TUMETHOD])).toEqual([
      ["L01", "TARGET", "MEDIASTINAL MASS", "CT SCAN"],
      ["L02", "TARGET", "LEFT AXILLARY NODE", "CT SCAN"],
    ]);
    expect(ds("TR").rows.map((r) => [r.TRLNKID, r.TRTESTCD, r.TRSTRESN, r.TRSTRESU])).toEqual([
      ["L01", "LDIAM", 30, "mm"],
      ["L01", "LPERP", 20, "mm"],
      ["L02", "LDIAM", 5, "mm"],
      ["L02", "LPERP", 5, "mm"],
      [null, "SPD", 625, "mm2"],
    ]);
  });

  it("DS and MH from the journey and the conditions", () => {
    expect(ds("DS").rows.map((r) => [r.DSDECOD, r.DSCAT, r.DSSTDY])).toEqual([
      ["INFORMED CONSENT OBTAINED", "PROTOCOL MILESTONE", -19],
      ["DEATH", "DISPOSITION EVENT", 176],
    ]);
    expect(ds("MH").rows).toEqual([
      expect.objectContaining({
        MHTERM: "Diffuse large B-cell lymphoma",
        MHSCAT: "SNOMED CT 109969005",
        MHENRF: "DURING/AFTER",
      }),
    ]);
  });

  it("Define-XML lists every variable of every dataset, and marks sponsor terms as extended", () => {
    const xml = defineXml(
      { studyId: "NCT00000001", title: "A test study", description: "site SZ" },
      built.datasets,
      new Date(0),
    );
    for (const d of built.datasets) {
      const group = xml.slice(
        xml.indexOf(`<ItemGroupDef OID="IG.${d.name}"`),
        xml.indexOf("</ItemGroupDef>", xml.indexOf(`<ItemGroupDef OID="IG.${d.name}"`)),
      );
      const refs = [...group.matchAll(/ItemOID="IT\.[A-Z]{2}\.([A-Z0-9]+)"/g)].map((m) => m[1]);
      expect(refs, d.name).toEqual(d.variables.map((v) => v.name));
      for (const v of d.variables)
        expect(xml, `${d.name}.${v.name}`).toContain(
          `<ItemDef OID="IT.${d.name}.${v.name}" Name="${v.name}"`,
        );
    }
    expect(xml).toContain('<EnumeratedItem CodedValue="SPD" def:ExtendedValue="Yes"/>');
    expect(xml).toContain('<EnumeratedItem CodedValue="LDIAM"/>');
    expect(xml).toContain('<EnumeratedItem CodedValue="CAR+ cells/kg" def:ExtendedValue="Yes"/>');
    // AEREL's codelist is our own (SDTMIG gives none): its values extend nothing
    expect(xml).toContain(
      '<CodeList OID="CL.AE.AEREL.AEREL" Name="Causality (sponsor-defined)" DataType="text">',
    );
    expect(xml).toContain('<EnumeratedItem CodedValue="NOT RELATED"/>');
    expect(xml).toContain('<EnumeratedItem CodedValue="RELATED"/>');
    expect(xml).toContain('<EnumeratedItem CodedValue="RECOVERING/RESOLVING"/>');
    expect(xml).toMatch(/<def:CommentDef OID="COM.AE.AEDECOD">.*not a MedDRA preferred term/);
    // Define-XML 2.0 calls data entered on the (e)CRF "CRF"; lengths fit the longest value ("120")
    expect(xml).toContain('<def:Origin Type="CRF"/>');
    // VSSTRESN 38.6: one digit after the point; LBSTRESN 12 is an integer
    expect(xml).toContain(
      '<ItemDef OID="IT.VS.VSSTRESN" Name="VSSTRESN" DataType="float" Length="8" SignificantDigits="1"',
    );
    expect(xml).toContain('<ItemDef OID="IT.LB.LBSTRESN" Name="LBSTRESN" DataType="integer" Length="8"');
    expect(xml).toContain(
      '<ItemDef OID="IT.LB.LBORRES" Name="LBORRES" DataType="text" Length="3" SASFieldName="LBORRES">',
    );
  });
});
