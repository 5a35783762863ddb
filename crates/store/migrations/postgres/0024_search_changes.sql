-- The search index's change feed. Every application server keeps its own search index and
-- follows this table (crates/semey/src/search/feed.rs): a trigger on each searchable table
-- adds the kind and id of every row written, inside the transaction that writes it, so no
-- path that writes a record can forget to tell the index. Sequence numbers are given when a
-- row is inserted, not when its transaction commits, so a reader must not skip a gap at once
-- (the feed's follower keeps gaps open until they fill or grow old). A row with kind '*'
-- asks every server to rebuild its index (`semey search rebuild`). Rows older than a week are
-- pruned; a server that was away longer rebuilds.
CREATE TABLE search_changes (
    seq BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE FUNCTION search_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (kind, record_id) VALUES (TG_ARGV[0], OLD.id);
    ELSE
        INSERT INTO search_changes (kind, record_id) VALUES (TG_ARGV[0], NEW.id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER search_programmes AFTER INSERT OR UPDATE OR DELETE ON programmes
    FOR EACH ROW EXECUTE FUNCTION search_change('programme');
CREATE TRIGGER search_organisations AFTER INSERT OR UPDATE OR DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION search_change('organisation');
CREATE TRIGGER search_places AFTER INSERT OR UPDATE OR DELETE ON places
    FOR EACH ROW EXECUTE FUNCTION search_change('place');
CREATE TRIGGER search_services AFTER INSERT OR UPDATE OR DELETE ON services
    FOR EACH ROW EXECUTE FUNCTION search_change('service');
CREATE TRIGGER search_mandates AFTER INSERT OR UPDATE OR DELETE ON mandates
    FOR EACH ROW EXECUTE FUNCTION search_change('mandate');
CREATE TRIGGER search_meetings AFTER INSERT OR UPDATE OR DELETE ON meetings
    FOR EACH ROW EXECUTE FUNCTION search_change('meeting');
CREATE TRIGGER search_decisions AFTER INSERT OR UPDATE OR DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION search_change('decision');
CREATE TRIGGER search_results AFTER INSERT OR UPDATE OR DELETE ON results
    FOR EACH ROW EXECUTE FUNCTION search_change('result');
