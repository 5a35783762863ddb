-- Sign-in attempts per source address in a fixed window, kept in the database so that every
-- application server behind a proxy counts against one limit (crates/store/src/security.rs).
-- One row per address; a row whose window has passed starts again at one, and rows of windows
-- long past are removed when a new window begins.
CREATE TABLE sign_in_attempts (
    address TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    count INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_by_window ON sign_in_attempts (window_start);
