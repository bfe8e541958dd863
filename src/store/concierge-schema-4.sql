-- Schema version 4.

-- Whom a customer's post reached, as the platform tells it: 'public',
-- 'unlisted', 'followers' (the author's followers) or 'direct'. A reply
-- keeps the audience of the post it answers; a thread's is that of its
-- customer's latest post. The visibility stays public or private, and
-- the inbox, the guard and the move key on it: unlisted and followers-only
-- posts are public conversations. NULL where a platform has no audiences,
-- and for what the cache held before: the visibility then says it all.
ALTER TABLE threads ADD COLUMN audience TEXT CHECK (audience IN ('public', 'unlisted', 'followers', 'direct'));
ALTER TABLE messages ADD COLUMN audience TEXT CHECK (audience IN ('public', 'unlisted', 'followers', 'direct'));
