/**
 * Recording a product step on a unit's page (web/src/screens/board/ProductSteps.tsx), in English:
 * the step's button, its form ("Record: …"), and the state badge then shown.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** Waits until the page's state badge reads `state` (as English names it). */
export async function expectProductState(page: Page, state: string) {
  await expect.poll(() => page.getByTestId("product-state").textContent(), { timeout: 20_000 }).toBe(state);
}

/** Clicks a step, leaves its time empty (now), confirms it and waits for the state it reaches. */
export async function productStep(page: Page, name: string, reached: string) {
  await page.getByRole("button", { name, exact: true }).click();
  const form = page.getByRole("form", { name });
  await form.getByRole("button", { name: `Record: ${name}` }).click();
  await form.waitFor({ state: "detached", timeout: 20_000 });
  await expectProductState(page, reached);
  // The form gone, the page moves up under the pointer; leave it resting off the content, so a
  // later check reads the page as it is, not a button's hover colours (a light Mantine button
  // hovered is 4.1:1, under the 4.5:1 axe asks for).
  await page.mouse.move(0, 0);
}
