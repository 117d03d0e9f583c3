ALTER TABLE `api_keys` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `live_tokens` ADD `session_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `live_tokens` ADD `used_at` text;--> statement-breakpoint
CREATE INDEX `live_tokens_session` ON `live_tokens` (`session_id`);--> statement-breakpoint
CREATE INDEX `sessions_expiry` ON `sessions` (`expires_at`);