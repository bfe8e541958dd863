/* concierge-facebook-messenger-send.c
 *
 * The page's answers on Messenger through the Send API, within Meta's
 * reply window, and private replies to comments.
 *
 * Meta lets a page answer a person for 24 hours after their last message
 * (messaging_type RESPONSE). For 7 days, a person's answer may still go
 * out with the HUMAN_AGENT tag, but only from an app that Meta approved
 * for its Human Agent permission; after that, the person has to write
 * first. Meta has no call that tells whether an app was approved, so the
 * agent says so in the account's preferences.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"

/* A sent message a cut-off request may have left is looked for among
 * this many of the conversation's newest. */
#define FIND_SENT_MESSAGES "10"
/* How far the page's clock and Meta's may differ. */
#define CLOCK_SLACK 120

typedef struct
{
  char   *psid;
  char   *text;
  gint64  queued_at;
} SendMessage;

static void
send_message_free (SendMessage *send)
{
  g_free (send->psid);
  g_free (send->text);
  g_free (send);
}

/* What the fetch learnt */

void
concierge_facebook_note_customer_message (ConciergeFacebook *self,
                                          const char        *psid,
                                          gint64             created_at)
{
  gint64 *known = g_hash_table_lookup (self->last_incoming, psid);

  if (known == NULL)
    {
      known = g_new0 (gint64, 1);
      g_hash_table_insert (self->last_incoming, g_strdup (psid), known);
    }
  *known = MAX (*known, created_at);
}

void
concierge_facebook_note_conversation (ConciergeFacebook *self,
                                      const char        *psid,
                                      const char        *conversation_id)
{
  g_hash_table_replace (self->conversations, g_strdup (psid), g_strdup (conversation_id));
}

/* The window */

/**
 * concierge_facebook_reply_window:
 * @last_incoming: when the person last wrote, or 0 if never
 * @human_agent: whether the app has Meta's Human Agent permission
 * @error: why no answer can go out now
 *
 * Returns: the messaging type an answer goes out with now, "RESPONSE" or
 *   "MESSAGE_TAG" (with the HUMAN_AGENT tag), or %NULL with @error set
 */
const char *
concierge_facebook_reply_window (gint64    last_incoming,
                                 gint64    now,
                                 gboolean  human_agent,
                                 GError  **error)
{
  gint64 age = now - last_incoming;

  if (last_incoming == 0)
    {
      g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                           _("This person has not written to the page on Messenger, so Facebook lets the page "
                             "write only once they do."));
      return NULL;
    }
  if (age <= CONCIERGE_FACEBOOK_STANDARD_WINDOW)
    return "RESPONSE";
  if (age <= CONCIERGE_FACEBOOK_HUMAN_AGENT_WINDOW && human_agent)
    return "MESSAGE_TAG";
  if (age <= CONCIERGE_FACEBOOK_HUMAN_AGENT_WINDOW)
    g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                         _("The customer’s last message is more than 24 hours old. Facebook then takes answers "
                           "only with the human-agent tag, which needs Meta’s Human Agent permission for the "
                           "page’s app; it does not have it (Preferences → Accounts). The customer has to write "
                           "again first."));
  else
    g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                         _("The customer’s last message is more than 7 days old, so Facebook takes no answer "
                           "from the page now. The customer has to write first."));
  return NULL;
}

/* Sending */

/**
 * concierge_facebook_sent_message_from_json:
 * @answer: the Send API's answer, {"recipient_id", "message_id"}
 * @text: what was sent
 * @psid: (nullable): to whom, where the answer does not say
 *
 * Returns: (transfer full) (nullable): the sent message in the private
 *   thread with the person, or %NULL when the answer has no message id:
 *   no proof that anything went out
 */
ConciergeMessage *
concierge_facebook_sent_message_from_json (JsonObject *answer,
                                           const char *text,
                                           const char *psid)
{
  const char *message_id = concierge_json_string (answer, "message_id");
  const char *recipient = concierge_json_string (answer, "recipient_id");
  ConciergeMessage *message;

  if (message_id == NULL || (recipient == NULL && psid == NULL))
    return NULL;

  message = concierge_message_new (message_id, CONCIERGE_DIRECTION_OUT, text, g_get_real_time () / G_USEC_PER_SEC);
  concierge_message_set_thread_remote_id (message, recipient ? recipient : psid);
  return message;
}

static void
sent_cb (GTask    *task,
         JsonNode *root)
{
  SendMessage *send = g_task_get_task_data (task);
  ConciergeMessage *message = NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    message = concierge_facebook_sent_message_from_json (json_node_get_object (root), send->text, send->psid);
  if (message == NULL)
    concierge_facebook_return_unreadable (task);
  else
    g_task_return_pointer (task, message, g_object_unref);
}

static void
post_message (GTask      *task,
              const char *recipient_member,
              const char *recipient,
              const char *messaging_type)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  SendMessage *send = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/%s/messages", self->page_id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "recipient");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, recipient_member);
  json_builder_add_string_value (builder, recipient);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "messaging_type");
  json_builder_add_string_value (builder, messaging_type);
  if (g_str_equal (messaging_type, "MESSAGE_TAG"))
    {
      json_builder_set_member_name (builder, "tag");
      json_builder_add_string_value (builder, "HUMAN_AGENT");
    }
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, send->text);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  concierge_facebook_request_json (task, SOUP_METHOD_POST, path, NULL, body, sent_cb);
}

static void
send_within_window (GTask  *task,
                    gint64  last_incoming)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  SendMessage *send = g_task_get_task_data (task);
  GError *error = NULL;
  const char *messaging_type;

  messaging_type = concierge_facebook_reply_window (last_incoming, g_get_real_time () / G_USEC_PER_SEC,
                                                    self->human_agent, &error);
  if (messaging_type == NULL)
    g_task_return_error (task, error);
  else
    post_message (task, "id", send->psid, messaging_type);
}

/* The person's newest message among a conversation's, newest first, or
 * the page's own with the text sent. */
static JsonObject *
find_in_conversation (JsonNode   *root,
                      const char *from_id,
                      const char *text,
                      gint64      not_before)
{
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *data = answer ? json_object_get_member (answer, "data") : NULL;
  JsonArray *conversations = data && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
  JsonNode *first = conversations && json_array_get_length (conversations) > 0
                      ? json_array_get_element (conversations, 0) : NULL;
  JsonObject *messages_object = first && JSON_NODE_HOLDS_OBJECT (first)
                                  ? concierge_json_object (json_node_get_object (first), "messages") : NULL;
  JsonNode *messages_node = messages_object ? json_object_get_member (messages_object, "data") : NULL;
  JsonArray *messages = messages_node && JSON_NODE_HOLDS_ARRAY (messages_node) ? json_node_get_array (messages_node)
                                                                              : NULL;

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *message = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *from = concierge_json_string (concierge_json_object (message, "from"), "id");

      if (g_strcmp0 (from, from_id) != 0)
        continue;
      if (text == NULL)
        return message;
      if (g_strcmp0 (concierge_json_string (message, "message"), text) == 0 &&
          concierge_facebook_parse_time (concierge_json_string (message, "created_time")) >= not_before)
        return message;
    }
  return NULL;
}

/* The conversation with one person, with its newest messages. */
static void
look_up_conversation (GTask                         *task,
                      const char                    *psid,
                      ConciergeFacebookJsonCallback  callback)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  g_autofree char *path = g_strdup_printf ("/%s/conversations", self->page_id);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (params, "platform", "messenger");
  g_hash_table_insert (params, "user_id", (char *) psid);
  g_hash_table_insert (params, "fields", "id,messages.limit(" FIND_SENT_MESSAGES "){id,created_time,from,message}");
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, params, NULL, callback);
}

static void
window_looked_up_cb (GTask    *task,
                     JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  SendMessage *send = g_task_get_task_data (task);
  JsonObject *last = find_in_conversation (root, send->psid, NULL, 0);
  gint64 at = concierge_facebook_parse_time (concierge_json_string (last, "created_time"));

  if (at > 0)
    concierge_facebook_note_customer_message (self, send->psid, at);
  send_within_window (task, at);
}

static SendMessage *
send_message_new (GTask                *task,
                  ConciergeOutboxEntry *entry)
{
  SendMessage *send = g_new0 (SendMessage, 1);

  send->psid = g_strdup (entry->recipient_remote_id ? entry->recipient_remote_id : entry->thread_remote_id);
  send->text = g_strdup (entry->text);
  send->queued_at = entry->created_at;
  g_task_set_task_data (task, send, (GDestroyNotify) send_message_free);
  return send;
}

/* An answer in a private thread, to the person the thread is. Whether the
 * window is open is known from the last fetch; a thread the fetch has
 * not seen since Concierge started is asked about first. */
void
concierge_facebook_send_message (GTask                *task,
                                 ConciergeOutboxEntry *entry)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  SendMessage *send = send_message_new (task, entry);
  gint64 *last_incoming;

  if (send->psid == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("Concierge does not know whom this Messenger conversation is with."));
      return;
    }

  last_incoming = g_hash_table_lookup (self->last_incoming, send->psid);
  if (last_incoming != NULL)
    send_within_window (task, *last_incoming);
  else
    look_up_conversation (task, send->psid, window_looked_up_cb);
}

/**
 * concierge_facebook_send_private_reply:
 * @task: whose source object is the #ConciergeFacebook; returns the sent
 *   #ConciergeMessage, whose thread remote id is the person's PSID
 * @comment_id: the comment answered
 * @text: the message
 *
 * Sends the one private reply Meta allows to a comment, within 7 days of
 * it. It opens a Messenger conversation with the comment's author, which
 * goes on once they answer.
 */
void
concierge_facebook_send_private_reply (GTask      *task,
                                       const char *comment_id,
                                       const char *text)
{
  SendMessage *send = g_new0 (SendMessage, 1);

  send->text = g_strdup (text);
  g_task_set_task_data (task, send, (GDestroyNotify) send_message_free);
  /* "All messaging types available for using the Send API are available
   * for private replies": an answer to the comment is a response. */
  post_message (task, "comment_id", comment_id, "RESPONSE");
}

/* A send cut off */

static void
sent_looked_up_cb (GTask    *task,
                   JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  SendMessage *send = g_task_get_task_data (task);
  JsonObject *found = find_in_conversation (root, self->page_id, send->text, send->queued_at - CLOCK_SLACK);
  ConciergeMessage *message;

  if (found == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  message = concierge_facebook_message_from_json (found, self->page_id);
  if (message == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }
  concierge_message_set_thread_remote_id (message, send->psid);
  g_task_return_pointer (task, message, g_object_unref);
}

/* The Send API takes no idempotency key. A request that may have arrived
 * is looked for among the conversation's newest messages: the page's own
 * with the same text, sent since it was queued. */
void
concierge_facebook_find_sent_message (GTask                *task,
                                      ConciergeOutboxEntry *entry)
{
  SendMessage *send = send_message_new (task, entry);

  if (send->psid == NULL)
    g_task_return_pointer (task, NULL, NULL);
  else
    look_up_conversation (task, send->psid, sent_looked_up_cb);
}
