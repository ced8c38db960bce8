CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`email_address` text NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`inviter_id` text,
	`public_metadata` text DEFAULT '{}' NOT NULL,
	`private_metadata` text DEFAULT '{}' NOT NULL,
	`redirect_url` text,
	`expires_at` integer NOT NULL,
	`link_version` integer DEFAULT 1 NOT NULL,
	`delivery_status` text NOT NULL,
	`delivery_attempts` integer DEFAULT 0 NOT NULL,
	`delivery_last_error` text,
	`delivery_sent_at` integer,
	`delivery_queued_at` integer,
	`accepted_user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_one_pending_per_address` ON `invitations` (`organization_id`,`email_address`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `invitations_org_created` ON `invitations` (`organization_id`,`created_at`,`id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `invitations_org_status_created` ON `invitations` (`organization_id`,`status`,`created_at`,`id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `invitations_org_email` ON `invitations` (`organization_id`,`email_address`,`created_at`);--> statement-breakpoint
CREATE INDEX `invitations_email_created` ON `invitations` (`email_address`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `invitations_pending_expiry` ON `invitations` (`expires_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `invitations_delivery_queued` ON `invitations` (`delivery_queued_at`) WHERE delivery_status = 'queued';--> statement-breakpoint
CREATE TABLE `memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`organization_id` text NOT NULL,
	`user_id` text NOT NULL,
	`email_address` text,
	`role` text NOT NULL,
	`public_metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_org_user_unique` ON `memberships` (`organization_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `memberships_org_created` ON `memberships` (`organization_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `memberships_org_email` ON `memberships` (`organization_id`,`email_address`);--> statement-breakpoint
CREATE INDEX `memberships_user` ON `memberships` (`user_id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`created_by` text,
	`max_allowed_memberships` integer DEFAULT 0 NOT NULL,
	`public_metadata` text DEFAULT '{}' NOT NULL,
	`private_metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_slug_unique` ON `organizations` (`slug`);--> statement-breakpoint
CREATE TABLE `outbox_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`accept_url` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_emails_sent` ON `outbox_emails` (`sent_at`,`id`);