/* concierge-mastodon-fetch.c
 *
 * Fetching: mentions, their threads, the direct conversations and the
 * account's own statuses of a Mastodon account, as one ingest batch; on
 * the first sync, a bounded history, a page a batch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "model/concierge-json.h"
#include "concierge-mastodon-channel-private.h"
#include "concierge-mastodon-status.h"

#define PAGE_SIZE  40
#define PAGE_LIMIT G_STRINGIFY (PAGE_SIZE)
#define MAX_PAGES  10
/* The first sync reads the mentions of so many days back. */
#define BACKFILL_DAYS 14
/* Statuses turned into messages per turn of the main loop. */
#define STATUSES_PER_TURN 40

#define get_json(task, path, query, callback) \
  concierge_mastodon_request_json ((task), SOUP_METHOD_GET, (path), (query), NULL, NULL, (callback))

/* One fetch walks through several requests; this is its state.
 *
 * Its cursor holds the place in each feed it reads, form-encoded, so that
 * all of them advance together with the batch, and stay where they were
 * when the batch fails:
 *   n  the mentions: the Link header's min_id of the newest page read
 *   b  while the first sync reads back in time, its next page (the Link
 *      header's max_id); each fetch reads one such page, so that an error
 *      costs that page alone
 *   u  how far back the first sync reads (Unix time), or
 *   l  how many threads it reads, when the agent chose a number, and
 *   t  how many it has read
 *   c  the direct conversations: the newest last status read
 *   o  the account's own statuses: the Link header's min_id of the newest
 * A cursor of an earlier version, a notification id alone, is n. */
typedef struct
{
  ConciergeIngest *ingest;
  char            *cursor;
  GHashTable      *positions;     /* feed → place, as above */
  GQueue           contexts;      /* statuses (JsonNode) whose thread root needs their context */
  GQueue           conversations; /* changed conversations (JsonNode), to fill */
  JsonNode        *root;          /* the first status of the conversation being filled */
  GHashTable      *threads;       /* status id → thread id, of what this batch holds */
  GHashTable      *roots;         /* conversation roots whose descendants this batch read */
  char            *newest_conversation;
  guint            pages;
  gboolean         first;         /* no cursor: the account's first sync */
  gboolean         backfill;      /* this fetch reads one page back in time */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->ingest, concierge_ingest_free);
  g_free (fetch->cursor);
  g_hash_table_unref (fetch->positions);
  g_queue_clear_full (&fetch->contexts, (GDestroyNotify) json_node_unref);
  g_queue_clear_full (&fetch->conversations, (GDestroyNotify) json_node_unref);
  g_clear_pointer (&fetch->root, json_node_unref);
  g_hash_table_unref (fetch->threads);
  g_hash_table_unref (fetch->roots);
  g_free (fetch->newest_conversation);
  g_free (fetch);
}

static const char * const position_keys[] = { "n", "b", "u", "l", "t", "c", "o", NULL };

static GHashTable *
positions_from_cursor (const char *cursor)
{
  GHashTable *positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) decoded = NULL;

  if (cursor == NULL)
    return positions;
  if (strchr (cursor, '=') == NULL)
    {
      g_hash_table_insert (positions, g_strdup ("n"), g_strdup (cursor));
      return positions;
    }

  decoded = g_uri_parse_params (cursor, -1, "&", G_URI_PARAMS_NONE, NULL);
  for (guint i = 0; decoded != NULL && position_keys[i] != NULL; i++)
    if (g_hash_table_lookup (decoded, position_keys[i]) != NULL)
      g_hash_table_insert (positions, g_strdup (position_keys[i]),
                           g_strdup (g_hash_table_lookup (decoded, position_keys[i])));
  return positions;
}

static char *
positions_to_cursor (GHashTable *positions)
{
  GString *cursor = g_string_new (NULL);

  for (guint i = 0; position_keys[i] != NULL; i++)
    {
      const char *value = g_hash_table_lookup (positions, position_keys[i]);

      if (value == NULL)
        continue;
      if (cursor->len > 0)
        g_string_append_c (cursor, '&');
      g_string_append_printf (cursor, "%s=", position_keys[i]);
      g_string_append_uri_escaped (cursor, value, NULL, FALSE);
    }
  return cursor->len > 0 ? g_string_free (cursor, FALSE) : (g_string_free (cursor, TRUE), NULL);
}

static const char *
position (Fetch      *fetch,
          const char *key)
{
  return g_hash_table_lookup (fetch->positions, key);
}

static void
set_position (Fetch      *fetch,
              const char *key,
              const char *value)
{
  if (value == NULL)
    g_hash_table_remove (fetch->positions, key);
  else
    g_hash_table_insert (fetch->positions, g_strdup (key), g_strdup (value));
}

/* Where the page the last answer's Link header calls @rel starts, as
 * Mastodon pages (https://docs.joinmastodon.org/api/guidelines/#pagination):
 * the value of @param in that page's address. */
static char *
link_position (GTask      *task,
               const char *rel,
               const char *param)
{
  g_autofree char *address = concierge_mastodon_link_target (task, rel);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;

  if (address == NULL ||
      (uri = g_uri_parse (address, G_URI_FLAGS_ENCODED_QUERY, NULL)) == NULL || g_uri_get_query (uri) == NULL)
    return NULL;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return params ? g_strdup (g_hash_table_lookup (params, param)) : NULL;
}

static gint64
created_at (JsonNode *node)
{
  const char *text = concierge_json_node_string (node, "created_at");
  g_autoptr(GDateTime) time = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time ? g_date_time_to_unix (time) : 0;
}

static gboolean
before_bound (Fetch    *fetch,
              JsonNode *node)
{
  const char *until = position (fetch, "u");
  gint64 time;

  if (until == NULL)
    return FALSE;
  time = created_at (node);
  return time != 0 && time < g_ascii_strtoll (until, NULL, 10);
}

static void fetch_notifications (GTask *task);
static void fetch_next_context (GTask *task);
static void fetch_conversations (GTask *task,
                                 const char *max_id);

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
  g_hash_table_insert (fetch->threads, g_strdup (concierge_message_get_remote_id (message)),
                       g_strdup (thread_remote_id));
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

/* Reading back in time: on the first sync, after its first page, and
 * while the next one is in the cursor. */
static void
note_page_back (GTask *task,
                guint  n_notifications,
                gboolean reached_bound)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *next = link_position (task, "next", "max_id");

  if (fetch->first)
    {
      g_autofree char *prev = link_position (task, "prev", "min_id");

      set_position (fetch, "n", prev);
    }
  /* A page short of the limit is the last. */
  set_position (fetch, "b", n_notifications == PAGE_SIZE && !reached_bound ? next : NULL);
}

static void
notifications_cb (GTask    *task,
                  JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *prev = NULL;
  JsonArray *notifications;
  gboolean reached_bound = FALSE;
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  notifications = json_node_get_array (root);
  length = json_array_get_length (notifications);
  /* Oldest first, so that an answer finds its thread in the batch. */
  for (guint i = length; i > 0; i--)
    {
      JsonNode *notification = json_array_get_element (notifications, i - 1);
      JsonNode *status = JSON_NODE_HOLDS_OBJECT (notification)
                           ? json_object_get_member (json_node_get_object (notification), "status") : NULL;

      if (status == NULL || !JSON_NODE_HOLDS_OBJECT (status))
        continue;
      if (before_bound (fetch, notification))
        {
          reached_bound = TRUE;
          continue;
        }
      /* Direct messages arrive as mentions too, but their conversation
       * brings them, all of them and in order. */
      if (g_strcmp0 (concierge_json_node_string (status, "visibility"), "direct") != 0)
        g_queue_push_tail (&fetch->contexts, json_node_ref (status));
    }

  if (fetch->first || fetch->backfill)
    {
      note_page_back (task, length, reached_bound);
      fetch_next_context (task);
      return;
    }

  /* Later fetches read forward from the cursor until nothing is newer. A
   * server busier than the pages can follow stops after some; the cursor
   * keeps the place for the next fetch. */
  if ((prev = link_position (task, "prev", "min_id")) != NULL)
    set_position (fetch, "n", prev);
  /* A page short of the limit was the newest. */
  if (length == PAGE_SIZE && ++fetch->pages < MAX_PAGES)
    {
      fetch_notifications (task);
      return;
    }
  self->more = length == PAGE_SIZE;

  fetch_next_context (task);
}

/* Filtered notifications (Mastodon 4.3's notification policy keeps private
 * mentions from people the account does not follow apart) are read too;
 * older servers ignore the parameter. The requests they wait under are
 * the account's to accept or dismiss, never Concierge's. */
#define NOTIFICATIONS_QUERY "types[]=mention&include_filtered=true&limit=" PAGE_LIMIT

static void
fetch_notifications (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *query = NULL;

  if (fetch->backfill)
    query = g_strdup_printf (NOTIFICATIONS_QUERY "&max_id=%s", position (fetch, "b"));
  else if (position (fetch, "n") != NULL && !fetch->first)
    query = g_strdup_printf (NOTIFICATIONS_QUERY "&min_id=%s", position (fetch, "n"));
  else
    query = g_strdup (NOTIFICATIONS_QUERY);
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

  /* A status that answers none is a thread of its own, and one that
   * answers a status of this batch joins its thread without asking.
   * Many of them, as on a first fetch, are taken a few per turn of the
   * main loop, so that no frame waits for all. */
  for (guint n = 0; (status = g_queue_peek_head (&fetch->contexts)) != NULL; n++)
    {
      const char *parent = concierge_json_node_string (status, "in_reply_to_id");
      const char *thread_id = parent ? g_hash_table_lookup (fetch->threads, parent)
                                     : concierge_json_node_string (status, "id");
      g_autoptr(JsonNode) alone = NULL;

      if (thread_id == NULL)
        break;
      if (n == STATUSES_PER_TURN)
        {
          g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, next_context_cb, g_object_ref (task), g_object_unref);
          return;
        }

      alone = g_queue_pop_head (&fetch->contexts);
      if (!add_status (task, alone, thread_id))
        return;
    }

  if (status == NULL && fetch->backfill)
    g_task_return_boolean (task, TRUE);
  else if (status == NULL)
    fetch_conversations (task, NULL);
  if (status == NULL)
    return;

  path = g_strdup_printf ("/api/v1/statuses/%s/context", concierge_json_node_string (status, "id"));
  get_json (task, path, NULL, context_cb);
}

static void fill_next_conversation (GTask *task);

/* Conversations come with the newest last status first; those not newer
 * than what was read, or on the first sync older than its bound, are
 * where the changed ones end. */
static void
conversations_cb (GTask    *task,
                  JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *next = NULL;
  JsonArray *conversations;
  gboolean changed_end = FALSE;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  conversations = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (conversations) && !changed_end; i++)
    {
      JsonNode *conversation = json_array_get_element (conversations, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (conversation) ? json_node_get_object (conversation) : NULL;
      JsonNode *last = object ? json_object_get_member (object, "last_status") : NULL;
      const char *last_id = last ? concierge_json_node_string (last, "id") : NULL;

      if (concierge_json_node_string (conversation, "id") == NULL || last_id == NULL)
        continue;
      changed_end = (position (fetch, "c") != NULL && !is_newer (last_id, position (fetch, "c"))) ||
                    before_bound (fetch, last);
      if (changed_end)
        break;
      if (is_newer (last_id, fetch->newest_conversation))
        {
          g_free (fetch->newest_conversation);
          fetch->newest_conversation = g_strdup (last_id);
        }
      g_queue_push_tail (&fetch->conversations, json_node_ref (conversation));
    }

  /* A cursor from before conversations had one reads the first page. */
  next = link_position (task, "next", "max_id");
  if (!changed_end && next != NULL && (position (fetch, "c") != NULL || position (fetch, "u") != NULL))
    {
      fetch_conversations (task, next);
      return;
    }

  if (fetch->newest_conversation != NULL)
    set_position (fetch, "c", fetch->newest_conversation);
  fill_next_conversation (task);
}

static void
fetch_conversations (GTask      *task,
                     const char *max_id)
{
  g_autofree char *query = max_id ? g_strdup_printf ("limit=" PAGE_LIMIT "&max_id=%s", max_id)
                                  : g_strdup ("limit=" PAGE_LIMIT);

  get_json (task, "/api/v1/conversations", query, conversations_cb);
}

static JsonArray *
context_member (JsonNode   *context,
                const char *name)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (context) ? json_node_get_object (context) : NULL;

  if (object == NULL || !json_object_has_member (object, name) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, name)))
    return NULL;
  return json_object_get_array_member (object, name);
}

static char *
conversation_thread_id (Fetch *fetch)
{
  return g_strdup_printf ("conversation:%s",
                          concierge_json_node_string (g_queue_peek_head (&fetch->conversations), "id"));
}

/* The root and every direct status that descends from it, in order:
 * every message of a burst, each once. */
static void
root_context_cb (GTask    *task,
                 JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *thread_id = conversation_thread_id (fetch);
  g_autoptr(JsonNode) conversation = NULL;
  JsonArray *descendants = context_member (root, "descendants");

  if (!add_status (task, fetch->root, thread_id))
    return;
  g_hash_table_add (fetch->roots, g_strdup (concierge_json_node_string (fetch->root, "id")));
  for (guint i = 0; descendants != NULL && i < json_array_get_length (descendants); i++)
    {
      JsonNode *status = json_array_get_element (descendants, i);

      if (g_strcmp0 (concierge_json_node_string (status, "visibility"), "direct") == 0 &&
          !add_status (task, status, thread_id))
        return;
    }

  g_clear_pointer (&fetch->root, json_node_unref);
  conversation = g_queue_pop_head (&fetch->conversations);
  fill_next_conversation (task);
}

/* The last status's ancestors name the conversation's root. */
static void
last_context_cb (GTask    *task,
                 JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  JsonNode *conversation = g_queue_peek_head (&fetch->conversations);
  JsonNode *last = json_object_get_member (json_node_get_object (conversation), "last_status");
  JsonArray *ancestors = context_member (root, "ancestors");
  g_autofree char *thread_id = conversation_thread_id (fetch);
  g_autofree char *path = NULL;
  const char *root_id;

  if (ancestors == NULL || json_array_get_length (ancestors) == 0)
    {
      fetch->root = json_node_ref (last);
      root_context_cb (task, root);
      return;
    }

  /* A root whose descendants this batch has read already brought them. */
  root_id = concierge_json_node_string (json_array_get_element (ancestors, 0), "id");
  if (root_id == NULL || g_hash_table_contains (fetch->roots, root_id))
    {
      g_autoptr(JsonNode) done = NULL;

      for (guint i = 0; i < json_array_get_length (ancestors); i++)
        if (!add_status (task, json_array_get_element (ancestors, i), thread_id))
          return;
      if (!add_status (task, last, thread_id))
        return;
      done = g_queue_pop_head (&fetch->conversations);
      fill_next_conversation (task);
      return;
    }

  fetch->root = json_node_ref (json_array_get_element (ancestors, 0));
  path = g_strdup_printf ("/api/v1/statuses/%s/context", root_id);
  get_json (task, path, NULL, root_context_cb);
}

static void fetch_own_statuses (GTask *task);

static void
fill_next_conversation (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  JsonNode *conversation = g_queue_peek_head (&fetch->conversations);
  JsonNode *last;
  g_autofree char *path = NULL;

  if (conversation == NULL)
    {
      fetch->pages = 0;
      fetch_own_statuses (task);
      return;
    }

  last = json_object_get_member (json_node_get_object (conversation), "last_status");
  path = g_strdup_printf ("/api/v1/statuses/%s/context", concierge_json_node_string (last, "id"));
  get_json (task, path, NULL, last_context_cb);
}

/* The account's own statuses, wherever they were written: on the web, on
 * a phone, by a colleague. Each joins the thread of what it answers, if
 * the cache knows that; its replies Concierge sent itself it knows by
 * their remote id already. */
static void
own_statuses_cb (GTask    *task,
                 JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *prev = NULL;
  gboolean following = position (fetch, "o") != NULL;
  JsonArray *statuses;
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  statuses = json_node_get_array (root);
  length = json_array_get_length (statuses);
  for (guint i = length; i > 0; i--)
    {
      JsonNode *status = json_array_get_element (statuses, i - 1);
      const char *reply_to = concierge_json_node_string (status, "in_reply_to_id");
      g_autoptr(ConciergeMessage) message = NULL;
      g_autoptr(GError) error = NULL;
      ConciergeVisibility visibility;

      if (reply_to == NULL)
        continue;
      message = concierge_mastodon_message_from_status (status, self->own_account_id, &visibility, &error);
      if (message == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      concierge_ingest_add_reply (fetch->ingest, reply_to, visibility, message);
    }

  if ((prev = link_position (task, "prev", "min_id")) != NULL)
    set_position (fetch, "o", prev);
  /* The first sync takes the newest page; later ones every newer one. */
  if (following && length > 0 && ++fetch->pages < MAX_PAGES)
    {
      fetch_own_statuses (task);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
fetch_own_statuses (GTask *task)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/api/v1/accounts/%s/statuses", self->own_account_id);
  g_autofree char *query = position (fetch, "o")
                             ? g_strdup_printf ("limit=" PAGE_LIMIT "&min_id=%s", position (fetch, "o"))
                             : g_strdup ("limit=" PAGE_LIMIT);

  get_json (task, path, query, own_statuses_cb);
}

/* How many earlier threads a first sync reads, as the agent chose; 0 for
 * those of the last BACKFILL_DAYS. Without the schema, as for a command
 * run from the build tree, the days. */
static guint
first_sync_threads (void)
{
  return (guint) MAX (concierge_channel_get_setting_int ("first-sync-threads"), 0);
}

static void
set_first_sync_bound (Fetch *fetch)
{
  guint threads = first_sync_threads ();
  g_autofree char *bound = NULL;

  if (threads > 0)
    {
      bound = g_strdup_printf ("%u", threads);
      set_position (fetch, "l", bound);
      set_position (fetch, "t", "0");
      return;
    }
  bound = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC - BACKFILL_DAYS * 24 * 60 * 60);
  set_position (fetch, "u", bound);
}

/* Counts the threads of the batch towards the first sync's number. */
static void
count_threads (Fetch *fetch)
{
  g_autoptr(GHashTable) threads = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *count = NULL;
  GHashTableIter iter;
  gpointer thread_id;
  guint64 total;

  if (position (fetch, "l") == NULL)
    return;
  g_hash_table_iter_init (&iter, fetch->threads);
  while (g_hash_table_iter_next (&iter, NULL, &thread_id))
    g_hash_table_add (threads, thread_id);
  total = g_ascii_strtoull (position (fetch, "t") ? position (fetch, "t") : "0", NULL, 10) + g_hash_table_size (threads);
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  set_position (fetch, "t", count);
  if (total >= g_ascii_strtoull (position (fetch, "l"), NULL, 10))
    set_position (fetch, "b", NULL);
}

/* Fetches mentions newer than @cursor, each with the statuses before it in
 * its thread, the direct conversations that changed, and the account's own
 * statuses, as one ingest batch. The first fetch also learns the account's
 * own id and the server's length limit, and starts reading back in time,
 * a page a fetch, as far as BACKFILL_DAYS or as many threads as the agent
 * chose. */
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
  fetch->positions = positions_from_cursor (cursor);
  fetch->threads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fetch->roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fetch->first = cursor == NULL;
  fetch->backfill = position (fetch, "b") != NULL;
  g_queue_init (&fetch->contexts);
  g_queue_init (&fetch->conversations);
  if (fetch->first)
    set_first_sync_bound (fetch);

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
  g_autofree char *new_cursor = NULL;
  Fetch *fetch;

  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  fetch = g_task_get_task_data (G_TASK (result));
  count_threads (fetch);
  new_cursor = positions_to_cursor (fetch->positions);
  if (new_cursor != NULL && g_strcmp0 (new_cursor, fetch->cursor) != 0)
    concierge_ingest_set_cursor (fetch->ingest, CONCIERGE_MASTODON_CURSOR_STREAM, new_cursor);
  /* The first sync goes on at once with its next page back. */
  if (position (fetch, "b") != NULL)
    ((ConciergeMastodon *) g_task_get_source_object (G_TASK (result)))->more = TRUE;
  if (cursor != NULL)
    *cursor = g_steal_pointer (&new_cursor);
  return g_steal_pointer (&fetch->ingest);
}
