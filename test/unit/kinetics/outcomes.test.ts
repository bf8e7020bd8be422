/**
 * What-if read-outs: computed on the standard outcome grid they must match a 100-times finer grid
 * (peak within 0.05 d and 1%, crossings within 0.25 d), and each one's edge cases.
 */
import { describe, expect, it } from "vitest";
import {
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  modelParameters,
  outcomeDays,
  outcomes,
  SLE_CAR_KINETICS,
  simulate,
  single,
} from "../../../src/domain/kinetics/index.ts";

const p = modelParameters({ ...SLE_CAR_KINETICS, tumour0: 800 });
const dosing = single(COMPOUND_CD19_BCMA_CAR, 3e6, 58);

describe("outcome read-outs", () => {
  it("on the outcome grid agree with a grid a hundred times finer", () => {
    const coarse = outcomes(simulate(p, dosing, outcomeDays(400)));
    const fine = outcomes(
      simulate(
        p,
        dosing,
        Array.from({ length: 160_001 }, (_, i) => i / 400),
      ),
    );
    expect(Math.abs(coarse.carT.peakDay - fine.carT.peakDay)).toBeLessThan(0.05);
    expect(Math.abs(coarse.carT.peakCellsPerUL / fine.carT.peakCellsPerUL - 1)).toBeLessThan(0.01);
    expect(Math.abs(coarse.bCellAplasia.startDay! - fine.bCellAplasia.startDay!)).toBeLessThan(0.25);
    expect(Math.abs(coarse.bCellAplasia.endDay! - fine.bCellAplasia.endDay!)).toBeLessThan(0.25);
    expect(Math.abs(coarse.antiDsDna.negativeDay! - fine.antiDsDna.negativeDay!)).toBeLessThan(0.25);
    expect(Math.abs(coarse.igG.nadirDay - fine.igG.nadirDay)).toBeLessThanOrEqual(1);
    expect(coarse.bCellAplasia.durationDays).toBeCloseTo(
      coarse.bCellAplasia.endDay! - coarse.bCellAplasia.startDay!,
      12,
    );
  });

  it("aplasia still going at the horizon has no end and says so", () => {
    const o = outcomes(simulate(p, dosing, outcomeDays(60)));
    expect(o.bCellAplasia.startDay).not.toBeNull();
    expect(o.bCellAplasia.endDay).toBeNull();
    expect(o.bCellAplasia.durationDays).toBeNull();
    expect(o.bCellAplasia.ongoingAtHorizon).toBe(true);
  });

  it("anti-dsDNA negativity uses the laboratory's cut-off when given, and is day 0 if never positive", () => {
    const days = outcomeDays(365);
    const t = simulate(p, dosing, days);
    const strict = outcomes(t, { antiDsDnaNegativeBelow: 10 }).antiDsDna;
    const loose = outcomes(t, { antiDsDnaNegativeBelow: 100 }).antiDsDna;
    expect(strict.threshold).toBe(10);
    expect(strict.negativeDay!).toBeGreaterThan(loose.negativeDay!);
    expect(outcomes(t, { antiDsDnaNegativeBelow: 1000 }).antiDsDna.negativeDay).toBe(0);
  });

  it("reports tumour response only with lymphoma, at the assessment day asked for", () => {
    const days = outcomeDays(120);
    const withLymphoma = outcomes(simulate(p, dosing, days), { tumourAssessmentDay: 30 });
    expect(withLymphoma.tumour!.ratioAtAssessment).toBeLessThan(0.01);
    const off = outcomes(simulate(p, dosing, days), { tumourAssessmentDay: 30.1 });
    expect(off.tumour!.ratioAtAssessment).toBeNull();
    const none = outcomes(
      simulate(modelParameters({ ...SLE_CAR_KINETICS }), single(CD19_CAR, 1e6, 60), days),
    );
    expect(none.tumour).toBeNull();
  });

  it("needs a trajectory from day 0", () => {
    expect(() => outcomes(simulate(p, dosing, [5, 10]))).toThrow(RangeError);
  });

  it("the outcome grid is quarter-daily to day 60, then daily, ending on the horizon", () => {
    const g = outcomeDays(90.5);
    expect(g.slice(0, 3)).toEqual([0, 0.25, 0.5]);
    expect(g).toContain(59.75);
    expect(g).toContain(61);
    expect(g.at(-1)).toBe(90.5);
  });
});
