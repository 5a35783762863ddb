-- The document library. Files are kept in the database, by their SHA-256 digest: every
-- application server serves them without a shared folder, a backup holds them with the
-- records that name them, and an upload is stored in the same transaction as its metadata
-- (refused together, or kept together). `text` is what reading the file found for search
-- (read in a process apart, crates/semey/src/documents/read.rs); `text_state` says whether
-- it was read (`extracted`), had none (`empty`) or could not be (`failed`, with the reason).
CREATE TABLE document_files (
    digest TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    text TEXT,
    text_state TEXT NOT NULL,
    text_reason TEXT,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
-- A published document: one per file.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE REFERENCES document_files (digest),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    public BOOLEAN NOT NULL,
    doc_type TEXT NOT NULL,
    doc_date TEXT,
    search TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX documents_organisation ON documents (organisation_id);
CREATE INDEX documents_date ON documents (doc_date);
-- What each document is linked to, for the records' own pages ("documents about this").
CREATE TABLE document_links (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (document_id, kind, target_id)
);
CREATE INDEX document_links_target ON document_links (kind, target_id);
CREATE TRIGGER search_documents AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION search_change('document');
