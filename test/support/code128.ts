/**
 * Reads a Code 128 symbol back from the SVG bwip-js draws, for tests: bar edges → module widths →
 * symbol values (ISO/IEC 15417 pattern table) → text through code sets A, B and C, with the
 * mod-103 symbol check verified. Independent of the library's encoder, so a test that decodes the
 * printed bars proves what a scanner would read.
 */

// ISO/IEC 15417 Code 128 patterns: bar, space, bar, space, bar, space widths in modules; 106 = stop.
const PATTERNS = [
  "212222",
  "222122",
  "222221",
  "121223",
  "121322",
  "131222",
  "122213",
  "122312",
  "132212",
  "221213",
  "221312",
  "231212",
  "112232",
  "122132",
  "122231",
  "113222",
  "123122",
  "123221",
  "223211",
  "221132",
  "221231",
  "213212",
  "223112",
  "312131",
  "311222",
  "321122",
  "321221",
  "312212",
  "322112",
  "322211",
  "212123",
  "212321",
  "232121",
  "111323",
  "131123",
  "131321",
  "112313",
  "132113",
  "132311",
  "211313",
  "231113",
  "231311",
  "112133",
  "112331",
  "132131",
  "113123",
  "113321",
  "133121",
  "313121",
  "211331",
  "231131",
  "213113",
  "213311",
  "213131",
  "311123",
  "311321",
  "331121",
  "312113",
  "312311",
  "332111",
  "314111",
  "221411",
  "431111",
  "111224",
  "111422",
  "121124",
  "121421",
  "141122",
  "141221",
  "112214",
  "112412",
  "122114",
  "122411",
  "142112",
  "142211",
  "241211",
  "221114",
  "413111",
  "241112",
  "134111",
  "111242",
  "121142",
  "121241",
  "114212",
  "124112",
  "124211",
  "411212",
  "421112",
  "421211",
  "212141",
  "214121",
  "412121",
  "111143",
  "111341",
  "131141",
  "114113",
  "114311",
  "411113",
  "411311",
  "113141",
  "114131",
  "311141",
  "411131",
  "211412",
  "211214",
  "211232",
  "2331112",
];
const VALUE = new Map(PATTERNS.map((p, i) => [p, i]));

/** Module widths, bar first, from the SVG's vertical strokes (x is the stroke's centre). */
export function svgModules(svg: string, moduleWidth = 2): number[] {
  const bars: [number, number][] = [];
  for (const m of svg.matchAll(/<path[^>]*stroke-width="([\d.]+)"[^>]*d="([^"]+)"/g)) {
    const w = Number(m[1]);
    for (const seg of m[2]!.matchAll(/M([\d.]+) [\d.]+L[\d.]+ [\d.]+/g)) {
      const x = Number(seg[1]);
      bars.push([x - w / 2, x + w / 2]);
    }
  }
  bars.sort((a, b) => a[0] - b[0]);
  const widths: number[] = [];
  bars.forEach(([l, r], i) => {
    if (i > 0) widths.push(Math.round((l - bars[i - 1]![1]) / moduleWidth));
    widths.push(Math.round((r - l) / moduleWidth));
  });
  return widths;
}

export function decodeCode128(modules: number[]): string {
  const values: number[] = [];
  let i = 0;
  while (i < modules.length) {
    const take = modules.length - i === 7 ? 7 : 6;
    const v = VALUE.get(modules.slice(i, i + take).join(""));
    if (v === undefined) throw new Error(`no Code 128 symbol at element ${i}`);
    values.push(v);
    i += take;
  }
  if (values.at(-1) !== 106) throw new Error("no stop pattern");
  const [start, ...rest] = values;
  const data = rest.slice(0, -2);
  const check = rest.at(-2)!;
  const sum = data.reduce((s, v, k) => s + v * (k + 1), start!);
  if (sum % 103 !== check) throw new Error(`symbol check ${check} is not ${sum % 103}`);
  let set = start === 103 ? "A" : start === 104 ? "B" : start === 105 ? "C" : "";
  if (!set) throw new Error(`not a start symbol: ${start}`);
  let text = "";
  for (const v of data) {
    if (set === "C") {
      if (v < 100) text += String(v).padStart(2, "0");
      else if (v === 100) set = "B";
      else if (v === 101) set = "A";
      else throw new Error(`unexpected ${v} in code set C`);
    } else if (v === 99) set = "C";
    else if (v === 100 && set === "A") set = "B";
    else if (v === 101 && set === "B") set = "A";
    else if (v >= 96) throw new Error(`function or shift ${v} not expected in ISBT 128 data`);
    else text += set === "B" ? String.fromCharCode(v + 32) : String.fromCharCode(v < 64 ? v + 32 : v - 64);
  }
  return text;
}

export const decodeSvg = (svg: string) => decodeCode128(svgModules(svg));
