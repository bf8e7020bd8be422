-- Vein to vein: one journey per enrolment with its append-only event log, product units on one
-- chain of identity, and bedside verification attempts (shared/domain/workflow-standards.md §1.3,
-- §1.4, §2.6). State lives in the row for reads; the event tables are the history and are never
-- updated or deleted.
CREATE TABLE journeys (
  id            uuid PRIMARY KEY,
  enrolment_id  uuid NOT NULL UNIQUE REFERENCES enrolments(id),
  patient_id    uuid NOT NULL REFERENCES patients(id),
  site_id       uuid NOT NULL REFERENCES sites(id),
  state         text NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL,
  created_by    uuid NOT NULL REFERENCES users(id),
  updated_at    timestamptz NOT NULL
);
CREATE INDEX journeys_site_idx ON journeys (site_id, id);

CREATE TABLE journey_events (
  id          uuid PRIMARY KEY,
  journey_id  uuid NOT NULL REFERENCES journeys(id),
  site_id     uuid NOT NULL REFERENCES sites(id),
  event_type  text NOT NULL,
  payload     jsonb NOT NULL,
  from_state  text NOT NULL,
  to_state    text NOT NULL,
  actor_id    uuid NOT NULL REFERENCES users(id),
  at          timestamptz NOT NULL,
  reason      text
);
CREATE INDEX journey_events_journey_idx ON journey_events (journey_id, at, id);

-- ISBT 128 Facility Identification Number per site (ST-001 §2.4.1). A site without a row uses the
-- installation default, which is a placeholder until the site registers with ICCBBA.
CREATE TABLE site_facilities (
  site_id     uuid PRIMARY KEY REFERENCES sites(id),
  fin         text NOT NULL,
  created_at  timestamptz NOT NULL
);

-- Sequence counters per (FIN, year, kind): allocated by INSERT … ON CONFLICT DO UPDATE … RETURNING,
-- which locks the row, so two concurrent collections never receive the same number.
CREATE TABLE isbt_counters (
  fin         text NOT NULL,
  year        integer NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('din','coi')),
  last_value  integer NOT NULL,
  PRIMARY KEY (fin, year, kind)
);

CREATE TABLE product_units (
  id                      uuid PRIMARY KEY,
  journey_id              uuid NOT NULL REFERENCES journeys(id),
  patient_id              uuid NOT NULL REFERENCES patients(id),
  site_id                 uuid NOT NULL REFERENCES sites(id),
  kind                    text NOT NULL CHECK (kind IN ('apheresis','final-product')),
  parent_id               uuid REFERENCES product_units(id),
  din                     text NOT NULL UNIQUE,
  coi_id                  text NOT NULL,
  product_code            text NOT NULL,
  state                   text NOT NULL,
  quarantined_from        text,
  oos_exception           jsonb,
  thaw_stability_minutes  integer,
  thawed_at               timestamptz,
  version                 integer NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL,
  created_by              uuid NOT NULL REFERENCES users(id),
  updated_at              timestamptz NOT NULL
);
CREATE INDEX product_units_journey_idx ON product_units (journey_id, created_at, id);
CREATE INDEX product_units_coi_idx ON product_units (coi_id);

CREATE TABLE product_events (
  id           uuid PRIMARY KEY,
  product_id   uuid NOT NULL REFERENCES product_units(id),
  site_id      uuid NOT NULL REFERENCES sites(id),
  event_type   text NOT NULL,
  payload      jsonb NOT NULL,
  from_state   text NOT NULL,
  to_state     text NOT NULL,
  actor        text NOT NULL,             -- as stated on the event (a courier or manufacturer may act)
  at           timestamptz NOT NULL,
  recorded_by  uuid NOT NULL REFERENCES users(id),
  recorded_at  timestamptz NOT NULL
);
CREATE INDEX product_events_product_idx ON product_events (product_id, at, id);

-- Every bedside verification attempt, passed or not; a failed one is committed on its own so the
-- refusal leaves a trace (§2.6, issue 4: "the attempt is logged").
CREATE TABLE bedside_attempts (
  id                  uuid PRIMARY KEY,
  product_id          uuid NOT NULL REFERENCES product_units(id),
  journey_id          uuid NOT NULL REFERENCES journeys(id),
  site_id             uuid NOT NULL REFERENCES sites(id),
  first_verifier_id   uuid NOT NULL REFERENCES users(id),
  second_verifier_id  text NOT NULL,       -- as entered; may name no real user, which is itself a mismatch
  scanned             jsonb NOT NULL,
  passed              boolean NOT NULL,
  mismatches          jsonb NOT NULL,
  at                  timestamptz NOT NULL
);
CREATE INDEX bedside_attempts_product_idx ON bedside_attempts (product_id, at, id);
