-- Custody and release (issue 4; shared/domain/workflow-standards.md §1.5, §2.7, §3): release
-- specifications per CAR product, QC results per product unit, release evaluations that moved a
-- product, custody hand-offs, temperature-logger uploads with their readings, and the two-person
-- exception decision for an out-of-specification product. Every table here is history: rows are
-- appended, never updated or deleted (a new specification is a new revision; a corrected QC
-- result is a later result for the same attribute).

CREATE TABLE release_specs (
  id                  uuid PRIMARY KEY,
  car_product_id      uuid NOT NULL REFERENCES car_products(id),
  study_id            uuid NOT NULL REFERENCES studies(id),
  revision            integer NOT NULL CHECK (revision >= 1),
  criteria            jsonb NOT NULL,
  -- {"apheresis": {minC,maxC,...}, "finalProduct": {...}}; either may be absent
  temperature_ranges  jsonb NOT NULL,
  note                text,
  created_at          timestamptz NOT NULL,
  created_by          uuid NOT NULL REFERENCES users(id),
  UNIQUE (car_product_id, revision)
);

CREATE TABLE qc_results (
  id            uuid PRIMARY KEY,
  product_id    uuid NOT NULL REFERENCES product_units(id),
  site_id       uuid NOT NULL REFERENCES sites(id),
  attribute     text NOT NULL,
  value_number  double precision,
  value_code    text,
  unit          text,
  method        text NOT NULL,
  tested_at     timestamptz NOT NULL,
  entered_by    uuid NOT NULL REFERENCES users(id),
  entered_at    timestamptz NOT NULL,
  CHECK (value_number IS NOT NULL OR value_code IS NOT NULL)
);
CREATE INDEX qc_results_product_idx ON qc_results (product_id, tested_at, entered_at, id);

-- An evaluation that released a product or declared it out of specification, with the spec
-- revision used and every attribute's verdict (the certificate's content, §3).
CREATE TABLE release_evaluations (
  id            uuid PRIMARY KEY,
  product_id    uuid NOT NULL REFERENCES product_units(id),
  site_id       uuid NOT NULL REFERENCES sites(id),
  spec_id       uuid NOT NULL REFERENCES release_specs(id),
  outcome       text NOT NULL CHECK (outcome IN ('released','out-of-specification')),
  evaluation    jsonb NOT NULL,
  decided_by    uuid NOT NULL REFERENCES users(id),
  decided_at    timestamptz NOT NULL
);
CREATE INDEX release_evaluations_product_idx ON release_evaluations (product_id, decided_at, id);

CREATE TABLE custody_handoffs (
  id              uuid PRIMARY KEY,
  product_id      uuid NOT NULL REFERENCES product_units(id),
  site_id         uuid NOT NULL REFERENCES sites(id),
  from_party      text NOT NULL,
  to_party        text NOT NULL,
  place           text NOT NULL,
  at              timestamptz NOT NULL,
  shipper_id      text,
  logger_id       text,
  condition_note  text,
  recorded_by     uuid NOT NULL REFERENCES users(id),
  recorded_at     timestamptz NOT NULL
);
CREATE INDEX custody_handoffs_product_idx ON custody_handoffs (product_id, at, id);

-- One upload of a logger's trace, with the range it was judged against and what was found.
CREATE TABLE logger_uploads (
  id             uuid PRIMARY KEY,
  product_id     uuid NOT NULL REFERENCES product_units(id),
  site_id        uuid NOT NULL REFERENCES sites(id),
  logger_id      text NOT NULL,
  range          jsonb NOT NULL,
  reading_count  integer NOT NULL,
  first_at       timestamptz NOT NULL,
  last_at        timestamptz NOT NULL,
  verdict        text NOT NULL CHECK (verdict IN ('within-range','excursion','gaps')),
  excursions     jsonb NOT NULL,
  gaps           jsonb NOT NULL,
  quarantined    boolean NOT NULL,
  recorded_by    uuid NOT NULL REFERENCES users(id),
  recorded_at    timestamptz NOT NULL
);
CREATE INDEX logger_uploads_product_idx ON logger_uploads (product_id, last_at, id);

CREATE TABLE temperature_readings (
  upload_id   uuid NOT NULL REFERENCES logger_uploads(id),
  product_id  uuid NOT NULL REFERENCES product_units(id),
  logger_id   text NOT NULL,
  at          timestamptz NOT NULL,
  celsius     double precision NOT NULL,
  PRIMARY KEY (upload_id, at)
);
CREATE INDEX temperature_readings_product_idx ON temperature_readings (product_id, at);

-- The decision to use an OOS product (§1.5): a rationale, then an investigator's and a QA
-- signature from two different people, each with its time.
CREATE TABLE oos_exceptions (
  id          uuid PRIMARY KEY,
  product_id  uuid NOT NULL UNIQUE REFERENCES product_units(id),
  site_id     uuid NOT NULL REFERENCES sites(id),
  rationale   text NOT NULL,
  created_by  uuid NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL
);

CREATE TABLE oos_exception_signatures (
  exception_id  uuid NOT NULL REFERENCES oos_exceptions(id),
  capacity      text NOT NULL CHECK (capacity IN ('investigator','qa')),
  user_id       uuid NOT NULL REFERENCES users(id),
  signed_at     timestamptz NOT NULL,
  PRIMARY KEY (exception_id, capacity),
  UNIQUE (exception_id, user_id)
);
