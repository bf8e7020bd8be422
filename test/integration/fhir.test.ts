/**
 * The FHIR R4 API's contract on a small world (two sites, one user per role): the same
 * authentication, site and role rules as /api/v1, identity only on request and only for roles that
 * may read it (audited), search parameters with their R4 semantics, keyset paging through `next`
 * links, OperationOutcome errors with 4xx, and every resource produced valid R4.
 */
import type {
  Bundle,
  CapabilityStatement,
  MedicationAdministration,
  Observation,
  OperationOutcome,
  Patient,
  Resource,
} from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/domain/roles.ts";
import { fhirProblems } from "../support/fhir-validation.ts";
import { buildWorld, type SiteKey, type World } from "../support/world.ts";

let w: World;
let patientA: string;
let patientB: string;
const produced: Resource[] = [];

const get = async (role: Role, site: SiteKey, url: string) => {
  const res = await w.call(role, site, "GET", url);
  if (res.statusCode === 200) {
    const body = res.json() as Resource;
    if (body.resourceType === "Bundle")
      produced.push(...((body as Bundle).entry ?? []).map((e) => e.resource!));
    else produced.push(body);
  }
  return res;
};
const bundle = async (role: Role, site: SiteKey, url: string) => {
  const res = await get(role, site, url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Bundle;
};
const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource!.id);

beforeAll(async () => {
  w = await buildWorld();
  const create = async (site: SiteKey, body: object) => {
    const res = await w.call("investigator", site, "POST", "/api/v1/patients", body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  patientA = await create("A", {
    siteId: w.sites.A,
    birthYear: 1976,
    sex: "female",
    identity: {
      familyName: "Li",
      givenName: "Mei",
      sex: "female",
      birthDate: "1976-03-02",
      phone: "+86 755 0000",
    },
  });
  patientB = await create("B", { siteId: w.sites.B, birthYear: 1980, sex: "male" });
  // reference ranges and interpretation are tested on the mapping (test/unit/fhir): typed-in
  // results carry no range
  const obs = [
    { code: "718-7", valueNumber: 10.1, unit: "g/dL", effectiveAt: "2019-09-14T01:00:00Z" },
    { code: "2276-4", valueNumber: 150, unit: "ng/mL", effectiveAt: "2019-09-15T01:00:00Z" },
    { code: "8310-5", valueNumber: 38.6, unit: "Cel", effectiveAt: "2019-09-16T08:00:00Z" },
  ];
  for (const o of obs) {
    const res = await w.call("investigator", "A", "POST", "/api/v1/observations", {
      patientId: patientA,
      ...o,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const b = await w.call("investigator", "B", "POST", "/api/v1/observations", {
    patientId: patientB,
    code: "718-7",
    valueNumber: 13,
    unit: "g/dL",
    effectiveAt: "2019-09-14T01:00:00Z",
  });
  expect(b.statusCode, b.body).toBe(201);
  const crs = await w.call("investigator", "A", "POST", `/api/v1/patients/${patientA}/assessments`, {
    calculator: "crs",
    assessedAt: "2019-09-16T09:00:00Z",
    inputs: {
      tempMaxC: 38.6,
      hypotension: "NONE",
      oxygenDevice: "NONE",
      deathDueToCrs: false,
      feverOtherCause: false,
      crsAlreadyDiagnosed: false,
      feverMaskingTherapyGiven: false,
    },
  });
  expect(crs.statusCode, crs.body).toBe(201);
});
afterAll(() => w.close());

describe("FHIR R4 API", () => {
  it("serves its CapabilityStatement without a login, listing every type and search parameter", async () => {
    const res = await w.app.inject({ method: "GET", url: "/fhir/R4/metadata" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    const cs = res.json();
    expect(cs.fhirVersion).toBe("4.0.1");
    const obs = cs.rest[0].resource.find((r: { type: string }) => r.type === "Observation");
    expect(obs.searchParam.map((p: { name: string }) => p.name).sort()).toEqual(
      ["_id", "_lastUpdated", "code", "date", "patient"].sort(),
    );
    expect(fhirProblems(cs)).toEqual([]);
  });

  it("lists the Bulk Data $export operations by the IG's canonicals and instantiates its CapabilityStatement", async () => {
    const cs = (
      await w.app.inject({ method: "GET", url: "/fhir/R4/metadata" })
    ).json() as CapabilityStatement;
    const bulk = "http://hl7.org/fhir/uv/bulkdata";
    expect(cs.instantiates).toEqual([`${bulk}/CapabilityStatement/bulk-data`]);
    const rest = cs.rest![0]!;
    expect(rest.operation).toEqual([
      expect.objectContaining({ name: "export", definition: `${bulk}/OperationDefinition/export` }),
    ]);
    const ops = (type: string) =>
      rest.resource!.find((r) => r.type === type)?.operation?.map((o) => [o.name, o.definition]);
    expect(ops("Patient")).toEqual([["export", `${bulk}/OperationDefinition/patient-export`]]);
    expect(ops("Group")).toEqual([["export", `${bulk}/OperationDefinition/group-export`]]);
    // Group (a saved cohort) is read and exported, not searched
    expect(rest.resource!.find((r) => r.type === "Group")!.interaction).toEqual([{ code: "read" }]);
    expect(ops("Observation")).toBeUndefined();
    const ma = rest.resource!.find((r) => r.type === "MedicationAdministration")!;
    expect(ma.searchParam!.map((p) => p.name).sort()).toEqual(
      ["_id", "_lastUpdated", "code", "effective-time", "patient"].sort(),
    );
    expect(fhirProblems(cs)).toEqual([]);
  });

  it("refuses a request without credentials with 401 and an OperationOutcome", async () => {
    const res = await w.app.inject({ method: "GET", url: "/fhir/R4/Patient" });
    expect(res.statusCode).toBe(401);
    const oo = res.json() as OperationOutcome;
    expect(oo.resourceType).toBe("OperationOutcome");
    expect(oo.issue[0]!.code).toBe("login");
    expect(fhirProblems(oo)).toEqual([]);
  });

  it("refuses an unknown bearer token with 401 and an OperationOutcome, not problem+json", async () => {
    const res = await w.app.inject({
      method: "GET",
      url: "/fhir/R4/Observation",
      headers: { authorization: "Bearer not-a-token" },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    expect(res.json().resourceType).toBe("OperationOutcome");
  });

  it("shows each site only its own patients; another site's patient is not found (404)", async () => {
    expect(ids(await bundle("investigator", "A", "/fhir/R4/Patient"))).toEqual([patientA]);
    const res = await get("investigator", "A", `/fhir/R4/Patient/${patientB}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().issue[0].code).toBe("not-found");
  });

  it("is pseudonymous by default: subject code and birth year, no name or contact", async () => {
    const p = (await get("investigator", "A", `/fhir/R4/Patient/${patientA}`)).json() as Patient;
    expect(p.identifier![0]).toMatchObject({
      system: "https://vein2vein.org/fhir/sid/subject-code",
      value: "AA-0001",
    });
    expect(p.birthDate).toBe("1976");
    expect(p.name).toBeUndefined();
    expect(p.telecom).toBeUndefined();
  });

  it("adds identity on request for a role that may read it, and audits the read", async () => {
    const p = (
      await get("investigator", "A", `/fhir/R4/Patient/${patientA}?identity=true`)
    ).json() as Patient;
    expect(p.name![0]).toMatchObject({ family: "Li", given: ["Mei"] });
    expect(p.birthDate).toBe("1976-03-02");
    expect(p.telecom![0]).toMatchObject({ system: "phone", value: "+86 755 0000" });
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "read-identity")
      .where("entity_id", "=", patientA)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_name).toBe(w.usernames.investigator.A);
  });

  it("keeps identity from a monitor who asks for it (the monitor reads no identity)", async () => {
    const p = (await get("monitor", "A", `/fhir/R4/Patient/${patientA}?identity=true`)).json() as Patient;
    expect(p.name).toBeUndefined();
    expect(p.birthDate).toBe("1976");
  });

  it("refuses clinical resources to a role without clinical:read (manufacturing) with 403", async () => {
    const res = await get("manufacturing", "A", "/fhir/R4/Observation");
    expect(res.statusCode).toBe(403);
    expect(res.json().issue[0].code).toBe("forbidden");
    expect((await get("manufacturing", "A", "/fhir/R4/Patient")).statusCode).toBe(200);
  });

  it("exports a lab result with LOINC, UCUM and its category", async () => {
    const b = await bundle("investigator", "A", "/fhir/R4/Observation?code=http://loinc.org|718-7");
    expect(b.entry).toHaveLength(1);
    const o = b.entry![0]!.resource as Observation;
    expect(o.valueQuantity).toEqual({
      value: 10.1,
      unit: "g/dL",
      system: "http://unitsofmeasure.org",
      code: "g/dL",
    });
    expect(o.code.coding![0]).toMatchObject({ system: "http://loinc.org", code: "718-7" });
    expect(o.category![0]!.coding![0]!.code).toBe("laboratory");
    expect(o.effectiveDateTime).toBe("2019-09-14T01:00:00.000Z");
  });

  it("exports the CRS grading as a survey Observation only, and the recorded adverse event as the AdverseEvent", async () => {
    const b = await bundle("investigator", "A", "/fhir/R4/Observation?code=crs");
    const o = b.entry![0]!.resource as Observation;
    expect(o.valueInteger).toBe(1);
    const temp = o.component!.find((c) => c.code.text === "tempMaxC");
    expect(temp!.valueQuantity).toEqual({ value: 38.6 });
    const search = `/fhir/R4/AdverseEvent?subject=Patient/${patientA}`;
    expect((await bundle("investigator", "A", search)).entry ?? []).toHaveLength(0);
    const recorded = await w.call("investigator", "A", "POST", "/api/v1/adverse-events", {
      patientId: patientA,
      term: "Cytokine release syndrome",
      soc: "Immune system disorders",
      grade: 1,
      attribution: "definite",
      serious: false,
      onsetDate: "2019-09-15",
      resolvedDate: "2019-09-17",
      outcome: "RECOVERED/RESOLVED",
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const ae = (await bundle("investigator", "A", search)).entry!;
    expect(ae).toHaveLength(1);
    expect(ae[0]!.resource).toMatchObject({
      id: recorded.json().id,
      event: { text: "Cytokine release syndrome" },
      date: "2019-09-15",
      seriousness: { coding: [{ code: "Non-serious" }] },
      outcome: { coding: [{ code: "resolved" }] },
      extension: [{ valueInteger: 1 }],
    });
    // patient A was never infused: no infusion to suspect
    expect((ae[0]!.resource as { suspectEntity?: unknown }).suspectEntity).toBeUndefined();
    expect(
      ids(
        await bundle(
          "investigator",
          "A",
          `/fhir/R4/AdverseEvent?subject=Patient/${patientA}&date=ge2019-09-16`,
        ),
      ),
    ).toHaveLength(0);
    expect(
      (await w.call("investigator", "B", "GET", `/fhir/R4/AdverseEvent/${recorded.json().id}`)).statusCode,
    ).toBe(404);
  });

  it("filters by date with ge/le prefixes, by patient and by _id", async () => {
    const base =
      "/fhir/R4/Observation?code=http://loinc.org|718-7,http://loinc.org|2276-4,http://loinc.org|8310-5";
    expect(ids(await bundle("investigator", "A", `${base}&date=ge2019-09-15`))).toHaveLength(2);
    expect(
      ids(await bundle("investigator", "A", `${base}&date=ge2019-09-15&date=le2019-09-15`)),
    ).toHaveLength(1);
    expect(ids(await bundle("investigator", "A", `${base}&date=lt2019-09-14T01:00:00Z`))).toHaveLength(0);
    expect(ids(await bundle("investigator", "A", `${base}&date=2019-09`))).toHaveLength(3);
    const all = ids(await bundle("investigator", "A", `/fhir/R4/Observation?patient=${patientA}`));
    expect(all).toHaveLength(4); // three results and the CRS grading
    expect(ids(await bundle("investigator", "A", `/fhir/R4/Observation?_id=${all[1]}`))).toEqual([all[1]]);
  });

  it("filters by _lastUpdated", async () => {
    expect(ids(await bundle("investigator", "A", "/fhir/R4/Observation?_lastUpdated=ge2100-01-01"))).toEqual(
      [],
    );
    expect(
      ids(await bundle("investigator", "A", "/fhir/R4/Observation?_lastUpdated=le2100-01-01")),
    ).toHaveLength(4);
  });

  it("pages with _count and next links, without gaps or repeats", async () => {
    const seen: string[] = [];
    let url: string | undefined = "/fhir/R4/Observation?_count=1";
    let pages = 0;
    while (url) {
      const b = await bundle("investigator", "A", url);
      expect(b.entry!.length).toBeLessThanOrEqual(1);
      seen.push(...(ids(b) as string[]));
      const next = b.link!.find((l) => l.relation === "next")?.url;
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
      pages++;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(4);
  });

  it("answers bad searches with 400 and an issue per problem", async () => {
    const res = await get("investigator", "A", "/fhir/R4/Observation?date=sa2019&_count=0&colour=red");
    expect(res.statusCode).toBe(400);
    const oo = res.json() as OperationOutcome;
    const text = oo.issue.map((i) => i.diagnostics).join(" | ");
    expect(text).toMatch(/prefix "sa"/);
    expect(text).toMatch(/_count|1 to 1000/);
    expect(text).toMatch(/colour/);
    expect(fhirProblems(oo)).toEqual([]);
  });

  it("answers an unknown type, a non-id and a foreign path with 404 OperationOutcomes", async () => {
    for (const url of ["/fhir/R4/Spaceship", "/fhir/R4/Observation/not-an-id", "/fhir/R4/Patient/x/y/z"]) {
      const res = await get("investigator", "A", url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().resourceType).toBe("OperationOutcome");
    }
  });

  it("serves single doses as MedicationAdministration (courses stay MedicationStatement), searchable and paged", async () => {
    const ATC = "http://www.whocc.no/atc";
    const medicate = async (site: SiteKey, patientId: string, body: object) => {
      const res = await w.call("investigator", site, "POST", "/api/v1/medications", {
        patientId,
        route: "intravenous",
        indication: "Cytokine release syndrome",
        ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const toci = {
      drug: "tocilizumab",
      drugCodeSystem: ATC,
      drugCode: "L04AC07",
      doseValue: 8,
      doseUnit: "mg/kg",
    };
    const first = await medicate("A", patientA, {
      ...toci,
      frequency: "once",
      startDate: "2019-09-17",
      stopDate: "2019-09-17",
      status: "completed",
    });
    const second = await medicate("A", patientA, {
      ...toci,
      frequency: "Single  dose",
      startDate: "2019-09-19",
      stopDate: "2019-09-19",
      status: "completed",
    });
    const dexa = await medicate("A", patientA, {
      drug: "dexamethasone",
      drugCodeSystem: ATC,
      drugCode: "H02AB02",
      doseValue: 10,
      doseUnit: "mg",
      frequency: "stat",
      startDate: "2019-09-18",
      stopDate: "2019-09-18",
      status: "completed",
    });
    // not administrations: a three-day course, a single dose still active, another site's dose
    const course = await medicate("A", patientA, {
      drug: "fludarabine",
      drugCodeSystem: ATC,
      drugCode: "L01BB05",
      doseValue: 30,
      doseUnit: "mg/m2",
      frequency: "once daily",
      startDate: "2019-09-09",
      stopDate: "2019-09-11",
      status: "completed",
    });
    await medicate("A", patientA, {
      ...toci,
      frequency: "once",
      startDate: "2019-09-20",
      stopDate: "2019-09-20",
    });
    const other = await medicate("B", patientB, {
      ...toci,
      frequency: "once",
      startDate: "2019-09-17",
      stopDate: "2019-09-17",
      status: "completed",
    });

    const all = await bundle("investigator", "A", "/fhir/R4/MedicationAdministration?_count=100");
    expect(ids(all).sort()).toEqual([first, second, dexa].sort());
    const ma = all.entry!.find((e) => e.resource!.id === first)!.resource as MedicationAdministration;
    expect(ma).toMatchObject({
      status: "completed",
      medicationCodeableConcept: { coding: [{ system: ATC, code: "L04AC07" }], text: "tocilizumab" },
      subject: { reference: `Patient/${patientA}` },
      effectiveDateTime: "2019-09-17",
      dosage: {
        route: { text: "intravenous" },
        dose: { value: 8, unit: "mg/kg", system: "http://unitsofmeasure.org", code: "mg/kg" },
      },
    });
    // the course is still a statement
    expect(ids(await bundle("investigator", "A", `/fhir/R4/MedicationStatement?_id=${course}`))).toEqual([
      course,
    ]);
    expect((await get("investigator", "A", `/fhir/R4/MedicationAdministration/${course}`)).statusCode).toBe(
      404,
    );
    // read, and another site's dose is not found
    expect((await get("investigator", "A", `/fhir/R4/MedicationAdministration/${dexa}`)).json().id).toBe(
      dexa,
    );
    expect((await get("investigator", "A", `/fhir/R4/MedicationAdministration/${other}`)).statusCode).toBe(
      404,
    );
    expect(ids(await bundle("investigator", "B", "/fhir/R4/MedicationAdministration"))).toEqual([other]);
    // search parameters
    const q = (query: string) => bundle("investigator", "A", `/fhir/R4/MedicationAdministration?${query}`);
    expect(ids(await q(`code=${ATC}|L04AC07`)).sort()).toEqual([first, second].sort());
    expect(ids(await q("code=H02AB02"))).toEqual([dexa]);
    expect(ids(await q(`code=http://snomed.info/sct|L04AC07`))).toEqual([]);
    expect(ids(await q("effective-time=ge2019-09-18")).sort()).toEqual([second, dexa].sort());
    expect(ids(await q("effective-time=2019-09-17"))).toEqual([first]);
    expect(ids(await q(`patient=Patient/${patientA}&_id=${second}`))).toEqual([second]);
    expect(ids(await q(`patient=${patientB}`))).toEqual([]);
    expect(ids(await q("_lastUpdated=ge2100-01-01"))).toEqual([]);
    expect(ids(await q("_lastUpdated=le2100-01-01"))).toHaveLength(3);
    const bad = await get("investigator", "A", "/fhir/R4/MedicationAdministration?date=2019");
    expect(bad.statusCode).toBe(400);
    // paging, one per page
    const seen: string[] = [];
    let url: string | undefined = "/fhir/R4/MedicationAdministration?_count=1";
    while (url) {
      const b = await bundle("investigator", "A", url);
      seen.push(...(ids(b) as string[]));
      const next = b.link!.find((l) => l.relation === "next")?.url;
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    expect(seen).toEqual(ids(all));
    // same role rules as the other clinical records
    expect((await get("manufacturing", "A", "/fhir/R4/MedicationAdministration")).statusCode).toBe(403);
  });

  it("shows Provenance from the audit trail to roles that read the audit, not to others", async () => {
    const b = await bundle("monitor", "A", `/fhir/R4/Provenance?recorded=ge2000-01-01&_count=100`);
    const targets = (b.entry ?? []).map(
      (e) => (e.resource as { target: { reference: string }[] }).target[0]!.reference,
    );
    expect(targets).toContain(`Patient/${patientA}`);
    expect(targets.some((t) => t.endsWith(patientB))).toBe(false);
    expect((await get("investigator", "A", "/fhir/R4/Provenance")).statusCode).toBe(403);
  });

  it("produced only valid R4 resources", () => {
    expect(produced.length).toBeGreaterThan(20);
    expect(produced.flatMap(fhirProblems)).toEqual([]);
  });
});
