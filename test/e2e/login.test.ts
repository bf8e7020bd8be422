/** Logging in, picking a site, logging out, in the real browser against the real server. */
import type { Browser, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logIn, newTabletPage, releaseBrowser, screenshot } from "./support/browser.ts";
import { type RunningServer, startServer } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail at once with the install hint
  server = await startServer();
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

describe("log in", { timeout: 120_000 }, () => {
  it("refuses a wrong password and says so", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logIn(page, "coordinator", "not-the-password");
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/password|username/i);
    await context.close();
  });

  it("a user of two sites picks one, switches, and logs out", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await page.goto("/");
    // The form, not the spinner shown while the app asks whether a session exists.
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await screenshot(page, "login");
    await logIn(page, "investigator", "investigator-demo");
    await page.getByRole("heading", { name: "Choose a site" }).waitFor();
    await page.getByRole("button", { name: /^WH · / }).click();
    await page.getByRole("heading", { name: /Program dashboard/ }).waitFor();
    const site = page.getByRole("combobox", { name: "Site" });
    expect(await site.inputValue()).toMatch(/^WH/);
    await site.click();
    await page.getByRole("option", { name: /^SZ · / }).click();
    await page.getByRole("heading", { name: "Program dashboard — SZ" }).waitFor();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    // The server ended the session: the API refuses the old cookie.
    const res = await page.request.get("/api/v1/auth/session");
    expect(res.status()).toBe(401);
    await context.close();
  });

  it("the browser gets the app's script compressed at build and the product board's held answer in gzip", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    const arrived = (test: (path: string) => boolean) =>
      page.waitForResponse((r) => r.ok() && test(new URL(r.url()).pathname));
    const script = arrived((path) => /^\/assets\/.*\.js$/.test(path));
    await logIn(page, "coordinator", "coordinator-demo");
    await page.getByRole("heading", { name: /Program dashboard — SZ/ }).waitFor();
    const board = arrived((path) => path === "/api/v1/product-board");
    await page.getByRole("link", { name: "Vein-to-vein board" }).click();
    const encodings = async (response: Promise<Response>) => {
      const r = await response;
      return {
        asked: (await r.request().allHeaders())["accept-encoding"] ?? "",
        sent: (await r.allHeaders())["content-encoding"],
      };
    };
    const js = await encodings(script);
    expect(js.asked).toContain("gzip");
    // Brotli where Chromium asks for it (it may not, over plain HTTP), gzip otherwise.
    expect(js.sent).toBe(js.asked.includes("br") ? "br" : "gzip");
    expect((await encodings(board)).sent).toBe("gzip");
    // The browser unpacked both: the app runs and shows the board's products.
    await page.getByRole("heading", { name: /Vein-to-vein board/ }).waitFor();
    await page.locator("tbody tr").first().waitFor();
    await context.close();
  });

  it("a user of one site goes straight to the dashboard", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logIn(page, "coordinator", "coordinator-demo");
    await page.getByRole("heading", { name: /Program dashboard — SZ/ }).waitFor();
    expect(await page.getByRole("heading", { name: "Choose a site" }).count()).toBe(0);
    await context.close();
  });
});
