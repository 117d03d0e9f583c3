CREATE TABLE `approval_submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`quote_id` text NOT NULL,
	`quote_number` text NOT NULL,
	`quote_rev` integer NOT NULL,
	`status` text NOT NULL,
	`rule_name` text NOT NULL,
	`steps` text NOT NULL,
	`step_index` integer NOT NULL,
	`terms` text NOT NULL,
	`snapshot` text NOT NULL,
	`quote` text NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_by_name` text NOT NULL,
	`submitted_at` text NOT NULL,
	`decided_at` text,
	`decided_by` text,
	`decided_by_name` text,
	`comment` text,
	FOREIGN KEY (`quote_id`) REFERENCES `quotes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `approval_submissions_quote` ON `approval_submissions` (`quote_id`,`id`);--> statement-breakpoint
CREATE TABLE `approval_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`submission_id` text NOT NULL,
	`quote_id` text NOT NULL,
	`step_index` integer NOT NULL,
	`assignee_user_id` text NOT NULL,
	`assignee_name` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`decided_at` text,
	`decided_by` text,
	`decided_by_name` text,
	`comment` text,
	FOREIGN KEY (`submission_id`) REFERENCES `approval_submissions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approval_tasks_once` ON `approval_tasks` (`submission_id`,`step_index`,`assignee_user_id`);--> statement-breakpoint
CREATE INDEX `approval_tasks_assignee` ON `approval_tasks` (`assignee_user_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `approval_tasks_quote` ON `approval_tasks` (`quote_id`,`id`);--> statement-breakpoint
ALTER TABLE `quotes` ADD `approved_terms` text;