/**
 * The gzip body of a held answer is assembled by hand from pieces compressed once (http/held-gzip.ts).
 * zlib, an implementation independent of that assembly, is the reference: its CRC-32 of the whole
 * text for the combined CRC, and its gunzip (which checks the trailer's CRC and length) for the body.
 */
import { randomBytes } from "node:crypto";
import { constants, crc32, deflateRawSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32Combine, gzipMember, plainBytesOf, storedBlocks } from "../../src/http/held-gzip.ts";

const piece = (text: string) => {
  const bytes = Buffer.from(text, "utf8");
  return {
    deflated: deflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }),
    crc: crc32(bytes),
    length: bytes.length,
  };
};

describe("crc32Combine", () => {
  it.each([
    [0, 0],
    [0, 5],
    [7, 0],
    [1, 1],
    [1000, 3],
    [3, 70_000],
    [65_536, 65_537],
  ])("gives zlib's CRC-32 of A followed by B (|A| = %i, |B| = %i)", (a, b) => {
    const A = randomBytes(a);
    const B = randomBytes(b);
    expect(crc32Combine(crc32(A), crc32(B), b)).toBe(crc32(Buffer.concat([A, B])));
  });

  it("is not the plain XOR of the two CRCs (the shift by B's length matters)", () => {
    const A = Buffer.from("vein");
    const B = Buffer.from("2vein");
    expect(crc32Combine(crc32(A), crc32(B), B.length)).not.toBe((crc32(A) ^ crc32(B)) >>> 0);
  });
});

describe("storedBlocks", () => {
  it("splits at 65,535 bytes, each block with LEN and its complement", () => {
    const blocks = storedBlocks(Buffer.alloc(70_000, 1));
    expect(blocks).toHaveLength(4);
    expect([...blocks[0]!]).toEqual([0, 0xff, 0xff, 0, 0]);
    expect(blocks[1]!.length).toBe(65_535);
    expect(blocks[2]!.readUInt16LE(1)).toBe(70_000 - 65_535);
    expect(blocks[2]!.readUInt16LE(3)).toBe(~(70_000 - 65_535) & 0xffff);
  });

  it("writes nothing for nothing", () => {
    expect(storedBlocks(Buffer.alloc(0))).toEqual([]);
  });
});

describe("gzipMember", () => {
  it("is a gzip member of one held piece", () => {
    const text = `{"events":${JSON.stringify(Array.from({ length: 500 }, (_, i) => `visit ${i} · 随访`))}}`;
    const body = gzipMember([piece(text)], []);
    expect(gunzipSync(body).toString("utf8")).toBe(text);
    expect(body.length).toBeLessThan(Buffer.byteLength(text) / 3);
  });

  it("writes this request's fresh values between the held pieces", () => {
    const held = ['{"report":"', '","generatedAt":', ',"rows":[1,2,3],"note":"完全缓解"}'];
    const fresh = ["陈述", '"2026-12-07T10:00:00.000Z"'];
    const body = gzipMember(held.map(piece), fresh);
    expect(gunzipSync(body).toString("utf8")).toBe(held.reduce((text, h, i) => text + fresh[i - 1] + h));
  });

  it("carries a fresh value longer than one stored block and an empty one", () => {
    const long = "x".repeat(140_000);
    const held = ["[", ",", ",", "]"];
    const fresh = [`"${long}"`, "", "1"];
    expect(gunzipSync(gzipMember(held.map(piece), fresh)).toString()).toBe(`["${long}",,1]`);
  });

  it("has a trailer gunzip refuses when a piece's CRC is wrong", () => {
    const good = piece("a held answer");
    expect(() => gzipMember([{ ...good, crc: good.crc ^ 1 }], [])).not.toThrow();
    expect(() => gunzipSync(gzipMember([{ ...good, crc: good.crc ^ 1 }], []))).toThrow(/check/i);
  });
});

describe("plainBytesOf", () => {
  it("encodes a held text once: the same bytes for the same held text, its UTF-8 exactly", () => {
    const text = "BEGIN:VCALENDAR\r\nSUMMARY:受试者 S-001 · D28\r\n".repeat(500);
    const held = { pieces: [text] };
    const [first] = plainBytesOf(held);
    expect(first!.equals(Buffer.from(text, "utf8"))).toBe(true);
    expect(plainBytesOf(held)[0]).toBe(first);
    // Another held text (a write made a new answer) is encoded for itself.
    const other = { pieces: [`${text}X`] };
    expect(plainBytesOf(other)[0]!.toString("utf8")).toBe(`${text}X`);
  });
});
