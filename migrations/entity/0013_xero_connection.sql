CREATE TABLE `integration_connections` (
	`provider` text PRIMARY KEY NOT NULL,
	`environment` text NOT NULL,
	`tenant_id` text NOT NULL,
	`tenant_name` text NOT NULL,
	`connection_id` text NOT NULL,
	`state` text NOT NULL,
	`access_token` text NOT NULL,
	`refresh_token` text NOT NULL,
	`access_expires_at` text NOT NULL,
	`scopes` text NOT NULL,
	`token_version` integer NOT NULL,
	`connected_by` text NOT NULL,
	`connected_at` text NOT NULL,
	`refreshed_at` text,
	`last_error` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `integration_mappings` (
	`provider` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`mappings` text NOT NULL,
	`rev` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `oauth_states` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`environment` text NOT NULL,
	`user_id` text NOT NULL,
	`code_verifier` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oauth_states_expiry` ON `oauth_states` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sync_objects` (
	`provider` text NOT NULL,
	`object_type` text NOT NULL,
	`object_id` text NOT NULL,
	`xero_id` text,
	`state` text NOT NULL,
	`error` text,
	`synced_at` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`provider`, `object_type`, `object_id`)
);
--> statement-breakpoint
CREATE INDEX `sync_objects_state` ON `sync_objects` (`provider`,`state`,`updated_at`);