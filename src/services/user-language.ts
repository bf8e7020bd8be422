/**
 * The language a user reads the web app in (issue 11), kept on the server so it follows the user
 * from the ward PC to a tablet. Each user reads and sets only their own; the change is audited
 * like any other change to an account. Null means "not chosen": the app follows the browser.
 */
import { DomainError } from "../domain/errors.ts";
import type { Language } from "../domain/languages.ts";
import { LanguagePreference } from "../domain/schemas/admin.ts";
import { findUserLanguage, setUserLanguage } from "../store/users.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext, SYSTEM_USER_ID } from "./context.ts";
import { parseInput } from "./validate.ts";

export interface LanguageAnswer {
  language: Language | null;
}

function ownAccount(ctx: ServiceContext): string {
  if (ctx.actor.userId === SYSTEM_USER_ID)
    throw new DomainError("validation", "The system account has no language preference.");
  return ctx.actor.userId;
}

export async function getLanguage(ctx: ServiceContext): Promise<LanguageAnswer> {
  const row = await findUserLanguage(ctx.db, ownAccount(ctx));
  return { language: (row?.language as Language | null | undefined) ?? null };
}

export async function setLanguage(ctx: ServiceContext, raw: unknown): Promise<LanguageAnswer> {
  const input = parseInput(LanguagePreference, raw);
  const userId = ownAccount(ctx);
  return inTransaction(ctx, async (db) => {
    const before = await findUserLanguage(db, userId);
    if (before?.language === input.language) return { language: input.language };
    await setUserLanguage(db, userId, input.language, ctx.now());
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "user",
      entityId: userId,
      siteId: null,
      before: { language: before?.language ?? null },
      after: { language: input.language },
    });
    return { language: input.language };
  });
}
