ALTER TABLE `quotes` ADD `start_date` text;--> statement-breakpoint
ALTER TABLE `quotes` ADD `contract_length_months` integer DEFAULT 12 NOT NULL;