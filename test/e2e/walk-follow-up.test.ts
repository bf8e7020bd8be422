/**
 * Issue 11's walk, the month after the infusion, on screen as the roles that do each step: the
 * coordinator charts a febrile, hypotensive row of vital signs on oxygen (English); the
 * investigator, in 中文, opens CRS grading prefilled from that day's chart, each value with its
 * source, completes and stores it, its reasons worded in Chinese from their codes; the
 * investigator records the adverse event (CTCAE term, grade, attribution); the coordinator, in
 * 中文, sees the day-28 visit on the worklist and her visits, records it as done, and it leaves
 * the worklist; the patient page's timeline shows the grade and the visit done. Zero serious axe
 * violations on every page visited.
 *
 * The patient: the demo's SZ patient infused on 2026-10-19 (src/demo/synthetic-cohort.ts, "acute"),
 * whose day-28 visit the demo leaves open (overdue). Not yet done: a patient set up in this file
 * with her infusion backdated ~28 days through the services — the browser tests' server
 * (support/server.ts) has no hook to run services on its data directory before it serves, and the
 * API stamps every step with the server's clock.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/calendar.ts";
import { localDate } from "../../src/domain/study-day.ts";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, newTabletPage } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;
let coordinator: ApiAs;
let investigator: ApiAs;
let siteId: string;
let timeZone: string;
let patientId: string;
let subjectCode: string;
let visit: { id: string; code: string; label: string; nominalDate: string };
/** The day the fever is charted: yesterday on the site's clock (always in the past, after day 28). */
let feverDay: string;
/** The CRS assessment stored on screen: its label and the day (site's clock) it was assessed. */
let graded: { label: string; date: string } | undefined;

interface WorklistItem {
  id: string;
  patientId: string;
  subjectCode: string;
  code: string;
  label: string;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
  investigator = await apiAs(server.url, "investigator", "investigator-demo");
  const sites = await coordinator.get<{ items: { id: string; code: string; timeZone: string }[] }>(
    "/api/v1/sites",
  );
  const sz = sites.items.find((s) => s.code === "SZ")!;
  siteId = sz.id;
  timeZone = sz.timeZone;
  feverDay = addDays(localDate(new Date(), timeZone), -1);
  const open = await coordinator.get<{ items: WorklistItem[] }>(`/api/v1/worklist?siteId=${siteId}`);
  // Shenzhen's open day-28 visits; the latest is that of the patient the demo infused on 2026-10-19.
  const d28 = open.items.filter((i) => i.code === "D28");
  expect(d28.length).toBeGreaterThan(0);
  const visits = await Promise.all(
    d28.map((i) =>
      coordinator.get<{ id: string; code: string; label: string; nominalDate: string }>(
        `/api/v1/visits/${i.id}`,
      ),
    ),
  );
  visit = visits.sort((a, b) => b.nominalDate.localeCompare(a.nominalDate))[0]!;
  const item = d28.find((i) => i.id === visit.id)!;
  patientId = item.patientId;
  subjectCode = item.subjectCode;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const noSeriousViolations = async (page: Page) => {
  await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
  expect(await seriousAxeViolations(page)).toEqual([]);
};

const answerZh = (page: Page, question: RegExp, yes: boolean) =>
  page
    .getByRole("radiogroup", { name: question })
    .getByRole("radio", { name: yes ? "是" : "否" })
    .check();

describe("the month after the infusion, on screen", { timeout: 240_000 }, () => {
  it("the coordinator charts a febrile, hypotensive row on oxygen", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
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
    const { context, page } = await newTabletPage(browser, server.url);
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
      // Whether CRS was already diagnosed in this episode is read from the chart's earlier days
      // (with the treatment given since); answered here only when the chart left it open.
      const diagnosed = page.getByRole("radiogroup", { name: /^本次发作中已诊断 CRS/ });
      await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
      if ((await diagnosed.getByRole("radio", { checked: true }).count()) === 0)
        await answerZh(page, /^本次发作中已诊断 CRS/, false);
      await page.getByRole("combobox", { name: /^低血压$/ }).selectOption("NO_VASOPRESSOR");
      await answerZh(page, /^低血压可由其他原因解释/, false);
      await answerZh(page, /^需氧可由其他原因解释/, false);
      await answerZh(page, /^死于 CRS/, false);
      const live = page.getByTestId("live-grade");
      // The chart may also say CRS was already diagnosed and treated in this episode (Lee 2019's
      // footnote then drops the fever requirement): the reasons below are there either way.
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
      const last = saved.items.at(-1)!;
      expect(last.inputs.tempMaxC).toBe(38.6);
      expect(last.result.reasonCodes.map((r) => r.code)).toContain("crs.hypotension.grade");
      graded = { label: last.label, date: localDate(new Date(last.assessedAt), timeZone) };
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  });

  it("the investigator records the adverse event with its CTCAE grade and attribution", async () => {
    const before = (
      await investigator.get<{ items: { id: string }[] }>(
        `/api/v1/adverse-events?patientId=${patientId}&limit=500`,
      )
    ).items;
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.goto(`/patients/${patientId}`);
    await page.getByRole("link", { name: "Record an adverse event" }).click();
    await page.getByRole("heading", { name: "Record an adverse event", level: 1 }).waitFor();
    await page.getByRole("combobox", { name: /^Event/ }).selectOption("Febrile neutropenia");
    await page.getByRole("radio", { name: /^3 — severe/ }).check();
    await page.getByRole("combobox", { name: /^Relation to CAR-T/ }).selectOption("possible");
    await page.getByRole("combobox", { name: /^Outcome/ }).selectOption("RECOVERING/RESOLVING");
    await page.getByLabel(/^Onset date/).fill(feverDay);
    await noSeriousViolations(page);
    await page.getByRole("button", { name: "Record adverse event" }).click();
    await page.getByRole("heading", { name: "Adverse events" }).waitFor();
    const recorded = (
      await investigator.get<{
        items: { id: string; term: string; grade: number; onsetDate: string }[];
      }>(`/api/v1/adverse-events?patientId=${patientId}&limit=500`)
    ).items.filter((a) => !before.some((b) => b.id === a.id));
    expect(recorded.map((a) => [a.term, a.grade, a.onsetDate])).toEqual([
      ["Febrile neutropenia", 3, feverDay],
    ]);
    await noSeriousViolations(page);
    await context.close();
  });

  it("the coordinator, in Chinese, records the day-28 visit as done and it leaves the worklist", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("combobox", { name: "语言" }).waitFor();
    try {
      await page.goto("/worklist");
      await page.getByRole("heading", { name: /^工作清单/ }).waitFor();
      const listed = page.locator("tr[data-status]", { hasText: subjectCode }).filter({ hasText: "D28" });
      await listed.first().waitFor();
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
      expect(await listed.count()).toBe(0);
      const after = await coordinator.get<{ items: WorklistItem[] }>(`/api/v1/worklist?siteId=${siteId}`);
      expect(after.items.map((i) => i.id)).not.toContain(visit.id);
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  });

  it("the patient page's timeline shows the CRS grade and the visit done", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
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
    const grade = timeline.locator(".mantine-Timeline-item", { hasText: `crs: ${graded!.label}` });
    await expect(grade.last().textContent()).resolves.toContain(graded!.date);
    await noSeriousViolations(page);
    await context.close();
  });
});
