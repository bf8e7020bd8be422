/**
 * Long-term follow-up on a real database: yearly contacts only for integrating-vector products
 * (FDA 2020 LTFU guidance, 15 years), LTFU items recorded on the contact's visit and shown as
 * recorded, and the lost-to-follow-up list at both edges of the two-contacts rule, declared losses,
 * and patients whose participation ended for another reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatContacts, formatLost } from "../../src/cli/ltfu-command.ts";
import { LTFU_ITEM_CODES, LTFU_ITEMS } from "../../src/domain/visit-schedule.ts";
import { enrolPatient, updateEnrolment } from "../../src/services/enrolments.ts";
import { lostToFollowUp, ltfuContactList } from "../../src/services/ltfu.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createCarProduct, createStudy, updateCarProduct } from "../../src/services/studies.ts";
import { listPatientVisits, recordVisit, type VisitDto } from "../../src/services/visits.ts";
import { statementsRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

let clock = new Date("2020-10-01T10:00:00+08:00");
let w: World;
const studies = {} as { lenti: string; mrna: string };
const products = {} as { lenti: string; mrna: string };

beforeAll(async () => {
  w = await buildWorld({ now: () => clock });
  const inv = await w.as("investigator", "A");
  for (const [key, vector] of [
    ["lenti", "lentiviral"],
    ["mrna", "mRNA electroporation"],
  ] as const) {
    const study = await createStudy(inv, {
      leadSiteId: w.sites.A,
      title: `LTFU ${key}`,
      shortName: `LTFU-${key}`,
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma", doseLevels: [] }],
    });
    studies[key] = study.id;
    const product = await createCarProduct(inv, {
      studyId: study.id,
      code: `P-${key}`,
      name: `${key} CAR`,
      targets: ["CD19"],
      format: "single",
      costimulatoryDomain: "4-1BB",
      vector,
      // The free text "mRNA electroporation" is not a vector type: it is set explicitly.
      ...(key === "mrna" ? { vectorType: "mrna" } : {}),
      doseUnit: "car-cells-per-kg",
    });
    expect(product.vectorType).toBe(key === "lenti" ? "lentiviral" : "mrna");
    products[key] = product.id;
  }
}, 120_000);
afterAll(() => w.close());

async function infused(study: keyof typeof studies, code: string) {
  const ctx = await w.as("coordinator", "A");
  const patient = await createPatient(ctx, {
    siteId: w.sites.A,
    birthYear: 1970,
    sex: "male",
    identity: { familyName: code, givenName: "G", sex: "male", birthDate: "1970-01-01" },
  });
  const enrolment = await enrolPatient(ctx, {
    patientId: patient.id,
    studyId: studies[study],
    armCode: "LYM",
    consentDate: "2019-08-01",
    consentVersion: "1.0",
    infusionDate: "2019-09-16",
    status: "follow-up",
  });
  const visits = (await listPatientVisits(ctx, patient.id)).items;
  return { patient, enrolment, ctx, visit: (c: string) => visits.find((v) => v.code === c)! as VisitDto };
}

const NONE = Object.fromEntries(
  LTFU_ITEM_CODES.filter((c) => c !== "vector-testing").map((c) => [c, { outcome: "none" }]),
);

describe("contacts", () => {
  it("lists the year-1 contact of integrating-vector patients only, with the items it needs", async () => {
    const lenti = await infused("lenti", "L1");
    const mrna = await infused("mrna", "M1");
    const res = await w.call("coordinator", "A", "GET", `/api/v1/ltfu/contacts?siteId=${w.sites.A}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.sites).toEqual([{ siteId: w.sites.A, siteCode: "AA", today: "2020-10-01", year: 2020 }]);
    const mine = body.items.filter((i: { patientId: string }) => i.patientId === lenti.patient.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      year: 1,
      anniversary: "2020-09-16",
      visit: { code: "M12" },
      status: "overdue", // window 2020-09-02..2020-09-30, nothing recorded
      products: [{ code: "P-lenti", vectorType: "lentiviral" }],
      complete: false,
    });
    expect(mine[0].items.map((i: { code: string }) => i.code)).toEqual([...LTFU_ITEM_CODES]);
    // What each item is comes once a page; a contact's items carry only what was recorded.
    expect(body.ltfuItems.map((i: { code: string }) => i.code)).toEqual([...LTFU_ITEM_CODES]);
    expect(body.ltfuItems.find((i: { code: string }) => i.code === "vector-testing")).toMatchObject({
      when: "if-indicated",
      label: LTFU_ITEMS.find((i) => i.code === "vector-testing")!.label,
    });
    expect(Object.keys(mine[0].items[0]).sort()).toEqual(["code", "note", "outcome", "recorded"]);
    expect(body.items.some((i: { patientId: string }) => i.patientId === mrna.patient.id)).toBe(false);

    const later = await ltfuContactList(await w.as("coordinator", "A"), { year: 2034 });
    expect(later.items.find((i) => i.patientId === lenti.patient.id)).toMatchObject({
      year: 15,
      visit: { code: "Y15" },
    });
    // The CLI prints the same list, one contact per line.
    const printed = formatContacts("AA", body);
    expect(printed[0]).toBe("AA long-term follow-up contacts 2020");
    expect(printed.find((l) => l.startsWith(lenti.patient.subjectCode))).toMatch(
      /year 1\s+2020-09-16\s+M12 2020-09-02\.\.2020-09-30\s+overdue\s+0\/7/,
    );
    const after = await ltfuContactList(await w.as("coordinator", "A"), { year: 2035 });
    expect(after.items.some((i) => i.patientId === lenti.patient.id)).toBe(false);
  });

  it("records LTFU items on a done contact and shows them recorded; refuses what does not fit", async () => {
    const { patient, ctx, visit } = await infused("lenti", "L2");
    const m12 = visit("M12");
    const bad = await w.call("coordinator", "A", "PATCH", `/api/v1/visits/${m12.id}`, {
      missedReason: "patient abroad",
      ltfuItems: { infection: { outcome: "reported" }, "new-malignancy": { outcome: "maybe" } },
      version: m12.version,
      reason: "LTFU call",
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(["/ltfuItems/infection/note", "/ltfuItems/new-malignancy/outcome"]);
    const notDone = await w.call("coordinator", "A", "PATCH", `/api/v1/visits/${m12.id}`, {
      missedReason: "patient abroad",
      ltfuItems: { infection: { outcome: "none" } },
      version: m12.version,
      reason: "LTFU call",
    });
    expect(notDone.statusCode).toBe(400);
    expect(notDone.json().errors[0].pointer).toBe("/ltfuItems");
    const d28 = visit("D28");
    const wrongVisit = await w.call("coordinator", "A", "PATCH", `/api/v1/visits/${d28.id}`, {
      doneOn: "2019-10-14",
      ltfuItems: { pregnancy: { outcome: "none" } },
      version: d28.version,
      reason: "seen",
    });
    expect(wrongVisit.statusCode).toBe(400);
    expect(wrongVisit.json().errors[0].pointer).toBe("/ltfuItems/pregnancy");

    const ok = await recordVisit(ctx, m12.id, {
      doneOn: "2020-09-18",
      ltfuItems: { ...NONE, infection: { outcome: "reported", note: "herpes zoster, outpatient" } },
      version: m12.version,
      reason: "year-1 LTFU contact by phone",
    });
    expect(ok.ltfuRecord).toMatchObject({
      infection: { outcome: "reported", note: "herpes zoster, outpatient" },
    });
    const list = await ltfuContactList(ctx, { year: 2020 });
    const c = list.items.find((i) => i.patientId === patient.id)!;
    expect(c).toMatchObject({ status: "done", doneOn: "2020-09-18", complete: true });
    expect(c.items.find((i) => i.code === "infection")).toMatchObject({
      recorded: true,
      outcome: "reported",
    });
    expect(c.items.find((i) => i.code === "vector-testing")).toMatchObject({ recorded: false });
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_id", "=", m12.id)
      .execute();
    expect(audit.at(-1)).toMatchObject({ reason: "year-1 LTFU contact by phone" });
    expect(JSON.stringify(audit.at(-1)!.after)).toContain("herpes zoster");
  });
});

describe("lost to follow-up", () => {
  it("is lost the day after the second closed contact in a row passes, not on its last day", async () => {
    clock = new Date("2020-10-01T10:00:00+08:00");
    const { patient, ctx, visit } = await infused("lenti", "L3");
    const m12 = visit("M12");
    await recordVisit(ctx, m12.id, {
      missedReason: "no answer to three calls",
      version: m12.version,
      reason: "LTFU",
    });
    // M24: 2021-09-16 ± 30 d → window closes 2021-10-16 (site A, Asia/Shanghai).
    clock = new Date("2021-10-16T23:30:00+08:00");
    expect((await lostToFollowUp(ctx, {})).items.some((i) => i.patientId === patient.id)).toBe(false);
    clock = new Date("2021-10-17T00:30:00+08:00");
    const res = await w.call("monitor", "A", "GET", "/api/v1/ltfu/lost");
    expect(res.statusCode).toBe(200);
    const lost = res.json().items.find((i: { patientId: string }) => i.patientId === patient.id);
    expect(lost).toMatchObject({
      basis: "consecutive-contacts-not-done",
      contactsNotDone: [
        { year: 1, status: "missed" },
        { year: 2, status: "overdue", windowEnd: "2021-10-16" },
      ],
      lastContactDone: null,
    });
    const printed = formatLost("AA", res.json().items);
    expect(printed.find((l) => l.startsWith(lost.subjectCode))).toMatch(
      /2 contacts not done\s+year 1 missed, year 2 overdue/,
    );
  });

  it("is no longer lost once a contact is done, on the first day of its window", async () => {
    clock = new Date("2020-10-01T10:00:00+08:00");
    const { patient, ctx, visit } = await infused("lenti", "L6");
    const m12 = visit("M12");
    await recordVisit(ctx, m12.id, { missedReason: "no answer", version: m12.version, reason: "LTFU" });
    // Y3: 2022-09-16 ± 60 d; its window opens 2022-07-18, and that is today at the site.
    const y3 = visit("Y3");
    expect(y3.windowStart).toBe("2022-07-18");
    clock = new Date("2022-07-18T09:00:00+08:00");
    const isLost = async () => (await lostToFollowUp(ctx, {})).items.some((i) => i.patientId === patient.id);
    expect(await isLost()).toBe(true);
    await recordVisit(ctx, y3.id, {
      doneOn: "2022-07-18",
      ltfuItems: NONE,
      version: y3.version,
      reason: "year-3 LTFU contact by phone",
    });
    // The done contact ends the run of contacts not done (years 1 and 2).
    expect(await isLost()).toBe(false);
  });

  it("lists a declared loss, and never a patient who died or withdrew", async () => {
    clock = new Date("2020-10-01T10:00:00+08:00");
    const declared = await infused("lenti", "L4");
    await updateEnrolment(declared.ctx, declared.enrolment.id, {
      status: "lost-to-follow-up",
      version: declared.enrolment.version,
      reason: "moved abroad, no contact after tracing",
    });
    const died = await infused("lenti", "L5");
    for (const code of ["M12"]) {
      const v = died.visit(code);
      await recordVisit(died.ctx, v.id, { missedReason: "died", version: v.version, reason: "death" });
    }
    await updateEnrolment(died.ctx, died.enrolment.id, {
      status: "died",
      version: died.enrolment.version,
      reason: "death reported by family",
    });
    clock = new Date("2022-01-01T10:00:00+08:00");
    const { items } = await lostToFollowUp(await w.as("coordinator", "A"), {});
    expect(items.find((i) => i.patientId === declared.patient.id)).toMatchObject({ basis: "declared" });
    expect(items.some((i) => i.patientId === died.patient.id)).toBe(false);
    const contacts = await ltfuContactList(await w.as("coordinator", "A"), { year: 2021 });
    expect(contacts.items.some((i) => i.patientId === died.patient.id)).toBe(false);
  });

  it("shows other sites nothing and refuses a bad query", async () => {
    const b = await w.call("coordinator", "B", "GET", "/api/v1/ltfu/lost");
    expect(b.statusCode).toBe(200);
    expect(b.json().items).toEqual([]);
    const other = await w.call("coordinator", "B", "GET", `/api/v1/ltfu/contacts?siteId=${w.sites.A}`);
    expect([403, 404]).toContain(other.statusCode);
    const bad = await w.call("coordinator", "A", "GET", "/api/v1/ltfu/contacts?year=99");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe("/year");
  });
});

describe("held between reads (decision 0052)", () => {
  /** Whether a read ran a statement on visits (the contacts are worked out from them). */
  const readsVisits = async (read: () => Promise<unknown>) =>
    (await statementsRun(w.database, read, /\bvisits\b/)).length > 0;

  it("answers a second read without reading visits; a product's new vector type shows at once", async () => {
    clock = new Date("2020-10-01T10:00:00+08:00");
    const { patient } = await infused("lenti", "H1");
    const ctx = await w.as("coordinator", "A");
    const contacts = () => ltfuContactList(ctx, { year: 2020 });
    const first = await contacts();
    let again: unknown;
    expect(
      await readsVisits(async () => {
        again = await contacts();
      }),
    ).toBe(false);
    expect(again).toEqual(first);
    const lostFirst = await lostToFollowUp(ctx, {});
    let lostAgain: unknown;
    expect(
      await readsVisits(async () => {
        lostAgain = await lostToFollowUp(ctx, {});
      }),
    ).toBe(false);
    expect(lostAgain).toEqual(lostFirst);

    const inv = await w.as("investigator", "A");
    const vectorOf = async () =>
      (await contacts()).items.find((i) => i.patientId === patient.id)?.products.map((p) => p.vectorType);
    expect(await vectorOf()).toEqual(["lentiviral"]);
    const changed = await updateCarProduct(inv, products.lenti, {
      vectorType: "gammaretroviral",
      version: 1,
      reason: "Vector corrected",
    });
    try {
      expect(await vectorOf()).toEqual(["gammaretroviral"]);
    } finally {
      await updateCarProduct(inv, products.lenti, {
        vectorType: "lentiviral",
        version: changed.version,
        reason: "Vector restored",
      });
    }
    expect(await vectorOf()).toEqual(["lentiviral"]);
  });
});
