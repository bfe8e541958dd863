-- Schema version 6.

-- The files in messages beside their images: documents, voice messages,
-- audio, video, round video messages and stickers, as the platform named
-- them. The source is the platform's reference to the file (a Telegram
-- file id). The cache keeps the bytes of those the agent wants to read
-- offline, up to the size chosen in the preferences; attempts counts
-- downloads that failed, as for images.
CREATE TABLE files (
  id          INTEGER PRIMARY KEY,
  message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  source      TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  mime_type   TEXT NOT NULL DEFAULT '',
  size        INTEGER NOT NULL DEFAULT 0,
  duration    INTEGER NOT NULL DEFAULT 0,
  data        BLOB,
  attempts    INTEGER NOT NULL DEFAULT 0,
  UNIQUE (message_id, position)
);
CREATE INDEX files_to_fetch ON files (id) WHERE data IS NULL AND attempts < 3;
