/**
 * Issue 11's walk, registration to infusion, as the coordinator on screen: she registers a new
 * patient, enrols her, and moves her journey on the patient page (consultation, consent,
 * screening, enrolment, apheresis booked into a manufacturing slot, apheresis, hand-off to the
 * courier) in English; then, the language switched to 中文, the product's release, the
 * lymphodepletion plan confirmed, lymphodepletion completed, the bedside check on the bedside
 * screen and the infusion. The stage shown is checked after every step. The product's steps are
 * done on screen by the role that does each, each in its own browser: the coordinator records the
 * collection on her journey panel and ships it from its page; manufacturing receives it, starts
 * manufacture, creates the final bag and completes it, and later ships the released bag; quality
 * enters the QC results and signs the release on the bag's page; the coordinator receives the bag
 * on the ward. The product's state shown is checked after every step. The thaw is done on the
 * product page's thaw form (thaw.test.ts tests it on its own; product-steps.test.ts the refusals).
 * Height, weight and creatinine, which the lymphodepletion plan is computed from, are recorded
 * through the API too. After the infusion an adverse event is recorded on its form.
 *
 * Then the month after her infusion, for the same patient: the server is stopped and started again
 * on the same data directory with its clock 28 days ahead (V2V_CLOCK_OFFSET_DAYS, tests only; the
 * API stamps every step with its own clock, so a month cannot pass otherwise), and each browser
 * page's clock with it. The coordinator charts a febrile, hypotensive row of vital signs on oxygen
 * (English); the investigator, in 中文, opens CRS grading prefilled from that day's chart, each value
 * with its source, completes and stores it, its reasons worded in Chinese from their codes; the
 * investigator records cytokine release syndrome as an adverse event (CTCAE term, grade,
 * attribution); the coordinator, in 中文, sees her day-28 visit on the worklist, records it as done,
 * and it leaves the worklist; her timeline shows the grade and the visit done. Zero serious axe
 * violations on every page visited.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/calendar.ts";
import { instantOfLocal, localDate, localDateTime } from "../../src/domain/study-day.ts";
import { passingResults } from "../support/qc-results.ts";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { expectStage, journeyPanel, pickSlot, step } from "./support/journey-steps.ts";
import { expectProductState, productStep } from "./support/product-steps.ts";
import { type RunningServer, startServer } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;
let coordinator: ApiAs;
let manufacturing: ApiAs;
let quality: ApiAs;
let siteId: string;
let timeZone: string;
/** The patient walked to her infusion, for the month after it. */
let walked: { patientId: string; subjectCode: string } | undefined;

const FACILITY = "Walk cell-processing unit";

beforeAll(async () => {
  // The real process on a data directory of its own: the month after stops it and starts it again there.
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
  manufacturing = await apiAs(server.url, "manufacturing", "manufacturing-demo");
  quality = await apiAs(server.url, "quality", "quality-demo");
  const sites = await coordinator.get<{ items: { id: string; code: string; timeZone: string }[] }>(
    "/api/v1/sites",
  );
  const sz = sites.items.find((s) => s.code === "SZ")!;
  siteId = sz.id;
  timeZone = sz.timeZone;
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

/** A Mantine select: open it, pick the option. */
const select = async (page: Page, label: string, option: string | RegExp) => {
  await page
    .getByRole("textbox", { name: label })
    .or(page.getByRole("combobox", { name: label }))
    .first()
    .click();
  await page.getByRole("option", { name: option }).first().click();
};

describe("registration to infusion on screen, in English then Chinese", () => {
  it("walks a new patient to her infusion, the stage on screen after every step", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    const today = localDate(new Date(), timeZone);

    // Register (identity apart); the site issues her subject code.
    await page.getByRole("navigation").getByRole("link", { name: "Patients" }).click();
    await page.getByRole("link", { name: "Register a patient" }).click();
    await page.getByRole("textbox", { name: /^Family name/ }).fill("Zhou");
    await page.getByRole("textbox", { name: /^Given name/ }).fill("Lan");
    await select(page, "Sex", "female");
    await page.getByLabel(/^Date of birth/).fill("1979-06-02");
    await page.getByRole("button", { name: "Register" }).click();
    await page.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
    const patientId = page.url().split("/").at(-1)!;

    // Enrol with consent; her journey opens at "referred".
    const enrolForm = page.getByRole("region", { name: "Enrol in a study" });
    await enrolForm.waitFor();
    await select(page, "Study", /^cCAR-19\/BCMA/);
    await select(page, "Arm", /^LYM/);
    await select(page, "Dose level", /^DL2/);
    await page.getByLabel(/^Consent signed on/).fill(today);
    await page.getByRole("textbox", { name: /^Consent form version/ }).fill("v3.0");
    await page.getByRole("button", { name: "Enrol", exact: true }).click();
    await enrolForm.waitFor({ state: "detached" });
    const panel = journeyPanel(page);
    await expectStage(panel, "referred");

    const enrolment = (
      await coordinator.get<{ items: { id: string; studyId: string; doseLevelCode: string }[] }>(
        `/api/v1/enrolments?patientId=${patientId}`,
      )
    ).items[0]!;
    const journey = await coordinator.get<{ id: string }>(`/api/v1/enrolments/${enrolment.id}/journey`);
    // Manufacturing opens a slot for the study's product; the plan's inputs are measured.
    const product = (
      await coordinator.get<{ items: { id: string }[] }>(`/api/v1/products?studyId=${enrolment.studyId}`)
    ).items[0]!;
    await manufacturing.post("/api/v1/manufacturing-slots", {
      carProductId: product.id,
      siteId,
      facility: FACILITY,
      startsOn: addDays(today, 3),
      collectionWindowDays: 3,
      capacity: 1,
    });
    const weightKg = 62;
    const measuredAt = new Date(Date.now() - 3_600_000).toISOString();
    for (const [code, valueNumber, unit] of [
      ["8302-2", 165, "cm"],
      ["29463-7", weightKg, "kg"],
      ["2160-0", 0.8, "mg/dL"],
    ] as const)
      await coordinator.post("/api/v1/observations", {
        patientId,
        code,
        valueNumber,
        unit,
        effectiveAt: measuredAt,
      });

    // The coordinator's steps, in English.
    await step(panel, "Consultation held");
    await expectStage(panel, "consulted");
    await step(panel, "Consent signed", (form) =>
      form.getByRole("checkbox", { name: "the treatment" }).check(),
    );
    await expectStage(panel, "consented");
    await step(panel, "Start screening");
    await expectStage(panel, "screening");
    await step(panel, "Enrol", (form) =>
      form.getByRole("checkbox", { name: "Eligibility confirmed" }).check(),
    );
    await expectStage(panel, "enrolled");
    await step(panel, "Book apheresis", (form) => pickSlot(form, FACILITY));
    await expectStage(panel, "apheresis scheduled");
    await step(panel, "Apheresis done");
    await expectStage(panel, "apheresed");
    // The apheresis unit records the collection on her journey panel, then ships it from its page.
    const collectionForm = panel.getByRole("form", { name: "Record the collection" });
    await collectionForm.getByRole("textbox", { name: /^ISBT 128 product code/ }).fill("S1001V00");
    await collectionForm.getByRole("button", { name: "Record the collection" }).click();
    await collectionForm.waitFor({ state: "detached", timeout: 20_000 });
    await panel.getByRole("link", { name: "Apheresis collection S1001V00" }).click();
    await page.waitForURL(/\/board\/[0-9a-f-]{36}$/);
    const collectionId = page.url().split("/").at(-1)!;
    await expectProductState(page, "collected");
    await productStep(page, "Shipped to the manufacturer", "in transit to manufacturer");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`/patients/${patientId}`);
    await expectStage(panel, "apheresed");
    await step(panel, "Handed to courier");
    await expectStage(panel, "awaiting product");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Manufacture, QC for a bag of her dose level's cells, QA's signed release, shipping to the ward.
    const study = await coordinator.get<{
      arms: { doseLevels: { code: string; dose: number; unit: string }[] }[];
    }>(`/api/v1/studies/${enrolment.studyId}`);
    const level = study.arms.flatMap((a) => a.doseLevels).find((d) => d.code === enrolment.doseLevelCode)!;
    const cells = level.unit === "car-cells-per-kg" ? level.dose * weightKg : level.dose;
    // Manufacturing (the cell lab) on the collection's page: receipt, manufacture, the final bag.
    const mf = await newTabletPage(browser, server.url);
    await logInAt(mf.page, "manufacturing", "manufacturing-demo", "SZ");
    await mf.page.goto(`/board/${collectionId}`);
    await expectProductState(mf.page, "in transit to manufacturer");
    await productStep(mf.page, "Received at the manufacturer", "received at manufacturer");
    await productStep(mf.page, "Manufacture started", "in manufacture");
    const bagForm = mf.page.getByRole("form", { name: "Create the final bag" });
    await bagForm.getByRole("textbox", { name: /^ISBT 128 product code/ }).fill("S2001V00");
    await bagForm.getByRole("textbox", { name: /^Post-thaw stability, minutes/ }).fill("90");
    await bagForm.getByRole("button", { name: "Create the final bag" }).click();
    await mf.page.getByRole("link", { name: "Open the new bag" }).click();
    await mf.page.waitForURL(/\/board\/[0-9a-f-]{36}$/);
    const bag = { id: mf.page.url().split("/").at(-1)! };
    expect(bag.id).not.toBe(collectionId);
    await expectProductState(mf.page, "in manufacture");
    await productStep(mf.page, "Manufacture completed", "QC pending");
    expect(await seriousAxeViolations(mf.page)).toEqual([]);
    const made = await manufacturing.get<{
      productCode: string;
      thawStabilityMinutes: number;
      parentId: string;
    }>(`/api/v1/product-units/${bag.id}`);
    expect([made.productCode, made.thawStabilityMinutes, made.parentId]).toEqual([
      "S2001V00",
      90,
      collectionId,
    ]);
    // Quality enters the QC results and signs the release on the bag's page (their screens).
    const qa = await newTabletPage(browser, server.url);
    try {
      await logInAt(qa.page, "quality", "quality-demo", "SZ");
      await qa.page.goto(`/board/${bag.id}`);
      const qcForm = qa.page.getByRole("form", { name: "Enter QC results" });
      const names: Record<string, string> = {
        viability: "Viability",
        "car-positive": "CAR-positive cells",
        "vector-copy-number": "Vector copy number",
        endotoxin: "Endotoxin",
        sterility: "Sterility",
        mycoplasma: "Mycoplasma",
        "car-positive-viable-cells": "CAR-positive viable cells",
      };
      for (const r of passingResults(cells)) {
        const name = names[r.attribute]!;
        const value = qcForm.getByLabel(`${name} · Result`, { exact: true });
        if ("valueCode" in r && r.valueCode) await value.selectOption(String(r.valueCode));
        else await value.fill(String((r as { valueNumber: number }).valueNumber));
        await qcForm.getByLabel(`${name} · Method`).fill(r.method);
      }
      await qcForm.getByRole("button", { name: "Enter the results" }).click();
      await qa.page.getByRole("status").filter({ hasText: "QC complete, awaiting QA release" }).waitFor();
      const releaseForm = qa.page.getByRole("form", { name: "Release (QA signature)" });
      await releaseForm.getByLabel("Quality: password").fill("quality-demo");
      await releaseForm.getByRole("button", { name: "Sign and release" }).click();
      await qa.page.getByRole("status").filter({ hasText: "Released by QA (signed)" }).waitFor();
      expect(await seriousAxeViolations(qa.page)).toEqual([]);
    } finally {
      await qa.context.close();
    }
    expect((await quality.get<{ state: string }>(`/api/v1/product-units/${bag.id}`)).state).toBe("released");
    // Manufacturing ships the released bag; the ward receives and stores it.
    try {
      await mf.page.reload();
      await expectProductState(mf.page, "released");
      await productStep(mf.page, "Shipped to the site", "in transit to site");
    } finally {
      await mf.context.close();
    }
    await page.goto(`/board/${bag.id}`);
    await expectProductState(page, "in transit to site");
    await productStep(page, "Received and stored at the site", "stored at site");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.goto(`/patients/${patientId}`);

    // The rest in Chinese.
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    try {
      const zh = journeyPanel(page, "zh-CN");
      await expectStage(zh, "等待产品");
      await step(zh, "产品已放行", undefined, "zh-CN");
      await expectStage(zh, "清淋前评估");
      await step(
        zh,
        "开始清淋",
        async (form) => {
          await form.getByLabel(/^计划回输日期/).fill(addDays(today, 5));
          await form.locator('[data-drug="FLUDARABINE"]').waitFor({ timeout: 20_000 });
          await form.getByRole("checkbox", { name: /我已核对上述剂量/ }).check();
        },
        "zh-CN",
      );
      await expectStage(zh, "清淋");
      await step(zh, "清淋完成", undefined, "zh-CN");
      await expectStage(zh, "回输前评估");

      // The bag is thawed on the ward on its product page (the thaw form, site clock, to the second),
      // then checked at the bedside screen. The next whole second: not before the bag's receipt.
      await page.goto(`/board/${bag.id}`);
      const thawForm = page.getByRole("form", { name: "记录复苏" });
      const thawLocal = localDateTime(new Date(Math.ceil(Date.now() / 1000) * 1000), timeZone, "second");
      await thawForm.getByLabel(`复苏开始时间（${timeZone} 时间）`).fill(thawLocal);
      await thawForm.getByRole("button", { name: "记录复苏" }).click();
      await page.getByRole("status").filter({ hasText: "可使用至" }).waitFor({ timeout: 20_000 });
      const unit = await coordinator.get<{
        din: string;
        dinCheckCharacter: string;
        coiId: string;
        productCode: string;
        subjectCode: string;
        thawedAt: string;
      }>(`/api/v1/product-units/${bag.id}`);
      expect(unit.thawedAt).toBe(instantOfLocal(thawLocal, timeZone)!.toISOString());
      await page.getByRole("link", { name: "床旁核对" }).click();
      await page.getByRole("heading", { name: "床旁核对" }).waitFor();
      await page.getByLabel("第一核对人密码").fill("coordinator-demo");
      await page.getByRole("combobox", { name: "第二核对人" }).selectOption("investigator");
      await page.getByLabel("第二核对人密码").fill("investigator-demo");
      await page.getByRole("textbox", { name: /^患者受试者编号/ }).fill(unit.subjectCode);
      await page.getByRole("textbox", { name: /^身份链/ }).fill(unit.coiId);
      await page.getByRole("textbox", { name: /^DIN$/ }).fill(unit.din);
      await page.getByRole("textbox", { name: /^DIN 校验字符/ }).fill(unit.dinCheckCharacter);
      await page.getByRole("textbox", { name: /^产品代码/ }).fill(unit.productCode);
      await page.getByLabel(/^复苏时间/).fill(localDateTime(new Date(unit.thawedAt), timeZone, "second"));
      await page.getByRole("button", { name: "核对", exact: true }).click();
      await page.getByRole("status").filter({ hasText: "已核对，并由两人签名" }).waitFor({ timeout: 20_000 });
      expect(await page.getByRole("alertdialog").count()).toBe(0);

      // Back on her page: the infusion.
      await page.goto(`/patients/${patientId}`);
      await expectStage(zh, "回输前评估");
      await step(zh, "已回输", undefined, "zh-CN");
      await expectStage(zh, "已回输");
      expect(await seriousAxeViolations(page)).toEqual([]);
      const final = await coordinator.get<{ state: string }>(`/api/v1/journeys/${journey.id}`);
      expect(final.state).toBe("infused");
      const administered = await coordinator.get<{ state: string }>(`/api/v1/product-units/${bag.id}`);
      expect(administered.state).toBe("administered");

      // Follow-up begins on screen: febrile neutropenia on the day of infusion (the site's date),
      // recorded on the adverse-event form in Chinese.
      await page.goto(`/patients/${patientId}/adverse-events/new`);
      await page.getByRole("heading", { name: "记录不良事件", level: 1 }).waitFor();
      await page.getByRole("combobox", { name: /^事件/ }).selectOption("Febrile neutropenia");
      await page.getByRole("radio", { name: /^3 — 重度/ }).check();
      await page.getByRole("combobox", { name: /^与 CAR-T 的相关性/ }).selectOption("possible");
      await page.getByRole("combobox", { name: /^转归/ }).selectOption("RECOVERING/RESOLVING");
      await page.getByLabel(/^发生日期/).fill(localDate(new Date(), timeZone));
      await page.getByRole("button", { name: "记录不良事件" }).click();
      await page.waitForURL(new RegExp(`/patients/${patientId}(#[a-z-]+)?$`));
      const aes = await coordinator.get<{ items: { term: string; grade: number; onsetDate: string }[] }>(
        `/api/v1/adverse-events?patientId=${patientId}`,
      );
      expect(aes.items.map((a) => [a.term, a.grade, a.onsetDate])).toEqual([
        ["Febrile neutropenia", 3, localDate(new Date(), timeZone)],
      ]);
      const registered = await coordinator.get<{ subjectCode: string }>(
        `/api/v1/patients/${patientId}/timeline?limit=1`,
      );
      walked = { patientId, subjectCode: registered.subjectCode };
    } finally {
      // The language is remembered for the user: back to English for the other tests.
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  }, 400_000);
});

/** The server's clock once it runs 28 days ahead: the day-28 visit is due today. */
const MONTH_MS = 28 * 86_400_000;
const aMonthOn = () => new Date(Date.now() + MONTH_MS);

interface WorklistItem {
  id: string;
  patientId: string;
  subjectCode: string;
  code: string;
  label: string;
}

/** A tablet page whose clock agrees with the server's a month on; steps may wait longer on a loaded machine. */
const monthOnPage = async () => {
  const opened = await newTabletPage(browser, server.url, { now: aMonthOn() });
  opened.page.setDefaultTimeout(60_000);
  return opened;
};

const noSeriousViolations = async (page: Page) => {
  await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
  expect(await seriousAxeViolations(page)).toEqual([]);
};

const answerZh = (page: Page, question: RegExp, yes: boolean) =>
  page
    .getByRole("radiogroup", { name: question })
    .getByRole("radio", { name: yes ? "是" : "否" })
    .check();

describe("the month after her infusion, on screen", { timeout: 240_000 }, () => {
  let investigator: ApiAs;
  let patientId: string;
  let subjectCode: string;
  let visit: { id: string; code: string; label: string; nominalDate: string };
  /** The day the fever is charted: day 27, yesterday on the site's clock a month on. */
  let feverDay: string;
  /** The CRS assessment stored on screen: its label and the day (site's clock) it was assessed. */
  let graded: { label: string; date: string } | undefined;

  beforeAll(async () => {
    if (!walked) throw new Error("the walk to the infusion did not finish: nothing to follow up");
    if (!server.dataDir) throw new Error("the month after needs the server's data directory");
    ({ patientId, subjectCode } = walked);
    const dataDir = server.dataDir;
    await server.stop({ keepData: true });
    server = await startServer({ dataDir, clockOffsetDays: 28 });
    coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
    investigator = await apiAs(server.url, "investigator", "investigator-demo");
    // Once listening, a started server verifies its audit chain and refreshes the planner's
    // statistics (cli/serve.ts), holding the embedded database; on a loaded machine that can take
    // longer than a browser step waits. Go on once a read answers promptly again.
    for (let i = 0; i < 90; i++) {
      const started = Date.now();
      await coordinator.get("/api/v1/sites");
      if (Date.now() - started < 1000) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Each user's language is remembered on the server; a switch back to English sent as the
    // first part's last page closed may not have reached it before the stop. Start in English.
    for (const user of [coordinator, investigator]) {
      const set = await user.call("PUT", "/api/v1/auth/language", { language: "en" });
      expect(set.status).toBe(200);
    }
    feverDay = addDays(localDate(aMonthOn(), timeZone), -1);
    const open = await coordinator.get<{ items: WorklistItem[] }>(
      `/api/v1/worklist?siteId=${siteId}&find=${subjectCode}`,
    );
    const d28 = open.items.find((i) => i.patientId === patientId && i.code === "D28");
    if (!d28) {
      const hers = await coordinator.get<unknown>(`/api/v1/patients/${patientId}/visits`);
      throw new Error(
        `her day-28 visit is not on the worklist a month on: ${JSON.stringify(hers).slice(0, 1500)}\n${server.output().slice(-2000)}`,
      );
    }
    visit = await coordinator.get<{ id: string; code: string; label: string; nominalDate: string }>(
      `/api/v1/visits/${d28!.id}`,
    );
    expect(visit.nominalDate).toBe(localDate(aMonthOn(), timeZone));
  }, 300_000);

  it("the coordinator charts a febrile, hypotensive row on oxygen", async () => {
    const { context, page } = await monthOnPage();
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.goto(`/entry/${patientId}/vitals`);
    const time = page.getByRole("textbox", { name: /^Time \(Asia\/Shanghai\), row 1/ });
    await time.waitFor();
    await time.fill(`${feverDay}T10:00`);
    await page.getByRole("textbox", { name: "Temperature, row 1" }).fill("38.6");
    await page.getByRole("textbox", { name: "Systolic BP, row 1" }).fill("84");
    await page.getByRole("textbox", { name: "Diastolic BP, row 1" }).fill("50");
    await page.getByRole("textbox", { name: "Heart rate, row 1" }).fill("118");
    await page.getByRole("textbox", { name: "SpO2, row 1" }).fill("91");
    await page.getByRole("combobox", { name: "O2 device, row 1" }).selectOption("NASAL_CANNULA");
    await page.getByRole("textbox", { name: "O2 flow, row 1" }).fill("3");
    await noSeriousViolations(page);
    await page.getByRole("button", { name: "Record vital signs" }).click();
    await page.getByRole("status").filter({ hasText: "Values recorded: 7, at 1 time point(s)." }).waitFor();
    // The server derives a CRS day from the chart: fever on the day charted, on the site's clock.
    const derived = await investigator.get<{ days: { date: string; inputs: { tempMaxC: number } }[] }>(
      `/api/v1/patients/${patientId}/derived/crs`,
    );
    expect(derived.days.find((d) => d.date === feverDay)?.inputs.tempMaxC).toBe(38.6);
    await context.close();
  });

  it("the investigator grades CRS in Chinese from that day's chart, each value with its source", async () => {
    const { context, page } = await monthOnPage();
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("combobox", { name: "语言" }).waitFor();
    try {
      await page.goto(`/patients/${patientId}/assess/crs`);
      await page.getByRole("heading", { name: /细胞因子释放综合征（CRS）分级/ }).waitFor();
      await page.getByRole("combobox", { name: /^记录日期/ }).selectOption(feverDay);
      const panel = page.getByRole("region", { name: "根据护理记录预填" });
      const sources = panel.getByRole("list", { name: "根据病历预填的数值" });
      await sources.getByText(`来自 ${feverDay} 记录的最高体温`).waitFor();
      await sources.getByText(`来自 ${feverDay} 记录的氧流量`).first().waitFor();
      await expect(page.getByRole("textbox", { name: /^最高体温/ }).inputValue()).resolves.toBe("38.6");
      await expect(page.getByRole("textbox", { name: /^氧流量/ }).inputValue()).resolves.toBe("3");
      await noSeriousViolations(page);

      // What the chart cannot say: the hypotension needed fluids only, and nothing else explains it.
      await answerZh(page, /^发热可由其他原因解释/, false);
      // Her chart has no earlier CRS in this episode, so whether CRS was already diagnosed is asked.
      const diagnosed = page.getByRole("radiogroup", { name: /^本次发作中已诊断 CRS/ });
      await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
      if ((await diagnosed.getByRole("radio", { checked: true }).count()) === 0)
        await answerZh(page, /^本次发作中已诊断 CRS/, false);
      await page.getByRole("combobox", { name: /^低血压$/ }).selectOption("NO_VASOPRESSOR");
      await answerZh(page, /^低血压可由其他原因解释/, false);
      await answerZh(page, /^需氧可由其他原因解释/, false);
      await answerZh(page, /^死于 CRS/, false);
      const live = page.getByTestId("live-grade");
      const expected = [
        "发热：最高体温 38.6 °C ≥ 38.0 °C，且不能归因于其他原因。",
        "2 级：低血压，无需血管活性药物。",
        "2 级：低流量吸氧（鼻导管 3 L/min ≤ 6 L/min）。",
      ];
      await expect
        .poll(() => live.locator("li").allTextContents(), { timeout: 20_000 })
        .toEqual(expect.arrayContaining(expected));
      // Every reason worded in Chinese from its code, none left in the server's English.
      for (const r of await live.locator("li").allTextContents()) expect(r).toMatch(/[\u4e00-\u9fff]/);

      await page.getByRole("button", { name: /保存/ }).first().click();
      const stored = page.locator("section[aria-labelledby=stored-title]");
      await stored
        .getByText(/低流量吸氧（鼻导管 3 L\/min ≤ 6 L\/min）/)
        .first()
        .waitFor();
      await noSeriousViolations(page);
      const saved = await investigator.get<{
        items: {
          label: string;
          assessedAt: string;
          inputs: { tempMaxC: number };
          result: { reasonCodes: { code: string }[] };
        }[];
      }>(`/api/v1/patients/${patientId}/assessments?calculator=crs&limit=1000`);
      expect(saved.items).toHaveLength(1);
      const last = saved.items[0]!;
      expect(last.inputs.tempMaxC).toBe(38.6);
      expect(last.result.reasonCodes.map((r) => r.code)).toContain("crs.hypotension.grade");
      graded = { label: last.label, date: localDate(new Date(last.assessedAt), timeZone) };
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  });

  it("the investigator records the CRS as an adverse event with its CTCAE grade and attribution", async () => {
    const { context, page } = await monthOnPage();
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.goto(`/patients/${patientId}`);
    await page.getByRole("link", { name: "Record an adverse event" }).click();
    await page.getByRole("heading", { name: "Record an adverse event", level: 1 }).waitFor();
    await page.getByRole("combobox", { name: /^Event/ }).selectOption("Cytokine release syndrome");
    await page.getByRole("radio", { name: /^2 — moderate/ }).check();
    await page.getByRole("combobox", { name: /^Relation to CAR-T/ }).selectOption("definite");
    await page.getByRole("combobox", { name: /^Outcome/ }).selectOption("RECOVERING/RESOLVING");
    await page.getByLabel(/^Onset date/).fill(feverDay);
    await noSeriousViolations(page);
    await page.getByRole("button", { name: "Record adverse event" }).click();
    await page.getByRole("heading", { name: "Adverse events" }).waitFor();
    const recorded = (
      await investigator.get<{
        items: { term: string; grade: number; onsetDate: string }[];
      }>(`/api/v1/adverse-events?patientId=${patientId}&limit=500`)
    ).items.map((a) => [a.term, a.grade, a.onsetDate]);
    // The febrile neutropenia of her infusion day, and now the CRS of day 27.
    expect(recorded).toEqual(
      expect.arrayContaining([
        ["Febrile neutropenia", 3, addDays(feverDay, -27)],
        ["Cytokine release syndrome", 2, feverDay],
      ]),
    );
    expect(recorded).toHaveLength(2);
    await noSeriousViolations(page);
    await context.close();
  });

  it("the coordinator, in Chinese, records her day-28 visit as done and it leaves the worklist", async () => {
    const { context, page } = await monthOnPage();
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("combobox", { name: "语言" }).waitFor();
    try {
      // The site's worklist holds the demo's overdue visits too: hers found by her subject code.
      await page.goto("/worklist");
      await page.getByRole("heading", { name: /^工作清单/ }).waitFor();
      await page.getByRole("textbox", { name: /^受试者编号/ }).fill(subjectCode);
      // Her row for the day-28 visit, due today (the visits before it, not walked here, are overdue).
      const listed = page
        .locator('tr[data-status="due"]', { hasText: subjectCode })
        .filter({ hasText: "(D28)" });
      await listed.first().waitFor();
      expect(await listed.count()).toBe(1);
      // The default schedule's visit named in Chinese from its code.
      await expect(listed.first().textContent()).resolves.toContain("第 28 天 (D28)");
      await noSeriousViolations(page);

      await page.goto(`/entry/${patientId}/visits`);
      const row = page.locator("tr", { hasText: `(${visit.code})` });
      await row.getByRole("textbox", { name: /^本次录入原因（D28）/ }).fill("门诊完成访视");
      await row.getByLabel(/^完成日期/).fill(visit.nominalDate);
      await noSeriousViolations(page);
      await row.getByRole("button", { name: "已完成" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `完成于 ${visit.nominalDate}` })
        .waitFor();
      const stored = await coordinator.get<{ doneOn: string; status: { status: string } }>(
        `/api/v1/visits/${visit.id}`,
      );
      expect([stored.doneOn, stored.status.status]).toEqual([visit.nominalDate, "done"]);

      await page.goto("/worklist");
      await page.getByRole("heading", { name: /^工作清单/ }).waitFor();
      await page.locator("tr[data-status]").first().waitFor();
      await page.getByRole("textbox", { name: /^受试者编号/ }).fill(subjectCode);
      await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(0);
      const after = await coordinator.get<{ items: WorklistItem[] }>(
        `/api/v1/worklist?siteId=${siteId}&find=${subjectCode}`,
      );
      expect(after.items.map((i) => i.id)).not.toContain(visit.id);
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  });

  it("her timeline shows the CRS grade and the visit done", async () => {
    const { context, page } = await monthOnPage();
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.goto(`/patients/${patientId}`);
    await page.getByRole("heading", { level: 1, name: subjectCode }).waitFor();
    await page
      .getByRole("group", { name: "Show on the timeline" })
      .getByText("Visits", { exact: true })
      .click();
    const timeline = page.getByTestId("timeline");
    const visitItem = timeline.locator(".mantine-Timeline-item", { hasText: `Visit ${visit.label} done` });
    await expect(visitItem.first().textContent()).resolves.toContain(visit.nominalDate);
    expect(graded?.label).toMatch(/2/);
    // The assessment reads as the calculator's name and its grade, not as the calculator's code.
    const grade = timeline.locator(".mantine-Timeline-item", { hasText: `ASTCT 2019: ${graded!.label}` });
    await expect(grade.last().textContent()).resolves.toContain(graded!.date);
    await noSeriousViolations(page);

    // In Chinese the entries are worded from their details: her journey's steps and the visit.
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    try {
      // Journey and visits on (the chips keep or reset their state with the language; set both).
      const shown = page.getByRole("group", { name: "在时间线上显示" });
      for (const chip of ["治疗进程", "访视"]) {
        await shown.getByText(chip, { exact: true }).waitFor();
        if (!(await shown.getByRole("checkbox", { name: chip, exact: true }).isChecked()))
          await shown.getByText(chip, { exact: true }).click();
      }
      await timeline.locator(".mantine-Timeline-item", { hasText: "访视 第 28 天 已完成" }).first().waitFor();
      const infusedStep = timeline.locator(".mantine-Timeline-item", { hasText: /治疗进程：.+ → .+（.+）/ });
      expect(await infusedStep.count()).toBeGreaterThan(5);
      expect(
        await timeline
          .locator(".mantine-Timeline-item", { hasText: /Journey:|Visit .+ done|: Grade/ })
          .count(),
      ).toBe(0);
      // Her CRS grade in Chinese, worded from the stored label's code.
      const gradeZh = `${graded!.label.replace(/^Grade /, "")} 级`;
      await timeline
        .locator(".mantine-Timeline-item", { hasText: `ASTCT 2019：${gradeZh}` })
        .first()
        .waitFor();
      await noSeriousViolations(page);
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  });
});
