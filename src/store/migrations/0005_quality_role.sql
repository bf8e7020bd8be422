-- Quality assurance becomes a site role of its own, apart from manufacturing (src/domain/roles.ts:
-- GMP keeps release decisions independent of production).
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
  CHECK (role IN ('admin','investigator','coordinator','manufacturing','quality','monitor'));
