-- Every user belongs to a site (issue 10). Before this release any logged-in user could create
-- accounts without a role at any site, which no admin could see. Such accounts are switched off
-- here and their sessions and API tokens end; an admin who needs one creates it again with a role.
-- The reserved system user (migration 0001) never logs in and is left as it is.
UPDATE users SET is_active = false, version = version + 1, updated_at = now()
WHERE is_active
  AND id <> '00000000-0000-7000-8000-000000000000'
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id);
