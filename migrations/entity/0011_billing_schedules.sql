CREATE TABLE `billing_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text,
	`recurrence_day_of_month` integer,
	`phases` text NOT NULL,
	`quote_id` text,
	`activated_at` text,
	`cancelled_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`rev` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `billing_schedules_quote_id_unique` ON `billing_schedules` (`quote_id`);--> statement-breakpoint
CREATE INDEX `billing_schedules_status` ON `billing_schedules` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `billing_schedules_customer` ON `billing_schedules` (`customer_id`,`id`);