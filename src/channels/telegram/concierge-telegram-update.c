/* concierge-telegram-update.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "channels/concierge-channel.h"
#include "model/concierge-json.h"
#include "concierge-telegram.h"
#include "concierge-telegram-update.h"

/**
 * concierge_telegram_person_name:
 * @user: a User
 *
 * Returns: (transfer full): the name a person reads
 */
char *
concierge_telegram_person_name (JsonObject *user)
{
  const char *first = concierge_json_string (user, "first_name");
  const char *last = concierge_json_string (user, "last_name");

  if (first != NULL && last != NULL)
    return g_strdup_printf ("%s %s", first, last);
  return g_strdup (first ? first : last ? last : concierge_json_string (user, "username"));
}

/* The customer wrote "@bot" in a group; Telegram marks that as a mention
 * entity, and the text holds it as written. */
static gboolean
mentions_bot (const char *text,
              const char *bot_username)
{
  g_autofree char *folded_text = NULL;
  g_autofree char *wanted = NULL;

  if (text == NULL || bot_username == NULL)
    return FALSE;

  folded_text = g_utf8_casefold (text, -1);
  wanted = g_utf8_casefold (bot_username, -1);
  for (const char *at = strchr (folded_text, '@'); at != NULL; at = strchr (at + 1, '@'))
    {
      const char *end = at + 1 + strlen (wanted);

      if (strncmp (at + 1, wanted, strlen (wanted)) == 0 &&
          !g_ascii_isalnum (*end) && *end != '_')
        return TRUE;
    }

  return FALSE;
}

/* Telegram sends a photo in several sizes, smallest first. The largest
 * that fits a conversation is enough to read a screenshot, and small
 * enough to keep. */
#define PHOTO_MAX_SIDE 1280

static JsonObject *
choose_photo (JsonObject *message)
{
  JsonNode *node = json_object_get_member (message, "photo");
  JsonObject *chosen = NULL;
  JsonArray *sizes;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  sizes = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (sizes); i++)
    {
      JsonNode *element = json_array_get_element (sizes, i);
      JsonObject *size;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          concierge_json_string ((size = json_node_get_object (element)), "file_id") == NULL)
        continue;
      if (chosen == NULL ||
          (MAX (concierge_json_int (size, "width"), concierge_json_int (size, "height")) <= PHOTO_MAX_SIDE &&
           concierge_json_int (size, "width") > concierge_json_int (chosen, "width")))
        chosen = size;
    }

  return chosen;
}

/* "1:05", or "1:02:05" past an hour. */
static char *
format_duration (gint64 seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (seconds / 3600), (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

/* What the file is, where Telegram says: its length and size, joined as
 * "0:07, 30.7 kB", or NULL when it says neither. */
static char *
describe_extent (JsonObject *file)
{
  gint64 duration = concierge_json_int (file, "duration");
  gint64 size = concierge_json_int (file, "file_size");
  g_autofree char *length = duration > 0 ? format_duration (duration) : NULL;
  g_autofree char *bytes = size > 0 ? g_format_size ((guint64) size) : NULL;

  if (length != NULL && bytes != NULL)
    return g_strdup_printf ("%s, %s", length, bytes);
  return g_strdup (length ? length : bytes);
}

/* A document, voice or video message, audio, video or sticker as a line
 * that says what it is; NULL for a message without one. */
static char *
describe_file (JsonObject *message)
{
  JsonObject *file;
  g_autofree char *extent = NULL;
  const char *name;

  if ((file = concierge_json_object (message, "sticker")) != NULL)
    {
      const char *emoji = concierge_json_string (file, "emoji");

      /* Translators: %s is the emoji the sticker stands for */
      return emoji ? g_strdup_printf (_("Sticker %s"), emoji) : g_strdup (_("Sticker"));
    }

  if ((file = concierge_json_object (message, "voice")) != NULL)
    {
      extent = describe_extent (file);
      /* Translators: %s is its length and size, as in "0:07, 30.7 kB" */
      return extent ? g_strdup_printf (_("Voice message (%s)"), extent) : g_strdup (_("Voice message"));
    }
  if ((file = concierge_json_object (message, "video_note")) != NULL)
    {
      extent = describe_extent (file);
      /* Translators: a round video message; %s is its length and size */
      return extent ? g_strdup_printf (_("Video message (%s)"), extent) : g_strdup (_("Video message"));
    }

  if ((file = concierge_json_object (message, "document")) != NULL)
    {
      name = concierge_json_string (file, "file_name");
      extent = describe_extent (file);
      /* Translators: a file the customer sent; %s is its name, then its size */
      return g_strdup_printf (_("Document “%s” (%s)"), name ? name : _("without a name"), extent ? extent : "?");
    }
  if ((file = concierge_json_object (message, "audio")) != NULL)
    {
      name = concierge_json_string (file, "file_name");
      if (name == NULL)
        name = concierge_json_string (file, "title");
      extent = describe_extent (file);
      /* Translators: %s is its name, then its length and size */
      return g_strdup_printf (_("Audio “%s” (%s)"), name ? name : _("without a name"), extent ? extent : "?");
    }
  if ((file = concierge_json_object (message, "video")) != NULL)
    {
      name = concierge_json_string (file, "file_name");
      extent = describe_extent (file);
      if (name == NULL)
        /* Translators: %s is its length and size */
        return g_strdup_printf (_("Video (%s)"), extent ? extent : "?");
      /* Translators: %s is its name, then its length and size */
      return g_strdup_printf (_("Video “%s” (%s)"), name, extent ? extent : "?");
    }

  return NULL;
}

/* The file a message brings, kept as what it is beside the line that
 * describes it; NULL for a message without one. */
static ConciergeAttachment *
attachment_from_json (JsonObject *message)
{
  static const struct
  {
    const char             *member;
    ConciergeAttachmentKind kind;
  } kinds[] = {
    { "document", CONCIERGE_ATTACHMENT_DOCUMENT },
    { "voice", CONCIERGE_ATTACHMENT_VOICE },
    { "audio", CONCIERGE_ATTACHMENT_AUDIO },
    { "video", CONCIERGE_ATTACHMENT_VIDEO },
    { "video_note", CONCIERGE_ATTACHMENT_VIDEO_NOTE },
    { "sticker", CONCIERGE_ATTACHMENT_STICKER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      JsonObject *file = concierge_json_object (message, kinds[i].member);
      const char *file_id = file ? concierge_json_string (file, "file_id") : NULL;
      const char *name;

      if (file_id == NULL)
        continue;
      name = concierge_json_string (file, "file_name");
      if (name == NULL && kinds[i].kind == CONCIERGE_ATTACHMENT_AUDIO)
        name = concierge_json_string (file, "title");
      return concierge_attachment_new (kinds[i].kind, file_id, name,
                                       concierge_json_string (file, "mime_type"),
                                       concierge_json_int (file, "file_size"),
                                       concierge_json_int (file, "duration"));
    }
  return NULL;
}

/**
 * concierge_telegram_message_from_json:
 * @object: a Message
 * @bot_id: the bot's own user id, which tells its own messages
 *
 * Returns: (transfer full): the message, with its author's identity when
 *   someone else wrote it, or %NULL with @error set
 */
ConciergeMessage *
concierge_telegram_message_from_json (JsonObject  *object,
                                      gint64       bot_id,
                                      GError     **error)
{
  JsonObject *chat = concierge_json_object (object, "chat");
  JsonObject *from = concierge_json_object (object, "from");
  gint64 chat_id = concierge_json_int (chat, "id");
  gint64 message_id = concierge_json_int (object, "message_id");
  gint64 date = concierge_json_int (object, "date");
  const char *text = concierge_json_string (object, "text");
  g_autofree char *remote_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *file = NULL;
  g_autoptr(ConciergeAttachment) attachment = NULL;
  ConciergeMessage *message;
  JsonObject *photo;
  gboolean own;

  if (chat_id == 0 || message_id == 0 || date == 0)
    {
      g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("Telegram sent a message Concierge cannot read."));
      return NULL;
    }

  if (text == NULL)
    text = concierge_json_string (object, "caption");
  photo = choose_photo (object);
  file = describe_file (object);
  if (file != NULL && text != NULL)
    {
      g_autofree char *caption = g_utf8_make_valid (text, -1);

      body = concierge_channel_clean_text (g_strdup_printf ("%s\n%s", file, caption));
    }
  else if (file != NULL)
    body = concierge_channel_clean_text (g_steal_pointer (&file));
  else if (text != NULL)
    body = concierge_channel_clean_text (g_utf8_make_valid (text, -1));
  else if (photo != NULL)
    body = g_strdup (_("(A photo without a caption)"));
  else
    body = g_strdup (_("(A message without text, such as a sticker)"));

  /* Message ids count within their chat only. */
  remote_id = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, chat_id, message_id);
  own = from != NULL && concierge_json_int (from, "id") == bot_id;
  message = concierge_message_new (remote_id, own ? CONCIERGE_DIRECTION_OUT : CONCIERGE_DIRECTION_IN, body, date);
  concierge_message_set_edited_at (message, concierge_json_int (object, "edit_date"));
  if (photo != NULL)
    {
      g_autoptr(ConciergeImage) image =
        concierge_image_new (concierge_json_string (photo, "file_id"), NULL,
                             (guint) CLAMP (concierge_json_int (photo, "width"), 0, G_MAXUINT16),
                             (guint) CLAMP (concierge_json_int (photo, "height"), 0, G_MAXUINT16));

      concierge_message_add_image (message, image);
    }
  attachment = attachment_from_json (object);
  if (attachment != NULL)
    concierge_message_add_attachment (message, attachment);

  if (from != NULL && !own)
    {
      g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT, concierge_json_int (from, "id"));
      g_autofree char *handle = concierge_json_string (from, "username")
                                  ? g_strdup_printf ("@%s", concierge_json_string (from, "username")) : NULL;
      g_autofree char *name = concierge_telegram_person_name (from);
      g_autoptr(ConciergeIdentity) author = concierge_identity_new (CONCIERGE_TELEGRAM_ID, NULL, user_id, handle, name);

      concierge_message_set_author (message, author);
    }

  return message;
}

void
concierge_telegram_item_clear (ConciergeTelegramItem *item)
{
  g_clear_pointer (&item->thread_remote_id, g_free);
  g_clear_object (&item->message);
}

/**
 * concierge_telegram_read_update:
 * @update: an Update
 * @bot_id: the bot's own user id
 * @bot_username: the bot's username, without "@"
 * @update_id: (out): the update's id
 * @item: (out caller-allocates): the message for the inbox; its message is
 *   %NULL when the update is nothing for the agent
 *
 * A private chat is a private thread. In a group, a message that mentions
 * the bot or answers one of its messages joins a public thread of its
 * author in that group; the rest of the group's talk is not the agent's
 * business.
 *
 * Returns: %FALSE with @error set when the update cannot be read
 */
gboolean
concierge_telegram_read_update (JsonNode              *update,
                                gint64                 bot_id,
                                const char            *bot_username,
                                gint64                *update_id,
                                ConciergeTelegramItem *item,
                                GError               **error)
{
  JsonObject *object, *message, *chat, *from, *reply_to;
  const char *type;
  gint64 chat_id;

  g_return_val_if_fail (update != NULL, FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  *item = (ConciergeTelegramItem) { NULL };
  object = JSON_NODE_HOLDS_OBJECT (update) ? json_node_get_object (update) : NULL;
  if (object == NULL || (*update_id = concierge_json_int (object, "update_id")) == 0)
    {
      g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("Telegram sent an update Concierge cannot read."));
      return FALSE;
    }

  message = concierge_json_object (object, "message");
  if (message == NULL)
    message = concierge_json_object (object, "edited_message");
  chat = concierge_json_object (message, "chat");
  from = concierge_json_object (message, "from");
  type = concierge_json_string (chat, "type");
  chat_id = concierge_json_int (chat, "id");
  if (message == NULL || from == NULL || type == NULL)
    return TRUE;

  if (g_str_equal (type, "private"))
    {
      item->thread_remote_id = g_strdup_printf ("chat:%" G_GINT64_FORMAT, chat_id);
      item->visibility = CONCIERGE_VISIBILITY_PRIVATE;
    }
  else if (g_str_equal (type, "group") || g_str_equal (type, "supergroup"))
    {
      const char *text = concierge_json_string (message, "text");

      reply_to = concierge_json_object (message, "reply_to_message");
      if (!mentions_bot (text ? text : concierge_json_string (message, "caption"), bot_username) &&
          (reply_to == NULL || concierge_json_int (concierge_json_object (reply_to, "from"), "id") != bot_id))
        return TRUE;

      item->thread_remote_id = g_strdup_printf ("chat:%" G_GINT64_FORMAT ":user:%" G_GINT64_FORMAT,
                                                chat_id, concierge_json_int (from, "id"));
      item->visibility = CONCIERGE_VISIBILITY_PUBLIC;
    }
  else
    return TRUE;

  item->message = concierge_telegram_message_from_json (message, bot_id, error);
  if (item->message == NULL)
    {
      concierge_telegram_item_clear (item);
      return FALSE;
    }

  return TRUE;
}
