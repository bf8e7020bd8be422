/**
 * IBM System/370 double-precision floating point, the number format of SAS XPORT version 5
 * transport files (SAS Technical Support document TS-140, "The record layout of a SAS transport
 * file", section "Numeric data fields"): a sign bit, a 7-bit base-16 exponent in excess-64 and a
 * 56-bit fraction 0.F in [1/16, 1). SAS missing values are not numbers: "." is 0x2E followed by
 * seven zero bytes, .A–.Z and ._ carry their letter instead (TS-140, "Missing values").
 *
 * Every IEEE double converts exactly: its 53-bit significand fits in the 56-bit fraction even
 * after the up to three leading zero bits of hexadecimal normalisation.
 */

/** SAS missing value codes: "." (ordinary) and the special missing values .A–.Z and ._ */
export type SasMissing = "." | "_" | Uppercase<string>;

/** Smallest and largest magnitudes IBM double precision holds: 16^-65 and (1 - 16^-14)·16^63. */
const IBM_MIN = 16 ** -65;
const IBM_MAX = 16 ** 63;

/** The 8 bytes of `value` in IBM double precision; 0 (and −0) is eight zero bytes. */
export function ibmDouble(value: number): Uint8Array {
  const out = new Uint8Array(8);
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  if (value === 0) return out;
  const sign = value < 0 ? 0x80 : 0;
  const magnitude = Math.abs(value);
  // SAS stores what IBM cannot hold below 16^-65 as zero; above 16^63 there is no representation.
  if (magnitude < IBM_MIN) return out;
  if (magnitude >= IBM_MAX) throw new RangeError(`Too large for an IBM double: ${value}`);
  // The exponent e with 16^(e-1) <= magnitude < 16^e, found by integer steps (no log rounding).
  let exponent = Math.ceil(Math.log2(magnitude) / 4);
  while (16 ** exponent <= magnitude) exponent++;
  while (16 ** (exponent - 1) > magnitude) exponent--;
  // Scaling by powers of two is exact, so the fraction times 2^56 is an exact integer.
  let fraction = BigInt(magnitude * 2 ** (56 - 4 * exponent));
  if (fraction >= 1n << 56n) {
    fraction >>= 4n;
    exponent++;
  }
  out[0] = sign | (exponent + 64);
  for (let i = 7; i >= 1; i--) {
    out[i] = Number(fraction & 0xffn);
    fraction >>= 8n;
  }
  return out;
}

/** The 8 bytes of a SAS missing value: "." → 0x2E, ".A" → 0x41, "._" → 0x5F, then zeros. */
export function sasMissing(code: SasMissing = "."): Uint8Array {
  const out = new Uint8Array(8);
  if (!/^[._A-Z]$/.test(code)) throw new RangeError(`Not a SAS missing value code: ${code}`);
  out[0] = code.charCodeAt(0);
  return out;
}

/** Reads IBM double precision back (for tests and checks); null for a missing value. */
export function fromIbmDouble(bytes: Uint8Array): number | null {
  const rest = bytes.subarray(1).every((b) => b === 0);
  const first = bytes[0]!;
  if (rest && (first === 0x2e || first === 0x5f || (first >= 0x41 && first <= 0x5a))) return null;
  let fraction = 0n;
  for (let i = 1; i < 8; i++) fraction = (fraction << 8n) | BigInt(bytes[i]!);
  if (fraction === 0n) return 0;
  const exponent = (first & 0x7f) - 64;
  const magnitude = Number(fraction) * 2 ** (4 * exponent - 56);
  return first & 0x80 ? -magnitude : magnitude;
}
