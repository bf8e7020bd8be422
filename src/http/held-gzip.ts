/**
 * Held answers sent gzip-compressed, compressed once per held answer rather than once per request
 * (decision 0062). A held answer (services/held-answers.ts) is sent again, the same text, to every
 * reader until a write replaces it; a browser, a calendar client and most HTTP libraries ask for
 * gzip (`Accept-Encoding`), and the largest answers (a site's iCalendar feed, 1.6 MB at 10,000
 * patients; a cohort report, 10.5 MB) shrink several times over. Compressing them anew on every
 * request would cost more CPU than writing them plain, so the compressed bytes are kept with the
 * answer.
 *
 * A held cohort report is sent with this request's instant written into its held text
 * (heldAnswerWith, http/openapi.ts). Its gzip body is assembled from parts: each held piece of
 * text compressed once, as raw DEFLATE ended by a sync flush (so the next block starts on a byte
 * boundary and refers to nothing before it), each fresh value as a stored (uncompressed) block,
 * then an empty final block and the gzip trailer. The trailer's CRC-32 of the whole text is
 * combined from the pieces' CRCs, so the held text is not read again per request. Formats: RFC
 * 1951 (DEFLATE: §3.2.3 block header, §3.2.4 stored blocks, §3.2.6 the fixed-code empty block) and
 * RFC 1952 (gzip member: header, CRC-32, ISIZE).
 */
import { promisify } from "node:util";
import { constants, crc32, deflateRaw } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { heldAnswerParts, isHeldAnswer } from "../services/held-answers.ts";
import { acceptsGzip, SMALLEST_COMPRESSED, varyOnAcceptEncoding } from "./content-coding.ts";

const deflateRawAsync = promisify(deflateRaw);

/** The pieces of an answer's text that stay the same from request to request. */
export interface HeldText {
  readonly pieces: readonly string[];
}

/** What one response sends: the held pieces, with this request's fresh texts between them. */
interface SentText {
  held: HeldText;
  fresh: readonly string[];
}

/** Filled by the serialiser (http/openapi.ts): an answer object → the text it was sent as. */
const sentTexts = new WeakMap<object, SentText>();
/** Set in preSerialization: the answer object a request is about to send. */
const answerOf = new WeakMap<FastifyRequest, object>();
/** Set by a route sending a held text itself (the iCalendar feed). */
const textOf = new WeakMap<FastifyRequest, SentText>();

/**
 * Records that `answer` is sent as `held`'s pieces with `fresh` between them (one fewer than the
 * pieces). `held` must be the same object every time the same pieces are sent: its compression is
 * kept with it.
 */
export function noteSentText(answer: object, held: HeldText, fresh: readonly string[] = []): void {
  sentTexts.set(answer, { held, fresh });
}

/** For a route that sends a held text as a string itself (Fastify does not serialise it). */
export function sendsHeldText(request: FastifyRequest, held: HeldText): void {
  textOf.set(request, { held, fresh: [] });
}

const heldTexts = new WeakMap<{ readonly text: string }, HeldText>();

/**
 * The HeldText of a held answer that is a text (the iCalendar feed), kept with that answer: the
 * same object while the answer is held, so its bytes and gzip are made once for it.
 */
export function heldTextOf(answer: { readonly text: string }): HeldText {
  let held = heldTexts.get(answer);
  if (!held) {
    held = { pieces: [answer.text] };
    heldTexts.set(answer, held);
  }
  return held;
}

export function registerHeldGzip(app: FastifyInstance): void {
  app.addHook("preSerialization", async (request, _reply, payload) => {
    if (isHeldAnswer(payload) || heldAnswerParts(payload)) answerOf.set(request, payload as object);
    return payload;
  });
  app.addHook("onSend", async (request, reply, payload) => {
    const answer = answerOf.get(request);
    const sent = textOf.get(request) ?? (answer ? sentTexts.get(answer) : undefined);
    if (!sent || typeof payload !== "string" || reply.statusCode !== 200) return payload;
    // Whether the text really is these pieces: a serialiser that failed over to the plain path
    // would have sent something else.
    if (textLength(sent) !== payload.length || payload.length < SMALLEST_COMPRESSED) return payload;
    varyOnAcceptEncoding(reply);
    if (!acceptsGzip(request)) return plainOf(sent);
    reply.header("content-encoding", "gzip");
    return gzipOf(sent);
  });
}

/**
 * A held text's pieces as UTF-8 bytes, encoded once and kept with it: a string is encoded anew for
 * every request it is written to (a site's 1.6 MB iCalendar feed took ~5 ms a request before its
 * first byte left).
 */
const pieceBytes = new WeakMap<HeldText, Buffer[]>();

export function plainBytesOf(held: HeldText): Buffer[] {
  let bytes = pieceBytes.get(held);
  if (!bytes) {
    bytes = held.pieces.map((piece) => Buffer.from(piece, "utf8"));
    pieceBytes.set(held, bytes);
  }
  return bytes;
}

/**
 * The sent text as bytes: a held text of one piece as it is kept, or the pieces with this
 * request's fresh texts between them, copied into one buffer (~2 ms for a 10.5 MB cohort report,
 * where encoding the text took several times that).
 */
function plainOf(sent: SentText): Buffer {
  const pieces = plainBytesOf(sent.held);
  if (pieces.length === 1) return pieces[0]!;
  const parts: Buffer[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push(Buffer.from(sent.fresh[i - 1] ?? "", "utf8"));
    parts.push(piece);
  });
  return Buffer.concat(parts);
}

const textLength = (sent: SentText) =>
  sent.held.pieces.reduce((n, p) => n + p.length, 0) + sent.fresh.reduce((n, f) => n + f.length, 0);

/** A held piece, compressed once. */
interface CompressedPiece {
  deflated: Buffer;
  crc: number;
  length: number;
}

const compressedPieces = new WeakMap<HeldText, Promise<CompressedPiece[]>>();
/** A text with no fresh part is one gzip member, kept whole. */
const wholeGzip = new WeakMap<HeldText, Promise<Buffer>>();

/** The gzip member whose content is the sent text. */
function gzipOf(sent: SentText): Promise<Buffer> {
  if (sent.fresh.length === 0) {
    let whole = wholeGzip.get(sent.held);
    if (!whole) {
      // Its one piece is not kept apart as well: the member is all a later request needs.
      whole = Promise.all(sent.held.pieces.map(compressPiece)).then((pieces) => gzipMember(pieces, []));
      whole.catch(() => wholeGzip.delete(sent.held));
      wholeGzip.set(sent.held, whole);
    }
    return whole;
  }
  return piecesOf(sent.held).then((pieces) => gzipMember(pieces, sent.fresh));
}

function piecesOf(held: HeldText): Promise<CompressedPiece[]> {
  let pieces = compressedPieces.get(held);
  if (!pieces) {
    pieces = Promise.all(held.pieces.map(compressPiece));
    // A failed compression is not kept: the next request tries again.
    pieces.catch(() => compressedPieces.delete(held));
    compressedPieces.set(held, pieces);
  }
  return pieces;
}

async function compressPiece(text: string): Promise<CompressedPiece> {
  const bytes = Buffer.from(text, "utf8");
  // Ended by a sync flush, not a final block: more blocks may follow (RFC 1951 §3.2.3's BFINAL).
  const deflated = await deflateRawAsync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  return { deflated, crc: crc32(bytes), length: bytes.length };
}

/** ID1 ID2, CM = 8 (deflate), no flags, no modification time, XFL 0, OS 255 "unknown". */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** BFINAL = 1, BTYPE = 01 (fixed codes), then the end-of-block code 0000000: ten bits. */
const EMPTY_FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** Held pieces with fresh texts between them, as one gzip member. */
export function gzipMember(pieces: readonly CompressedPiece[], fresh: readonly string[]): Buffer {
  const parts: Buffer[] = [GZIP_HEADER];
  let crc = 0;
  let length = 0;
  pieces.forEach((piece, i) => {
    if (i > 0) {
      const bytes = Buffer.from(fresh[i - 1] ?? "", "utf8");
      parts.push(...storedBlocks(bytes));
      crc = crc32Combine(crc, crc32(bytes), bytes.length);
      length += bytes.length;
    }
    parts.push(piece.deflated);
    crc = crc32Combine(crc, piece.crc, piece.length);
    length += piece.length;
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4); // ISIZE: the length modulo 2^32
  parts.push(EMPTY_FINAL_BLOCK, trailer);
  return Buffer.concat(parts);
}

const STORED_MAX = 0xffff;

/**
 * Bytes as non-final stored blocks (RFC 1951 §3.2.4): a header byte (BFINAL 0, BTYPE 00, the
 * rest of the byte skipped), LEN and its one's complement NLEN, little-endian, then the bytes.
 * The block before ends on a byte boundary (a sync flush), so the header byte starts there.
 */
export function storedBlocks(bytes: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += STORED_MAX) {
    const chunk = bytes.subarray(at, at + STORED_MAX);
    const header = Buffer.alloc(5);
    header.writeUInt16LE(chunk.length, 1);
    header.writeUInt16LE(~chunk.length & 0xffff, 3);
    blocks.push(header, chunk);
  }
  return blocks;
}

/**
 * CRC-32 (the gzip and zlib one: reflected, polynomial 0xEDB88320) of A followed by B, from A's
 * CRC, B's CRC and B's length. CRC-32 is linear over GF(2): appending B's length in bytes
 * multiplies A's remainder by x^(8·length) modulo the polynomial, and B's own CRC is added; the
 * initial and final inversions cancel between the two. Bits are reflected: the top bit stands
 * for x^0.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(xToThe8n(lengthB), crcA) ^ crcB) >>> 0;
}

const POLYNOMIAL = 0xedb88320;
const X0 = 0x80000000;

/** a·b modulo the polynomial, both reflected. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  let shifted = b;
  for (let bit = X0; bit !== 0; bit >>>= 1) {
    if (a & bit) product ^= shifted;
    // shifted·x: a right shift in reflected order, reduced when x^32 would appear
    shifted = shifted & 1 ? (shifted >>> 1) ^ POLYNOMIAL : shifted >>> 1;
  }
  return product >>> 0;
}

/** x^(8n) modulo the polynomial, by squaring. */
function xToThe8n(n: number): number {
  let result = X0;
  let power = X0 >>> 8; // x^8
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) result = multiplyModP(result, power);
    power = multiplyModP(power, power);
  }
  return result;
}
