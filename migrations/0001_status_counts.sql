CREATE TABLE `invitation_status_counts` (
	`organization_id` text NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`organization_id`, `status`)
);
--> statement-breakpoint
DROP INDEX `invitations_org_email`;--> statement-breakpoint
CREATE INDEX `invitations_org_pending_expiry` ON `invitations` (`organization_id`,`expires_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `invitations_org_email` ON `invitations` (`organization_id`,`email_address`,`created_at`,`id`);