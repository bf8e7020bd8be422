/**
 * A session that ends while someone is typing: saving asks for the password again, and the note
 * that was typed is saved, not lost.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, logInAt, newTabletPage, releaseBrowser, requestTracker } from "./support/browser.ts";
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

describe("expired session", { timeout: 120_000 }, () => {
  it("asks for the password again and saves what was typed", async () => {
    const { context, page } = await newTabletPage(browser, server.url);
    const requests = requestTracker(page);
    await logInAt(page, "coordinator", "coordinator-demo");
    await page.getByRole("link", { name: "Patients" }).click();
    await page.getByRole("link", { name: "SZ-0002", exact: true }).click();
    const title = "Phoned: fever 38.4 at home since this morning";
    await page.getByLabel(/^Title/).fill(title);
    await page.getByLabel(/^Note/).fill("Advised to come in for assessment today.");

    // Every read of the patient page answered first: a read still in flight when the session ends
    // would meet the 401 itself and open the dialog before the save is sent (seen on a loaded
    // machine: the dialog's overlay then took the click meant for "Save note").
    await requests.settled();
    // The server ends the session (as after 30 minutes idle) while the browser keeps its cookie.
    const cookies = await context.cookies();
    const { csrfToken } = await (await page.request.get("/api/v1/auth/session")).json();
    expect(
      (await page.request.post("/api/v1/auth/logout", { headers: { "x-csrf-token": csrfToken } })).status(),
    ).toBe(204);
    await context.addCookies(cookies);
    expect((await page.request.get("/api/v1/auth/session")).status()).toBe(401);

    await page.getByRole("button", { name: "Save note" }).click();
    const dialog = page.getByRole("dialog", { name: "Your session has expired" });
    await dialog.waitFor();
    // What was typed is still there under the dialog.
    expect(await page.getByLabel(/^Title/).inputValue()).toBe(title);
    await dialog.getByLabel(/^Password/).fill("coordinator-demo");
    await dialog.getByRole("button", { name: "Log in and continue" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Saved: ${title}` })
      .waitFor();
    await dialog.waitFor({ state: "detached" });

    // The note is on the record, once.
    const patientId = page.url().split("/patients/")[1];
    const events = await (
      await page.request.get(`/api/v1/clinical-events?patientId=${patientId}&limit=1000`)
    ).json();
    expect(events.items.filter((e: { title: string }) => e.title === title)).toHaveLength(1);
    await context.close();
  });
});
