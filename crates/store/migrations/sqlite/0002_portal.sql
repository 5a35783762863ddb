-- The portal's "latest updates" list the most recently changed programmes.
CREATE INDEX programmes_updated ON programmes (updated_at);
