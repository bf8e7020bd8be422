/**
 * The browser tests' wait for a screen's reads to settle (requestTracker in support/browser.ts),
 * on a page served by Playwright itself: its first answer makes the page work for 300 ms before it
 * asks for more, which a wait that looked only at the requests in flight would miss, and the
 * second answer comes 200 ms after it is asked for.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, releaseBrowser, requestTracker } from "./support/browser.ts";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => releaseBrowser(browser));

const PAGE = `<!doctype html><title>reads</title><script>
  window.steps = [];
  fetch("/first").then((r) => r.text()).then(() => {
    window.steps.push("first");
    const until = performance.now() + 300; // rendering what came back
    while (performance.now() < until) {}
    return fetch("/second").then((r) => r.text());
  }).then(() => window.steps.push("second"));
</script>`;

describe("requestTracker", () => {
  it("waits for a read the page starts only after working off the one before", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route("http://reads.test/**", async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === "/second") await new Promise((r) => setTimeout(r, 200));
      await route.fulfill(
        path === "/" ? { contentType: "text/html", body: PAGE } : { contentType: "text/plain", body: path },
      );
    });
    const requests = requestTracker(page);
    await page.goto("http://reads.test/");
    await requests.settled();
    expect(await page.evaluate("window.steps")).toEqual(["first", "second"]);
    await context.close();
  });
});
