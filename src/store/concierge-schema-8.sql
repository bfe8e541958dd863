-- Schema version 8.

-- A customer's post is hidden for a reason the agent chose (personal
-- data, spam, abuse), shown beside it in the thread, and may be shown
-- again: showing it is logged too. SQLite changes a CHECK only by copying.
ALTER TABLE messages ADD COLUMN hidden_reason TEXT;

CREATE TABLE audit_log_8 (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL CHECK (action IN ('hide', 'forget', 'move', 'remove', 'override', 'purge', 'unhide')),
  reason     TEXT NOT NULL,
  account_id INTEGER,
  thread_id  INTEGER,
  message_id INTEGER,
  detail     TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_log_8 SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_8 RENAME TO audit_log;

-- Posts hidden before reasons were kept were hidden for personal data,
-- the only reason there was.
UPDATE messages SET hidden_reason = 'personal data' WHERE taken_down = 'hidden';

-- A move answers the customer's post in public only if the agent wants:
-- where the platform replies privately to the post itself (Facebook), the
-- private reply may be all. Every earlier move answered in public.
ALTER TABLE moves ADD COLUMN answers_publicly INTEGER NOT NULL DEFAULT 1;
