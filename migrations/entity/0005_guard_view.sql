-- Batch guards without a row to clean up: inserting into this view raises unless the guarded
-- statement changed exactly one row, which rolls the whole D1 batch back. The table it replaces
-- needed a DELETE at the end of every guarded batch (docs/decisions.md).
DROP TABLE batch_guards;
CREATE VIEW batch_guards AS SELECT 1 AS matched WHERE 0;
CREATE TRIGGER batch_guards_check INSTEAD OF INSERT ON batch_guards WHEN NEW.matched <> 1 BEGIN SELECT RAISE(ABORT, 'batch_guard: the guarded statement matched nothing'); END;
