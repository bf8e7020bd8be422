/**
 * Content coding (RFC 9110 §8.4, §12.5.3): whether a client takes gzip, the Vary header that keeps
 * a shared cache from mixing the plain and the compressed answer, and downloads (bulk export
 * files, SDTM datasets, CSV) compressed on the fly for a client that asks. Held answers are
 * compressed once instead (held-gzip.ts, decision 0062).
 */
import { pipeline, Readable } from "node:stream";
import { promisify } from "node:util";
import { createGzip, gzip } from "node:zlib";
import negotiate from "@fastify/accept-negotiator";
import type { FastifyReply, FastifyRequest } from "fastify";

const gzipAsync = promisify(gzip);

/** Below this many bytes a body goes plain: gzip's 18 bytes of framing would not pay. */
export const SMALLEST_COMPRESSED = 1024;

/** Whether the request's Accept-Encoding takes gzip (q-values, `*`, `gzip;q=0`). */
export function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers["accept-encoding"];
  if (typeof header !== "string" || header === "") return false;
  return negotiate(header, ["gzip", "identity"]) === "gzip";
}

/** A shared cache must keep the plain and the gzip answer apart (RFC 9110 §12.5.5). */
export function varyOnAcceptEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader("vary");
  const named = typeof vary === "string" ? vary.split(",").map((v) => v.trim().toLowerCase()) : [];
  if (named.includes("accept-encoding") || named.includes("*")) return;
  reply.header("vary", named.length ? `${vary}, Accept-Encoding` : "Accept-Encoding");
}

/**
 * A download's body, gzip-compressed when the client takes it: a stream as it is read (a bulk
 * export file is never whole in memory), text and bytes in zlib's thread pool. A stream that fails
 * part way fails the compressed one, so the response is cut off rather than ended as if whole.
 */
export async function downloadBody(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer | Readable,
): Promise<string | Buffer | Readable> {
  varyOnAcceptEncoding(reply);
  if (!acceptsGzip(request)) return body;
  if (!(body instanceof Readable)) {
    if (Buffer.byteLength(body) < SMALLEST_COMPRESSED) return body;
    reply.header("content-encoding", "gzip");
    return gzipAsync(body);
  }
  reply.header("content-encoding", "gzip");
  return pipeline(body, createGzip(), () => {});
}
