CREATE TABLE `credit_note_lines` (
	`credit_note_id` text NOT NULL,
	`id` text NOT NULL,
	`position` integer NOT NULL,
	`invoice_line_id` text NOT NULL,
	`title` text NOT NULL,
	`quantity` text,
	`amount` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`tax` text NOT NULL,
	PRIMARY KEY(`credit_note_id`, `id`),
	FOREIGN KEY (`credit_note_id`) REFERENCES `credit_notes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `credit_note_lines_invoice_line` ON `credit_note_lines` (`invoice_line_id`);--> statement-breakpoint
CREATE TABLE `credit_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`credit_note_number` text,
	`invoice_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`issue_date` text,
	`subtotal` text NOT NULL,
	`tax` text NOT NULL,
	`total` text NOT NULL,
	`pdf_key` text,
	`pdf_sha256` text,
	`finalized_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`rev` integer NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_credit_note_number_unique` ON `credit_notes` (`credit_note_number`);--> statement-breakpoint
CREATE INDEX `credit_notes_invoice` ON `credit_notes` (`invoice_id`,`id`);--> statement-breakpoint
CREATE INDEX `credit_notes_status` ON `credit_notes` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `invoice_lines` (
	`invoice_id` text NOT NULL,
	`id` text NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`quantity` text NOT NULL,
	`rate` text NOT NULL,
	`amount` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`tax_rate_id` text,
	`tax_rate` text NOT NULL,
	`tax` text NOT NULL,
	`price_id` text,
	`service_period_start` text,
	`service_period_end` text,
	PRIMARY KEY(`invoice_id`, `id`),
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invoice_lines_id` ON `invoice_lines` (`id`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`invoice_number` text,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`payment_status` text NOT NULL,
	`amount_paid` text NOT NULL,
	`issue_date` text,
	`due_date` text,
	`subtotal` text NOT NULL,
	`tax` text NOT NULL,
	`total` text NOT NULL,
	`tax_summary` text NOT NULL,
	`notes` text DEFAULT '[]' NOT NULL,
	`customer_snapshot` text,
	`merchant_snapshot` text,
	`billing_schedule_id` text,
	`billing_period_start` text,
	`billing_period_end` text,
	`public_token` text,
	`pdf_key` text,
	`pdf_sha256` text,
	`finalized_at` text,
	`sent_at` text,
	`voided_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`rev` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_invoice_number_unique` ON `invoices` (`invoice_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_public_token_unique` ON `invoices` (`public_token`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_schedule_period` ON `invoices` (`billing_schedule_id`,`billing_period_start`);--> statement-breakpoint
CREATE INDEX `invoices_status` ON `invoices` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `invoices_customer` ON `invoices` (`customer_id`,`id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`link` text,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_subject` ON `outbox` (`subject_id`,`id`);--> statement-breakpoint
CREATE TABLE `tax_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`percentage` text NOT NULL,
	`country` text,
	`category` text,
	`created_at` text NOT NULL
);
