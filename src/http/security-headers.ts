/**
 * Response headers that protect the browser side, set once for every response (the web app's
 * page, print labels, the API reference and the API itself) by helmet
 * (docs/decisions/0020-http-hardening.md):
 *
 * - Content-Security-Policy on every response: scripts from our own origin only, no framing
 *   (`frame-ancestors 'none'`, and X-Frame-Options DENY for older browsers). Mantine writes its
 *   theme into a <style> element and charts set inline styles, hence 'unsafe-inline' for styles
 *   only. The API reference (Swagger UI) gets its own policy with the hashes of its inline scripts.
 * - X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer (URLs hold record ids).
 * - Strict-Transport-Security only when the server is told it sits behind HTTPS
 *   (SECURE_COOKIES=1); on a plain-HTTP ward network HSTS or `upgrade-insecure-requests` would
 *   lock tablets out.
 * - Cache-Control: no-store on every /api/ response: they carry patient data, and a shared ward
 *   tablet's cache must not keep it (OWASP ASVS 4.0 V8.2.1).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet from "helmet";

const directives = (secure: boolean): Record<string, string[]> => ({
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'", "'unsafe-inline'"],
  "img-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  "font-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "frame-ancestors": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  ...(secure ? { "upgrade-insecure-requests": [] } : {}),
});

/** The page policy as one header value (for tests and for routes that must restate it). */
export const contentSecurityPolicy = (secure: boolean): string =>
  Object.entries(directives(secure))
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");

/**
 * Swagger UI's own policy (it needs its inline-script hashes), never framed, without what breaks
 * plain HTTP, and with inline styles allowed (the UI sets style attributes as the app does).
 */
export const apiReferenceCsp = (secure: boolean) => (header: string) => {
  const withoutUpgrade = secure ? header : header.replace(/\s*upgrade-insecure-requests;?/, "");
  return withoutUpgrade
    .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    .replace(/style-src 'self' https:/, "style-src 'self' 'unsafe-inline'");
};

/**
 * Helmet's headers, worked out once when the server starts and set on every response. (The
 * @fastify/helmet plugin built helmet's middleware anew on every request, parsing the policy each
 * time: ~15% of the server's busy time under load on a held list, decision 0020's addendum.) Our
 * policy takes nothing from the request, so the middleware sets the same headers on every
 * response: it is run once, on a response that only records them, and each request gets them
 * through Fastify's own header store. Set on the raw response, as the middleware does, they sent
 * Node's header writing down its slower path for every header of the response.
 */
function securityHeaders(secure: boolean): Readonly<Record<string, string>> {
  const setHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: directives(secure) },
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "no-referrer" },
    xFrameOptions: { action: "deny" },
    crossOriginEmbedderPolicy: false,
  });
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number) => {
      headers[name.toLowerCase()] = String(value);
    },
    // X-Powered-By: neither Node nor Fastify sets it.
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  let finished = false;
  setHeaders({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
    finished = true;
  });
  // A policy helmet cannot write, or a middleware that waits for something, fails here, at start.
  if (failure) throw failure;
  if (!finished) throw new Error("helmet did not finish setting the security headers at once");
  return Object.freeze(headers);
}

export async function registerSecurityHeaders(app: FastifyInstance, secure: boolean) {
  const headers = securityHeaders(secure);
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    if (request.url.startsWith("/api/") && !request.url.startsWith("/api/docs"))
      reply.header("cache-control", "no-store");
    done(null, payload);
  });
}
