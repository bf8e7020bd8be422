-- API tokens expire and are revoked by someone (issue 10; docs/decisions/0005). A token gets its
-- expiry when it is made (90 days unless asked otherwise, at most 365). Tokens made before this
-- release expire 90 days after it, so the scripts using them have time to get new ones.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
ALTER TABLE api_tokens ADD COLUMN revoked_by uuid REFERENCES users(id);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
