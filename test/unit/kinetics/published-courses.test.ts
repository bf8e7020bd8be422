/**
 * The model's qualitative behaviour against published time courses. Parameters are the defaults
 * (Stein 2019's CAR-T kinetics; SLE_CAR_KINETICS for lupus) and doses are the trials'; nothing is
 * fitted to these papers, so each test is a check, not a calibration echo — except B-cell return
 * in SLE, which SLE_CAR_KINETICS was hand-tuned towards (kinetics-model.md §3.5) and which is
 * tested with the published spread, not a point.
 *
 * Sources:
 * - Stein AM et al. CPT Pharmacometrics Syst Pharmacol 2019;8:285, Table 1: tisagenlecleucel
 *   Tmax 9.3 d. Lisocabtagene maraleucel population CK (Clin Pharmacokinet 2021): Tmax 9.29 d
 *   (95% CI 8.81–9.70). Ciltacabtagene autoleucel (CARTITUDE-1 NCA): median Tmax 12.71 d.
 * - Mackensen A et al. Nat Med 2022;28:2124 (abstract): CD19 CAR-T 1 × 10⁶/kg in SLE after Flu/Cy;
 *   anti-dsDNA seroconversion; B cells reappeared after a mean (± SD) of 110 ± 32 d.
 * - BCMA-CD19 compound CAR in SLE, Ann Rheum Dis 2024;83:1304 (as summarised in
 *   ../shared/domain/reference-case.md): 3 × 10⁶/kg; all autoantibodies negative by 3 months;
 *   B cells recovered 2–6 months after infusion; lymphoma in complete remission in P1 and P2.
 * - Mei HE et al. Blood 2015;125:1739: human bone-marrow CD19− plasma cells are long-lived and
 *   resist B-cell depletion. Walti CS et al. Blood Adv 2019;3:3590: after CD19 CAR-T, total IgG fell
 *   modestly (mean −17.5%) and measles IgG stayed put: CD19− long-lived plasma cells survive.
 * - Feng J et al. Nat Med 2025;31:3725 (per kinetics-model.md §2): CD19−BCMA+ long-lived plasma
 *   cells are dominant autoantibody sources in refractory SLE; BCMA targeting removes them.
 *   Müller F et al. Nat Med 2025 (doi:10.1038/s41591-025-03718-3, abstract): after CD19 CAR-T
 *   failed, BCMA CAR-T cleared plasma cells and reduced autoantibody levels.
 */
import { describe, expect, it } from "vitest";
import {
  BCMA_CAR,
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  coInfusion,
  type Dosing,
  type ModelParameters,
  modelParameters,
  outcomeDays,
  outcomes,
  SLE_CAR_KINETICS,
  simulate,
  single,
} from "../../../src/domain/kinetics/index.ts";

const DAYS = outcomeDays(730);
const WEIGHT = 62;
const run = (p: ModelParameters, d: Dosing) => {
  const trajectory = simulate(p, d, DAYS);
  const at = (day: number) => trajectory.states[DAYS.indexOf(day)]!;
  return { trajectory, at, L: trajectory.layout, o: outcomes(trajectory) };
};

const lupus = modelParameters({ ...SLE_CAR_KINETICS });
/** refractory lupus in which half the anti-dsDNA comes from CD19− long-lived plasma cells (Feng 2025) */
const refractoryLupus = modelParameters({ ...SLE_CAR_KINETICS, phiD: 0.5 });
const CD19_ONLY = single(CD19_CAR, 1e6, WEIGHT);
const COMPOUND = single(COMPOUND_CD19_BCMA_CAR, 3e6, WEIGHT);
const CO_INFUSION = coInfusion(
  { product: CD19_CAR, cellsPerKg: 1e6 },
  { product: BCMA_CAR, cellsPerKg: 1e6 },
  WEIGHT,
);
const BCMA_ONLY = single(BCMA_CAR, 3e6, WEIGHT);

describe("CAR-T expansion peaks in the second week (Stein 2019, liso-cel 2021, cilta-cel NCA: Tmax 9.3–12.7 d)", () => {
  it.each([
    ["CD19 CAR-T in lupus", lupus, CD19_ONLY],
    ["compound CAR in lupus", lupus, COMPOUND],
    ["CD19 + BCMA co-infusion in lupus", lupus, CO_INFUSION],
    ["CD19 CAR-T in lymphoma", modelParameters({ tumour0: 1000 }), single(CD19_CAR, 1e6, 70)],
    [
      "compound CAR in lupus with lymphoma",
      modelParameters({ tumour0: 1000 }),
      single(COMPOUND_CD19_BCMA_CAR, 3e6, 58),
    ],
  ] as const)("%s", (_name, p, d) => {
    const { o } = run(p, d);
    expect(o.carT.peakDay).toBeGreaterThanOrEqual(7);
    expect(o.carT.peakDay).toBeLessThanOrEqual(14);
    // an expansion, not a wash-out: the peak is many times the infused blood level
    const infused = (p.bloodFraction * d.infusions[0]!.cellsPerKg * d.weightKg) / p.bloodVolume;
    expect(o.carT.peakCellsPerUL).toBeGreaterThan(10 * infused);
  });
});

describe("in lupus, B cells are gone within days and return months later", () => {
  it("CD19 CAR-T: aplasia from the first week, B cells back within Mackensen's 110 ± 2 × 32 d", () => {
    const { o } = run(lupus, CD19_ONLY);
    expect(o.bCellAplasia.startDay).toBeLessThanOrEqual(7);
    expect(o.bCellAplasia.endDay).toBeGreaterThanOrEqual(110 - 2 * 32);
    expect(o.bCellAplasia.endDay).toBeLessThanOrEqual(110 + 2 * 32);
  });

  it("compound CAR: B cells return after months, not weeks and not years (2–6 months, ARD 2024; ±2 months' slack)", () => {
    const { o } = run(lupus, COMPOUND);
    expect(o.bCellAplasia.startDay).toBeLessThanOrEqual(7);
    expect(o.bCellAplasia.endDay).toBeGreaterThanOrEqual(60);
    expect(o.bCellAplasia.endDay).toBeLessThanOrEqual(240);
  });

  it("returning B cells are the non-autoreactive ones: the autoreactive clone stays depleted (the 'immune reset')", () => {
    const { at, L } = run(lupus, CD19_ONLY);
    const before = lupus.bCells0;
    expect(at(365)[L.Bn]!).toBeGreaterThan(0.5 * (1 - lupus.autoreactiveFraction) * before);
    expect(at(365)[L.Ba]!).toBeLessThan(1e-3 * lupus.autoreactiveFraction * before);
  });
});

describe("anti-dsDNA falls as plasma cells are depleted", () => {
  it("compound CAR: negative within 3 months (ARD 2024), with short- and long-lived plasma cells gone", () => {
    const { o, at, L } = run(lupus, COMPOUND);
    expect(o.antiDsDna.negativeDay).not.toBeNull();
    expect(o.antiDsDna.negativeDay!).toBeLessThanOrEqual(90);
    expect(o.antiDsDna.negativeAtHorizon).toBe(true);
    expect(at(90)[L.Sa]! / at(0)[L.Sa]!).toBeLessThan(1e-3);
    expect(at(90)[L.La]! / at(0)[L.La]!).toBeLessThan(1e-3);
  });

  it("CD19 CAR-T with a small long-lived share: seroconversion (Mackensen 2022), falling with the IgG half-life, not faster", () => {
    const { o, at, L } = run(lupus, CD19_ONLY);
    expect(o.antiDsDna.negativeDay!).toBeLessThanOrEqual(120);
    // the titre cannot fall faster than its ~21-day elimination once production stops
    expect(at(21)[L.D]! / lupus.antiDsDna0).toBeGreaterThan(0.45);
  });
});

describe("CD19-only spares the CD19−BCMA+ long-lived plasma cells; BCMA is needed to remove them", () => {
  it("after CD19 CAR-T the long-lived plasma cells persist, and so does their share of anti-dsDNA (refractory lupus)", () => {
    const { at, L, o } = run(refractoryLupus, CD19_ONLY);
    expect(at(365)[L.La]! / at(0)[L.La]!).toBeGreaterThan(0.5);
    expect(at(365)[L.Ln]! / at(0)[L.Ln]!).toBeGreaterThan(0.5);
    expect(at(365)[L.D]! / refractoryLupus.antiDsDna0).toBeGreaterThan(0.3);
    expect(o.antiDsDna.negativeAtHorizon).toBe(false);
  });

  it.each([
    ["compound CD19/BCMA CAR", COMPOUND],
    ["CD19 + BCMA co-infusion", CO_INFUSION],
  ] as const)(
    "with %s they are removed and anti-dsDNA becomes negative even in refractory lupus",
    (_name, d) => {
      const { at, L, o } = run(refractoryLupus, d);
      expect(at(365)[L.La]! / at(0)[L.La]!).toBeLessThan(1e-3);
      expect(o.antiDsDna.negativeDay!).toBeLessThanOrEqual(120);
      expect(o.antiDsDna.negativeAtHorizon).toBe(true);
    },
  );

  it("total IgG: a modest fall with CD19-only (Walti 2019), deep hypogammaglobulinaemia once BCMA is targeted", () => {
    const cd19 = run(lupus, CD19_ONLY).o;
    const compound = run(lupus, COMPOUND).o;
    expect(cd19.igG.nadirFractionOfBaseline).toBeGreaterThan(0.4);
    expect(compound.igG.nadirFractionOfBaseline).toBeLessThan(0.1);
  });

  it("BCMA-only removes plasma cells but spares autoreactive B cells, so anti-dsDNA comes back (model prediction, kinetics-model.md §3.5)", () => {
    const { o } = run(lupus, BCMA_ONLY);
    expect(o.bCellAplasia.startDay).toBeNull();
    expect(o.antiDsDna.negativeDay).not.toBeNull();
    expect(o.antiDsDna.reboundDay).not.toBeNull();
  });
});

describe("lymphoma", () => {
  it("compound CAR clears a CD19+ lymphoma within a month (reference case; ARD 2024 P1, P2)", () => {
    const { o } = run(
      modelParameters({ ...SLE_CAR_KINETICS, tumour0: 1000 }),
      single(COMPOUND_CD19_BCMA_CAR, 3e6, 58),
    );
    expect(o.tumour!.ratioAtAssessment!).toBeLessThan(0.01);
    expect(o.tumour!.cleared).toBe(true);
    expect(o.tumour!.progressionDay).toBeNull();
  });

  it("a CD19− lymphoma escapes CD19 CAR-T: it progresses", () => {
    const { o } = run(modelParameters({ tumour0: 1000, tumourCd19: 0 }), single(CD19_CAR, 1e6, 70));
    expect(o.tumour!.cleared).toBe(false);
    expect(o.tumour!.progressionDay).not.toBeNull();
  });
});
