/**
 * Serves the browser app (web/, built into web/dist by `v2v serve`) at `/`. Every path outside
 * /api/ and /openapi.json that is not a built file answers with index.html, so a bookmarked
 * /patients/… opens the right screen; the app then talks to the API like any other client.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/** Where `v2v serve` builds the app; tests may point elsewhere through buildApp's options. */
export const DEFAULT_WEB_DIST = resolve(import.meta.dirname, "../../web/dist");

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vein2vein</title></head>
<body><h1>vein2vein</h1><p>The web app has not been built. <code>npm start</code> builds it on start;
the API is up: <a href="/api/docs">API reference</a>.</p></body></html>`;

export async function landingRoutes(app: FastifyInstance) {
  const dist = app.appConfig.webDist ?? DEFAULT_WEB_DIST;
  const indexFile = join(dist, "index.html");
  const built = existsSync(indexFile);
  // Read once: the page is a few hundred bytes and changes only with a new build (= a restart).
  const indexHtml = built ? readFileSync(indexFile, "utf8") : NOT_BUILT;
  const sendIndex = (reply: FastifyReply) =>
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(indexHtml);

  if (built) {
    // Hashed file names under assets/: cache them for a long time.
    await app.register(fastifyStatic, {
      root: join(dist, "assets"),
      prefix: "/assets/",
      immutable: true,
      maxAge: "365d",
      // The build writes .br and .gz beside each script and style sheet (cli/web-build.ts).
      preCompressed: true,
      // The same address answers in three encodings: a shared cache must keep them apart.
      setHeaders: (res) => res.setHeader("vary", "Accept-Encoding"),
    });
  }
  app.get("/", { schema: { hide: true }, config: { public: true } }, (_request, reply) => sendIndex(reply));
  app.get("/*", { schema: { hide: true }, config: { public: true } }, (request, reply) => {
    const path = request.url.split("?")[0]!;
    if (path.startsWith("/api/") || path.startsWith("/assets/") || /\.[a-z0-9]+$/i.test(path))
      return reply.callNotFound();
    return sendIndex(reply);
  });
}
