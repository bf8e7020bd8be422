/**
 * Issue 11 in the browser: an investigator records an adverse event for a demo patient from her
 * page (only the term's CTCAE grades offered; a serious event without a criterion refused at the
 * field, in words), corrects it with a reason; a coordinator charts a row of vital signs, which
 * arrive as coded observations, and an implausible value is refused at its cell. The same refusal
 * reads in Chinese; the forms have no serious axe violation and fit a 390 px phone.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";
import { viewportShot } from "./support/viewport-shot.ts";

let server: RunningServer;
let browser: Browser;
let patientId: string;

interface Ae {
  id: string;
  term: string;
  grade: number;
  serious: boolean;
  seriousCriteria: string[];
  outcome: string;
  resolvedDate: string | null;
  version: number;
}

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  const api = await apiAs(server.url, "investigator", "investigator-demo");
  const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
  const sz = sites.items.find((s) => s.code === "SZ")!.id;
  const patients = await api.get<{ items: { id: string; subjectCode: string }[] }>(
    `/api/v1/patients?siteId=${sz}&limit=500`,
  );
  patientId = patients.items.find((p) => p.subjectCode === "SZ-0002")!.id;
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

async function session(who: "investigator" | "coordinator", width = 1280) {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width, height: 844 },
    locale: "en-GB",
  });
  const page = await context.newPage();
  await logInAt(page, who, `${who}-demo`, "SZ");
  return { context, page };
}

const fitsWindow = (page: Page) =>
  page.evaluate<boolean>("document.scrollingElement.scrollWidth <= window.innerWidth");

describe("adverse events", () => {
  it("records one from the patient page, refuses a serious event without a criterion at the field, and corrects it with a reason", async () => {
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const before = (await api.get<{ items: Ae[] }>(`/api/v1/adverse-events?patientId=${patientId}&limit=500`))
      .items;
    const { context, page } = await session("investigator");
    await page.goto(`/patients/${patientId}`);
    await page.getByRole("link", { name: "Record an adverse event" }).click();
    await page.getByRole("heading", { name: "Record an adverse event", level: 1 }).waitFor();

    await page.getByRole("combobox", { name: /^Event/ }).selectOption("Febrile neutropenia");
    // CTCAE v5.0 defines febrile neutropenia from grade 3: no grade 1 or 2 is offered.
    const grades = page.getByRole("radiogroup", { name: /^Grade/ }).getByRole("radio");
    await expect(grades.count()).resolves.toBe(3);
    await page.getByRole("radio", { name: /^3 — severe/ }).check();
    await page.getByRole("combobox", { name: /^Relation to CAR-T/ }).selectOption("possible");
    await page.getByRole("combobox", { name: /^Outcome/ }).selectOption("RECOVERING/RESOLVING");
    await page.getByLabel(/^Onset date/).fill("2026-11-20");
    await page.getByRole("switch", { name: /^Serious adverse event/ }).check();
    // No criterion ticked: the server refuses, and the form says why at the criteria.
    await page.getByRole("button", { name: "Record adverse event" }).click();
    await page.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    await page.getByText("A serious adverse event names at least one ICH E2A criterion").first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await viewportShot(page, "adverse-event-form");
    const afterRefusal = await api.get<{ items: Ae[] }>(
      `/api/v1/adverse-events?patientId=${patientId}&limit=500`,
    );
    expect(afterRefusal.items).toHaveLength(before.length);

    await page.getByRole("checkbox", { name: "Requires or prolongs hospitalisation" }).check();
    await page.getByRole("button", { name: "Record adverse event" }).click();
    await page.getByRole("heading", { name: "Adverse events" }).waitFor();
    const recorded = (
      await api.get<{ items: Ae[] }>(`/api/v1/adverse-events?patientId=${patientId}&limit=500`)
    ).items.filter((a) => !before.some((b) => b.id === a.id));
    expect(recorded.map((a) => [a.term, a.grade, a.serious, a.seriousCriteria])).toEqual([
      ["Febrile neutropenia", 3, true, ["hospitalisation"]],
    ]);

    // Correct it: resolved five days later, with the reason the audit trail keeps.
    await page.getByRole("link", { name: "Correct Febrile neutropenia from 2026-11-20" }).click();
    await page.getByRole("heading", { name: "Correct an adverse event", level: 1 }).waitFor();
    await page.getByRole("combobox", { name: /^Outcome/ }).selectOption("RECOVERED/RESOLVED");
    await page.getByLabel(/^Resolution date/).fill("2026-11-25");
    await page
      .getByRole("textbox", { name: /^Reason for the correction/ })
      .fill("Neutrophils recovered, afebrile");
    await page.getByRole("button", { name: "Save correction" }).click();
    await page.getByRole("heading", { name: "Adverse events" }).waitFor();
    const corrected = await api.get<Ae>(`/api/v1/adverse-events/${recorded[0]!.id}`);
    expect([corrected.outcome, corrected.resolvedDate, corrected.version]).toEqual([
      "RECOVERED/RESOLVED",
      "2026-11-25",
      2,
    ]);
    await context.close();
  }, 180_000);

  it("says the refusal in Chinese, by its code", async () => {
    const { context, page } = await session("investigator");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    try {
      await page.goto(`/patients/${patientId}/adverse-events/new`);
      await page.getByRole("heading", { name: "记录不良事件", level: 1 }).waitFor();
      await page.getByRole("combobox", { name: /^事件/ }).selectOption("Lung infection");
      await expect(
        page.getByRole("combobox", { name: /^事件/ }).locator("option:checked").textContent(),
      ).resolves.toBe("肺部感染");
      await page.getByRole("radio", { name: /^3 — 重度/ }).check();
      await page.getByRole("combobox", { name: /^与 CAR-T 的相关性/ }).selectOption("probable");
      await page.getByRole("combobox", { name: /^转归/ }).selectOption("RECOVERING/RESOLVING");
      await page.getByRole("switch", { name: /^严重不良事件/ }).check();
      await page.getByRole("button", { name: "记录不良事件" }).click();
      await page.getByText("严重不良事件须至少选择一项 ICH E2A 标准。").first().waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("heading", { name: "Record an adverse event", level: 1 }).waitFor();
      await context.close();
    }
  }, 120_000);

  it("fits a 390 px phone", async () => {
    const { context, page } = await session("investigator", 390);
    await page.goto(`/patients/${patientId}/adverse-events/new`);
    await page.getByRole("heading", { name: "Record an adverse event", level: 1 }).waitFor();
    await page.getByRole("combobox", { name: /^Event/ }).selectOption("Sepsis");
    expect(await fitsWindow(page)).toBe(true);
    await context.close();
  }, 120_000);
});

describe("vital signs", () => {
  it("charts a row as coded observations, and refuses an implausible value at its cell", async () => {
    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const { context, page } = await session("coordinator");
    await page.goto(`/entry/${patientId}/vitals`);
    const time = page.getByRole("textbox", { name: /^Time \(Asia\/Shanghai\), row 1/ });
    await time.waitFor();
    await time.fill("2026-11-21T08:30");
    await page.getByRole("textbox", { name: "Temperature, row 1" }).fill("38.4");
    await page.getByRole("textbox", { name: "Systolic BP, row 1" }).fill("96");
    await page.getByRole("textbox", { name: "Diastolic BP, row 1" }).fill("58");
    await page.getByRole("textbox", { name: "Heart rate, row 1" }).fill("1120");
    await page.getByRole("textbox", { name: "SpO2, row 1" }).fill("93");
    await page.getByRole("combobox", { name: "O2 device, row 1" }).selectOption("NASAL_CANNULA");
    await page.getByRole("textbox", { name: "O2 flow, row 1" }).fill("2");
    await page.getByRole("button", { name: "Record vital signs" }).click();
    await page.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    // The server's plausibility limit, shown on the heart-rate cell of row 1; nothing of the row recorded.
    await page.getByText(/Row 1, Heart rate: 1120 \/min is above 600/).waitFor();
    const window = "from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z";
    const none = await api.get<{ items: unknown[] }>(`/api/v1/observations?patientId=${patientId}&${window}`);
    expect(none.items).toHaveLength(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole("textbox", { name: "Heart rate, row 1" }).fill("112");
    await viewportShot(page, "vital-signs-form");
    await page.getByRole("button", { name: "Record vital signs" }).click();
    await page.getByRole("status").filter({ hasText: "Values recorded: 7, at 1 time point(s)." }).waitFor();
    const stored = await api.get<{
      items: {
        code: string;
        valueNumber: number | null;
        unit: string | null;
        valueCode: string | null;
        effectiveAt: string;
      }[];
    }>(`/api/v1/observations?patientId=${patientId}&${window}&limit=100`);
    const byCode = Object.fromEntries(
      stored.items.map((o) => [o.code, o.valueCode ?? `${o.valueNumber} ${o.unit}`]),
    );
    expect(byCode).toEqual({
      "8310-5": "38.4 Cel",
      "8480-6": "96 mm[Hg]",
      "8462-4": "58 mm[Hg]",
      "8867-4": "112 /min",
      "59408-5": "93 %",
      "3151-8": "2 L/min",
      "107117-4": "NASAL_CANNULA",
    });
    // 08:30 on the Shenzhen clock is 00:30 UTC.
    expect(new Set(stored.items.map((o) => o.effectiveAt))).toEqual(new Set(["2026-11-21T00:30:00.000Z"]));
    await context.close();
  }, 180_000);

  it("on a 390 px phone: one card per time point with visible labels, Enter adds the next", async () => {
    const { context, page } = await session("coordinator", 390);
    await page.goto(`/entry/${patientId}/vitals`);
    const first = page.getByRole("group", { name: "Time point 1" });
    const flow = first.getByRole("textbox", { name: /^O2 flow \(L\/min\)/ });
    await flow.waitFor();
    await first.getByRole("textbox", { name: /^Temperature \(°C\)/ }).fill("37.9");
    await flow.press("Enter");
    await page
      .getByRole("group", { name: "Time point 2" })
      .getByRole("textbox", { name: /^Temperature/ })
      .waitFor();
    expect(await fitsWindow(page)).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});

describe("grading prefilled from the record", () => {
  it("a visit's SLEDAI-2K form opens prefilled, names each value's source, and stores against the visit", async () => {
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((s) => s.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string; subjectCode: string }[] }>(
      `/api/v1/patients?siteId=${sz}&limit=500`,
    );
    interface Draft {
      calculator: string;
      input: Record<string, unknown>;
      prefilled: { field: string; value: unknown; sources: { date: string; summary: string }[] }[];
    }
    // A lupus visit whose SLEDAI-2K draft the record answers in part (the demo's SLE patients).
    let found: { patient: string; visit: string; draft: Draft } | undefined;
    for (const p of patients.items) {
      const visits = await api.get<{ items: { id: string; expected: { assessments: string[] } }[] }>(
        `/api/v1/patients/${p.id}/visits`,
      );
      for (const v of visits.items.filter((x) => x.expected.assessments.includes("sledai-2k"))) {
        const drafts = await api.get<{ drafts: Draft[] }>(`/api/v1/visits/${v.id}/assessment-drafts`);
        const draft = drafts.drafts.find((d) => d.calculator === "sledai-2k")!;
        if (draft.prefilled.some((f) => f.sources.length > 0)) {
          found = { patient: p.id, visit: v.id, draft };
          break;
        }
      }
      if (found) break;
    }
    expect(found).toBeDefined();
    const { patient, visit, draft } = found!;

    const { context, page } = await session("investigator");
    await page.goto(`/entry/${patient}/visits`);
    await page.getByRole("button", { name: /^Show all/ }).click();
    await page.locator(`a[href="/patients/${patient}/assess/sledai-2k?visit=${visit}"]`).click();
    const sources = page.getByRole("region", { name: "Prefilled from the record" });
    await sources.waitFor();
    // Every prefilled value is listed with the record it was read from (date and what was recorded).
    const withSource = draft.prefilled.filter((f) => f.sources.length > 0);
    for (const f of withSource)
      await sources
        .getByText(`${f.sources[0]!.date} (${f.sources[0]!.summary})`, { exact: false })
        .first()
        .waitFor();
    // …and the form starts with the draft's answers.
    const first = withSource[0]!;
    const answered = await page.getByRole("radio", { checked: true }).count();
    expect(answered).toBeGreaterThanOrEqual(
      Object.values(draft.input).filter((v) => typeof v === "boolean").length,
    );
    await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Complete the rest as "no" and store it: the assessment names the visit and keeps the draft's values.
    const rest = page.getByRole("button", { name: /^Answer the \d+ unanswered yes\/no questions/ });
    if (await rest.count()) await rest.first().click();
    const save = page.getByRole("button", { name: "Save assessment" });
    await expect.poll(() => save.isEnabled(), { timeout: 15_000 }).toBe(true);
    await save.click();
    await page
      .getByRole("status")
      .filter({ hasText: /^Saved/ })
      .first()
      .waitFor();
    const stored = await api.get<{ items: { visitId: string | null; inputs: Record<string, unknown> }[] }>(
      `/api/v1/patients/${patient}/assessments?calculator=sledai-2k&limit=500`,
    );
    const mine = stored.items.filter((a) => a.visitId === visit);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.at(-1)!.inputs[first.field.slice(1)]).toEqual(first.value);
    await context.close();
  }, 300_000);
});

describe("CRS form prefilled from the chart", () => {
  it("a recorded day fills the CRS form from that day's vitals, saying where each value came from", async () => {
    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((s) => s.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string; subjectCode: string }[] }>(
      `/api/v1/patients?siteId=${sz}&limit=500`,
    );
    const sz1 = patients.items.find((p) => p.subjectCode === "SZ-0001")!.id;
    const derived = await api.get<{ days: { date: string; grade: number; inputs: { tempMaxC: number } }[] }>(
      `/api/v1/patients/${sz1}/derived/crs`,
    );
    // Her CRS episode (grade 1 fever after infusion): the day the server derives the highest grade from.
    const day = [...derived.days].sort((a, b) => b.grade - a.grade)[0]!;
    expect(day.grade).toBeGreaterThan(0);

    const { context, page } = await session("investigator");
    await page.goto(`/patients/${sz1}/assess/crs`);
    await page.getByRole("combobox", { name: /^Day recorded/ }).selectOption(day.date);
    const panel = page.getByRole("region", { name: "Prefill from the chart" });
    await panel.getByText(`from the highest temperature recorded on ${day.date}`).waitFor();
    await expect(page.getByRole("textbox", { name: /^Highest temperature/ }).inputValue()).resolves.toBe(
      String(day.inputs.tempMaxC),
    );
    await page
      .getByText(new RegExp(`Grade ${day.grade}`))
      .first()
      .waitFor();
    await expect.poll(() => page.getByLabel("Loading").count(), { timeout: 20_000 }).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);
});
