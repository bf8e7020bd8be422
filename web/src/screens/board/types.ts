/** API shapes of the vein-to-vein board (product units, custody, release, bedside). */

export interface ProductUnit {
  id: string;
  journeyId: string;
  patientId: string;
  siteId: string;
  kind: "apheresis" | "final-product";
  parentId: string | null;
  din: string;
  dinCheckCharacter: string;
  coiId: string;
  coiCheckCharacter: string;
  productCode: string;
  state: string;
  quarantinedFrom: string | null;
  thawStabilityMinutes: number | null;
  thawedAt: string | null;
  /** the thaw plus the post-thaw stability, as the server computes it; null before the thaw */
  postThawExpiresAt: string | null;
  allowedEvents: string[];
  version: number;
  updatedAt: string;
  /** the patient's subject code */
  subjectCode: string;
}

export interface BoardUnit extends ProductUnit {
  journeyState: string;
  collectedOn: string | null;
  daysSinceCollection: number | null;
  daysInState: number;
}

export interface ProductBoard {
  siteId: string;
  today: string;
  states: string[];
  items: BoardUnit[];
  nextCursor: string | null;
}

export interface ProductEvent {
  id: string;
  type: string;
  fromState: string;
  toState: string;
  actor: string | null;
  /** the actor's display name */
  actorName: string | null;
  at: string;
}

export interface HandOff {
  id: string;
  fromParty: string;
  toParty: string;
  place: string;
  at: string;
  shipperId: string | null;
  loggerId: string | null;
  conditionNote: string | null;
}

export interface Excursion {
  direction: "above" | "below";
  startedAt: string;
  endedAt: string;
  durationMinutes: number;
  extremeC: number;
  ongoing: boolean;
  tolerated: boolean;
}

export interface LoggerUpload {
  id: string;
  loggerId: string;
  range: { minC: number; maxC: number; maxGapMinutes?: number };
  readingCount: number;
  firstAt: string;
  lastAt: string;
  verdict: string;
  excursions: Excursion[] | null;
  gaps: unknown[] | null;
  quarantined: boolean;
}

export interface Custody {
  productId: string;
  state: string;
  handOffs: HandOff[];
  loggerUploads: LoggerUpload[];
}

export interface QcResult {
  id: string;
  attribute: string;
  valueNumber: number | null;
  valueCode: string | null;
  unit: string | null;
  method: string | null;
  testedAt: string;
}

export interface ReleaseStatus {
  productId: string;
  state: string;
  results: QcResult[];
  current: {
    specRevision: number;
    evaluation: {
      outcome: string;
      attributes: {
        attribute: string;
        status: "pass" | "fail" | "missing";
        reason: string;
        source: string;
      }[];
    };
  } | null;
  decisions: { id: string; outcome: string; decidedAt: string }[];
  /** where the bag stands on its way to release, e.g. "awaiting-qa-release", with its words */
  releaseState: string;
  releaseStateLabel: string;
}

/** GET /api/v1/product-units/{id}/signatures: each signature checked against what it signed. */
export interface ProductSignature {
  id: string;
  recordKind: string;
  recordId: string;
  signerUsername: string;
  printedName: string;
  signedAs: string;
  meaning: string;
  signedAt: string;
  valid: boolean;
}

export interface Verifier {
  id: string;
  username: string;
  displayName: string | null;
}
