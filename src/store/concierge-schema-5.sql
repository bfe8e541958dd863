-- Schema version 5.

-- One of the agent's messages that the platform brought, not the outbox:
-- written on the web, on a phone or in another app. The conversation says
-- so at the message.
ALTER TABLE messages ADD COLUMN sent_elsewhere INTEGER NOT NULL DEFAULT 0;
