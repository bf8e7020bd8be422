-- Issue 12: a cohort definition saved under a name, so a department's standing cohorts (e.g.
-- "lupus, DL2, since 2024") are one click away and the same for everyone. The definition is kept
-- as its canonical query string (domain/cohort/definition.ts), the same text as the link.
CREATE TABLE saved_cohorts (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
  query       text NOT NULL CHECK (length(query) <= 4000),
  created_at  timestamptz NOT NULL,
  created_by  uuid NOT NULL REFERENCES users (id)
);
CREATE UNIQUE INDEX saved_cohorts_name_idx ON saved_cohorts (lower(name));
