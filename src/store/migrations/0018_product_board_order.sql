-- Issue 15: the product board is read a page at a time, newest unit first, per site (keyset on
-- created_at, id); at 10,000 patients the unpaginated board returned 9 MB in 2.7 s.
CREATE INDEX product_units_site_created_idx ON product_units (site_id, created_at DESC, id DESC);
