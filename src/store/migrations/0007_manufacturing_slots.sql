-- Scheduling and lymphodepletion (issue 4): manufacturing slots with capacity per CAR product and
-- facility, the journey's booking of one, and the study's lymphodepletion regimen.

-- One start of manufacturing: a CAR product at a facility on a date, with places. `booked` is kept
-- in the row so a place is taken with one conditional UPDATE (… WHERE booked < capacity), which
-- locks the row: two bookings for the last place cannot both succeed. The CHECK is the backstop.
CREATE TABLE manufacturing_slots (
  id                      uuid PRIMARY KEY,
  car_product_id          uuid NOT NULL REFERENCES car_products(id),
  site_id                 uuid NOT NULL REFERENCES sites(id),   -- the site whose team manages the slot
  facility                text NOT NULL,                        -- the manufacturing facility's name
  starts_on               date NOT NULL,
  collection_window_days  integer NOT NULL CHECK (collection_window_days BETWEEN 0 AND 30),
  capacity                integer NOT NULL CHECK (capacity >= 1),
  booked                  integer NOT NULL DEFAULT 0,
  note                    text,
  version                 integer NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL,
  created_by              uuid NOT NULL REFERENCES users(id),
  updated_at              timestamptz NOT NULL,
  CHECK (booked >= 0 AND booked <= capacity),
  UNIQUE (car_product_id, facility, starts_on)
);
CREATE INDEX manufacturing_slots_product_idx ON manufacturing_slots (car_product_id, starts_on);

-- A journey's hold on a slot. 'booked' holds a place until apheresis; 'used' keeps holding it (the
-- material is in manufacture); 'freed' gave it back (apheresis moved elsewhere, cancelled, withdrawn).
-- Rows are never deleted, so the history of moves stays.
CREATE TABLE manufacturing_slot_bookings (
  id              uuid PRIMARY KEY,
  slot_id         uuid NOT NULL REFERENCES manufacturing_slots(id),
  journey_id      uuid NOT NULL REFERENCES journeys(id),
  site_id         uuid NOT NULL REFERENCES sites(id),           -- the journey's site
  apheresis_date  date NOT NULL,
  status          text NOT NULL CHECK (status IN ('booked','used','freed')),
  booked_at       timestamptz NOT NULL,
  booked_by       uuid NOT NULL REFERENCES users(id),
  freed_at        timestamptz,
  freed_by        uuid REFERENCES users(id),
  freed_reason    text
);
CREATE UNIQUE INDEX manufacturing_slot_bookings_one_open_idx
  ON manufacturing_slot_bookings (journey_id) WHERE status = 'booked';
CREATE INDEX manufacturing_slot_bookings_slot_idx ON manufacturing_slot_bookings (slot_id, status);
CREATE INDEX manufacturing_slot_bookings_journey_idx ON manufacturing_slot_bookings (journey_id, booked_at);

-- The protocol's lymphodepletion regimen, for the whole study (arm_code '') or one arm. The regimen
-- and renal rule are stored as the lymphodepletion calculator's own input shapes.
CREATE TABLE lymphodepletion_regimens (
  id                  uuid PRIMARY KEY,
  study_id            uuid NOT NULL REFERENCES studies(id),
  arm_code            text NOT NULL DEFAULT '',
  name                text NOT NULL,
  regimen             jsonb NOT NULL,
  renal_rule          jsonb NOT NULL,
  bsa_formula         text NOT NULL CHECK (bsa_formula IN ('MOSTELLER','DUBOIS')),
  crcl_weight_basis   text NOT NULL CHECK (crcl_weight_basis IN ('ACTUAL','IDEAL','ADJUSTED')),
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL,
  created_by          uuid NOT NULL REFERENCES users(id),
  updated_at          timestamptz NOT NULL,
  UNIQUE (study_id, arm_code)
);
