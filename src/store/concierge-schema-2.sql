-- Schema version 2.

-- A message's content warning, which the conversation shows in place of the
-- text until the agent opens it. Empty for none.
ALTER TABLE messages ADD COLUMN content_warning TEXT NOT NULL DEFAULT '';

-- An account the agent removed but whose cached conversations they kept:
-- it is not synced, and its secret is gone.
ALTER TABLE accounts ADD COLUMN signed_out INTEGER NOT NULL DEFAULT 0 CHECK (signed_out IN (0, 1));
