-- Record webhook events in the `webhook_events` outbox from the writes themselves, inside each
-- write's transaction: every code path (single and bulk creation, the scheduled expiry,
-- concurrent accepts) records exactly one event per state change, and none for a write that
-- rolls back. Ids are generated here (no bound parameters in a trigger). `payload` snapshots the
-- row as the change left it; the consumer renders the wire object from it. With no endpoint
-- registered nothing is recorded: no write pays for webhooks nobody receives (an endpoint only
-- ever receives events that happen after it was created).
CREATE TRIGGER `webhook_invitation_created` AFTER INSERT ON `invitations`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints`)
BEGIN
  INSERT INTO `webhook_events` (`id`, `type`, `organization_id`, `subject_id`, `payload`, `occurred_at`)
  VALUES (
    'evt_' || lower(hex(randomblob(12))), 'organizationInvitation.created', NEW.`organization_id`, NEW.`id`,
    json_object('id', NEW.`id`, 'organization_id', NEW.`organization_id`, 'email_address', NEW.`email_address`,
      'role', NEW.`role`, 'status', NEW.`status`, 'inviter_id', NEW.`inviter_id`,
      'public_metadata', json(NEW.`public_metadata`), 'private_metadata', json(NEW.`private_metadata`),
      'redirect_url', NEW.`redirect_url`, 'expires_at', NEW.`expires_at`, 'link_version', NEW.`link_version`,
      'delivery_status', NEW.`delivery_status`, 'delivery_attempts', NEW.`delivery_attempts`,
      'delivery_last_error', NEW.`delivery_last_error`, 'delivery_sent_at', NEW.`delivery_sent_at`,
      'accepted_user_id', NEW.`accepted_user_id`, 'created_at', NEW.`created_at`, 'updated_at', NEW.`updated_at`),
    NEW.`updated_at`);
END;
--> statement-breakpoint
-- Leaving `pending` is the only status change an invitation makes; the new status names the event.
CREATE TRIGGER `webhook_invitation_status` AFTER UPDATE OF `status` ON `invitations`
WHEN OLD.`status` = 'pending' AND NEW.`status` IN ('accepted', 'revoked', 'declined', 'expired')
  AND EXISTS (SELECT 1 FROM `webhook_endpoints`)
BEGIN
  INSERT INTO `webhook_events` (`id`, `type`, `organization_id`, `subject_id`, `payload`, `occurred_at`)
  VALUES (
    'evt_' || lower(hex(randomblob(12))), 'organizationInvitation.' || NEW.`status`, NEW.`organization_id`, NEW.`id`,
    json_object('id', NEW.`id`, 'organization_id', NEW.`organization_id`, 'email_address', NEW.`email_address`,
      'role', NEW.`role`, 'status', NEW.`status`, 'inviter_id', NEW.`inviter_id`,
      'public_metadata', json(NEW.`public_metadata`), 'private_metadata', json(NEW.`private_metadata`),
      'redirect_url', NEW.`redirect_url`, 'expires_at', NEW.`expires_at`, 'link_version', NEW.`link_version`,
      'delivery_status', NEW.`delivery_status`, 'delivery_attempts', NEW.`delivery_attempts`,
      'delivery_last_error', NEW.`delivery_last_error`, 'delivery_sent_at', NEW.`delivery_sent_at`,
      'accepted_user_id', NEW.`accepted_user_id`, 'created_at', NEW.`created_at`, 'updated_at', NEW.`updated_at`),
    NEW.`updated_at`);
END;
--> statement-breakpoint
-- A resend is the only write that bumps the link version.
CREATE TRIGGER `webhook_invitation_resent` AFTER UPDATE OF `link_version` ON `invitations`
WHEN NEW.`link_version` > OLD.`link_version` AND EXISTS (SELECT 1 FROM `webhook_endpoints`)
BEGIN
  INSERT INTO `webhook_events` (`id`, `type`, `organization_id`, `subject_id`, `payload`, `occurred_at`)
  VALUES (
    'evt_' || lower(hex(randomblob(12))), 'organizationInvitation.resent', NEW.`organization_id`, NEW.`id`,
    json_object('id', NEW.`id`, 'organization_id', NEW.`organization_id`, 'email_address', NEW.`email_address`,
      'role', NEW.`role`, 'status', NEW.`status`, 'inviter_id', NEW.`inviter_id`,
      'public_metadata', json(NEW.`public_metadata`), 'private_metadata', json(NEW.`private_metadata`),
      'redirect_url', NEW.`redirect_url`, 'expires_at', NEW.`expires_at`, 'link_version', NEW.`link_version`,
      'delivery_status', NEW.`delivery_status`, 'delivery_attempts', NEW.`delivery_attempts`,
      'delivery_last_error', NEW.`delivery_last_error`, 'delivery_sent_at', NEW.`delivery_sent_at`,
      'accepted_user_id', NEW.`accepted_user_id`, 'created_at', NEW.`created_at`, 'updated_at', NEW.`updated_at`),
    NEW.`updated_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_membership_created` AFTER INSERT ON `memberships`
WHEN EXISTS (SELECT 1 FROM `webhook_endpoints`)
BEGIN
  INSERT INTO `webhook_events` (`id`, `type`, `organization_id`, `subject_id`, `payload`, `occurred_at`)
  SELECT
    'evt_' || lower(hex(randomblob(12))), 'organizationMembership.created', NEW.`organization_id`, NEW.`id`,
    json_object('id', NEW.`id`, 'organization_id', NEW.`organization_id`, 'user_id', NEW.`user_id`,
      'email_address', NEW.`email_address`, 'role', NEW.`role`,
      'public_metadata', json(NEW.`public_metadata`), 'created_at', NEW.`created_at`,
      'updated_at', NEW.`updated_at`, 'organization_name', o.`name`, 'organization_slug', o.`slug`),
    NEW.`updated_at`
  FROM `organizations` AS o WHERE o.`id` = NEW.`organization_id`;
END;
