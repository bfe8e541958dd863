-- Schema version 2: a message's content warning, which the conversation shows
-- in place of the text until the agent opens it. Empty for none.
ALTER TABLE messages ADD COLUMN content_warning TEXT NOT NULL DEFAULT '';
