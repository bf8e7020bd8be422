/**
 * Issue 11 in the browser: a coordinator records a diagnosis from a new patient's page, picking
 * it from the server's vocabulary with its onset on the site's calendar; a resolution before the
 * onset is refused at its field in words and nothing is written; she corrects the onset with a
 * reason and the version read. In Chinese the diagnosis reads by its Chinese name and the same
 * refusal in Chinese. No serious axe violation.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiAs, apiAs } from "./support/api-as.ts";
import { seriousAxeViolations } from "./support/axe.ts";
import { launchBrowser, logInAt, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;
let api: ApiAs;
let patientId: string;

interface Condition {
  id: string;
  code: string;
  codeSystem: string;
  onsetDate: string | null;
  abatementDate: string | null;
  clinicalStatus: string;
  version: number;
}

const conditions = async () =>
  (await api.get<{ items: Condition[] }>(`/api/v1/conditions?patientId=${patientId}`)).items;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
  api = await apiAs(server.url, "coordinator", "coordinator-demo");
  const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
  const sz = sites.items.find((s) => s.code === "SZ")!.id;
  patientId = (
    await api.post<{ id: string }>("/api/v1/patients", { siteId: sz, birthYear: 1971, sex: "female" })
  ).id;
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

async function session() {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 1280, height: 900 },
    locale: "en-GB",
  });
  const page = await context.newPage();
  await logInAt(page, "coordinator", "coordinator-demo", "SZ");
  return { context, page };
}

describe("diagnoses", () => {
  it("records one from the vocabulary, refuses a resolution before the onset at its field, and corrects the onset with a reason", async () => {
    const { context, page } = await session();
    await page.goto(`/patients/${patientId}`);
    await page.getByText("No diagnosis recorded.").waitFor();
    await page.getByRole("button", { name: "Record a diagnosis" }).click();
    const form = page.getByRole("form", { name: "Record a diagnosis" });
    await form
      .getByRole("combobox", { name: /^Diagnosis/ })
      .selectOption({ label: "Diffuse large B-cell lymphoma" });
    // The site's calendar, named.
    await form.getByLabel("Onset date (calendar at Asia/Shanghai)").fill("2026-05-01");
    await form.getByLabel(/^Resolution date/).fill("2026-04-01");
    await form.getByRole("button", { name: "Record diagnosis" }).click();
    await form.getByRole("alert").filter({ hasText: "Not saved" }).waitFor();
    // At the field, in words (Mantine ties the error to its input).
    await expect(form.getByLabel(/^Resolution date/).getAttribute("aria-invalid")).resolves.toBe("true");
    await form.getByText("The resolution date is before the onset date.").first().waitFor();
    expect(await conditions()).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await form.getByLabel(/^Resolution date/).fill("");
    await form.getByRole("button", { name: "Record diagnosis" }).click();
    const row = page.getByTestId("condition-row");
    await row.filter({ hasText: "Diffuse large B-cell lymphoma" }).waitFor();
    const [recorded] = await conditions();
    expect([recorded?.codeSystem, recorded?.code, recorded?.onsetDate, recorded?.clinicalStatus]).toEqual([
      "http://snomed.info/sct",
      "109969005",
      "2026-05-01",
      "active",
    ]);

    // Correct the onset from the referral letter: a reason, and the version read goes as If-Match.
    await page.getByRole("button", { name: "Correct Diffuse large B-cell lymphoma" }).click();
    const correction = page.getByRole("form", { name: "Correct a diagnosis" });
    await correction.getByLabel(/^Onset date/).fill("2026-04-15");
    await correction
      .getByRole("textbox", { name: /^Reason for the correction/ })
      .fill("Date from the referral letter");
    await correction.getByRole("button", { name: "Save correction" }).click();
    await row.filter({ hasText: "2026-04-15" }).waitFor();
    const [corrected] = await conditions();
    expect([corrected?.onsetDate, corrected?.version]).toEqual(["2026-04-15", 2]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  }, 180_000);

  it("reads in Chinese: the diagnosis by its Chinese name, the refusal in Chinese", async () => {
    const { context, page } = await session();
    await page.goto(`/patients/${patientId}`);
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    try {
      await page.getByTestId("condition-row").filter({ hasText: "弥漫大B细胞淋巴瘤" }).waitFor();
      await page.getByRole("button", { name: "记录诊断" }).click();
      const form = page.getByRole("form", { name: "记录诊断" });
      await form.getByRole("combobox", { name: /^诊断/ }).selectOption({ label: "系统性红斑狼疮" });
      await form.getByLabel(/^发病日期/).fill("2010-03-01");
      await form.getByLabel(/^缓解\/痊愈日期/).fill("2009-01-01");
      await form.getByRole("button", { name: "保存诊断" }).click();
      await form.getByText("缓解/痊愈日期早于发病日期。").first().waitFor();
      expect(await conditions()).toHaveLength(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
    } finally {
      await page.getByRole("combobox", { name: "语言" }).selectOption("en");
      await page.getByRole("combobox", { name: "Language" }).waitFor();
      await context.close();
    }
  }, 120_000);
});
