-- Schema version 3.

-- Personal data in a customer's message, as the app's detector found it:
-- NULL until the message is scanned; then where it stands, for the
-- conversation to mark ('' for none), and the kinds found, one bit each.
ALTER TABLE messages ADD COLUMN personal_data TEXT;
ALTER TABLE messages ADD COLUMN personal_data_kinds INTEGER NOT NULL DEFAULT 0;

-- A customer's post the platform hid or removed for personal data. The
-- cache keeps it for the agent; it no longer flags the thread.
ALTER TABLE messages ADD COLUMN taken_down TEXT CHECK (taken_down IN ('hidden', 'removed'));

-- The kinds found in the thread's customer messages, one bit each. Public
-- threads with any come first in the inbox.
ALTER TABLE threads ADD COLUMN personal_data INTEGER NOT NULL DEFAULT 0;

-- When the customer last wrote: a platform's reply window counts from it.
ALTER TABLE threads ADD COLUMN last_incoming_at INTEGER;
UPDATE threads SET last_incoming_at = (SELECT max (created_at) FROM messages m
                                       WHERE m.thread_id = threads.id AND m.direction = 'in');

-- The customer messages still to scan, after an upgrade or after the
-- company's allowed data changed.
CREATE INDEX messages_unscanned ON messages (id) WHERE personal_data IS NULL AND direction = 'in';

-- The inbox orders read the personal data from the index too, and find the
-- few public threads that hold some on their own.
DROP INDEX threads_waiting;
DROP INDEX threads_newest;
CREATE INDEX threads_waiting ON threads (waiting_since, status, visibility, account_id, personal_data);
CREATE INDEX threads_newest ON threads (last_activity_at, status, visibility, account_id, personal_data);
CREATE INDEX threads_flagged ON threads (id) WHERE visibility = 'public' AND personal_data != 0;

-- The snoozed threads whose time has come, looked for every minute.
CREATE INDEX threads_snoozed ON threads (snooze_until) WHERE status = 'snoozed';

-- Sending personal data in public after the guard warned, and purging old
-- conversations, are logged too. SQLite changes a CHECK only by copying.
CREATE TABLE audit_log_3 (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL CHECK (action IN ('hide', 'forget', 'move', 'remove', 'override', 'purge')),
  reason     TEXT NOT NULL,
  account_id INTEGER,
  thread_id  INTEGER,
  message_id INTEGER,
  detail     TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_log_3 SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_3 RENAME TO audit_log;

-- Moving a public conversation to a private one. Its steps are outbox
-- entries that name the move, sent in the order they were queued: an
-- entry waits while an earlier one of its move is still in the outbox,
-- so that the public reply never goes out before the private message.
-- A step's message id turns NULL when a sync brought the sent message in
-- first; reaches_privately tells that from a move without a private step.
-- The post step is done when none of its entries is left.
CREATE TABLE moves (
  id                 INTEGER PRIMARY KEY,
  public_thread_id   INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  private_thread_id  INTEGER REFERENCES threads (id) ON DELETE SET NULL,
  reaches_privately  INTEGER NOT NULL,
  private_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  public_message_id  INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  post_action        TEXT NOT NULL CHECK (post_action IN ('hide', 'remove', 'keep')),
  created_at         INTEGER NOT NULL
);
CREATE INDEX moves_public_thread ON moves (public_thread_id);
CREATE INDEX moves_private_thread ON moves (private_thread_id);

-- An operation on someone else's message, such as hiding a customer's
-- post, has no send state of its own: the outbox keeps it.
ALTER TABLE outbox ADD COLUMN move_id INTEGER REFERENCES moves (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN state TEXT CHECK (state IN ('queued', 'sending', 'failed'));
CREATE INDEX outbox_move ON outbox (move_id) WHERE move_id IS NOT NULL;

-- When the cache learnt that the author deleted a message on the platform.
-- The agent keeps reading it, marked as deleted.
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;

-- The images in messages, which take the place of the attachments table
-- that nothing wrote to. The cache keeps their bytes, so that a
-- conversation reads offline as it did online. The source is the
-- platform's reference to the image: an address, or a file id. A download
-- that failed is tried again a few times, counted in attempts.
CREATE TABLE images (
  id          INTEGER PRIMARY KEY,
  message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  source      TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  width       INTEGER NOT NULL DEFAULT 0,
  height      INTEGER NOT NULL DEFAULT 0,
  data        BLOB,
  attempts    INTEGER NOT NULL DEFAULT 0,
  UNIQUE (message_id, position)
);
DROP TABLE attachments;
CREATE INDEX images_to_fetch ON images (id) WHERE data IS NULL AND attempts < 3;

-- How the customer wants to be written to: 'de' or 'en', and in German
-- 'formal' (Sie) or 'informal' (du). NULL until the agent chose; until
-- then the conversation guesses from the customer's messages.
ALTER TABLE contacts ADD COLUMN language TEXT CHECK (language IN ('de', 'en'));
ALTER TABLE contacts ADD COLUMN address TEXT CHECK (address IN ('formal', 'informal'));

-- What the agent started to write in a thread, kept across restarts.
CREATE TABLE drafts (
  thread_id  INTEGER PRIMARY KEY REFERENCES threads (id) ON DELETE CASCADE,
  text       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- The agent's messages by time: the template warning looks for the same
-- text sent to another customer the same day.
CREATE INDEX messages_sent ON messages (created_at) WHERE direction = 'out';

-- The agent's saved replies: texts they answer with often, written in one
-- language and one form of address, with variables such as
-- {customer.first_name} that the composer fills in. Importing a team's
-- file looks for each reply by its title and text.
CREATE TABLE saved_replies (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL CHECK (title != ''),
  text       TEXT NOT NULL CHECK (text != ''),
  language   TEXT NOT NULL CHECK (language IN ('de', 'en')),
  address    TEXT NOT NULL CHECK (address IN ('formal', 'informal')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX saved_replies_title ON saved_replies (title);

-- What the agent knows of a customer beyond the name. Contracts, orders
-- and tags hold lists, written "a, b".
ALTER TABLE contacts ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN customer_number TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN contracts TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN orders TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- Merging two contacts keeps the one merged away, hidden behind the one
-- that stays, with what the agent knew of it; its identities and threads
-- remember it, so that the merge can be undone. Forgetting a customer
-- takes the contacts merged into them along.
ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts (id) ON DELETE CASCADE;
-- The fields the merge filled in on the contact that stays, one bit each,
-- which undoing the merge empties again.
ALTER TABLE contacts ADD COLUMN merge_filled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN merged_from INTEGER REFERENCES contacts (id) ON DELETE SET NULL;
ALTER TABLE threads ADD COLUMN merged_from INTEGER REFERENCES contacts (id) ON DELETE SET NULL;
CREATE INDEX contacts_merged ON contacts (merged_into) WHERE merged_into IS NOT NULL;

-- Two contacts the agent separated, or said are different people: they
-- are not suggested for a merge again.
CREATE TABLE distinct_contacts (
  contact_id       INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  other_contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  PRIMARY KEY (contact_id, other_contact_id)
) WITHOUT ROWID;

-- The messages of forgotten customers and of purged conversations, so that
-- a sync does not bring them back. Each is a keyed SHA-256 of the message's
-- account, conversation and id, and nothing else: a Telegram chat id is the
-- customer's user id, so no id is kept as it is.
CREATE TABLE tombstones (
  hash BLOB PRIMARY KEY
) WITHOUT ROWID;

