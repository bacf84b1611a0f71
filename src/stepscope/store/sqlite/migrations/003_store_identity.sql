-- Schema version 3: a random identity for this store, so a client's write-ahead log can
-- say which store it is bound for (whatever URL or directory path reaches it).
CREATE TABLE store_identity (id TEXT NOT NULL);
INSERT INTO store_identity VALUES (lower(hex(randomblob(16))));
