CREATE TABLE `billing_run_chunks` (
	`run_id` text NOT NULL,
	`chunk_index` integer NOT NULL,
	`attempt` text NOT NULL,
	`completed_at` text NOT NULL,
	PRIMARY KEY(`run_id`, `chunk_index`),
	FOREIGN KEY (`run_id`) REFERENCES `billing_runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `billing_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`as_of` text NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`schedules` integer NOT NULL,
	`invoices_created` integer DEFAULT 0 NOT NULL,
	`chunks_total` integer NOT NULL,
	`chunks_done` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`completed_at` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `billing_runs_as_of` ON `billing_runs` (`as_of`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `billing_runs_cron_day` ON `billing_runs` (`as_of`) WHERE "trigger" = 'CRON';--> statement-breakpoint
DROP INDEX `invoices_schedule_period`;--> statement-breakpoint
ALTER TABLE `invoices` ADD `billing_key` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `billing_run_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_schedule_billing_key` ON `invoices` (`billing_schedule_id`,`billing_key`);--> statement-breakpoint
CREATE INDEX `invoices_billing_run` ON `invoices` (`billing_run_id`,`id`);