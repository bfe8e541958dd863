/* concierge-mastodon-channel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "model/concierge-json.h"
#include "concierge-mastodon-channel-private.h"
#include "concierge-mastodon-status.h"

#define DEFAULT_MAX_CHARACTERS 500

static void concierge_mastodon_channel_init (ConciergeChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeMastodon, concierge_mastodon, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_CHANNEL, concierge_mastodon_channel_init))

#define PAGE_LIMIT "40"
#define MAX_PAGES  10
/* The first fetch brings this many pages of earlier mentions at most. */
#define MAX_BACKFILL_PAGES 250
/* Statuses turned into messages per turn of the main loop. */
#define STATUSES_PER_TURN 40

static void
concierge_mastodon_finalize (GObject *object)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (object);

  g_clear_object (&self->session);
  g_free (self->server_url);
  g_free (self->own_account_id);
  if (self->access_token != NULL)
    memset (self->access_token, 0, strlen (self->access_token));
  g_free (self->access_token);
  g_free (self->client_id);
  if (self->client_secret != NULL)
    memset (self->client_secret, 0, strlen (self->client_secret));
  g_free (self->client_secret);

  G_OBJECT_CLASS (concierge_mastodon_parent_class)->finalize (object);
}

static void
concierge_mastodon_class_init (ConciergeMastodonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_mastodon_finalize;
}

static void
concierge_mastodon_init (ConciergeMastodon *self)
{
}

/**
 * concierge_mastodon_new:
 * @session: the one session every channel shares
 * @own_account_id: (nullable): the agent's account id on the server, whose
 *   statuses are the agent's replies; asked from the server when %NULL or
 *   empty
 */
ConciergeMastodon *
concierge_mastodon_new (SoupSession *session,
                        gint64       account_id,
                        const char  *server_url,
                        const char  *own_account_id,
                        const char  *access_token)
{
  ConciergeMastodon *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_MASTODON, NULL);
  self->session = g_object_ref (session);
  self->account_id = account_id;
  self->server_url = g_strdup (server_url);
  self->own_account_id = own_account_id && own_account_id[0] ? g_strdup (own_account_id) : NULL;
  self->access_token = g_strdup (access_token);

  return self;
}

/**
 * concierge_mastodon_new_for_account:
 * @credentials: the account's, from the keyring
 *
 * Returns: (transfer full): the channel of an account that was added
 */
ConciergeChannel *
concierge_mastodon_new_for_account (SoupSession                *session,
                                    ConciergeAccount           *account,
                                    const ConciergeCredentials *credentials)
{
  ConciergeMastodon *self;

  g_return_val_if_fail (CONCIERGE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);

  self = concierge_mastodon_new (session, concierge_account_get_id (account),
                                 concierge_account_get_server_url (account),
                                 concierge_account_get_remote_user_id (account), credentials->access_token);
  /* Accounts signed in through the app know the app they were granted to,
   * which lets them revoke the token. */
  concierge_mastodon_set_client (self, credentials->client_id, credentials->client_secret);
  return CONCIERGE_CHANNEL (self);
}

/**
 * concierge_mastodon_set_client:
 * @client_id: (nullable): the app the access token was granted to
 * @client_secret: (nullable): its secret
 *
 * Mastodon revokes a token only when asked by the app it belongs to.
 */
void
concierge_mastodon_set_client (ConciergeMastodon *self,
                               const char        *client_id,
                               const char        *client_secret)
{
  g_return_if_fail (CONCIERGE_IS_MASTODON (self));

  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
  g_free (self->client_secret);
  self->client_secret = g_strdup (client_secret);
}

static void
get_json (GTask                         *task,
          const char                    *path,
          const char                    *query,
          ConciergeMastodonJsonCallback  callback)
{
  concierge_mastodon_request_json (task, SOUP_METHOD_GET, path, query, NULL, NULL, callback);
}

void
concierge_mastodon_return_unreadable (GTask *task)
{
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("The server sent an answer Concierge cannot read."));
}

/* Fetching */

/* One fetch walks through several requests; this is its state. */
typedef struct
{
  ConciergeIngest *ingest;
  char            *cursor;
  char            *newest;
  GQueue           contexts;      /* statuses (JsonNode) whose thread root needs their context */
  GQueue           directs;       /* direct statuses (JsonNode), for their conversation */
  guint            pages;
  char            *oldest;        /* on the first fetch, where the next page back starts */
  gboolean         backfill;      /* the first fetch reads back in time */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->ingest, concierge_ingest_free);
  g_free (fetch->cursor);
  g_free (fetch->newest);
  g_free (fetch->oldest);
  g_queue_clear_full (&fetch->contexts, (GDestroyNotify) json_node_unref);
  g_queue_clear_full (&fetch->directs, (GDestroyNotify) json_node_unref);
  g_free (fetch);
}

static void fetch_notifications (GTask *task);
static void fetch_next_context (GTask *task);
static void fetch_conversations (GTask *task);

static gboolean
add_status (GTask      *task,
            JsonNode   *status,
            const char *thread_remote_id)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeVisibility visibility;

  message = concierge_mastodon_message_from_status (status, self->own_account_id, &visibility, &error);
  if (message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }

  concierge_ingest_add_message (fetch->ingest, thread_remote_id, visibility, message);
  return TRUE;
}

static gboolean
is_newer (const char *id,
          const char *than)
{
  /* Mastodon ids are numbers that grow; compare them as such. */
  return than == NULL || strlen (id) > strlen (than) || (strlen (id) == strlen (than) && strcmp (id, than) > 0);
}

static void
instance_cb (GTask    *task,
             JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *configuration = NULL, *statuses = NULL;

  /* Version 4 of the instance API nests the limit in configuration; older
   * servers that lack it keep Mastodon's default. */
  if (object != NULL && json_object_has_member (object, "configuration") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "configuration")))
    configuration = json_object_get_object_member (object, "configuration");
  if (configuration != NULL && json_object_has_member (configuration, "statuses") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (configuration, "statuses")))
    statuses = json_object_get_object_member (configuration, "statuses");
  if (statuses != NULL)
    self->max_characters = (guint) CLAMP (json_object_get_int_member_with_default (statuses, "max_characters",
                                                                                   DEFAULT_MAX_CHARACTERS),
                                          1, 1000000);
  else
    self->max_characters = DEFAULT_MAX_CHARACTERS;

  fetch_notifications (task);
}

static void
credentials_cb (GTask    *task,
                JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  const char *id = concierge_json_node_string (root, "id");

  if (id == NULL)
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  self->own_account_id = g_strdup (id);
  concierge_ingest_set_remote_user_id (fetch->ingest, id);
  get_json (task, "/api/v1/instance", NULL, instance_cb);
}

static void
notifications_cb (GTask    *task,
                  JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  JsonArray *notifications;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  notifications = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (notifications); i++)
    {
      JsonNode *notification = json_array_get_element (notifications, i);
      const char *id = concierge_json_node_string (notification, "id");
      JsonNode *status = JSON_NODE_HOLDS_OBJECT (notification)
                           ? json_object_get_member (json_node_get_object (notification), "status") : NULL;
      const char *visibility = status ? concierge_json_node_string (status, "visibility") : NULL;

      if (id == NULL || status == NULL)
        continue;
      if (is_newer (id, fetch->newest))
        {
          g_free (fetch->newest);
          fetch->newest = g_strdup (id);
        }
      if (fetch->oldest == NULL || is_newer (fetch->oldest, id))
        {
          g_free (fetch->oldest);
          fetch->oldest = g_strdup (id);
        }

      /* Direct messages arrive as mentions too, but they belong to their
       * conversation, which becomes a private thread. */
      if (g_strcmp0 (visibility, "direct") == 0)
        {
          g_queue_push_tail (&fetch->directs, json_node_ref (status));
          continue;
        }

      g_queue_push_tail (&fetch->contexts, json_node_ref (status));
    }

  /* The first fetch reads back in time, page by page, so that the inbox
   * starts with the mentions that came before. */
  if (fetch->backfill)
    {
      if (json_array_get_length (notifications) > 0 && ++fetch->pages < MAX_BACKFILL_PAGES)
        {
          g_autofree char *query = g_strdup_printf ("types[]=mention&limit=" PAGE_LIMIT "&max_id=%s", fetch->oldest);

          get_json (task, "/api/v1/notifications", query, notifications_cb);
          return;
        }
      fetch_next_context (task);
      return;
    }

  /* Later ones read forward from the cursor until nothing is newer. A
   * server busier than the pages can follow stops after some; the cursor
   * keeps the place for the next fetch. */
  if (json_array_get_length (notifications) > 0 && ++fetch->pages < MAX_PAGES)
    {
      fetch_notifications (task);
      return;
    }
  ((ConciergeMastodon *) g_task_get_source_object (task))->more = json_array_get_length (notifications) > 0;

  fetch_next_context (task);
}

static void
fetch_notifications (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *query = NULL;

  query = fetch->newest ? g_strdup_printf ("types[]=mention&limit=" PAGE_LIMIT "&min_id=%s", fetch->newest)
                        : g_strdup ("types[]=mention&limit=" PAGE_LIMIT);
  get_json (task, "/api/v1/notifications", query, notifications_cb);
}

/* A public thread is named after its first status, which the context's
 * ancestors give; its earlier statuses join the thread too. */
static void
context_cb (GTask    *task,
            JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonNode) status = g_queue_pop_head (&fetch->contexts);
  JsonArray *ancestors = NULL;
  const char *thread_id;

  if (JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "ancestors") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "ancestors")))
    ancestors = json_object_get_array_member (json_node_get_object (root), "ancestors");

  thread_id = ancestors && json_array_get_length (ancestors) > 0
                ? concierge_json_node_string (json_array_get_element (ancestors, 0), "id")
                : concierge_json_node_string (status, "id");
  if (thread_id == NULL)
    thread_id = concierge_json_node_string (status, "id");

  for (guint i = 0; ancestors != NULL && i < json_array_get_length (ancestors); i++)
    if (!add_status (task, json_array_get_element (ancestors, i), thread_id))
      return;
  if (!add_status (task, status, thread_id))
    return;

  fetch_next_context (task);
}

static gboolean
next_context_cb (gpointer data)
{
  GTask *task = data;

  if (!g_task_return_error_if_cancelled (task))
    fetch_next_context (task);
  return G_SOURCE_REMOVE;
}

static void
fetch_next_context (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  JsonNode *status;

  /* A status that answers none is a thread of its own. Many of them, as
   * on a first fetch, are taken a few per turn of the main loop, so that
   * no frame waits for all. */
  for (guint n = 0; (status = g_queue_peek_head (&fetch->contexts)) != NULL &&
                    concierge_json_node_string (status, "in_reply_to_id") == NULL; n++)
    {
      g_autoptr(JsonNode) alone = NULL;

      if (n == STATUSES_PER_TURN)
        {
          g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, next_context_cb, g_object_ref (task), g_object_unref);
          return;
        }

      alone = g_queue_pop_head (&fetch->contexts);
      if (!add_status (task, alone, concierge_json_node_string (alone, "id")))
        return;
    }

  if (status == NULL)
    {
      fetch_conversations (task);
      return;
    }

  path = g_strdup_printf ("/api/v1/statuses/%s/context", concierge_json_node_string (status, "id"));
  get_json (task, path, NULL, context_cb);
}

static void
conversations_cb (GTask    *task,
                  JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GHashTable) by_participant = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) thread_ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *conversations;
  JsonNode *direct;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  conversations = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (conversations); i++)
    {
      JsonNode *conversation = json_array_get_element (conversations, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (conversation) ? json_node_get_object (conversation) : NULL;
      JsonNode *last = object ? json_object_get_member (object, "last_status") : NULL;
      JsonNode *accounts = object ? json_object_get_member (object, "accounts") : NULL;
      const char *id = concierge_json_node_string (conversation, "id");
      char *thread_id;

      if (id == NULL || last == NULL || !JSON_NODE_HOLDS_OBJECT (last))
        continue;

      thread_id = g_strdup_printf ("conversation:%s", id);
      g_ptr_array_add (thread_ids, thread_id);
      if (!add_status (task, last, thread_id))
        return;
      if (concierge_json_node_string (last, "id") != NULL)
        g_hash_table_add (added, (gpointer) concierge_json_node_string (last, "id"));

      /* The customer's other direct messages since the last fetch belong
       * here too: the conversation shows only its newest. */
      for (guint j = 0; accounts != NULL && JSON_NODE_HOLDS_ARRAY (accounts) &&
                        j < json_array_get_length (json_node_get_array (accounts)); j++)
        {
          JsonNode *participant_node = json_array_get_element (json_node_get_array (accounts), j);
          const char *participant = concierge_json_node_string (participant_node, "id");

          if (participant != NULL && !g_hash_table_contains (by_participant, participant))
            g_hash_table_insert (by_participant, (gpointer) participant, thread_id);
        }
    }

  while ((direct = g_queue_pop_head (&fetch->directs)) != NULL)
    {
      JsonNode *account = JSON_NODE_HOLDS_OBJECT (direct)
                            ? json_object_get_member (json_node_get_object (direct), "account") : NULL;
      const char *author = account ? concierge_json_node_string (account, "id") : NULL;
      const char *thread_id = author ? g_hash_table_lookup (by_participant, author) : NULL;
      gboolean ok = TRUE;

      if (thread_id != NULL && !g_hash_table_contains (added, concierge_json_node_string (direct, "id") ?: ""))
        ok = add_status (task, direct, thread_id);
      json_node_unref (direct);
      if (!ok)
        return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
fetch_conversations (GTask *task)
{
  get_json (task, "/api/v1/conversations", "limit=" PAGE_LIMIT, conversations_cb);
}

/* Fetches mentions newer than @cursor, each with the statuses before it in
 * its thread, and the direct conversations, as one ingest batch. The first
 * fetch also learns the account's own id and the server's length limit. */
static void
concierge_mastodon_fetch_async (ConciergeChannel    *channel,
                                const char          *cursor,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  fetch = g_new0 (Fetch, 1);
  fetch->ingest = concierge_ingest_new (self->account_id);
  fetch->cursor = g_strdup (cursor);
  fetch->newest = g_strdup (cursor);
  fetch->backfill = cursor == NULL;
  g_queue_init (&fetch->contexts);
  g_queue_init (&fetch->directs);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_fetch_async);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  self->retry_after = 0;
  self->more = FALSE;
  if (self->own_account_id == NULL)
    get_json (task, "/api/v1/accounts/verify_credentials", NULL, credentials_cb);
  else if (self->max_characters == 0)
    get_json (task, "/api/v1/instance", NULL, instance_cb);
  else
    fetch_notifications (task);
}

static ConciergeIngest *
concierge_mastodon_fetch_finish (ConciergeChannel  *channel,
                                 GAsyncResult      *result,
                                 char             **cursor,
                                 GError           **error)
{
  Fetch *fetch;

  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  fetch = g_task_get_task_data (G_TASK (result));
  if (fetch->newest != NULL && g_strcmp0 (fetch->newest, fetch->cursor) != 0)
    concierge_ingest_set_cursor (fetch->ingest, CONCIERGE_MASTODON_CURSOR_STREAM, fetch->newest);
  if (cursor != NULL)
    *cursor = g_strdup (fetch->newest);
  return g_steal_pointer (&fetch->ingest);
}

/* Sending */

/* A status reaches only whom it mentions, and a reply without the
 * customer's handle would not reach them. */
static char *
status_text (ConciergeOutboxEntry *entry)
{
  g_autofree char *folded_text = NULL;
  g_autofree char *folded_handle = NULL;

  if (entry->recipient_handle == NULL || entry->recipient_handle[0] == '\0')
    return g_strdup (entry->text);

  folded_text = g_utf8_casefold (entry->text, -1);
  folded_handle = g_utf8_casefold (entry->recipient_handle, -1);
  if (strstr (folded_text, folded_handle) != NULL)
    return g_strdup (entry->text);

  return g_strdup_printf ("%s %s", entry->recipient_handle, entry->text);
}

static void
sent_cb (GTask    *task,
         JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  ConciergeMessage *message;
  GError *error = NULL;

  message = concierge_mastodon_message_from_status (root, self->own_account_id, NULL, &error);
  if (message == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, message, g_object_unref);
}

static void
concierge_mastodon_send_async (ConciergeChannel     *channel,
                               ConciergeOutboxEntry *entry,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_task_set_source_tag (task, concierge_mastodon_send_async);

  g_hash_table_insert (form, (gpointer) "status", status_text (entry));
  /* The reply reaches whom the customer's post reached: an unlisted
   * question stays out of the public timelines. */
  g_hash_table_insert (form, (gpointer) "visibility",
                       g_strdup (concierge_mastodon_visibility_for_audience (
                         concierge_audience_or_visibility (entry->audience, entry->visibility))));
  if (entry->in_reply_to_remote_id != NULL)
    g_hash_table_insert (form, (gpointer) "in_reply_to_id", g_strdup (entry->in_reply_to_remote_id));

  /* Mastodon answers a repeated key with the status it already made. */
  concierge_mastodon_request_json (task, SOUP_METHOD_POST, "/api/v1/statuses", NULL, form, entry->idempotency_key, sent_cb);
}

static ConciergeMessage *
concierge_mastodon_send_finish (ConciergeChannel  *channel,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
normalize_space (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (joined, "%s%s", joined->len ? " " : "", words[i]);

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* A send may reach the server a little before the entry's clock says. */
#define SENT_CLOCK_MARGIN 60

static void
own_statuses_cb (GTask    *task,
                 JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  ConciergeOutboxEntry *entry = g_task_get_task_data (task);
  g_autofree char *wanted = NULL;
  g_autofree char *text = NULL;
  g_autofree char *next_path = NULL;
  g_autofree char *next_query = NULL;
  gboolean older_reached = FALSE;
  JsonArray *statuses;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  text = status_text (entry);
  wanted = normalize_space (text);
  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      JsonNode *status = json_array_get_element (statuses, i);
      g_autoptr(ConciergeMessage) message = NULL;
      g_autofree char *found = NULL;

      message = concierge_mastodon_message_from_status (status, self->own_account_id, NULL, NULL);
      if (message == NULL)
        continue;
      if (concierge_message_get_created_at (message) < entry->created_at - SENT_CLOCK_MARGIN)
        {
          older_reached = TRUE;
          continue;
        }
      if (g_strcmp0 (concierge_json_node_string (status, "in_reply_to_id"), entry->in_reply_to_remote_id) != 0)
        continue;

      found = normalize_space (concierge_message_get_body (message));
      if (g_str_equal (found, wanted))
        {
          g_task_return_pointer (task, g_steal_pointer (&message), g_object_unref);
          return;
        }
    }

  /* Newest first: the pages go back until the time the send was queued,
   * however many statuses the account posted since. */
  if (!older_reached && json_array_get_length (statuses) > 0 &&
      concierge_mastodon_next_page (task, &next_path, &next_query))
    {
      get_json (task, next_path, next_query, own_statuses_cb);
      return;
    }

  g_task_return_pointer (task, NULL, NULL);
}

/* Mastodon keeps idempotency keys for about an hour only, so after a
 * restart the app looks among its own statuses since the send was queued
 * first. */
static void
concierge_mastodon_find_sent_async (ConciergeChannel     *channel,
                                    ConciergeOutboxEntry *entry,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  ConciergeOutboxEntry *copy;

  g_task_set_source_tag (task, concierge_mastodon_find_sent_async);
  if (self->own_account_id == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("Concierge does not know this account’s own posts yet."));
      return;
    }

  copy = g_new0 (ConciergeOutboxEntry, 1);
  copy->text = g_strdup (entry->text);
  copy->recipient_handle = g_strdup (entry->recipient_handle);
  copy->in_reply_to_remote_id = g_strdup (entry->in_reply_to_remote_id);
  copy->created_at = entry->created_at;
  g_task_set_task_data (task, copy, (GDestroyNotify) concierge_outbox_entry_free);

  path = g_strdup_printf ("/api/v1/accounts/%s/statuses", self->own_account_id);
  get_json (task, path, "limit=" PAGE_LIMIT, own_statuses_cb);
}

static ConciergeMessage *
concierge_mastodon_find_sent_finish (ConciergeChannel  *channel,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Marking read */

static void
read_cb (GTask    *task,
         JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
}

static void
concierge_mastodon_mark_read_async (ConciergeChannel    *channel,
                                    const char          *thread_remote_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, concierge_mastodon_mark_read_async);

  /* Mastodon keeps a read state for direct conversations only. */
  if (!g_str_has_prefix (thread_remote_id, "conversation:"))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  path = g_strdup_printf ("/api/v1/conversations/%s/read", thread_remote_id + strlen ("conversation:"));
  concierge_mastodon_request_json (task, SOUP_METHOD_POST, path, NULL, NULL, NULL, read_cb);
}

/* Revoking */

static void
revoked_cb (GTask    *task,
            JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
}

static void
concierge_mastodon_revoke_async (ConciergeChannel    *channel,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = NULL;

  g_task_set_source_tag (task, concierge_mastodon_revoke_async);

  /* A token added on the command line came from an app Concierge does not
   * know; only that app may revoke it. */
  if (self->client_id == NULL || self->client_secret == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                               _("This token was not issued to Concierge, so only the app it came from can "
                                 "revoke it."));
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "client_secret", self->client_secret);
  g_hash_table_insert (form, "token", self->access_token);
  concierge_mastodon_request_json (task, SOUP_METHOD_POST, "/oauth/revoke", NULL, form, NULL, revoked_cb);
}

/* Images and deleted posts */

static void
concierge_mastodon_fetch_image_async (ConciergeChannel    *channel,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);

  /* Media lives on the server or its file host, which take no token. */
  concierge_channel_download_image_async (channel, self->session, source, cancellable, callback, user_data);
}

static GBytes *
concierge_mastodon_fetch_image_finish (ConciergeChannel  *channel,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  return concierge_channel_download_image_finish (channel, result, error);
}

typedef struct
{
  GStrv      ids;
  GPtrArray *deleted;
  guint      next;   /* asked one by one, on a server without the batch */
} FindDeleted;

static void
find_deleted_free (FindDeleted *find)
{
  g_strfreev (find->ids);
  g_ptr_array_unref (find->deleted);
  g_free (find);
}

static void
return_deleted (GTask *task)
{
  FindDeleted *find = g_task_get_task_data (task);

  g_ptr_array_add (find->deleted, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (find->deleted, NULL), (GDestroyNotify) g_strfreev);
}

static void
step_root_cb (GTask    *step,
              JsonNode *root)
{
  g_task_return_pointer (step, json_node_ref (root), (GDestroyNotify) json_node_unref);
}

static void ask_next_status (GTask *task);

static void
status_asked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL && !g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A post that is gone answers 404. */
  if (root == NULL)
    {
      g_ptr_array_add (find->deleted, g_strdup (find->ids[find->next]));
      g_clear_error (&error);
    }
  find->next++;
  ask_next_status (task);
}

static void
ask_next_status (GTask *task)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GTask) step = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (find->ids[find->next] == NULL)
    {
      return_deleted (task);
      return;
    }

  step = g_task_new (self, g_task_get_cancellable (task), status_asked_cb, g_object_ref (task));
  escaped = g_uri_escape_string (find->ids[find->next], NULL, FALSE);
  path = g_strdup_printf ("/api/v1/statuses/%s", escaped);
  get_json (step, path, NULL, step_root_cb);
}

static void
statuses_asked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *statuses;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    {
      /* A server before Mastodon 4.3 has no batch: ask one by one. */
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
        {
          g_clear_error (&error);
          ask_next_status (task);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent a post Concierge cannot read."));
      return;
    }

  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      const char *id = concierge_json_node_string (json_array_get_element (statuses, i), "id");

      if (id != NULL)
        g_hash_table_add (present, (gpointer) id);
    }

  /* The batch leaves out what is gone. */
  for (guint i = 0; find->ids[i] != NULL; i++)
    if (!g_hash_table_contains (present, find->ids[i]))
      g_ptr_array_add (find->deleted, g_strdup (find->ids[i]));
  return_deleted (task);
}

/* Mastodon allows 40 ids in one batch. */
#define MAX_IDS_ASKED 40

static void
concierge_mastodon_find_deleted_async (ConciergeChannel    *channel,
                                       const char * const  *message_remote_ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GString) query = g_string_new (NULL);
  FindDeleted *find;
  GTask *step;

  g_task_set_source_tag (task, concierge_mastodon_find_deleted_async);

  for (guint i = 0; message_remote_ids[i] != NULL && i < MAX_IDS_ASKED; i++)
    {
      g_strv_builder_add (ids, message_remote_ids[i]);
      if (query->len > 0)
        g_string_append_c (query, '&');
      g_string_append (query, "id%5B%5D=");
      g_string_append_uri_escaped (query, message_remote_ids[i], NULL, FALSE);
    }

  find = g_new0 (FindDeleted, 1);
  find->ids = g_strv_builder_end (ids);
  find->deleted = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, find, (GDestroyNotify) find_deleted_free);

  if (find->ids[0] == NULL)
    {
      return_deleted (task);
      return;
    }

  step = g_task_new (channel, cancellable, statuses_asked_cb, g_steal_pointer (&task));
  get_json (step, "/api/v1/statuses", query->str, step_root_cb);
  g_object_unref (step);
}

static GStrv
concierge_mastodon_find_deleted_finish (ConciergeChannel  *channel,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What Mastodon can do */

static const char *
concierge_mastodon_get_cursor_stream (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON_CURSOR_STREAM;
}

/* Mastodon lets an account hide nothing of another's: it can only block
 * or report. Hiding and removing stay off. */
static void
concierge_mastodon_get_capabilities (ConciergeChannel             *channel,
                                     ConciergeChannelCapabilities *capabilities)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);

  capabilities->can_hide = FALSE;
  capabilities->can_remove_for_personal_data = FALSE;
  capabilities->can_reply_privately = TRUE;
  capabilities->has_idempotency = TRUE;
  capabilities->reply_window_seconds = 0;
  capabilities->max_length = self->max_characters ? self->max_characters : DEFAULT_MAX_CHARACTERS;
  /* The family "statuses" of Mastodon's RateLimiter. */
  capabilities->posts_limit = 300;
  capabilities->posts_limit_seconds = 3 * 60 * 60;
}

static guint
concierge_mastodon_get_retry_after (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON (channel)->retry_after;
}

static gboolean
concierge_mastodon_has_more (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON (channel)->more;
}

static void
concierge_mastodon_channel_init (ConciergeChannelInterface *iface)
{
  iface->has_more = concierge_mastodon_has_more;
  iface->get_cursor_stream = concierge_mastodon_get_cursor_stream;
  iface->get_capabilities = concierge_mastodon_get_capabilities;
  iface->get_retry_after = concierge_mastodon_get_retry_after;
  iface->fetch_async = concierge_mastodon_fetch_async;
  iface->fetch_finish = concierge_mastodon_fetch_finish;
  iface->send_async = concierge_mastodon_send_async;
  iface->send_finish = concierge_mastodon_send_finish;
  iface->find_sent_async = concierge_mastodon_find_sent_async;
  iface->find_sent_finish = concierge_mastodon_find_sent_finish;
  iface->mark_read_async = concierge_mastodon_mark_read_async;
  iface->mark_read_finish = concierge_channel_finish_boolean_task;
  iface->fetch_image_async = concierge_mastodon_fetch_image_async;
  iface->fetch_image_finish = concierge_mastodon_fetch_image_finish;
  iface->find_deleted_async = concierge_mastodon_find_deleted_async;
  iface->find_deleted_finish = concierge_mastodon_find_deleted_finish;
  iface->revoke_async = concierge_mastodon_revoke_async;
  iface->revoke_finish = concierge_channel_finish_boolean_task;
}
