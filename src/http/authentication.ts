/**
 * Who is calling. A bearer API token (scripts) or the session cookie (browser) becomes
 * `request.actor`; every route not marked `public` refuses a request without one. Writes made
 * with the cookie must carry the session's CSRF token in `X-CSRF-Token` (synchronizer-token
 * pattern, OWASP CSRF Prevention Cheat Sheet); bearer requests cannot be forged by a browser and
 * need none.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.ts";
import { resolveApiToken, resolveSession } from "../services/auth.ts";
import type { Actor } from "../services/context.ts";

export const SESSION_COOKIE = "v2v_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    authMethod: "session" | "token" | null;
    sessionToken: string | null;
    csrfToken: string | null;
    displayName: string | null;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerAuthentication(app: FastifyInstance, now: () => Date) {
  app.decorateRequest("actor", null);
  app.decorateRequest("authMethod", null);
  app.decorateRequest("sessionToken", null);
  app.decorateRequest("csrfToken", null);
  app.decorateRequest("displayName", null);

  app.addHook("onRequest", async (request: FastifyRequest) => {
    // Public: routes marked so, the browsable API reference, and everything outside /api/ (the page).
    const isPublic =
      request.routeOptions.config?.public === true ||
      request.url.startsWith("/api/docs") ||
      !request.url.startsWith("/api/");
    const db = app.database.db;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = m ? await resolveApiToken(db, m[1]!, now()) : null;
      if (!actor)
        throw new DomainError(
          "unauthenticated",
          "The API token is missing, malformed, revoked, expired or unknown.",
        );
      request.actor = actor;
      request.authMethod = "token";
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const session = await resolveSession(db, cookie, now());
      if (session) {
        request.actor = session.actor;
        request.authMethod = "session";
        request.sessionToken = cookie;
        request.csrfToken = session.csrfToken;
        request.displayName = session.displayName;
        if (!SAFE_METHODS.has(request.method)) {
          const sent = request.headers["x-csrf-token"];
          if (typeof sent !== "string" || !sameSecret(sent, session.csrfToken))
            throw new DomainError(
              "forbidden",
              "Missing or wrong X-CSRF-Token header for a cookie-authenticated write.",
            );
        }
        return;
      }
    }
    if (!isPublic)
      throw new DomainError(
        "unauthenticated",
        cookie ? "Your session has expired; log in again." : "Log in or send an API token.",
      );
  });
}
