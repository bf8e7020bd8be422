/**
 * The API tokens screen in the real browser: an admin sees the site users' tokens with owner,
 * created, last used and expiry, and revokes one (the API refuses it at once); anyone makes their
 * own token and sees it once.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateTime } from "../../src/domain/study-day.ts";
import { apiAs } from "./support/api-as.ts";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser, screenshot } from "./support/browser.ts";
import { type RunningServer, serverForTests } from "./support/server.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail at once with the install hint
  server = await serverForTests();
}, 300_000);

afterAll(async () => {
  await releaseBrowser(browser);
  await server?.stop();
});

const session = (token: string) =>
  fetch(`${server.url}/api/v1/auth/session`, { headers: { authorization: `Bearer ${token}` } });

describe("API tokens", { timeout: 120_000 }, () => {
  it("an admin sees a coordinator's token, last used, and revokes it; the API refuses it at once", async () => {
    const coordinator = await apiAs(server.url, "coordinator", "coordinator-demo");
    const made = await coordinator.post<{ token: string; expiresAt: string }>("/api/v1/tokens", {
      label: "bedside scanner",
      expiresInDays: 30,
    });
    expect((await session(made.token)).status).toBe(200);

    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "admin", "admin-demo", "SZ");
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("heading", { name: "Tokens of SZ users" }).waitFor();
    const table = page.getByRole("table", { name: /API tokens of the users of SZ/ });
    const row = table.getByRole("row").filter({ hasText: "bedside scanner" });
    await row.waitFor();
    const cells = await row.getByRole("cell").allTextContents();
    expect(cells[1]).toContain("coordinator"); // owner
    expect(cells[3]).not.toBe("never"); // last used: the check above
    // Shown on the site's clock with its zone named: after 16:00 UTC that is already tomorrow in
    // Shenzhen, so the UTC date of the instant is not what the cell says (CI failed on exactly that).
    const sites = await coordinator.get<{ items: { code: string; timeZone: string }[] }>("/api/v1/sites");
    const zone = sites.items.find((s) => s.code === "SZ")!.timeZone;
    expect(cells[4]).toBe(
      `${localDateTime(new Date(made.expiresAt), zone, "minute").replace("T", " ")} ${zone}`,
    );
    expect(cells[5]).toBe("active");
    await screenshot(page, "api-tokens");

    await row.getByRole("button", { name: "Revoke bedside scanner of coordinator" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke API token" });
    await dialog.getByLabel("Reason (for the audit trail)").fill("scanner replaced");
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect
      .poll(async () => (await row.getByRole("cell").nth(5).textContent()) ?? "", { timeout: 10_000 })
      .toMatch(/^revoked/);
    expect((await session(made.token)).status).toBe(401);
    await context.close();
  });

  it("anyone makes their own token and sees it once", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    await logInAt(page, "monitor", "monitor-demo", "SZ");
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("heading", { name: "Your tokens" }).waitFor();
    expect(await page.getByRole("heading", { name: /Tokens of .* users/ }).count()).toBe(0);
    await page.getByLabel(/^What it is for/).fill("monthly report");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByTestId("new-token");
    await shown.waitFor();
    const token = ((await shown.textContent()) ?? "").trim();
    expect(token).toMatch(/^v2v_/);
    expect((await session(token)).status).toBe(200);
    await page
      .getByRole("table", { name: /Your API tokens/ })
      .getByRole("row")
      .filter({ hasText: "monthly report" })
      .waitFor();
    await context.close();
  });
});
