CREATE TABLE `approval_workflows` (
	`version` integer PRIMARY KEY NOT NULL,
	`document` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);
