-- Demo data for `npm run dev`: one organization, its admin and a basic member. Idempotent.
INSERT OR IGNORE INTO organizations (id, name, slug, created_by, max_allowed_memberships, public_metadata, private_metadata, created_at, updated_at)
VALUES ('org_demo', 'Demo Organization', 'demo', 'user_demo_admin', 0, '{}', '{}', 1764633600000, 1764633600000);
INSERT OR IGNORE INTO memberships (id, organization_id, user_id, email_address, role, public_metadata, created_at, updated_at)
VALUES ('orgmem_demo_admin', 'org_demo', 'user_demo_admin', 'admin@demo.test', 'admin', '{}', 1764633600000, 1764633600000);
INSERT OR IGNORE INTO memberships (id, organization_id, user_id, email_address, role, public_metadata, created_at, updated_at)
VALUES ('orgmem_demo_member', 'org_demo', 'user_demo_member', 'member@demo.test', 'basic_member', '{}', 1764633600000, 1764633600000);
