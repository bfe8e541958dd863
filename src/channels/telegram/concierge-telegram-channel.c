/* concierge-telegram-channel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "model/concierge-json.h"
#include "concierge-telegram-channel-private.h"
#include "concierge-telegram-update.h"

/* Telegram's own limit for a message's text. */
#define MAX_TEXT_LENGTH 4096
/* How long a getUpdates call waits on the server for news. */
#define LONG_POLL_SECONDS 25

/* Talking to the Bot API */

static void concierge_telegram_channel_init (ConciergeChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeTelegram, concierge_telegram, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_CHANNEL, concierge_telegram_channel_init))

static void
concierge_telegram_finalize (GObject *object)
{
  ConciergeTelegram *self = CONCIERGE_TELEGRAM (object);

  g_clear_object (&self->session);
  g_free (self->api_url);
  if (self->bot_token != NULL)
    memset (self->bot_token, 0, strlen (self->bot_token));
  g_free (self->bot_token);
  g_free (self->bot_username);
  g_clear_pointer (&self->chat_rights, g_hash_table_unref);

  G_OBJECT_CLASS (concierge_telegram_parent_class)->finalize (object);
}

static void
concierge_telegram_class_init (ConciergeTelegramClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_telegram_finalize;
}

static void
concierge_telegram_init (ConciergeTelegram *self)
{
}

/**
 * concierge_telegram_new:
 * @api_url: (nullable): the Bot API's address; %NULL for Telegram's
 */
ConciergeTelegram *
concierge_telegram_new (SoupSession *session,
                        gint64       account_id,
                        const char  *api_url,
                        const char  *bot_token)
{
  ConciergeTelegram *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (bot_token != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_TELEGRAM, NULL);
  self->session = g_object_ref (session);
  self->account_id = account_id;
  self->api_url = g_strdup (api_url && api_url[0] ? api_url : CONCIERGE_TELEGRAM_API_URL);
  self->bot_token = g_strdup (bot_token);

  return self;
}

/**
 * concierge_telegram_new_for_account:
 * @credentials: the account's, from the keyring
 *
 * Returns: (transfer full): the channel of a bot that was added
 */
ConciergeChannel *
concierge_telegram_new_for_account (SoupSession                *session,
                                    ConciergeAccount           *account,
                                    const ConciergeCredentials *credentials)
{
  g_return_val_if_fail (CONCIERGE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);

  return CONCIERGE_CHANNEL (concierge_telegram_new (session, concierge_account_get_id (account),
                                                    concierge_account_get_server_url (account),
                                                    credentials->access_token));
}

typedef struct
{
  GTask                           *task;
  SoupMessage                     *message;
  ConciergeTelegramResultCallback  callback;
} Call;

static void
call_free (Call *call)
{
  g_object_unref (call->task);
  g_object_unref (call->message);
  g_free (call);
}

static GError *
error_for_answer (ConciergeTelegram *self,
                  guint              status,
                  JsonObject        *answer)
{
  gint64 code = concierge_json_int (answer, "error_code");
  const char *description = concierge_json_string (answer, "description");

  if (code == 0)
    code = status;

  switch (code)
    {
    case 403:
      /* Telegram's words for a person who never started the bot, or
       * blocked it; a bot may also have left a group. */
      if (description != NULL && (strstr (description, "initiate conversation") != NULL ||
                                  strstr (description, "blocked by the user") != NULL))
        return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                    _("The bot cannot write to this customer privately: they have not started "
                                      "a chat with it, or have blocked it."));
      break;
    case 401:
      return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                  _("Telegram no longer accepts this bot’s token. Sign in again."));
    case 409:
      return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_CONFLICT,
                                  _("Another program reads this bot’s messages, or a webhook is set. "
                                    "Telegram hands them to one reader only: stop the other program or "
                                    "remove the webhook, then choose Try Again."));
    case 429:
      self->retry_after = (guint) CLAMP (concierge_json_int (concierge_json_object (answer, "parameters"), "retry_after"), 1, 3600);
      return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED,
                          _("Telegram asks to wait %u seconds before the next request."), self->retry_after);
    default:
      break;
    }

  if (code >= 400 && code < 500)
    /* Translators: %s is Telegram's own explanation, in English */
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                        _("Telegram refused the request: %s"), description ? description : "");
  return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                      _("Telegram answered with an error (%u)."), (guint) code);
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  ConciergeTelegram *self = g_task_get_source_object (call->task);
  guint status = soup_message_get_status (call->message);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer;
  GError *error = NULL;

  root = concierge_channel_parse_json_finish (result, &error);
  answer = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;

  if (answer == NULL && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_clear_error (&error);
      error = g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                                   _("The server sent an answer Concierge cannot read."));
    }
  else if (answer == NULL || !json_object_get_boolean_member_with_default (answer, "ok", FALSE) ||
           !SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_clear_error (&error);
      error = error_for_answer (self, status, answer);
    }

  if (error != NULL)
    g_task_return_error (call->task, error);
  else
    call->callback (call->task, json_object_get_member (answer, "result"));
  call_free (call);
}

static void
received_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (call->task, error);
      call_free (call);
      return;
    }

  concierge_channel_parse_json_async (bytes, g_task_get_cancellable (call->task), parsed_cb, call);
}

/**
 * concierge_telegram_call_method:
 * @task: whose source object is the #ConciergeTelegram asked through
 * @parameters: (transfer full): a JSON object, the call's body
 * @callback: gets the answer's result; errors go to @task
 *
 * Calls a Bot API method.
 */
void
concierge_telegram_call_method (GTask                           *task,
                                const char                      *method,
                                JsonNode                        *parameters,
                                ConciergeTelegramResultCallback  callback)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) body = parameters;
  g_autofree char *url = g_strdup_printf ("%s/bot%s/%s", self->api_url, self->bot_token, method);
  char *json = json_to_string (body, FALSE);
  g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));
  SoupMessage *message = soup_message_new (SOUP_METHOD_POST, url);
  Call *call;

  if (message == NULL)
    {
      /* The address holds the token: it is not repeated here. */
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("“%s” is not a server address."), self->api_url);
      return;
    }

  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  /* A redirect could carry the token to another host; the API has none. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  call = g_new0 (Call, 1);
  call->task = g_object_ref (task);
  call->message = message;
  call->callback = callback;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), received_cb, call);
}

/**
 * concierge_telegram_parameters_new:
 * @first_name: (nullable): the first member's name, followed by its value
 *   (a #JsonNode, taken), then the next pair, ending with %NULL
 *
 * Returns: (transfer full): a JSON object of the pairs
 */
JsonNode *
concierge_telegram_parameters_new (const char *first_name,
                                   ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      JsonNode *value = va_arg (args, JsonNode *);

      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder, value);
    }
  va_end (args);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

/* Fetching */

typedef struct
{
  ConciergeIngest *ingest;
  gint64           next_offset;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->ingest, concierge_ingest_free);
  g_free (fetch);
}

static void
updates_cb (GTask    *task,
            JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  JsonArray *updates;

  if (result == NULL || !JSON_NODE_HOLDS_ARRAY (result))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent an answer Concierge cannot read."));
      return;
    }

  updates = json_node_get_array (result);
  for (guint i = 0; i < json_array_get_length (updates); i++)
    {
      ConciergeTelegramItem item;
      g_autoptr(GError) error = NULL;
      gint64 update_id = 0;

      if (!concierge_telegram_read_update (json_array_get_element (updates, i), self->bot_id,
                                           self->bot_username, &update_id, &item, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      fetch->next_offset = MAX (fetch->next_offset, update_id + 1);
      if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (updates, i)))
        concierge_telegram_note_update (self, json_node_get_object (json_array_get_element (updates, i)));
      if (item.message != NULL)
        concierge_ingest_add_message (fetch->ingest, item.thread_remote_id, item.visibility, item.message);
      concierge_telegram_item_clear (&item);
    }

  g_task_return_boolean (task, TRUE);
}

static void
get_updates (GTask *task)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  guint timeout = self->long_poll ? LONG_POLL_SECONDS : 0;
  g_autoptr(JsonArray) allowed = json_array_new ();
  JsonNode *allowed_node = json_node_new (JSON_NODE_ARRAY);
  JsonNode *parameters;

  /* Every kind read here, and only those: a list leaves out the rest. */
  json_array_add_string_element (allowed, "message");
  json_array_add_string_element (allowed, "edited_message");
  json_array_add_string_element (allowed, "my_chat_member");
  json_node_set_array (allowed_node, allowed);

  /* The offset confirms every update before it, so it comes from the
   * cursor the store saved with those updates' messages: a crash before
   * they were saved brings them again. */
  if (fetch->next_offset > 0)
    parameters = concierge_telegram_parameters_new ("offset", int_node (fetch->next_offset),
                                 "timeout", int_node (timeout),
                                 "allowed_updates", allowed_node, NULL);
  else
    parameters = concierge_telegram_parameters_new ("timeout", int_node (timeout),
                                 "allowed_updates", allowed_node, NULL);

  concierge_telegram_call_method (task, "getUpdates", parameters, updates_cb);
}

static void
me_cb (GTask    *task,
       JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *bot_id = NULL;

  if (!concierge_telegram_take_me (task, result))
    return;

  bot_id = g_strdup_printf ("%" G_GINT64_FORMAT, self->bot_id);
  concierge_ingest_set_remote_user_id (fetch->ingest, bot_id);
  get_updates (task);
}

/* The first fetch learns who the bot is: its id tells its own messages,
 * its username the group messages that mention it. */
static void
concierge_telegram_fetch_async (ConciergeChannel    *channel,
                                const char          *cursor,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ConciergeTelegram *self = CONCIERGE_TELEGRAM (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->ingest = concierge_ingest_new (self->account_id);
  fetch->next_offset = cursor ? g_ascii_strtoll (cursor, NULL, 10) : 0;
  g_task_set_source_tag (task, concierge_telegram_fetch_async);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  self->retry_after = 0;
  if (self->bot_id == 0)
    concierge_telegram_call_method (task, "getMe", concierge_telegram_parameters_new (NULL), me_cb);
  else
    get_updates (task);
}

static ConciergeIngest *
concierge_telegram_fetch_finish (ConciergeChannel  *channel,
                                 GAsyncResult      *result,
                                 char             **cursor,
                                 GError           **error)
{
  Fetch *fetch;
  g_autofree char *offset = NULL;

  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  CONCIERGE_TELEGRAM (channel)->long_poll = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  CONCIERGE_TELEGRAM (channel)->long_poll = TRUE;

  fetch = g_task_get_task_data (G_TASK (result));
  if (fetch->next_offset > 0)
    {
      offset = g_strdup_printf ("%" G_GINT64_FORMAT, fetch->next_offset);
      concierge_ingest_set_cursor (fetch->ingest, CONCIERGE_TELEGRAM_CURSOR_STREAM, offset);
    }
  if (cursor != NULL)
    *cursor = g_steal_pointer (&offset);
  return g_steal_pointer (&fetch->ingest);
}

/* Sending */

static void
sent_cb (GTask    *task,
         JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  GError *error = NULL;
  ConciergeMessage *message;

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent an answer Concierge cannot read."));
      return;
    }

  message = concierge_telegram_message_from_json (json_node_get_object (result), self->bot_id, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A message in a private chat names its thread: the chat. */
  {
    JsonObject *chat = concierge_json_object (json_node_get_object (result), "chat");
    const char *type = concierge_json_string (chat, "type");

    if (g_strcmp0 (type, "private") == 0)
      {
        g_autofree char *thread = g_strdup_printf ("chat:%" G_GINT64_FORMAT, concierge_json_int (chat, "id"));

        concierge_message_set_thread_remote_id (message, thread);
      }
  }
  g_task_return_pointer (task, message, g_object_unref);
}

/* "chat:<id>" or "chat:<id>:user:<id>" */
static gint64
chat_of_thread (const char *thread_remote_id)
{
  if (thread_remote_id == NULL || !g_str_has_prefix (thread_remote_id, "chat:"))
    return 0;
  return g_ascii_strtoll (thread_remote_id + strlen ("chat:"), NULL, 10);
}

/* A reply in a thread goes to its chat, answering the customer's latest
 * message; a private message to a person goes to their private chat, whose
 * id is theirs. Telegram has no idempotency key: the outbox asks the agent
 * before it sends a reply again whose fate is unknown. */
static void
concierge_telegram_send_async (ConciergeChannel     *channel,
                               ConciergeOutboxEntry *entry,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  ConciergeTelegram *self = CONCIERGE_TELEGRAM (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  gint64 chat_id = chat_of_thread (entry->thread_remote_id);
  gint64 reply_chat = 0, reply_message = 0;
  JsonNode *parameters;

  g_task_set_source_tag (task, concierge_telegram_send_async);

  if (chat_id == 0 && entry->recipient_remote_id != NULL)
    chat_id = g_ascii_strtoll (entry->recipient_remote_id, NULL, 10);
  if (chat_id == 0)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("Concierge does not know which Telegram chat this reply belongs to."));
      return;
    }

  if (entry->in_reply_to_remote_id != NULL)
    {
      char *end = NULL;

      reply_chat = g_ascii_strtoll (entry->in_reply_to_remote_id, &end, 10);
      if (end != NULL && *end == ':')
        reply_message = g_ascii_strtoll (end + 1, NULL, 10);
    }

  if (reply_chat == chat_id && reply_message > 0)
    {
      /* The answer still goes out if the customer deleted their message. */
      JsonNode *reply = concierge_telegram_parameters_new ("message_id", int_node (reply_message), NULL);

      json_object_set_boolean_member (json_node_get_object (reply), "allow_sending_without_reply", TRUE);
      parameters = concierge_telegram_parameters_new ("chat_id", int_node (chat_id), "text", string_node (entry->text),
                                   "reply_parameters", reply, NULL);
    }
  else
    parameters = concierge_telegram_parameters_new ("chat_id", int_node (chat_id), "text", string_node (entry->text), NULL);

  concierge_telegram_call_method (task, "sendMessage", parameters, sent_cb);
}

static void
removed_cb (GTask    *task,
            JsonNode *result)
{
  g_task_return_boolean (task, TRUE);
}

static void
remove_failed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (task, TRUE);
  /* Gone already: the customer deleted it, or an earlier attempt did. */
  else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED) &&
           strstr (error->message, "message to delete not found") != NULL)
    {
      g_error_free (error);
      g_task_return_boolean (task, TRUE);
    }
  else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("The bot may not remove this message. A bot removes a message only within 48 "
                                 "hours of its sending, and only as an administrator of the group who may delete "
                                 "messages."));
      g_error_free (error);
    }
  else
    g_task_return_error (task, error);
}

/* A bot deletes others' messages only in a group it administers with the
 * right to delete them, and only for 48 hours after they were sent. */
static void
concierge_telegram_remove_async (ConciergeChannel    *channel,
                                 const char          *message_remote_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  GTask *call;
  gint64 chat_id, message_id = 0;
  char *end = NULL;

  g_task_set_source_tag (task, concierge_telegram_remove_async);

  chat_id = g_ascii_strtoll (message_remote_id, &end, 10);
  if (end != NULL && *end == ':')
    message_id = g_ascii_strtoll (end + 1, NULL, 10);
  if (chat_id == 0 || message_id <= 0)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("Concierge does not know which Telegram message this is."));
      return;
    }

  /* Its own task, so that a refusal can be put in the agent's words. */
  call = g_task_new (channel, cancellable, remove_failed_cb, g_steal_pointer (&task));
  concierge_telegram_call_method (call, "deleteMessage",
               concierge_telegram_parameters_new ("chat_id", int_node (chat_id), "message_id", int_node (message_id), NULL),
               removed_cb);
  g_object_unref (call);
}

/* Images: a file id first becomes a path, which is then downloaded from
 * an address that holds the token. */

static void
downloaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *bytes = concierge_channel_download_image_finish (CONCIERGE_CHANNEL (object), result, &error);

  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void concierge_telegram_fetch_file_async (ConciergeChannel *channel, const char *source,
                                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                                 gpointer user_data);

static void
file_cb (GTask    *task,
         JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  const char *path = JSON_NODE_HOLDS_OBJECT (result)
                       ? concierge_json_string (json_node_get_object (result), "file_path") : NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;

  if (path == NULL || path[0] == '/' || strstr (path, "..") != NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("Telegram named no file for this image."));
      return;
    }

  escaped = g_uri_escape_string (path, "/", FALSE);
  url = g_strdup_printf ("%s/file/bot%s/%s", self->api_url, self->bot_token, escaped);
  if (g_task_get_source_tag (task) == concierge_telegram_fetch_file_async)
    concierge_channel_download_file_async (CONCIERGE_CHANNEL (self), self->session, url,
                                           g_task_get_cancellable (task),
                                           downloaded_cb, g_object_ref (task));
  else
    concierge_channel_download_image_async (CONCIERGE_CHANNEL (self), self->session, url,
                                            g_task_get_cancellable (task),
                                            downloaded_cb, g_object_ref (task));
}

static void
concierge_telegram_fetch_image_async (ConciergeChannel    *channel,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_telegram_fetch_image_async);
  concierge_telegram_call_method (task, "getFile", concierge_telegram_parameters_new ("file_id", string_node (source), NULL), file_cb);
}

/* A document: the same way, any kind of file up to getFile's 20 MB. */
static void
concierge_telegram_fetch_file_async (ConciergeChannel    *channel,
                                     const char          *source,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_telegram_fetch_file_async);
  concierge_telegram_call_method (task, "getFile", concierge_telegram_parameters_new ("file_id", string_node (source), NULL), file_cb);
}

static GBytes *
concierge_telegram_fetch_image_finish (ConciergeChannel  *channel,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A deep link: the customer opens a private chat with the bot, whose first
 * message is "/start <reference>". */
static char *
concierge_telegram_dup_invitation (ConciergeChannel *channel,
                                   const char       *reference)
{
  ConciergeTelegram *self = CONCIERGE_TELEGRAM (channel);

  if (self->bot_username == NULL)
    return NULL;
  return g_strdup_printf ("https://t.me/%s?start=%s", self->bot_username, reference);
}

static ConciergeMessage *
concierge_telegram_send_finish (ConciergeChannel  *channel,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Bots have no read state to set. */
static void
concierge_telegram_mark_read_async (ConciergeChannel    *channel,
                                    const char          *thread_remote_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_telegram_mark_read_async);
  g_task_return_boolean (task, TRUE);
}

/* What a bot can do */

static const char *
concierge_telegram_get_cursor_stream (ConciergeChannel *channel)
{
  return CONCIERGE_TELEGRAM_CURSOR_STREAM;
}

/* A bot cannot hide anyone's message. In a group it administers it can
 * delete one, which is how personal data leaves a group. */
static void
concierge_telegram_get_capabilities (ConciergeChannel             *channel,
                                     ConciergeChannelCapabilities *capabilities)
{
  capabilities->can_hide = FALSE;
  capabilities->can_remove_for_personal_data = TRUE;
  capabilities->can_reply_privately = TRUE;
  capabilities->private_needs_customer_first = TRUE;
  capabilities->has_idempotency = FALSE;
  capabilities->reply_window_seconds = 0;
  capabilities->max_length = MAX_TEXT_LENGTH;
  capabilities->long_polling = TRUE;
}

static guint
concierge_telegram_get_retry_after (ConciergeChannel *channel)
{
  return CONCIERGE_TELEGRAM (channel)->retry_after;
}

/* The Bot API has no way for a bot to give up its own token. */
static void
concierge_telegram_revoke_async (ConciergeChannel    *channel,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_telegram_revoke_async);
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                           _("Telegram still accepts the bot’s token. To make it useless, send /revoke to "
                             "@BotFather."));
}

static void
concierge_telegram_channel_init (ConciergeChannelInterface *iface)
{
  iface->revoke_async = concierge_telegram_revoke_async;
  iface->revoke_finish = concierge_channel_finish_boolean_task;
  iface->get_cursor_stream = concierge_telegram_get_cursor_stream;
  iface->get_capabilities = concierge_telegram_get_capabilities;
  iface->get_retry_after = concierge_telegram_get_retry_after;
  iface->fetch_async = concierge_telegram_fetch_async;
  iface->fetch_finish = concierge_telegram_fetch_finish;
  iface->send_async = concierge_telegram_send_async;
  iface->send_finish = concierge_telegram_send_finish;
  iface->mark_read_async = concierge_telegram_mark_read_async;
  iface->mark_read_finish = concierge_channel_finish_boolean_task;
  iface->remove_async = concierge_telegram_remove_async;
  iface->remove_finish = concierge_channel_finish_boolean_task;
  iface->dup_invitation = concierge_telegram_dup_invitation;
  iface->fetch_image_async = concierge_telegram_fetch_image_async;
  iface->fetch_image_finish = concierge_telegram_fetch_image_finish;
  iface->fetch_file_async = concierge_telegram_fetch_file_async;
  iface->fetch_file_finish = concierge_telegram_fetch_image_finish;
  /* The Bot API never tells a bot that someone deleted a message, nor
   * lets it ask, so deleted messages stay unknown here. */
  concierge_telegram_chats_init_iface (iface);
}
