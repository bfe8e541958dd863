-- Schema version 1. Never edit this file once released: a later version adds
-- concierge-schema-N.sql with the steps from N-1 to N.

CREATE TABLE profile (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The platform accounts the agent answers from. Credentials live in the
-- keyring, never here.
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY,
  platform       TEXT NOT NULL,
  display_name   TEXT NOT NULL,
  handle         TEXT NOT NULL DEFAULT '',
  server_url     TEXT NOT NULL DEFAULT '',
  remote_user_id TEXT NOT NULL DEFAULT '',
  UNIQUE (platform, server_url, remote_user_id)
);

-- A customer, across all platforms.
CREATE TABLE contacts (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- One handle on one platform, linked to the customer it belongs to.
CREATE TABLE identities (
  id           INTEGER PRIMARY KEY,
  contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  platform     TEXT NOT NULL,
  server_url   TEXT NOT NULL DEFAULT '',
  remote_id    TEXT NOT NULL,
  handle       TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  UNIQUE (platform, server_url, remote_id)
);
CREATE INDEX identities_contact ON identities (contact_id);

-- Times are Unix seconds in UTC.
CREATE TABLE threads (
  id                INTEGER PRIMARY KEY,
  account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  contact_id        INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
  visibility        TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  remote_id         TEXT NOT NULL,
  remote_root_id    TEXT NOT NULL DEFAULT '',
  snippet           TEXT NOT NULL DEFAULT '',
  status            TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
  snooze_until      INTEGER,
  waiting_since     INTEGER,
  first_response_at INTEGER,
  last_activity_at  INTEGER NOT NULL,
  unread            INTEGER NOT NULL DEFAULT 0 CHECK (unread IN (0, 1)),
  moved_to_id       INTEGER REFERENCES threads (id) ON DELETE SET NULL,
  UNIQUE (account_id, remote_id)
);
-- The two inbox orders, longest waiting first and newest first. The
-- filters' columns are in the indexes, so an inbox reads its order from the
-- index alone.
CREATE INDEX threads_waiting ON threads (waiting_since, status, visibility, account_id);
CREATE INDEX threads_newest ON threads (last_activity_at, status, visibility, account_id);
CREATE INDEX threads_contact ON threads (contact_id);

-- A message's id grows with its time (see the store's ingest), so the
-- full-text index, which keeps rowids in order, finds the newest first.
CREATE TABLE messages (
  id                 INTEGER PRIMARY KEY,
  thread_id          INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  remote_id          TEXT,
  direction          TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  author_identity_id INTEGER REFERENCES identities (id) ON DELETE SET NULL,
  body               TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  edited_at          INTEGER,
  send_state         TEXT NOT NULL DEFAULT 'sent'
                     CHECK (send_state IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
  visibility         TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  UNIQUE (thread_id, remote_id)
);
CREATE INDEX messages_thread ON messages (thread_id, created_at);
CREATE INDEX messages_author ON messages (author_identity_id);

CREATE TABLE attachments (
  id          INTEGER PRIMARY KEY,
  message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  remote_url  TEXT NOT NULL DEFAULT '',
  mime_type   TEXT NOT NULL DEFAULT '',
  file_name   TEXT NOT NULL DEFAULT '',
  size        INTEGER,
  width       INTEGER,
  height      INTEGER,
  description TEXT NOT NULL DEFAULT '',
  cached_path TEXT
);
CREATE INDEX attachments_message ON attachments (message_id);

-- Internal notes are for the team only and never leave the app.
CREATE TABLE notes (
  id         INTEGER PRIMARY KEY,
  thread_id  INTEGER REFERENCES threads (id) ON DELETE CASCADE,
  contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
  author     TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK (thread_id IS NOT NULL OR contact_id IS NOT NULL)
);
CREATE INDEX notes_thread ON notes (thread_id);
CREATE INDEX notes_contact ON notes (contact_id);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE thread_tags (
  thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  tag_id    INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (thread_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX thread_tags_tag ON thread_tags (tag_id);

-- Operations waiting for the network. A row is written before any request,
-- so a reply survives crashes and restarts.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  thread_id       INTEGER REFERENCES threads (id) ON DELETE CASCADE,
  message_id      INTEGER REFERENCES messages (id) ON DELETE CASCADE,
  operation       TEXT NOT NULL,
  payload         TEXT NOT NULL DEFAULT '{}',
  idempotency_key TEXT NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_account ON outbox (account_id, next_attempt_at);

-- Who hid, forgot or moved what, why and when. References are plain values,
-- not foreign keys, so the record outlives what it describes.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL CHECK (action IN ('hide', 'forget', 'move', 'remove')),
  reason     TEXT NOT NULL,
  account_id INTEGER,
  thread_id  INTEGER,
  message_id INTEGER,
  detail     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sync_state (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  stream     TEXT NOT NULL,
  cursor     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, stream)
) WITHOUT ROWID;

-- Full-text search. External content: the text lives once, in messages and
-- contacts, and the triggers keep the indexes in step.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body, content = 'messages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;

CREATE VIRTUAL TABLE contacts_fts USING fts5 (
  name, content = 'contacts', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO contacts_fts (rowid, name) VALUES (new.id, new.name);
END;
