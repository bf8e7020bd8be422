-- Issue 15: reads by patient of journeys and product units (the timeline's journey, product,
-- custody and logger branches, the patient header) scanned the whole table: both had indexes by
-- site and by journey only. At 10,000 patients the timeline's main query ran ~150/s under 50
-- clients with them missing and ~300/s with them (pgbench, same run; issue 15).
CREATE INDEX journeys_patient_idx ON journeys (patient_id);
CREATE INDEX product_units_patient_idx ON product_units (patient_id, created_at, id);
-- "Is this collection the parent of a final product?" (the board's and dashboard's open units)
-- and the lot of a collection in the vein-to-vein metrics read product units by parent.
CREATE INDEX product_units_parent_idx ON product_units (parent_id) WHERE parent_id IS NOT NULL;
-- Long-term follow-up lists (services/ltfu.ts): infused enrolments of a site by infusion date, and
-- the missed visits of a site (with the open ones past their window, which have their index since
-- 0004, the "maybe lost" patients' visits): few, whatever the size of the registry.
CREATE INDEX enrolments_site_infusion_idx ON enrolments (site_id, infusion_date) WHERE infusion_date IS NOT NULL;
CREATE INDEX visits_missed_site_idx ON visits (site_id, enrolment_id) WHERE missed_reason IS NOT NULL;
