/**
 * Label content and bar codes: the data each Code 128 symbol carries (ISBT 128 ST-001 v6.2.2
 * §2.4.1 DIN with Type 3 check flags, §2.4.3 product code, §2.4.5 expiry, §2.4.40 CoI), the printed
 * bars decoded back independently of the encoder, the boxed check character, and HTML escaping.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import { formatCoiId } from "../../src/domain/isbt128.ts";
import {
  expiryBarcodeData,
  type LabelFacts,
  labelModel,
  productCodeBarcodeData,
} from "../../src/domain/product-label.ts";
import { code128Svg, escapeHtml, renderLabelHtml } from "../../src/services/labels.ts";
import { decodeSvg } from "../support/code128.ts";

const facts = (o: Partial<LabelFacts> = {}): LabelFacts => ({
  kind: "bag",
  din: "G123498654321",
  coiId: formatCoiId("V2V99", 26, 1),
  productCode: "S1234V00",
  productName: "cCAR (CCAR)",
  unitKind: "final-product",
  subjectCode: "AA-0001",
  siteName: "Site A",
  timeZone: "Asia/Shanghai",
  expiresAt: new Date("2026-03-01T23:30:00Z"),
  expiryBasis: "thawed + 60 min stability",
  ...o,
});

describe("bar-code data content", () => {
  it("the DIN bar code carries the published example with its Type 3 check flags (checksum 17 + 60 = 77)", () => {
    // UK Red Book Annex 2: G123 498 654 321 → checksum 17, eye-readable H, bar-code check value 77.
    const m = labelModel(facts());
    expect(m.barcodes.find((b) => b.name === "din")!.data).toBe("=G12349865432177");
    expect(m.din).toEqual({ text: "G1234 98 654321", checkCharacter: "H" });
  });

  it("the product code is =< and the 8 characters of Data Structure 003, and nothing else", () => {
    expect(productCodeBarcodeData("S1234V00")).toBe("=<S1234V00");
    for (const bad of ["S1234", "S1234V000", "s1234V00", "S1234Va0", "S1234V0A"]) {
      const e = (() => {
        try {
          productCodeBarcodeData(bad);
        } catch (err) {
          return err;
        }
      })();
      expect(e, bad).toBeInstanceOf(DomainError);
      expect((e as DomainError).issues[0]!.path).toBe("/productCode");
    }
  });

  it("the expiry is &> c yy jjj hh mm in the site's local time, ordinal day counted from 1 January", () => {
    // 23:30 UTC on 1 March 2026 is 07:30 on 2 March in Shanghai: day 31 + 28 + 2 = 61.
    expect(expiryBarcodeData(new Date("2026-03-01T23:30:00Z"), "Asia/Shanghai")).toBe("&>0260610730");
    // 31 December of a leap year is day 366; the first minute of a year is day 001, 00:00.
    expect(expiryBarcodeData(new Date("2024-12-31T23:59:00Z"), "UTC")).toBe("&>0243662359");
    expect(expiryBarcodeData(new Date("2025-01-01T00:00:00Z"), "UTC")).toBe("&>0250010000");
  });

  it("a sample label carries DIN and product code only; a bag without expiry has no expiry bar code", () => {
    expect(labelModel(facts({ kind: "sample" })).barcodes.map((b) => b.name)).toEqual([
      "din",
      "product-code",
    ]);
    expect(labelModel(facts({ expiresAt: null, expiryBasis: null })).barcodes.map((b) => b.name)).toEqual([
      "din",
      "product-code",
      "coi",
    ]);
  });
});

describe("printed bars", () => {
  it("decode back to exactly the data given, through code sets B and C and the mod-103 check", () => {
    for (const data of ["=G12349865432177", "=<S1234V00", "&>0260610730", "&/CHV2V9926000001"])
      expect(decodeSvg(code128Svg(data))).toBe(data);
  });

  it("a decoder that reads one wrong bar fails its symbol check rather than returning a wrong DIN", () => {
    const svg = code128Svg("=G12349865432177");
    // Move one bar by one module: the symbol check (or the pattern table) catches it.
    const broken = svg.replace(/M(\d+) /, (_, x) => `M${Number(x) + 2} `);
    expect(() => decodeSvg(broken)).toThrow();
  });

  it("every bar code on the rendered bag label decodes to its data-content, and the DIN's check character is boxed", () => {
    const html = renderLabelHtml(labelModel(facts()));
    const figures = [
      ...html.matchAll(/data-barcode="([^"]+)" data-content="([^"]+)">(<svg[\s\S]*?<\/svg>)/g),
    ];
    expect(figures.map((f) => f[1])).toEqual(["din", "product-code", "coi", "expiry"]);
    for (const [, name, content, svg] of figures)
      expect(decodeSvg(svg!), name).toBe(
        content!.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&"),
      );
    expect(html).toContain('G1234 98 654321 <span class="check" title="keyboard check character">H</span>');
    expect(html).toContain("EXP 2026-03-02 07:30");
  });
});

describe("HTML", () => {
  it("escapes every text it prints", () => {
    expect(escapeHtml(`<b>"x" & 'y'</b>`)).toBe("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    const html = renderLabelHtml(
      labelModel(facts({ productName: `<script>alert("x")</script>`, siteName: "A & B <Ward>" })),
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("A &amp; B &lt;Ward&gt;");
  });

  it("prints as many sample labels as asked", () => {
    const html = renderLabelHtml(labelModel(facts({ kind: "sample" })), 3);
    expect(html.match(/<section class="label sample">/g)).toHaveLength(3);
  });
});
