-- The mandates (operative paragraphs of resolutions) a programme serves: a list of the
-- programme's record, so an editor's link is proposed and approved with the programme.
CREATE TABLE programme_mandates (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    mandate_id TEXT NOT NULL REFERENCES mandates (id),
    PRIMARY KEY (programme_id, mandate_id)
);
CREATE INDEX programme_mandates_mandate ON programme_mandates (mandate_id);
