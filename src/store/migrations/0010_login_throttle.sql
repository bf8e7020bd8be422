-- Per-account backoff for password checks (issue 10; docs/decisions/0005). One row per username
-- that was tried, whether or not such a user exists, so the answer to a locked name does not tell
-- which names are real. `attempts` counts password checks since the last success (a check is
-- counted before the password is verified, so concurrent guesses cannot slip past the limit);
-- from the fifth on, each locks the name until `locked_until`. A success deletes the row.
CREATE TABLE login_throttle (
  username         text PRIMARY KEY,
  attempts         integer NOT NULL CHECK (attempts > 0),
  last_attempt_at  timestamptz NOT NULL,
  locked_until     timestamptz
);
CREATE INDEX login_throttle_last_attempt_idx ON login_throttle (last_attempt_at);
