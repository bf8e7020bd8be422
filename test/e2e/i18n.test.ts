/**
 * The app in Simplified Chinese (issue 11): a coordinator switches the language in the top bar,
 * the choice survives a reload and follows her to another browser (it is stored for the user on
 * the server), several screens read in Chinese — grading-form labels, options and a bound error
 * worded from its code — and a zh-CN screenshot shows real CJK glyphs (Debian fonts-noto-cjk),
 * not the empty boxes a missing font draws. Before login the browser's language decides.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs } from "./support/api-as.ts";
import { launchBrowser, logIn, logInAt, newTabletPage, releaseBrowser } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";
import { viewportShot } from "./support/viewport-shot.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([serverForTests(), launchBrowser()]);
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

/**
 * Whether the page's font draws `text` differently from a code point no font has (U+E000 in the
 * private use area draws as the missing-glyph box): with no CJK font, 总 is that same box.
 */
const drawsGlyphs = (page: Page, text: string): Promise<boolean> =>
  // A string, run in the page: the tests are type-checked without the DOM library.
  page.evaluate(`(() => {
    const font = "32px " + getComputedStyle(document.body).fontFamily;
    const pixels = (s) => {
      const canvas = document.createElement("canvas");
      canvas.width = 64;
      canvas.height = 48;
      const ctx = canvas.getContext("2d");
      ctx.font = font;
      ctx.fillText(s, 4, 36);
      return Array.from(ctx.getImageData(0, 0, 64, 48).data).join();
    };
    const missing = pixels("\\uE000");
    return [...${JSON.stringify(text)}].every((ch) => pixels(ch) !== missing);
  })()`);

describe("the app in Chinese", { timeout: 180_000 }, () => {
  it("is chosen in the top bar, remembered for the user, and reads in Chinese on several screens", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "coordinator", "coordinator-demo", "SZ");
    await page.getByRole("heading", { name: "Program dashboard — SZ" }).waitFor();
    await page.getByRole("combobox", { name: "Language" }).selectOption("zh-CN");
    await page.getByRole("heading", { name: "项目总览 — SZ" }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("zh-CN");
    await expect(page.getByRole("navigation").getByRole("link", { name: "患者" }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.getByRole("button", { name: "退出登录" }).isVisible()).resolves.toBe(true);

    // Remembered: a reload, and a fresh English browser where the same user logs in.
    await page.reload();
    await page.getByRole("heading", { name: "项目总览 — SZ" }).waitFor();
    const other = await newTabletPage(browser, server.url);
    await logIn(other.page, "coordinator", "coordinator-demo"); // one site: straight to the dashboard
    await other.page.getByRole("heading", { name: "项目总览 — SZ" }).waitFor();
    await other.context.close();

    await page.getByRole("navigation").getByRole("link", { name: "患者" }).click();
    await page.getByRole("heading", { name: "患者", exact: true }).waitFor();
    await page.getByRole("columnheader", { name: "受试者编号" }).waitFor();

    // A grading form: labels, options and a bound error from its code, none of them code names.
    const api = await apiAs(server.url, "coordinator", "coordinator-demo");
    const sites = await api.get<{ items: { id: string; code: string }[] }>("/api/v1/sites");
    const sz = sites.items.find((x) => x.code === "SZ")!.id;
    const patients = await api.get<{ items: { id: string }[] }>(`/api/v1/patients?siteId=${sz}&limit=1`);
    await page.goto(`/patients/${patients.items[0]!.id}/assess/crs`);
    await page.getByRole("heading", { name: /细胞因子释放综合征（CRS）分级/ }).waitFor();
    const oxygen = page.getByRole("combobox", { name: /^氧疗方式/ });
    await expect(oxygen.locator("option").allTextContents()).resolves.toEqual(
      expect.arrayContaining(["鼻导管", "经鼻高流量氧疗", "有创机械通气"]),
    );
    await page.getByRole("textbox", { name: /^最高体温/ }).fill("50");
    await page.getByText("最高体温不能高于 45 °C").first().waitFor();
    // The form and its live grade; the stored assessments below show the server's English reasons.
    const text = await page.evaluate<string>(`(() => {
      const main = document.querySelector("#main").cloneNode(true);
      main.querySelector("section[aria-labelledby=stored-title]")?.remove();
      return main.textContent;
    })()`);
    for (const raw of ["tempMaxC", "NASAL_CANNULA", "HFNC", "Too big", "not answered"])
      expect(text).not.toContain(raw);

    await page.getByRole("navigation").getByRole("link", { name: "项目总览" }).click();
    await page.getByRole("heading", { name: "项目总览 — SZ" }).waitFor();
    await page.getByRole("heading", { name: "各治疗阶段的患者" }).waitFor(); // loaded, not the spinner
    await expect(drawsGlyphs(page, "项目总览患者")).resolves.toBe(true);
    await viewportShot(page, "dashboard-zh-CN");

    // Back to English for the user, so the choice is a real toggle.
    await page.getByRole("combobox", { name: "语言" }).selectOption("en");
    await page.getByRole("heading", { name: "Program dashboard — SZ" }).waitFor();
    await context.close();
  });

  it("before login follows the browser's language", async () => {
    const context = await browser.newContext({ baseURL: server.url, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto("/");
    await page.getByRole("button", { name: "登录" }).waitFor();
    await expect(page.getByLabel(/^用户名/).isVisible()).resolves.toBe(true);
    await context.close();
  });
});
