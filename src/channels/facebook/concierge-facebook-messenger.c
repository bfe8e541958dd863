/* concierge-facebook-messenger.c
 *
 * The page's Messenger conversations, as private threads.
 *
 * Meta offers no feed of what is new: the conversations come most
 * recently updated first, without a time filter, so a fetch pages through
 * them until it meets the updated_time it saw last ("m" in the cursor),
 * then reads each changed conversation's messages, newest first, back to
 * that time. A thread is the person, by their page-scoped id (PSID): the
 * Send API addresses people by it, and a private reply to a comment
 * learns it before the conversation is ever listed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-attachment.h"
#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"

#define CURSOR_KEY "m"
#define PAGE_SIZE "25"
/* A first sync reads the conversations of the last two weeks. */
#define FIRST_SYNC_SECONDS (14 * 24 * 60 * 60)
#define MESSAGE_FIELDS "id,created_time,from,to,message,attachments"

typedef struct
{
  char      *id;
  char      *psid;
  char      *name;
  gint64     updated;
} Conversation;

typedef struct
{
  gint64     seen;      /* the newest updated_time of the last fetch */
  gint64     floor;     /* nothing older is read */
  gint64     newest;
  GPtrArray *changed;   /* of Conversation, newest first */
  guint      current;
  GPtrArray *messages;  /* the current conversation's, newest first */
  gboolean   unreadable; /* older messages are beyond what Meta shows */
  gint64     unreadable_at;
} MessengerFetch;

static void
conversation_free (Conversation *conversation)
{
  g_free (conversation->id);
  g_free (conversation->psid);
  g_free (conversation->name);
  g_free (conversation);
}

static void
messenger_fetch_free (MessengerFetch *state)
{
  g_ptr_array_unref (state->changed);
  g_ptr_array_unref (state->messages);
  g_free (state);
}

static MessengerFetch *
state_of (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), "concierge-facebook-messenger");
}

static JsonArray *
data_of (JsonObject *object)
{
  JsonNode *data = object ? json_object_get_member (object, "data") : NULL;

  return data != NULL && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
}

static JsonObject *
element_object (JsonArray *array,
                guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Messages */

/* A picture is kept as an image; another file as an attachment. */
static void
add_attachments (ConciergeMessage *message,
                 JsonObject       *object)
{
  JsonArray *attachments = data_of (concierge_json_object (object, "attachments"));

  for (guint i = 0; attachments != NULL && i < json_array_get_length (attachments); i++)
    {
      JsonObject *attachment = element_object (attachments, i);
      JsonObject *image = concierge_json_object (attachment, "image_data");
      const char *url = concierge_json_string (image, "url");
      const char *file_url = concierge_json_string (attachment, "file_url");

      if (url != NULL)
        {
          g_autoptr(ConciergeImage) picture =
            concierge_image_new (url, NULL, (guint) CLAMP (concierge_json_int (image, "width"), 0, G_MAXUINT16),
                                 (guint) CLAMP (concierge_json_int (image, "height"), 0, G_MAXUINT16));

          concierge_message_add_image (message, picture);
        }
      else if (file_url != NULL)
        {
          g_autoptr(ConciergeAttachment) file =
            concierge_attachment_new (CONCIERGE_ATTACHMENT_DOCUMENT, file_url, concierge_json_string (attachment, "name"),
                                      concierge_json_string (attachment, "mime_type"),
                                      concierge_json_int (attachment, "size"), 0);

          concierge_message_add_attachment (message, file);
        }
    }
}

/**
 * concierge_facebook_message_from_json:
 * @object: a Message, as the Graph API answers it
 * @page_id: the page's id, which tells its own messages
 *
 * Returns: (transfer full) (nullable): the message, its author the person
 *   when it is theirs; %NULL when it lacks its id, time or sender, as one
 *   older than Meta shows in detail does
 */
ConciergeMessage *
concierge_facebook_message_from_json (JsonObject *object,
                                      const char *page_id)
{
  JsonObject *from = concierge_json_object (object, "from");
  const char *id = concierge_json_string (object, "id");
  const char *from_id = concierge_json_string (from, "id");
  const char *text = concierge_json_string (object, "message");
  gint64 created = concierge_facebook_parse_time (concierge_json_string (object, "created_time"));
  gboolean own;
  g_autofree char *body = NULL;
  ConciergeMessage *message;

  if (id == NULL || from_id == NULL || created == 0)
    return NULL;

  own = g_strcmp0 (from_id, page_id) == 0;
  if (text != NULL && text[0] != '\0')
    body = concierge_channel_clean_text (g_utf8_make_valid (text, -1));
  else if (concierge_json_object (object, "attachments") != NULL)
    body = g_strdup (_("(A picture or file without text)"));
  else
    body = g_strdup (_("(A message without text, such as a sticker)"));

  message = concierge_message_new (id, own ? CONCIERGE_DIRECTION_OUT : CONCIERGE_DIRECTION_IN, body, created);
  add_attachments (message, object);
  if (!own)
    {
      g_autoptr(ConciergeIdentity) author =
        concierge_identity_new (CONCIERGE_FACEBOOK_ID, NULL, from_id, NULL, concierge_json_string (from, "name"));

      concierge_message_set_author (message, author);
    }
  return message;
}

/* The thread says where its older messages went: Meta shows apps only
 * the 20 most recent of a conversation in detail. */
static void
add_unreadable_notice (ConciergeIngest *ingest,
                       Conversation    *conversation,
                       gint64           at)
{
  g_autofree char *remote_id = g_strdup_printf ("older:%s", conversation->id);
  g_autoptr(ConciergeMessage) notice =
    concierge_message_new (remote_id, CONCIERGE_DIRECTION_IN,
                           _("(Earlier messages of this conversation are not shown: Facebook lets apps read only "
                             "the 20 most recent messages of a conversation.)"),
                           at);
  g_autoptr(ConciergeIdentity) author =
    concierge_identity_new (CONCIERGE_FACEBOOK_ID, NULL, conversation->psid, NULL, conversation->name);

  concierge_message_set_author (notice, author);
  concierge_ingest_add_message (ingest, conversation->psid, CONCIERGE_VISIBILITY_PRIVATE, notice);
}

static void read_messages (GTask *task, const char *after);

static void
next_conversation (GTask *task)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  ConciergeFacebookFetch *fetch = g_task_get_task_data (task);
  MessengerFetch *state = state_of (task);
  Conversation *conversation = g_ptr_array_index (state->changed, state->current);

  /* Oldest first into the ingest, as they were written. */
  if (state->unreadable)
    add_unreadable_notice (fetch->ingest, conversation, state->unreadable_at);
  for (guint i = state->messages->len; i > 0; i--)
    {
      ConciergeMessage *message = g_ptr_array_index (state->messages, i - 1);

      if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN)
        concierge_facebook_note_customer_message (self, conversation->psid, concierge_message_get_created_at (message));
      concierge_ingest_add_message (fetch->ingest, conversation->psid, CONCIERGE_VISIBILITY_PRIVATE, message);
    }

  g_ptr_array_set_size (state->messages, 0);
  state->unreadable = FALSE;
  state->current++;
  if (state->current < state->changed->len)
    {
      read_messages (task, NULL);
      return;
    }

  if (state->newest > state->seen)
    g_hash_table_replace (fetch->cursor, g_strdup (CURSOR_KEY),
                          g_strdup_printf ("%" G_GINT64_FORMAT, state->newest));
  concierge_facebook_fetch_step_done (task);
}

static void
messages_cb (GTask    *task,
             JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  MessengerFetch *state = state_of (task);
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *data = data_of (answer);
  gboolean done = FALSE;

  if (data == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }

  for (guint i = 0; i < json_array_get_length (data) && !done; i++)
    {
      JsonObject *object = element_object (data, i);
      gint64 created = concierge_facebook_parse_time (concierge_json_string (object, "created_time"));
      ConciergeMessage *message;

      /* Back to what the last fetch read; one of the same second may be
       * read again, and the store keeps it once. */
      if (created < state->floor)
        done = TRUE;
      else if ((message = concierge_facebook_message_from_json (object, self->page_id)) != NULL)
        g_ptr_array_add (state->messages, message);
      else
        {
          state->unreadable = TRUE;
          state->unreadable_at = created;
          done = TRUE;
        }
    }

  if (!done && concierge_facebook_next_cursor (answer) != NULL)
    read_messages (task, concierge_facebook_next_cursor (answer));
  else
    next_conversation (task);
}

static void
read_messages (GTask      *task,
               const char *after)
{
  MessengerFetch *state = state_of (task);
  Conversation *conversation = g_ptr_array_index (state->changed, state->current);
  g_autofree char *path = g_strdup_printf ("/%s/messages", conversation->id);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, "fields", MESSAGE_FIELDS);
  g_hash_table_insert (params, "limit", PAGE_SIZE);
  if (after != NULL)
    g_hash_table_insert (params, "after", (char *) after);
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, params, NULL, messages_cb);
}

/* Conversations */

/* The person in a conversation's participants: the one who is not the
 * page. */
static JsonObject *
find_person (JsonObject *conversation,
             const char *page_id)
{
  JsonArray *participants = data_of (concierge_json_object (conversation, "participants"));

  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = element_object (participants, i);
      const char *id = concierge_json_string (participant, "id");

      if (id != NULL && g_strcmp0 (id, page_id) != 0)
        return participant;
    }
  return NULL;
}

static void read_conversations (GTask *task, const char *after);

static void
conversations_cb (GTask    *task,
                  JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  MessengerFetch *state = state_of (task);
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *data = data_of (answer);
  gboolean done = FALSE;

  if (data == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }

  for (guint i = 0; i < json_array_get_length (data) && !done; i++)
    {
      JsonObject *object = element_object (data, i);
      JsonObject *person = find_person (object, self->page_id);
      gint64 updated = concierge_facebook_parse_time (concierge_json_string (object, "updated_time"));
      Conversation *conversation;

      /* Most recently updated first: the rest was seen before. */
      if (updated <= state->seen || updated < state->floor)
        {
          done = TRUE;
          continue;
        }
      if (person == NULL || concierge_json_string (object, "id") == NULL)
        continue;

      conversation = g_new0 (Conversation, 1);
      conversation->id = g_strdup (concierge_json_string (object, "id"));
      conversation->psid = g_strdup (concierge_json_string (person, "id"));
      conversation->name = g_strdup (concierge_json_string (person, "name"));
      conversation->updated = updated;
      g_ptr_array_add (state->changed, conversation);
      concierge_facebook_note_conversation (self, conversation->psid, conversation->id);
      state->newest = MAX (state->newest, updated);
    }

  if (!done && concierge_facebook_next_cursor (answer) != NULL)
    read_conversations (task, concierge_facebook_next_cursor (answer));
  else if (state->changed->len > 0)
    read_messages (task, NULL);
  else
    concierge_facebook_fetch_step_done (task);
}

static void
read_conversations (GTask      *task,
                    const char *after)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  g_autofree char *path = g_strdup_printf ("/%s/conversations", self->page_id);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, "platform", "messenger");
  g_hash_table_insert (params, "fields", "id,updated_time,participants");
  g_hash_table_insert (params, "limit", PAGE_SIZE);
  if (after != NULL)
    g_hash_table_insert (params, "after", (char *) after);
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, params, NULL, conversations_cb);
}

void
concierge_facebook_fetch_messenger (GTask *task)
{
  ConciergeFacebookFetch *fetch = g_task_get_task_data (task);
  MessengerFetch *state = g_new0 (MessengerFetch, 1);
  const char *seen = g_hash_table_lookup (fetch->cursor, CURSOR_KEY);

  state->seen = seen ? g_ascii_strtoll (seen, NULL, 10) : 0;
  state->floor = state->seen > 0 ? state->seen : g_get_real_time () / G_USEC_PER_SEC - FIRST_SYNC_SECONDS;
  state->changed = g_ptr_array_new_with_free_func ((GDestroyNotify) conversation_free);
  state->messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "concierge-facebook-messenger", state,
                          (GDestroyNotify) messenger_fetch_free);
  read_conversations (task, NULL);
}
