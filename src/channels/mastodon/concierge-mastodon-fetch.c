/* concierge-mastodon-fetch.c
 *
 * Fetching: mentions, their threads and the direct conversations of a
 * Mastodon account, as one ingest batch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "model/concierge-json.h"
#include "concierge-mastodon-channel-private.h"
#include "concierge-mastodon-status.h"

#define PAGE_LIMIT "40"
#define MAX_PAGES  10
/* The first fetch brings this many pages of earlier mentions at most. */
#define MAX_BACKFILL_PAGES 250
/* Statuses turned into messages per turn of the main loop. */
#define STATUSES_PER_TURN 40

#define get_json(task, path, query, callback) \
  concierge_mastodon_request_json ((task), SOUP_METHOD_GET, (path), (query), NULL, NULL, (callback))

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
void
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

ConciergeIngest *
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
