-- The membership quota inside each write's own transaction: members plus pending invitations
-- (lapsed ones excepted, as the API counts them) may not pass `max_allowed_memberships`. The
-- request checks first, for an answer that names the counts; this decides concurrent creates,
-- each of which passed that check against the same counts. Per row, so a bulk insert is held to
-- the limit as a whole; the first condition keeps organizations without a quota (0) at no cost.
CREATE TRIGGER `invitations_membership_quota` BEFORE INSERT ON `invitations`
WHEN (SELECT `max_allowed_memberships` FROM `organizations` WHERE `id` = NEW.`organization_id`) > 0
  AND NEW.`status` = 'pending'
  AND (SELECT count(*) FROM `memberships` WHERE `organization_id` = NEW.`organization_id`)
    + coalesce((SELECT `count` FROM `invitation_status_counts`
                WHERE `organization_id` = NEW.`organization_id` AND `status` = 'pending'), 0)
    - (SELECT count(*) FROM `invitations`
       WHERE `organization_id` = NEW.`organization_id` AND `status` = 'pending'
         AND `expires_at` <= NEW.`created_at`)
    >= (SELECT `max_allowed_memberships` FROM `organizations` WHERE `id` = NEW.`organization_id`)
BEGIN
  SELECT RAISE(ABORT, 'organization_membership_quota_exceeded');
END;
