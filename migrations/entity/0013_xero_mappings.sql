CREATE TABLE `integration_mappings` (
	`provider` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`mappings` text NOT NULL,
	`rev` integer NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL
);
