/**
 * The benchmark's data, made by SQL inside D1 (a recursive CTE), not by 100,000 HTTP calls:
 * organizations of 1k, 10k and 100k invitations in mixed statuses.
 */
export const BENCH_ORGS = [
  { id: "org_bench_1k", size: 1_000 },
  { id: "org_bench_10k", size: 10_000 },
  { id: "org_bench_100k", size: 100_000 },
] as const;

export const BENCH_EMPTY_ORG = "org_bench_writes";
const T0 = 1_764_633_600_000;
const FAR_FUTURE = 4_102_444_800_000;

function organizationSql(id: string): string {
  return `INSERT INTO organizations (id, name, slug, created_by, max_allowed_memberships, public_metadata, private_metadata, created_at, updated_at)
VALUES ('${id}', '${id}', '${id.replaceAll("_", "-")}', NULL, 0, '{}', '{}', ${T0}, ${T0});`;
}

/** 60% pending, then accepted, revoked, declined and expired. */
function invitationsSql(orgId: string, size: number): string {
  return `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${size})
INSERT INTO invitations (id, organization_id, email_address, role, status, inviter_id, public_metadata, private_metadata, redirect_url, expires_at, link_version, delivery_status, delivery_attempts, delivery_last_error, delivery_sent_at, delivery_queued_at, accepted_user_id, created_at, updated_at)
SELECT printf('orginv_%s_%08d', '${orgId.slice(4)}', i), '${orgId}', printf('user%08d@bench.test', i), 'basic_member',
  CASE i % 10 WHEN 6 THEN 'accepted' WHEN 7 THEN 'accepted' WHEN 8 THEN 'revoked' WHEN 9 THEN 'declined' ELSE 'pending' END,
  'user_bench', '{}', '{}', NULL, ${FAR_FUTURE}, 1, 'sent', 1, NULL, ${T0}, ${T0}, NULL, ${T0} + i * 1000, ${T0} + i * 1000
FROM n;`;
}

export function seedSql(): string {
  const parts = [...BENCH_ORGS.map((o) => o.id), BENCH_EMPTY_ORG].map(organizationSql);
  for (const org of BENCH_ORGS) parts.push(invitationsSql(org.id, org.size));
  return parts.join("\n");
}
