/**
 * Properties of the model that follow from its equations: the closed-form baseline is a steady
 * state, the CAR-T core reduces to Stein 2019's closed form when antigen is plentiful and the gate
 * sharp, products only touch what they recognise, and dosing (later infusions, scaling) does what
 * it says.
 */
import { describe, expect, it } from "vitest";
import {
  BCMA_CAR,
  baseline,
  buildModel,
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  carT,
  coInfusion,
  type Dosing,
  initialState,
  layout,
  modelParameters,
  outcomeDays,
  outcomes,
  recognitionWeight,
  SLE_CAR_KINETICS,
  scaleDose,
  simulate,
  single,
} from "../../../src/domain/kinetics/index.ts";

describe("baseline", () => {
  it("the closed-form pre-treatment state is a steady state of the right-hand side", () => {
    const p = modelParameters({ reseeding: 0.02, tumour0: 0, kME: 0.01 });
    const model = buildModel(p, single(CD19_CAR, 0, 70));
    const y = initialState(model, [0]);
    // undo conditioning: the untreated patient
    const b = baseline(p).state;
    y.set(
      [b.precursors, b.bNaive, b.bAuto, b.slpcNaive, b.slpcAuto, b.llpcNaive, b.llpcAuto, b.igG, b.antiDsDna],
      model.layout.P,
    );
    const dy = new Float64Array(y.length);
    model.rhs(0, y, dy);
    for (const [i, v] of dy.entries())
      expect(Math.abs(v), model.layout.names[i]).toBeLessThanOrEqual(1e-12 * Math.max(1, y[i]!));
  });

  it("with no cells and no conditioning the patient stays where she is for two years", () => {
    const p = modelParameters({ conditioningDepletion: 0 });
    const t = simulate(p, single(CD19_CAR, 0, 70), [0, 365, 730], { rtol: 1e-10, atol: 1e-20 });
    for (const [k] of t.layout.names.entries())
      if (t.states[0]![k] !== 0) expect(Math.abs(t.states[2]![k]! / t.states[0]![k]! - 1)).toBeLessThan(1e-8);
  });

  it("reproduces the observed IgG and anti-dsDNA with the stated long-lived shares φ_G and φ_D", () => {
    const p = modelParameters({ phiG: 0.7, phiD: 0.2, igG0: 12, antiDsDna0: 400 });
    const { state: s, rates: r } = baseline(p);
    expect((r.igGFromLlpc * (s.llpcNaive + s.llpcAuto)) / (p.kG * p.igG0)).toBeCloseTo(0.7, 12);
    expect((r.dsDnaFromLlpc * s.llpcAuto) / (p.kD * p.antiDsDna0)).toBeCloseTo(0.2, 12);
    expect((s.llpcNaive + s.llpcAuto) / r.nicheSize).toBeCloseTo(p.nicheOccupancy0, 12);
    expect(s.bNaive + s.bAuto).toBeCloseTo(p.bCells0, 12);
  });
});

describe("CAR-T core", () => {
  it("reduces to Stein 2019's closed form with plentiful antigen, a sharp gate and no killing (within 3%)", () => {
    // Stein: C = C0·e^(ρt) to Tmax, then Cmax·[(1 − FB)e^(−α(t − Tmax)) + FB·e^(−β(t − Tmax))]
    const p = modelParameters({ bCells0: 1e6, kKill: 0, gateSteepness: 400, conditioningDepletion: 0 });
    const d = single(CD19_CAR, 1e6, 70);
    const c0 = (p.bloodFraction * 1e6 * 70) / p.bloodVolume;
    const alpha = p.kE + p.kEM;
    const fb = p.kEM / (alpha - p.beta);
    const stein = (t: number) =>
      t <= p.tmax
        ? c0 * Math.exp(p.rho * t)
        : c0 *
          Math.exp(p.rho * p.tmax) *
          ((1 - fb) * Math.exp(-alpha * (t - p.tmax)) + fb * Math.exp(-p.beta * (t - p.tmax)));
    const days = [3, 6, 8, 12, 20, 40, 100, 200, 400];
    const t = simulate(p, d, days, { rtol: 1e-9, atol: 1e-20 });
    for (const [i, day] of days.entries())
      expect(Math.abs(carT(t.states[i]!, t.layout) / stein(day) - 1), `day ${day}`).toBeLessThan(0.03);
  });
});

describe("products and recognition", () => {
  it("lays out two states per infusion before the ten shared ones", () => {
    expect(layout(1).size).toBe(12);
    expect(layout(2).size).toBe(14);
    expect(layout(2).names).toEqual([
      "E1",
      "M1",
      "E2",
      "M2",
      "T",
      "P",
      "Bn",
      "Ba",
      "Sn",
      "Sa",
      "Ln",
      "La",
      "G",
      "D",
    ]);
  });

  it("weights recognition by shared antigens, at most 1", () => {
    expect(recognitionWeight(COMPOUND_CD19_BCMA_CAR.recognition, { cd19: 1, bcma: 1 })).toBe(1);
    expect(recognitionWeight(CD19_CAR.recognition, { cd19: 0, bcma: 1 })).toBe(0);
    expect(recognitionWeight(BCMA_CAR.recognition, { cd19: 0, bcma: 1 })).toBe(1);
  });

  it("a product that recognises nothing neither expands nor kills", () => {
    const p = modelParameters({ conditioningDepletion: 0 });
    const blind = single({ name: "blind", recognition: { cd19: 0, bcma: 0 } }, 3e6, 70);
    const t = simulate(p, blind, [0, 9, 60]);
    expect(carT(t.states[1]!, t.layout)).toBeLessThan(carT(t.states[0]!, t.layout));
    expect(t.states[2]![t.layout.Bn]! / t.states[0]![t.layout.Bn]!).toBeCloseTo(1, 6);
  });

  it("CD19-only never touches long-lived plasma cells directly: they only lose their feed", () => {
    const p = modelParameters({ ...SLE_CAR_KINETICS, conditioningDepletion: 0 });
    const t = simulate(p, single(CD19_CAR, 1e6, 70), [0, 60]);
    const L = t.layout;
    // with no input at all, La would decay at d_L: it cannot fall faster than that
    expect(t.states[1]![L.La]! / t.states[0]![L.La]!).toBeGreaterThanOrEqual(
      Math.exp(-p.dL * 60) * (1 - 1e-6),
    );
  });
});

describe("dosing", () => {
  const p = modelParameters({ ...SLE_CAR_KINETICS });
  const days = outcomeDays(365);

  it("a second product given later joins on its day, with its own expansion clock", () => {
    const d: Dosing = {
      weightKg: 70,
      infusions: [
        { product: CD19_CAR, cellsPerKg: 1e6, day: 0 },
        { product: BCMA_CAR, cellsPerKg: 1e6, day: 30 },
      ],
    };
    const t = simulate(p, d, [0, 29.9, 30, 30.1, 45]);
    const e2 = t.layout.effector(1);
    expect(t.states[0]![e2]).toBe(0);
    expect(t.states[1]![e2]).toBe(0);
    expect(t.states[2]![e2]).toBeCloseTo((p.bloodFraction * 1e6 * 70) / p.bloodVolume, 12);
    expect(t.states[4]![e2]!).toBeGreaterThan(t.states[2]![e2]!);
  });

  it("an infusion on the last sample day is in that sample", () => {
    const d: Dosing = {
      weightKg: 70,
      infusions: [
        { product: CD19_CAR, cellsPerKg: 1e6, day: 0 },
        { product: BCMA_CAR, cellsPerKg: 1e6, day: 10 },
      ],
    };
    const t = simulate(p, d, [0, 10]);
    expect(t.states[1]![t.layout.effector(1)]).toBeCloseTo((p.bloodFraction * 1e6 * 70) / p.bloodVolume, 12);
  });

  it("scaling the dose scales every infusion; more cells, higher peak and longer aplasia", () => {
    const base = coInfusion(
      { product: CD19_CAR, cellsPerKg: 1e6 },
      { product: BCMA_CAR, cellsPerKg: 2e6 },
      70,
    );
    expect(scaleDose(base, 0.5).infusions.map((i) => i.cellsPerKg)).toEqual([5e5, 1e6]);
    const [low, mid, high] = [0.1, 1, 10].map((f) =>
      outcomes(simulate(p, scaleDose(single(CD19_CAR, 1e6, 70), f), days)),
    );
    expect(low!.carT.peakCellsPerUL).toBeLessThan(mid!.carT.peakCellsPerUL);
    expect(mid!.carT.peakCellsPerUL).toBeLessThan(high!.carT.peakCellsPerUL);
    expect(low!.bCellAplasia.endDay!).toBeLessThan(high!.bCellAplasia.endDay!);
    expect(() => scaleDose(base, -1)).toThrow(RangeError);
  });

  it("refuses impossible input, naming it", () => {
    expect(() => simulate(p, single(CD19_CAR, -1, 70), [0])).toThrow(/dose/);
    expect(() => simulate(p, single(CD19_CAR, 1e6, 0), [0])).toThrow(/weight/);
    expect(() => simulate(p, single(CD19_CAR, 1e6, 70), [5, 1])).toThrow(/ascending/);
    expect(() => simulate(modelParameters({ phiD: 1.5 }), single(CD19_CAR, 1e6, 70), [0])).toThrow(/phiD/);
    expect(() =>
      simulate(modelParameters({ tumour0: 10, tumourCapacityFold: 1 }), single(CD19_CAR, 1e6, 70), [0]),
    ).toThrow(/tumourCapacityFold/);
    expect(() => simulate(modelParameters({ igG0: -1 }), single(CD19_CAR, 1e6, 70), [0])).toThrow(/igG0/);
    expect(() => modelParameters({ nonsense: 1 } as never)).toThrow(/unknown/);
  });
});
