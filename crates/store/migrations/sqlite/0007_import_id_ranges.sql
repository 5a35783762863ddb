-- The span of measurement ids each import wrote (a superset when imports overlap), so an export
-- of one dataset reads only its imports' ranges instead of the whole table.
ALTER TABLE radiation_imports ADD COLUMN first_id INTEGER;
ALTER TABLE radiation_imports ADD COLUMN last_id INTEGER;
