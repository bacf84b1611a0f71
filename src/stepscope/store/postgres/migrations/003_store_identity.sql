-- Schema version 3: a random identity for this store (mirrors the SQLite migration 003).
CREATE TABLE store_identity (id TEXT NOT NULL);
INSERT INTO store_identity VALUES (replace(gen_random_uuid()::text, '-', ''));
