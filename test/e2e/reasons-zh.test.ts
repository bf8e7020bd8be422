/**
 * A CRS grading's reasons in Chinese (issue 11, decision 0041): the server sends each reason as a
 * code with its values beside the English sentence, and the grading screen words it from the
 * zh-CN catalogue — live while the form is filled in, and in the stored assessments after saving.
 * Expected grade from ASTCT 2019 (Lee et al. 2019, Table 1): fever with hypotension needing one
 * vasopressor is grade 3; nasal cannula at 4 L/min (≤ 6 L/min, low-flow) is grade 2 for hypoxia, and
 * the more severe event sets the grade.
 * The ICANS grading (Lee 2019, adult ICANS table): ICE 5/10 is the grade 2 band, awakening to voice
 * grade 2, a seizure that resolves rapidly grade 3, and the most severe domain sets the grade (3).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { choose, launchBrowser, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

const answer = (page: Page, question: RegExp, yes: boolean) =>
  choose(page.getByRole("radiogroup", { name: question }).getByRole("radio", { name: yes ? "是" : "否" }));

describe("a CRS grading's reasons in Chinese", { timeout: 180_000 }, () => {
  it("words the live reasons and the stored ones from their codes, with the values the server computed", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("heading", { name: "Program dashboard — SZ" }).waitFor();
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("heading", { name: "项目总览 — SZ" }).waitFor();

    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((x) => x.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string }[] }>(`/api/v1/patients?siteId=${sz}&limit=1`);
    await page.goto(`/patients/${patients.items[0]!.id}/assess/crs`);
    await page.getByRole("heading", { name: /细胞因子释放综合征（CRS）分级/ }).waitFor();

    await page.getByRole("textbox", { name: /^最高体温/ }).fill("39.2");
    await answer(page, /^发热可由其他原因解释/, false);
    await answer(page, /^本次发作中已诊断 CRS/, false);
    await page.getByRole("combobox", { name: /^低血压$/ }).selectOption("ONE_VASOPRESSOR");
    await answer(page, /^低血压可由其他原因解释/, false);
    await page.getByRole("combobox", { name: /^氧疗方式/ }).selectOption("NASAL_CANNULA");
    await page.getByRole("textbox", { name: /^氧流量/ }).fill("4");
    await answer(page, /^需氧可由其他原因解释/, false);
    await answer(page, /^死于 CRS/, false);

    const live = page.getByTestId("live-grade");
    await live.getByText("3 级：低血压，需要一种血管活性药物。").waitFor();
    const reasons = await live.locator("li").allTextContents();
    expect(reasons).toEqual([
      "发热：最高体温 39.2 °C ≥ 38.0 °C，且不能归因于其他原因。",
      "3 级：低血压，需要一种血管活性药物。",
      "2 级：低流量吸氧（鼻导管 4 L/min ≤ 6 L/min）。",
      "按较重的事件分级：低血压 3 级，低氧 2 级 → 3 级。",
    ]);
    // The grade itself is worded from its code too.
    await expect(page.getByTestId("grade-label").textContent()).resolves.toBe("3 级");

    // Saved, the stored assessments below word the same reasons from the codes stored with them.
    await page.getByRole("button", { name: /保存/ }).first().click();
    const stored = page.locator("section[aria-labelledby=stored-title]");
    await stored
      .getByText(/低流量吸氧（鼻导管 4 L\/min ≤ 6 L\/min）/)
      .first()
      .waitFor();
    const text = (await stored.textContent()) ?? "";
    expect(text).toContain("按较重的事件分级：低血压 3 级，低氧 2 级 → 3 级。");
    expect(text).not.toContain("The more severe event sets the grade");
    expect(text).toContain("3 级");
    expect(text).not.toContain("Grade 3");

    // The API still says it in English for API and CLI clients, with the codes beside.
    const saved = await api.get<{
      items: {
        result: {
          label: string;
          labelCode: { code: string; params: object };
          reasons: string[];
          reasonCodes: { code: string; params: object }[];
        };
      }[];
    }>(`/api/v1/patients/${patients.items[0]!.id}/assessments?calculator=crs&limit=1000`);
    const last = saved.items.at(-1)!.result;
    expect(last.reasons[1]).toBe("Grade 3: hypotension requiring one vasopressor.");
    expect([saved.items.at(-1)!.result.label, saved.items.at(-1)!.result.labelCode]).toEqual([
      "Grade 3",
      { code: "crs.label.grade", params: { grade: 3 } },
    ]);
    expect(last.reasonCodes[1]).toEqual({
      code: "crs.hypotension.grade",
      params: { grade: 3, hypotension: { code: "crs.phrase.hypotension.one", params: {} } },
    });

    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await context.close();
  });
});

describe("an ICANS grading's reasons in Chinese", { timeout: 180_000 }, () => {
  it("words every live reason in Chinese from its code, with no English sentence left", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "investigator", "investigator-demo", "SZ");
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("combobox", { name: "语言" }).waitFor();

    const api = await apiAs(server.url, "investigator", "investigator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((x) => x.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string }[] }>(`/api/v1/patients?siteId=${sz}&limit=1`);
    await page.goto(`/patients/${patients.items[0]!.id}/assess/icans`);
    await page
      .getByRole("heading", { name: /免疫效应细胞相关神经毒性综合征/ })
      .first()
      .waitFor();

    await page.getByRole("textbox", { name: /^年龄/ }).fill("54");
    for (const [name, value] of [
      [/^意识水平$/, "AWAKENS_TO_VOICE"],
      [/^癫痫发作$/, "RESOLVES_RAPIDLY_OR_EEG_NONCONVULSIVE_RESOLVING_WITH_INTERVENTION"],
      [/^运动功能$/, "NONE"],
      [/^颅内压增高/, "NONE"],
    ] as const)
      await page.getByRole("combobox", { name }).selectOption(value);
    const items = page.getByRole("group", { name: /^ICE 评分项目/ });
    // Year and month, the third object, writing and counting back missed: ICE 5/10.
    for (const [q, done] of [
      [/^定向力：说出年份/, false],
      [/^定向力：说出月份/, false],
      [/^定向力：说出城市/, true],
      [/^定向力：说出医院/, true],
      [/^命名：第一个物品/, true],
      [/^命名：第二个物品/, true],
      [/^命名：第三个物品/, false],
      [/^执行简单指令/, true],
      [/^书写一个标准句子/, false],
      [/^注意力：从 100/, false],
    ] as const)
      await choose(
        items.getByRole("radiogroup", { name: q }).getByRole("radio", { name: done ? "是" : "否" }),
      );
    await answer(page, /^ICE 异常可由其他原因解释/, false);
    await answer(page, /^意识水平降低可由其他原因解释/, false);
    await answer(page, /^癫痫发作可由其他原因解释/, false);
    await answer(page, /^死于 ICANS/, false);

    const live = page.getByTestId("live-grade");
    await live.getByText("3 级：由最严重的领域（癫痫发作）决定 ICANS 分级（Lee 2019）。").waitFor();
    const reasons = await live.locator("li").allTextContents();
    expect(reasons).toEqual([
      "ICE 失分项目：年份定向、月份定向、命名第三个物品、书写一个标准句子、从 100 开始每次减 10 倒数。",
      "2 级：ICE 评分 5/10（ICE 3–6 分 → 2 级，Lee 2019）。",
      "2 级：呼唤可醒（意识水平）。",
      "3 级：迅速缓解的癫痫发作（或脑电图示非惊厥性发作经干预缓解）（癫痫发作）。",
      "3 级：由最严重的领域（癫痫发作）决定 ICANS 分级（Lee 2019）。",
    ]);
    // No Latin word left but the abbreviations and the cited source.
    const latin = reasons.flatMap(
      (r) => r.replace(/\b(ICE|ICANS|CAPD|CTCAE|Lee)\b/g, "").match(/[A-Za-z]{2,}/g) ?? [],
    );
    expect(latin).toEqual([]);

    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await context.close();
  });
});
