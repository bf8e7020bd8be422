/**
 * Moving a patient's journey on the patient page's journey panel, in either language: the stage
 * shown, a step's button, its form and its confirmation ("Confirm: …" / "确认：…"), the slot
 * chosen in a booking form, and a refusal shown by its rule.
 */
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

export type Words = "en" | "zh-CN";

const PANEL: Record<Words, string> = { en: "Journey", "zh-CN": "治疗流程" };
const CONFIRM: Record<Words, (step: string) => string> = {
  en: (s) => `Confirm: ${s}`,
  "zh-CN": (s) => `确认：${s}`,
};

export const journeyPanel = (page: Page, words: Words = "en") =>
  page.getByRole("region", { name: PANEL[words] });

/** Waits until the panel's stage badge reads `stage` (the stage as the reader's language names it). */
export async function expectStage(panel: Locator, stage: string) {
  await expect.poll(() => panel.getByTestId("journey-state").textContent(), { timeout: 20_000 }).toBe(stage);
}

/** Clicks a step, fills its form (if asked) and confirms it. */
export async function step(
  panel: Locator,
  name: string,
  fill?: (form: Locator) => Promise<void>,
  words: Words = "en",
) {
  await panel.getByRole("button", { name, exact: true }).click();
  const form = panel.getByRole("form", { name });
  await form.waitFor();
  if (fill) await fill(form);
  await form.getByRole("button", { name: CONFIRM[words](name) }).click();
  return form;
}

/** Chooses the manufacturing slot of `facility` in a booking form. */
export async function pickSlot(form: Locator, facility: string, words: Words = "en") {
  const select = form.getByRole("combobox", { name: words === "en" ? /^Manufacturing slot/ : /^生产排期/ });
  const option = select.locator("option", { hasText: facility });
  await option.waitFor({ state: "attached", timeout: 20_000 });
  await select.selectOption({ label: (await option.textContent())! });
}

/** Waits for the refusal of `rule` on the panel and checks its words. */
export async function refusedWith(panel: Locator, rule: string, words: string) {
  const alert = panel.locator(`[role="alert"][data-rule="${rule}"]`);
  await alert.waitFor({ timeout: 20_000 });
  expect(await alert.textContent()).toContain(words);
}
