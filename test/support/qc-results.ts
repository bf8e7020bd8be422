/**
 * QC results for a bag, as quality enters them (no dependencies, so browser tests can use them
 * too): every ARI-0001 criterion passed (src/domain/release-specs.ts), with the bag's CAR+ viable
 * cells.
 */
export const passingResults = (carPositiveViableCells: number, testedAt = "2026-02-20T09:00:00Z") => [
  { attribute: "viability", valueNumber: 92, unit: "%", method: "trypan blue", testedAt },
  { attribute: "car-positive", valueNumber: 35, unit: "%", method: "flow cytometry", testedAt },
  {
    attribute: "vector-copy-number",
    valueNumber: 2.1,
    unit: "copies/transduced cell",
    method: "qPCR",
    testedAt,
  },
  { attribute: "sterility", valueCode: "negative", method: "BACTEC culture", testedAt },
  { attribute: "mycoplasma", valueCode: "negative", method: "PCR", testedAt },
  { attribute: "endotoxin", valueNumber: 0.2, unit: "EU/mL", method: "chromogenic LAL", testedAt },
  {
    attribute: "car-positive-viable-cells",
    valueNumber: carPositiveViableCells,
    unit: "cells",
    method: "count × viability × CAR+",
    testedAt,
  },
];
