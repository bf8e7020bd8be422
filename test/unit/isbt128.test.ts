import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import {
  classifyDinFlags,
  coiBarcodeData,
  coiCheckCharacter,
  dinBarcodeData,
  dinCheckCharacter,
  eyeReadable,
  eyeReadableCoi,
  formatCoiId,
  formatDin,
  isValidMod37_2,
  MOD37_2_CHARACTERS,
  mod37_2CheckCharacter,
  mod37_2Checksum,
  parseCoiId,
  parseDin,
  requireDin,
  requireVerifiedDin,
  verifyCoiId,
  verifyDin,
} from "../../src/domain/isbt128.ts";

/** Independent oracle: the Red Book / ST-001 Appendix A steps literally (weights 2^n, n from the right). */
function weightedOracle(data: string): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += MOD37_2_CHARACTERS.indexOf(data[i]!) * 2 ** (data.length - i);
  return (38 - (sum % 37)) % 37;
}

const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
};

// Arbitrary structurally valid DINs: FIN α{A–N,P–Z,1–9} + pppp (current usage: 4 digits) + yy + nnnnnn.
const finFirst = fc.constantFrom(..."ABCDEFGHIJKLMNPQRSTUVWXYZ123456789");
const digits = (n: number) =>
  fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((a) => a.join(""));
const arbDin = fc.tuple(finFirst, digits(4), digits(2), digits(6)).map(([a, p, y, n]) => `${a}${p}${y}${n}`);

describe("ISO/IEC 7064 MOD 37-2 (ST-001 Appendix A, UK Red Book Annex 2)", () => {
  it("G123498654321 → checksum 17, check character H, bar-code flag 77 (Red Book Annex 2 example)", () => {
    // Weighted sum 148354 (Red Book Table A2.2); 148354 mod 37 = 21; 38 − 21 = 17; 17 mod 37 = 17 → H.
    expect(mod37_2Checksum("G123498654321")).toBe(17);
    expect(mod37_2CheckCharacter("G123498654321")).toBe("H");
    const d = requireDin("G123498654321");
    expect(d).toMatchObject({ checksum: 17, checkCharacter: "H", type3Flags: "77" });
  });

  it("G123417654321 → checksum 10, A, Type 3 flags 70 (ST-001 Appendix A.1/A.2 example)", () => {
    // Weighted sum 146178; mod 37 = 28; 38 − 28 = 10 → A; data content with Type 3 flags G12341765432170.
    expect(mod37_2Checksum("G123417654321")).toBe(10);
    expect(dinCheckCharacter("G123417654321")).toBe("A");
    expect(dinBarcodeData("G123417654321", "type3")).toBe("=G12341765432170");
  });

  it.each([
    // A9999 21 123456 (ST-001 Figure 2): A=10·8192 + 9·(4096+2048+1024+512) + 2·256 + 1·128 + 1·64
    //   + 2·32 + 3·16 + 4·8 + 5·4 + 6·2 = 151920; 151920 − 37·4105 = 35; 38 − 35 = 3 → "3".
    ["A999921123456", "3"],
    // A9998 18 123456 (ST-001 §7.5.1.1, printed with a boxed N): checked by the oracle below.
    ["A999818123456", "N"],
    // A9999 25 000000: 81920 + 36864 + 18432 + 9216 + 4608 + 2·256 + 5·128 = 152192; mod 37 = 11; 38 − 11 = 27 → R
    ["A999925000000", "R"],
    // A9999 25 000038: 152192 + 3·4 + 8·2 = 152220; 152220 − 37·4114 = 2; 38 − 2 = 36 → "*"
    ["A999925000038", "*"],
    // A9999 25 000288: 152192 + 2·8 + 8·4 + 8·2 = 152256; 152256 − 37·4115 = 1; (38 − 1) mod 37 = 0 → "0"
    ["A999925000288", "0"],
  ])("%s → %s", (din, k) => {
    expect(dinCheckCharacter(din)).toBe(k);
    expect(weightedOracle(din)).toBe(MOD37_2_CHARACTERS.indexOf(k));
  });

  it("W000009123456 → G, as printed in ST-001 §7.4.1 ('W0000 09 123456 02 G')", () => {
    // W = 32 at n = 13: 32·8192 = 262144; year "09" at n = 8, 7: 0·256 + 9·128 = 1152; sequence
    // 123456 at n = 6..1: 1·64 + 2·32 + 3·16 + 4·8 + 5·4 + 6·2 = 240. Sum 263536;
    // 263536 − 37·7122 = 22; 38 − 22 = 16 → G.
    expect(dinCheckCharacter("W000009123456")).toBe("G");
    expect(weightedOracle("W000009123456")).toBe(16);
  });

  it("the recursive form equals the weighted-sum steps for any alphanumeric string", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
          minLength: 1,
          maxLength: 40,
        }),
        (s) => {
          expect(mod37_2Checksum(s)).toBe(weightedOracle(s));
        },
      ),
    );
  });

  it("exactly one of the 37 check characters is accepted for any data", () => {
    fc.assert(
      fc.property(arbDin, (din) => {
        const accepted = [...MOD37_2_CHARACTERS].filter((k) => isValidMod37_2(din + k));
        expect(accepted).toEqual([dinCheckCharacter(din)]);
      }),
    );
  });

  it("rejects input outside 0–9, A–Z (including '*' as a data character and the empty string)", () => {
    for (const bad of ["", "G12*", "g123", "G 123", "É1"])
      expect(() => mod37_2Checksum(bad)).toThrow(DomainError);
    expect(isValidMod37_2("H")).toBe(false);
    expect(isValidMod37_2("G12*4")).toBe(false);
  });
});

describe("error detection (ISO 7064 MOD 37-2 guarantees single substitutions and adjacent transpositions)", () => {
  // Why it holds: changing a character of value a to b at weight 2^n changes the sum by (b − a)·2^n,
  // and swapping neighbours at weights 2^(n+1), 2^n changes it by (a − b)·2^n. 37 is prime and divides
  // neither 2^n nor any 0 < |a − b| ≤ 36, so the sum mod 37 always moves and the check fails.
  const ALL = [...MOD37_2_CHARACTERS];

  it("every single-character substitution in DIN + K is detected", () => {
    fc.assert(
      fc.property(arbDin, (din) => {
        const full = din + dinCheckCharacter(din);
        for (let i = 0; i < full.length; i++)
          for (const c of ALL) {
            if (c === full[i]) continue;
            const changed = full.slice(0, i) + c + full.slice(i + 1);
            expect(isValidMod37_2(changed)).toBe(false);
            // and at the API level: a 14-character DIN+K never parses, a wrong K never verifies
            expect(parseDin(changed).ok).toBe(false);
            expect(verifyDin(changed.slice(0, 13), changed[13]!).ok).toBe(false);
          }
      }),
      { numRuns: 60 },
    );
  });

  it("every adjacent transposition in DIN + K is detected", () => {
    fc.assert(
      fc.property(arbDin, (din) => {
        const full = din + dinCheckCharacter(din);
        for (let i = 0; i + 1 < full.length; i++) {
          if (full[i] === full[i + 1]) continue; // swapping equal characters changes nothing
          const swapped = full.slice(0, i) + full[i + 1] + full[i] + full.slice(i + 2);
          expect(isValidMod37_2(swapped)).toBe(false);
          expect(parseDin(swapped).ok).toBe(false);
          expect(verifyDin(swapped.slice(0, 13), swapped[13]!).ok).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("the same holds for arbitrary alphanumeric data (the pure check, not the DIN structure)", () => {
    const unit = fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 30 }), fc.nat(), unit, (data, pos, c) => {
        const full = data + mod37_2CheckCharacter(data);
        const i = pos % data.length;
        if (c !== full[i]) expect(isValidMod37_2(full.slice(0, i) + c + full.slice(i + 1))).toBe(false);
        if (full[i] !== full[i + 1])
          expect(isValidMod37_2(full.slice(0, i) + full[i + 1] + full[i] + full.slice(i + 2))).toBe(false);
      }),
    );
  });
});

describe("parseDin", () => {
  it("splits a 13-character DIN into FIN, year and sequence", () => {
    const r = parseDin("G123498654321");
    expect(r).toEqual({
      ok: true,
      value: {
        din: "G123498654321",
        fin: "G1234",
        year: "98",
        sequence: "654321",
        checksum: 17,
        checkCharacter: "H",
        type3Flags: "77",
        flags: null,
        enteredCheckCharacter: null,
        form: "din",
      },
    });
  });

  it("accepts typed forms with spaces and a trailing check character", () => {
    for (const typed of ["G1234 98 654321 H", "G123 498 654 321 H", " G123498654321H "]) {
      const r = parseDin(typed);
      expect(r.ok && r.value.form === "din+check" && r.value.enteredCheckCharacter === "H").toBe(true);
    }
  });

  it("accepts bar-code data '=' + DIN + flags and data content DIN + flags, classifying the flags", () => {
    const scanned = requireDin("=G12349865432100");
    expect(scanned).toMatchObject({
      din: "G123498654321",
      form: "barcode",
      flags: { value: "00", type: "not-used" },
    });
    expect(requireDin("G12349865432177").flags).toEqual({ value: "77", type: "type-3-check" });
    expect(requireDin("=W00000912345602").flags).toEqual({ value: "02", type: "type-1-iccbba" });
  });

  it("a Type 3 flag that does not match the DIN is a problem (corrupt bar code)", () => {
    const r = parseDin("=G12349865432178");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.code).toBe("flag_check_mismatch");
  });

  it("a typed check character that does not match is a problem, and the message does not reveal K", () => {
    const r = parseDin("G1234 98 654321 J", "/din");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ path: "/din", code: "check_character_mismatch" });
      expect(r.problems[0]!.message).toContain("G1234 98 654321");
      expect(r.problems[0]!.message).not.toMatch(/\bH\b/);
    }
  });

  it("accepts letters in FIN positions 2–3 (ST-001 §2.4.1 allows them for the future)", () => {
    expect(requireDin("ABC1225000001").fin).toBe("ABC12");
  });

  const problemsOf = (text: string) => {
    const r = parseDin(text, "/din");
    if (r.ok) throw new Error(`${text} parsed`);
    return r.problems;
  };

  it.each([
    ["", "required", /required/],
    ["G12349865432", "invalid_length", /12 characters.*Accepted: the 13-character DIN/],
    ["G1234986543211234", "invalid_length", /17 characters/],
    ["=G123498654321", "invalid_length", /'=' \+ 13 DIN characters \+ 2 flag characters/],
    ["g123498654321", "lowercase", /capitals only/],
    ["O123498654321", "invalid_fin", /may not be the letter O or the digit 0/],
    ["0123498654321", "invalid_fin", /may not be the letter O or the digit 0/],
    ["*123498654321", "invalid_fin", /must be a capital letter \(not O\) or a digit 1–9/],
    ["GO23498654321", "invalid_fin", /2nd and 3rd characters/],
    ["G12A498654321", "invalid_fin", /4th and 5th characters must be digits/],
    ["G12349X654321", "invalid_year", /the year, "9X"/],
    ["G1234986543-1", "invalid_sequence", /the sequence number, "6543-1"/],
    ["G123498654321#", "invalid_check_character", /not one of 0–9, A–Z or \*/],
    ["G123498654321I0", "invalid_flags", /A–H, J–N, P, R–Y/],
  ])("%j is rejected (%s)", (text, code, message) => {
    const problems = problemsOf(text);
    expect(problems.map((p) => p.code)).toContain(code);
    expect(problems.every((p) => p.path === "/din")).toBe(true);
    expect(problems.find((p) => p.code === code)!.message).toMatch(message);
  });

  it("reports every faulty field at once", () => {
    expect(problemsOf("O12349X65432Z").map((p) => p.code)).toEqual([
      "invalid_fin",
      "invalid_year",
      "invalid_sequence",
    ]);
  });

  it("requireDin throws DomainError 'validation' carrying the problems", () => {
    const e = thrown(() => requireDin("G12349865432", "/bags/0/din"));
    expect(e.code).toBe("validation");
    expect(e.issues[0]).toMatchObject({ path: "/bags/0/din", code: "invalid_length" });
  });
});

describe("classifyDinFlags (ST-001 Table 3, by type)", () => {
  it.each([
    ["00", "not-used"],
    ["01", "type-1-iccbba"],
    ["13", "type-1-iccbba"],
    ["14", "reserved"],
    ["19", "type-1-iccbba"],
    ["20", "type-2-local"],
    ["59", "type-2-local"],
    ["60", "type-3-check"],
    ["96", "type-3-check"],
    ["97", "reserved"],
    ["A1", "reserved"],
  ])("%s → %s", (ff, type) => expect(classifyDinFlags(ff)).toBe(type));
});

describe("formatDin", () => {
  it("builds the 13-character DIN from FIN, year and sequence", () => {
    expect(formatDin("G1234", 98, 654321)).toBe("G123498654321");
    expect(formatDin("A9999", 2025, 38)).toBe("A999925000038");
    expect(formatDin("A9999", "25", "000288")).toBe("A999925000288");
    expect(formatDin("A9999", "2007", 1)).toBe("A999907000001");
    expect(formatDin("A9999", 7, 1)).toBe("A999907000001");
  });

  it("round-trips through parseDin for any valid parts", () => {
    fc.assert(
      fc.property(arbDin, (din) => {
        const d = requireDin(din);
        expect(formatDin(d.fin, d.year, d.sequence)).toBe(din);
      }),
    );
  });

  it("reports each bad part with its path", () => {
    const e = thrown(() => formatDin("O1234", 123, 1_000_000));
    expect(e.code).toBe("validation");
    expect(e.issues.map((i) => [i.path, i.code])).toEqual([
      ["/fin", "invalid_fin"],
      ["/year", "invalid_year"],
      ["/sequence", "invalid_sequence"],
    ]);
    expect(thrown(() => formatDin("G1234", "9", "12345")).issues.map((i) => i.path)).toEqual([
      "/year",
      "/sequence",
    ]);
    expect(thrown(() => formatDin("G1234", 25, 1.5)).issues[0]!.path).toBe("/sequence");
    expect(thrown(() => formatDin("G123", 25, 1)).issues[0]!.message).toMatch(/4 characters, not 5/);
  });
});

describe("dinBarcodeData", () => {
  it("is '=' + DIN + flags (default 00)", () => {
    expect(dinBarcodeData("G123498654321")).toBe("=G12349865432100");
    expect(dinBarcodeData("G123498654321", "type3")).toBe("=G12349865432177");
    expect(dinBarcodeData("G123498654321", "05")).toBe("=G12349865432105");
  });

  it("refuses bad or inconsistent flags and non-bare DINs", () => {
    expect(thrown(() => dinBarcodeData("G123498654321", "76")).issues[0]!.code).toBe("flag_check_mismatch");
    expect(thrown(() => dinBarcodeData("G123498654321", "O1")).issues[0]!.code).toBe("invalid_flags");
    expect(() => dinBarcodeData("G123498654321H")).toThrow(DomainError);
  });
});

describe("eyeReadable (ST-001 §7.4.1, §7.5.1.1)", () => {
  it("groups FIN, year and sequence and keeps the check character apart, to be boxed", () => {
    expect(eyeReadable("A999818123456")).toEqual({
      groups: ["A9998", "18", "123456"],
      text: "A9998 18 123456",
      checkCharacter: "N",
      printedFlags: null,
      plain: "A9998 18 123456 [N]",
    });
  });

  it("can use the UK Red Book grouping", () => {
    expect(eyeReadable("G123498654321", "uk-red-book")).toMatchObject({
      text: "G123 498 654 321",
      checkCharacter: "H",
      plain: "G123 498 654 321 [H]",
    });
  });

  it("prints Type 1/2 flags (rotated, by the renderer) but never 00 or Type 3 flags", () => {
    expect(eyeReadable("=W00000912345602")).toMatchObject({
      text: "W0000 09 123456",
      checkCharacter: "G",
      printedFlags: "02",
    });
    expect(eyeReadable("=W00000912345621").printedFlags).toBe("21");
    expect(eyeReadable("=G12349865432177").printedFlags).toBeNull();
    expect(eyeReadable("=G12349865432100").printedFlags).toBeNull();
  });

  it("throws on an invalid DIN", () => expect(() => eyeReadable("G12349865432")).toThrow(DomainError));
});

describe("verifyDin (bedside: any mismatch is a hard stop)", () => {
  it("passes when the check character matches, whether typed or scanned", () => {
    const r = verifyDin("G123498654321", "H");
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.din).toMatchObject({ din: "G123498654321", fin: "G1234", checkCharacter: "H" });
    expect(verifyDin("G1234 98 654321", "H").ok).toBe(true);
    expect(verifyDin("=G12349865432177", "H").ok).toBe(true);
    expect(verifyDin("A999925000038", "*").ok).toBe(true);
  });

  it("every wrong check character is a mismatch that names the field and hides the expected one", () => {
    for (const k of MOD37_2_CHARACTERS) {
      if (k === "H") continue;
      const r = verifyDin("G123498654321", k);
      expect(r).toMatchObject({ ok: false, reason: "check-character-mismatch" });
      if (!r.ok) {
        expect(r.issues).toEqual([
          expect.objectContaining({ path: "/checkCharacter", code: "check_character_mismatch" }),
        ]);
        expect(JSON.stringify(r)).not.toContain('"H"');
      }
    }
  });

  it("distinguishes a malformed DIN from a malformed check character", () => {
    expect(verifyDin("G12349865432", "H")).toMatchObject({ ok: false, reason: "malformed-identifier" });
    expect(verifyDin("G123498654321H", "H")).toMatchObject({ ok: false, reason: "malformed-identifier" });
    expect(verifyDin("=G12349865432178", "H")).toMatchObject({ ok: false, reason: "malformed-identifier" });
    expect(verifyDin("G123498654321", "")).toMatchObject({ ok: false, reason: "malformed-check-character" });
    expect(verifyDin("G123498654321", "h")).toMatchObject({
      ok: false,
      reason: "malformed-check-character",
      issues: [expect.objectContaining({ code: "lowercase" })],
    });
    expect(verifyDin("G123498654321", "HH")).toMatchObject({
      ok: false,
      reason: "malformed-check-character",
    });
    expect(verifyDin("G123498654321", "#")).toMatchObject({ ok: false, reason: "malformed-check-character" });
  });

  it("requireVerifiedDin throws DomainError 'validation' with the paths given", () => {
    expect(requireVerifiedDin("G123498654321", "H").din).toBe("G123498654321");
    const e = thrown(() =>
      requireVerifiedDin("G123498654321", "J", { din: "/bag/din", checkCharacter: "/bag/k" }),
    );
    expect(e.code).toBe("validation");
    expect(e.details).toEqual({ reason: "check-character-mismatch" });
    expect(e.issues).toEqual([expect.objectContaining({ path: "/bag/k", code: "check_character_mismatch" })]);
    const bad = thrown(() =>
      requireVerifiedDin("O123498654321", "H", { din: "/bag/din", checkCharacter: "/bag/k" }),
    );
    expect(bad.issues[0]).toMatchObject({ path: "/bag/din", code: "invalid_fin" });
  });
});

describe("Chain of Identity Identifier (ST-001 §2.4.40, Data Structure 040)", () => {
  it("formats CH + FIN + year + sequence", () => {
    expect(formatCoiId("A9999", 2025, "ABC123")).toBe("CHA999925ABC123");
    expect(formatCoiId("A9999", 25, 1)).toBe("CHA999925000001");
  });

  it("its check character is MOD 37-2 over the 15 data characters", () => {
    // C=12·32768 + H=17·16384 + A=10·8192 + 9·(4096+2048+1024+512) + 2·256 + 5·128 + A=10·64 + B=11·32
    //   + C=12·16 + 1·8 + 2·4 + 3·2 = 825142; 825142 − 37·22301 = 5; 38 − 5 = 33 → X
    expect(coiCheckCharacter("CHA999925ABC123")).toBe("X");
    expect(weightedOracle("CHA999925ABC123")).toBe(33);
    expect(coiBarcodeData("CHA999925ABC123")).toBe("&/CHA999925ABC123");
    expect(eyeReadableCoi("CHA999925ABC123")).toEqual({
      text: "CH A9999 25 ABC123",
      checkCharacter: "X",
      plain: "CH A9999 25 ABC123 [X]",
    });
  });

  it("parses content, content + K and bar-code data", () => {
    expect(parseCoiId("CHA999925ABC123")).toMatchObject({
      ok: true,
      value: { fin: "A9999", year: "25", sequence: "ABC123", form: "content" },
    });
    expect(parseCoiId("CH A9999 25 ABC123 X")).toMatchObject({
      ok: true,
      value: { enteredCheckCharacter: "X", form: "content+check" },
    });
    expect(parseCoiId("&/CHA999925ABC123")).toMatchObject({ ok: true, value: { form: "barcode" } });
  });

  it.each([
    ["", "required"],
    ["CHA999925ABC12", "invalid_length"],
    ["XXA999925ABC123", "invalid_prefix"],
    ["CHO999925ABC123", "invalid_fin"],
    ["CHA99992XABC123", "invalid_year"],
    ["CHA999925ABC-23", "invalid_sequence"],
    ["CHA999925ABC123Y", "check_character_mismatch"],
    ["cha999925abc123", "lowercase"],
  ])("%j is rejected (%s)", (text, code) => {
    const r = parseCoiId(text, "/coiId");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ path: "/coiId", code });
  });

  it("verifyCoiId: match passes, mismatch is a hard stop, substitutions are caught", () => {
    expect(verifyCoiId("CHA999925ABC123", "X").ok).toBe(true);
    expect(verifyCoiId("CHA999925ABC123", "Y")).toMatchObject({
      ok: false,
      reason: "check-character-mismatch",
    });
    expect(verifyCoiId("CHA999925ABC124", "X")).toMatchObject({
      ok: false,
      reason: "check-character-mismatch",
    });
    expect(verifyCoiId("CHA999925ABC123X", "X")).toMatchObject({ ok: false, reason: "malformed-identifier" });
  });

  it("formatCoiId reports bad parts with paths", () => {
    const e = thrown(() => formatCoiId("A999", "2x", "abc123"));
    expect(e.issues.map((i) => i.path)).toEqual(["/fin", "/year", "/sequence"]);
  });
});
