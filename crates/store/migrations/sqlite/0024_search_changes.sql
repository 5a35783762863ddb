-- The search index's change feed. Every application server keeps its own search index and
-- follows this table (crates/semey/src/search/feed.rs): a trigger on each searchable table
-- adds the kind and id of every row written, inside the transaction that writes it, so no
-- path that writes a record can forget to tell the index. Sequence numbers are given when a
-- row is inserted, not when its transaction commits, so a reader must not skip a gap at once
-- (the feed's follower keeps gaps open until they fill or grow old). A row with kind '*'
-- asks every server to rebuild its index (`semey search rebuild`). Rows older than a week are
-- pruned; a server that was away longer rebuilds.
CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TRIGGER search_programmes_insert AFTER INSERT ON programmes BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('programme', NEW.id);
END;
CREATE TRIGGER search_programmes_update AFTER UPDATE ON programmes BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('programme', NEW.id);
END;
CREATE TRIGGER search_programmes_delete AFTER DELETE ON programmes BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('programme', OLD.id);
END;
CREATE TRIGGER search_organisations_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('organisation', NEW.id);
END;
CREATE TRIGGER search_organisations_update AFTER UPDATE ON organisations BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('organisation', NEW.id);
END;
CREATE TRIGGER search_organisations_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('organisation', OLD.id);
END;
CREATE TRIGGER search_places_insert AFTER INSERT ON places BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('place', NEW.id);
END;
CREATE TRIGGER search_places_update AFTER UPDATE ON places BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('place', NEW.id);
END;
CREATE TRIGGER search_places_delete AFTER DELETE ON places BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('place', OLD.id);
END;
CREATE TRIGGER search_services_insert AFTER INSERT ON services BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('service', NEW.id);
END;
CREATE TRIGGER search_services_update AFTER UPDATE ON services BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('service', NEW.id);
END;
CREATE TRIGGER search_services_delete AFTER DELETE ON services BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('service', OLD.id);
END;
CREATE TRIGGER search_mandates_insert AFTER INSERT ON mandates BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('mandate', NEW.id);
END;
CREATE TRIGGER search_mandates_update AFTER UPDATE ON mandates BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('mandate', NEW.id);
END;
CREATE TRIGGER search_mandates_delete AFTER DELETE ON mandates BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('mandate', OLD.id);
END;
CREATE TRIGGER search_meetings_insert AFTER INSERT ON meetings BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('meeting', NEW.id);
END;
CREATE TRIGGER search_meetings_update AFTER UPDATE ON meetings BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('meeting', NEW.id);
END;
CREATE TRIGGER search_meetings_delete AFTER DELETE ON meetings BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('meeting', OLD.id);
END;
CREATE TRIGGER search_decisions_insert AFTER INSERT ON decisions BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('decision', NEW.id);
END;
CREATE TRIGGER search_decisions_update AFTER UPDATE ON decisions BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('decision', NEW.id);
END;
CREATE TRIGGER search_decisions_delete AFTER DELETE ON decisions BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('decision', OLD.id);
END;
CREATE TRIGGER search_results_insert AFTER INSERT ON results BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('result', NEW.id);
END;
CREATE TRIGGER search_results_update AFTER UPDATE ON results BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('result', NEW.id);
END;
CREATE TRIGGER search_results_delete AFTER DELETE ON results BEGIN
    INSERT INTO search_changes (kind, record_id) VALUES ('result', OLD.id);
END;
