/**
 * The journey panel on the patient page (issue 11), as the coordinator: a patient enrolled but not
 * yet collected (registered and enrolled through the API for this test) is taken through the
 * screen from booking apheresis into a manufacturing slot to the end of lymphodepletion, each step
 * a button shown only when the server allows it. Refusals appear by their rule in plain words: a
 * date outside the slot's window, "product released" before any release, lymphodepletion without
 * the patient confirmed fit, infusion of a bag not thawed. The product's own steps (collection,
 * manufacture, QC, QA release, shipping) are the product screens' and are done through the API
 * here. Infusion itself needs the bag thawed and the bedside check (test/e2e/bedside.test.ts): the
 * walk stops before it. Axe finds no serious violation, the page fits a 390 px phone, and the
 * panel reads in Chinese with a refusal worded from its code.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate } from "../../src/domain/study-day.ts";
import { passingResults } from "../support/qc-results.ts";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { demoStudyAtShenzhen } from "./support/demo-study.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";
import { viewportShot } from "./support/viewport-shot.ts";

let server: RunningServer;
let browser: Browser;
let coordinator: ApiAs;
let manufacturing: ApiAs;
let quality: ApiAs;
let patientId: string;
let journeyId: string;
let slotStartsOn: string;
let timeZone: string;

const addDays = (date: string, n: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
  manufacturing = await apiAs(server.url, "manufacturing", "manufacturing-demo");
  quality = await apiAs(server.url, "quality", "quality-demo");
  const investigator = await apiAs(server.url, "investigator", "investigator-demo");
  const refEnrolment = await demoStudyAtShenzhen(coordinator);
  const sz = refEnrolment.site;
  timeZone = sz.timeZone;
  const today = localDate(new Date(), timeZone);
  const patient = await investigator.post<{ id: string }>("/api/v1/patients", {
    siteId: sz.id,
    birthYear: 1975,
    sex: "female",
  });
  patientId = patient.id;
  // What the lymphodepletion plan is computed from: height, weight, creatinine (LOINC, as the
  // plan's service reads them), measured an hour ago.
  const at = new Date(Date.now() - 3_600_000).toISOString();
  for (const [code, valueNumber, unit] of [
    ["8302-2", 165, "cm"],
    ["29463-7", 62, "kg"],
    ["2160-0", 0.8, "mg/dL"],
  ] as const)
    await coordinator.post("/api/v1/observations", { patientId, code, valueNumber, unit, effectiveAt: at });
  const enrolment = await investigator.post<{ id: string }>("/api/v1/enrolments", {
    patientId,
    studyId: refEnrolment.studyId,
    armCode: refEnrolment.armCode,
    doseLevelCode: refEnrolment.doseLevelCode,
    consentDate: today,
    consentVersion: "1",
  });
  journeyId = (await coordinator.post<{ id: string }>(`/api/v1/enrolments/${enrolment.id}/journey`)).id;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
  ]) {
    const { version } = await coordinator.get<{ version: number }>(`/api/v1/journeys/${journeyId}`);
    await investigator.post(`/api/v1/journeys/${journeyId}/events`, { ...body, version });
  }
  // A slot of the study's product taking material collected from today to three days ahead.
  const product = (
    await coordinator.get<{ items: { id: string }[] }>(`/api/v1/products?studyId=${refEnrolment.studyId}`)
  ).items[0]!;
  slotStartsOn = addDays(today, 3);
  await manufacturing.post("/api/v1/manufacturing-slots", {
    carProductId: product.id,
    siteId: sz.id,
    facility: "E2E cell-processing unit",
    startsOn: slotStartsOn,
    collectionWindowDays: 3,
    capacity: 1,
  });
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

const stateOf = async () => (await coordinator.get<{ state: string }>(`/api/v1/journeys/${journeyId}`)).state;

const panelOf = (page: Page) => page.getByRole("region", { name: "Journey" });

async function expectStage(panel: Locator, words: string) {
  await expect.poll(() => panel.getByTestId("journey-state").textContent(), { timeout: 20_000 }).toBe(words);
}

/** Clicks a step, fills its form (if asked) and confirms it. */
async function step(panel: Locator, name: string, fill?: (form: Locator) => Promise<void>) {
  await panel.getByRole("button", { name, exact: true }).click();
  const form = panel.getByRole("form", { name });
  await form.waitFor();
  if (fill) await fill(form);
  await form.getByRole("button", { name: `Confirm: ${name}` }).click();
  return form;
}

async function pickSlot(form: Locator) {
  const select = form.getByRole("combobox", { name: /^Manufacturing slot/ });
  const option = select.locator("option", { hasText: "E2E cell-processing unit" });
  await option.waitFor({ state: "attached", timeout: 20_000 });
  await select.selectOption({ label: (await option.textContent())! });
}

async function refusedWith(panel: Locator, rule: string, words: string) {
  const alert = panel.locator(`[role="alert"][data-rule="${rule}"]`);
  await alert.waitFor({ timeout: 20_000 });
  expect(await alert.textContent()).toContain(words);
}

describe("the journey panel", () => {
  it("walks an enrolled patient from booking apheresis to the end of lymphodepletion", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.goto(`/patients/${patientId}`);
    const panel = panelOf(page);
    await expectStage(panel, "enrolled");
    // Only the moves the server allows from "enrolled": booking forward, the endings apart.
    const forward = panel.getByRole("group", { name: "Allowed next steps" }).getByRole("button");
    expect(await forward.allTextContents()).toEqual(["Book apheresis"]);
    const endings = panel.getByRole("group", { name: "Ending the journey" }).getByRole("button");
    expect(await endings.allTextContents()).toEqual(["Stop treatment", "Patient died", "Withdrawal"]);

    // Book apheresis today (the site's date, zone named) into the free slot.
    await panel.getByRole("button", { name: "Book apheresis", exact: true }).click();
    const booking = panel.getByRole("form", { name: "Book apheresis" });
    expect(await booking.getByText(`Calendar date at the site (${timeZone})`).count()).toBe(1);
    expect(await booking.getByLabel(/^Apheresis date/).inputValue()).toBe(localDate(new Date(), timeZone));
    await pickSlot(booking);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await viewportShot(page, "journey-book-apheresis");
    await booking.getByRole("button", { name: "Confirm: Book apheresis" }).click();
    await expectStage(panel, "apheresis scheduled");

    // Moving it after the slot starts is refused by the slot's window, in plain words; nothing moves.
    await step(panel, "Reschedule apheresis", async (form) => {
      await form.getByLabel(/^Apheresis date/).fill(addDays(slotStartsOn, 2));
      await pickSlot(form);
    });
    await refusedWith(panel, "V2V-SLOT-OUTSIDE-WINDOW", "The date is outside the slot's window.");
    expect(await stateOf()).toBe("apheresis-scheduled");
    await panel.getByRole("button", { name: "Cancel" }).click();

    await step(panel, "Apheresis done");
    await expectStage(panel, "apheresed");
    // The collection and its shipment are the product's steps.
    const collection = await coordinator.post<{ id: string }>(`/api/v1/journeys/${journeyId}/collections`, {
      productCode: "S1001V00",
    });
    await coordinator.post(`/api/v1/product-units/${collection.id}/events`, { type: "ship-to-manufacturer" });
    await step(panel, "Handed to courier");
    await expectStage(panel, "awaiting product");
    await step(panel, "Start bridging or washout", (form) =>
      form.getByRole("radio", { name: "Bridging therapy" }).check(),
    );
    await expectStage(panel, "bridging or washout");
    await step(panel, "End bridging or washout");
    await expectStage(panel, "awaiting product");

    // No product has been released yet: the rule says why the patient cannot move on.
    await step(panel, "Product released");
    await refusedWith(
      panel,
      "V2V-RELEASE-NEEDS-DISPOSITION",
      "The patient moves on only once the product is released",
    );
    expect(await stateOf()).toBe("awaiting-product");
    await panel.getByRole("button", { name: "Cancel" }).click();

    // Manufacture, QC, QA's signed release and shipping to the ward (the product screens' work).
    for (const type of ["receive-at-manufacturer", "start-manufacture"])
      await manufacturing.post(`/api/v1/product-units/${collection.id}/events`, { type });
    const bag = await manufacturing.post<{ id: string }>(
      `/api/v1/product-units/${collection.id}/final-products`,
      {
        productCode: "S2001V00",
        thawStabilityMinutes: 90,
      },
    );
    await manufacturing.post(`/api/v1/product-units/${bag.id}/events`, { type: "complete-manufacture" });
    await quality.post(`/api/v1/product-units/${bag.id}/qc-results`, {
      results: passingResults(5e8, new Date(Date.now() - 60_000).toISOString()),
    });
    await quality.post(`/api/v1/product-units/${bag.id}/release`, {
      signatures: [{ username: "quality", password: "quality-demo", meaning: "released" }],
    });
    // Manufacturing ships the bag; the ward receives it (each step by its owner).
    await manufacturing.post(`/api/v1/product-units/${bag.id}/events`, { type: "ship-to-site" });
    await coordinator.post(`/api/v1/product-units/${bag.id}/events`, { type: "receive-at-site" });

    await step(panel, "Product released");
    await expectStage(panel, "pre-lymphodepletion check");

    // The computed plan is shown to be confirmed; unconfirmed, the rule refuses.
    await panel.getByRole("button", { name: "Start lymphodepletion", exact: true }).click();
    const ld = panel.getByRole("form", { name: "Start lymphodepletion" });
    await ld.getByLabel(/^Planned infusion date/).fill(addDays(localDate(new Date(), timeZone), 5));
    await ld.locator('[data-drug="FLUDARABINE"]').waitFor({ timeout: 20_000 });
    await ld.locator('[data-drug="CYCLOPHOSPHAMIDE"]').waitFor();
    // Mosteller: √(165 × 62 / 3600) = 1.69 m² (the server's number, shown as it returns it).
    expect(await ld.getByText(/^Body surface area 1\.69 m²/).count()).toBe(1);
    await viewportShot(page, "journey-lymphodepletion-plan");
    await ld.getByRole("button", { name: "Confirm: Start lymphodepletion" }).click();
    await refusedWith(
      panel,
      "V2V-LD-NEEDS-FIT",
      "Lymphodepletion starts only when the patient is confirmed fit for it.",
    );
    await ld.getByRole("checkbox", { name: /I have checked these doses/ }).check();
    await ld.getByRole("button", { name: "Confirm: Start lymphodepletion" }).click();
    await expectStage(panel, "lymphodepletion");
    await step(panel, "Lymphodepletion completed");
    await expectStage(panel, "pre-infusion check");

    // The bag is stored, not thawed, and no bedside check has passed: infusion is refused by rule.
    await step(panel, "Infusion given");
    await refusedWith(panel, "V2V-INFUSE-NEEDS-THAWED-PRODUCT", "Infusion needs the product thawed.");
    expect(await stateOf()).toBe("pre-infusion-check");
    // Every step made is in the history, newest first.
    const rows = panel.locator("tbody tr");
    // consult, consent, screening, enrol (API) and the eight steps made on this screen
    expect(await rows.count()).toBe(12);
    expect(await rows.first().textContent()).toContain("Lymphodepletion completed");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // On a phone the page, panel and open form included, is no wider than the window.
    // Polled: right after the resize the side navigation is still leaving (its transition), and
    // the diagnoses' button overflowed the narrowed column for that instant (seen once in the
    // newcomer check); a phone user loads the page at 390 px and never sees that state.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate<number>("document.scrollingElement.scrollWidth - window.innerWidth"), {
        timeout: 5_000,
      })
      .toBeLessThanOrEqual(0);
    await viewportShot(page, "journey-phone");
    await context.close();
  }, 300_000);

  it("reads in Chinese, a refusal worded from its rule code", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.goto(`/patients/${patientId}`);
    const panel = page.getByRole("region", { name: "治疗流程" });
    await expectStage(panel, "回输前评估");
    await panel.getByRole("button", { name: "已回输", exact: true }).click();
    const form = panel.getByRole("form", { name: "已回输" });
    await form.getByRole("button", { name: "确认：已回输" }).click();
    await refusedWith(panel, "V2V-INFUSE-NEEDS-THAWED-PRODUCT", "回输前产品须已复苏。");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await viewportShot(page, "journey-zh-CN");
    // Back to English for the user, as the other tests expect.
    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await context.close();
  }, 180_000);
});
