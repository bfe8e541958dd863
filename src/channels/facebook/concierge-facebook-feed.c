/* concierge-facebook-feed.c
 *
 * The page's posts and visitor posts with their comments, as public
 * threads, and the page's replies to comments.
 *
 * A thread is what one customer started: a top-level comment under one of
 * the page's posts, with the replies under it, or a visitor's post, with
 * every comment under it. The page's post a comment answers comes first
 * in the comment's thread, so that the agent sees what it is about; the
 * page's own comments there are its replies.
 *
 * The Graph API has no list of what is new since a point: the feed
 * (GET /PAGE-ID/feed) lists posts newest first, each with its newest
 * comments of all levels (filter=stream, order=reverse_chronological),
 * and a post's comments page on through GET /POST-ID/comments. The
 * cursor keeps "f", the time of the newest comment or post read; a fetch
 * reads comments from that time on, under posts up to POST_DAYS older.
 * It reads at most MAX_FEED_PAGES pages of posts and MAX_COMMENT_PAGES
 * pages of comments (500 comments): of more new comments since the last
 * fetch, the oldest are left out.
 * Comments have no time of their last edit: the comments of the last
 * EDIT_DAYS that the pages read bring anyway go to the cache as
 * possibly edited, which it finds out by their text. Deleted ones are
 * simply gone from the lists: the sync asks for those one by one
 * (concierge-facebook-comment.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"
#include "concierge-facebook-comment.h"

#define COMMENT_FIELDS "id,message,created_time,from{id,name},parent{id},attachment,is_hidden"
#define COMMENT_PAGE_LIMIT "25"
#define FEED_PAGE_LIMIT "10"
/* Pages a fetch reads at most: of the feed, and of comments. */
#define MAX_FEED_PAGES 10
#define MAX_COMMENT_PAGES 20
/* How far back a first sync reads, without a number of threads. */
#define FIRST_SYNC_DAYS 14
/* ... and with one, at most. */
#define FIRST_SYNC_THREADS_DAYS 90
/* Posts up to this much older than the comments read still get them. */
#define POST_DAYS 28
/* Older comments read again are checked for edits this long. */
#define EDIT_DAYS 7
#define DAY (24 * 60 * 60)

typedef struct
{
  char       *post_id;
  JsonObject *comment;
} Comment;

typedef struct
{
  char *post_id;
  char *after;
} Pending;

typedef struct
{
  gint64      since;       /* comments and visitor posts from this time */
  gint64      posts_since; /* posts older than this are not read */
  gint64      newest;
  guint       feed_pages;
  guint       comment_pages;
  GHashTable *posts;       /* id → JsonObject, without its comments */
  GPtrArray  *comments;    /* of Comment */
  GPtrArray  *seen;        /* of Comment: read before, perhaps edited since */
  GQueue      pending;     /* of Pending: posts with more comments to read */
} Feed;

static void
comment_free (Comment *comment)
{
  g_free (comment->post_id);
  json_object_unref (comment->comment);
  g_free (comment);
}

static void
pending_free (Pending *pending)
{
  g_free (pending->post_id);
  g_free (pending->after);
  g_free (pending);
}

static void
feed_free (Feed *feed)
{
  g_hash_table_unref (feed->posts);
  g_ptr_array_unref (feed->comments);
  g_ptr_array_unref (feed->seen);
  g_queue_clear_full (&feed->pending, (GDestroyNotify) pending_free);
  g_free (feed);
}

static Feed *
get_feed (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), "concierge-facebook-feed");
}

static gint64
created_time (JsonObject *object)
{
  return concierge_facebook_parse_time (concierge_json_string (object, "created_time"));
}

static JsonArray *
data_of (JsonObject *list)
{
  JsonNode *data = list ? json_object_get_member (list, "data") : NULL;

  return data != NULL && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
}

/* Building the threads */

typedef struct
{
  char             *thread;   /* the thread's remote id */
  char             *reply_to; /* for the page's replies; NULL for the others */
  ConciergeMessage *message;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->thread);
  g_free (entry->reply_to);
  g_object_unref (entry->message);
  g_free (entry);
}

static void
add_entry (GPtrArray        *entries,
           const char       *thread,
           const char       *reply_to,
           ConciergeMessage *message)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->thread = g_strdup (thread);
  entry->reply_to = g_strdup (reply_to);
  entry->message = message;
  g_ptr_array_add (entries, entry);
}

static gint
entry_older_first (gconstpointer a,
                   gconstpointer b)
{
  gint64 x = concierge_message_get_created_at ((*(Entry **) a)->message);
  gint64 y = concierge_message_get_created_at ((*(Entry **) b)->message);

  return x < y ? -1 : x > y;
}

static gboolean
is_page (JsonObject *object,
         const char *page_id)
{
  return g_strcmp0 (concierge_json_string (concierge_json_object (object, "from"), "id"), page_id) == 0;
}

/* The post as the first message of @thread, once. */
static gboolean
add_post_entry (GPtrArray   *entries,
                GHashTable  *added,
                JsonObject  *post,
                const char  *thread,
                const char  *page_id,
                GError     **error)
{
  g_autofree char *key = g_strdup_printf ("%s %s", thread, concierge_json_string (post, "id"));
  ConciergeMessage *message;

  if (g_hash_table_contains (added, key))
    return TRUE;
  if ((message = concierge_facebook_message_from_post (post, page_id, error)) == NULL)
    return FALSE;
  g_hash_table_add (added, g_steal_pointer (&key));
  add_entry (entries, thread, NULL, message);
  return TRUE;
}

static gboolean
add_comment_entry (GPtrArray   *entries,
                   GHashTable  *added,
                   Comment     *comment,
                   JsonObject  *post,
                   const char  *page_id,
                   GError     **error)
{
  const char *parent = concierge_json_string (concierge_json_object (comment->comment, "parent"), "id");
  gboolean visitor_post = !is_page (post, page_id);
  const char *thread = visitor_post ? comment->post_id : parent ? parent : concierge_json_string (comment->comment, "id");
  ConciergeMessage *message;

  /* The page's own comments on its own posts start no conversation. */
  if (is_page (comment->comment, page_id) && parent == NULL && !visitor_post)
    return TRUE;
  if (!add_post_entry (entries, added, post, thread, page_id, error) ||
      (message = concierge_facebook_message_from_comment (comment->comment, page_id, error)) == NULL)
    return FALSE;
  if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_OUT)
    add_entry (entries, thread, parent ? parent : comment->post_id, message);
  else
    add_entry (entries, thread, NULL, message);
  return TRUE;
}

/* A first sync with a number of threads keeps the ones with the newest
 * messages. */
static void
keep_newest_threads (GPtrArray *entries,
                     guint      threads)
{
  g_autoptr(GHashTable) newest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) order = NULL;
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  /* Sorted oldest first: the last time a thread is met is its newest. */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      order = g_list_remove (order, g_hash_table_lookup (newest, entry->thread));
      g_hash_table_replace (newest, entry->thread, entry->thread);
      order = g_list_prepend (order, entry->thread);
    }
  for (GList *l = order; l != NULL && n < threads; l = l->next, n++)
    g_hash_table_add (kept, l->data);
  for (guint i = entries->len; i > 0; i--)
    if (!g_hash_table_contains (kept, ((Entry *) g_ptr_array_index (entries, i - 1))->thread))
      g_ptr_array_remove_index (entries, i - 1);
}

/* Comments read before join the threads the cache has them in, where it
 * compares their text. */
static gboolean
add_seen_comments (ConciergeIngest  *ingest,
                   Feed             *feed,
                   const char       *page_id,
                   GError          **error)
{
  for (guint i = 0; i < feed->seen->len; i++)
    {
      Comment *comment = g_ptr_array_index (feed->seen, i);
      g_autoptr(ConciergeMessage) message = concierge_facebook_message_from_comment (comment->comment, page_id, error);

      if (message == NULL)
        return FALSE;
      concierge_message_set_edited_at (message, CONCIERGE_EDITED_IF_CHANGED);
      concierge_ingest_add_reply (ingest, concierge_message_get_remote_id (message), CONCIERGE_VISIBILITY_PUBLIC,
                                  message);
    }
  return TRUE;
}

static void
finish (GTask *task)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  ConciergeFacebookFetch *fetch = g_task_get_task_data (task);
  Feed *feed = get_feed (task);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(GHashTable) added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer post;
  GError *error = NULL;

  /* Visitors' posts that are new, with or without comments. */
  g_hash_table_iter_init (&iter, feed->posts);
  while (g_hash_table_iter_next (&iter, NULL, &post))
    if (!is_page (post, self->page_id) && created_time (post) >= feed->since &&
        !add_post_entry (entries, added, post, concierge_json_string (post, "id"), self->page_id, &error))
      {
        g_task_return_error (task, error);
        return;
      }

  for (guint i = 0; i < feed->comments->len; i++)
    {
      Comment *comment = g_ptr_array_index (feed->comments, i);

      if (!add_comment_entry (entries, added, comment, g_hash_table_lookup (feed->posts, comment->post_id),
                              self->page_id, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  /* Oldest first: a reply comes after what it answers. */
  g_ptr_array_sort (entries, entry_older_first);
  if (!g_hash_table_contains (fetch->cursor, "f") && self->first_sync_threads > 0)
    keep_newest_threads (entries, self->first_sync_threads);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      if (entry->reply_to != NULL)
        concierge_ingest_add_reply (fetch->ingest, entry->reply_to, CONCIERGE_VISIBILITY_PUBLIC, entry->message);
      else
        concierge_ingest_add_message (fetch->ingest, entry->thread, CONCIERGE_VISIBILITY_PUBLIC, entry->message);
    }

  if (!add_seen_comments (fetch->ingest, feed, self->page_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (feed->newest > 0)
    g_hash_table_replace (fetch->cursor, g_strdup ("f"), g_strdup_printf ("%" G_GINT64_FORMAT, feed->newest));
  concierge_facebook_fetch_step_done (task);
}

/* Reading */

static void read_pending (GTask *task);

/* Takes the comments from @since on from a list of them, newest first;
 * returns the cursor of the next page if there may be more of those. */
static const char *
take_comments (Feed       *feed,
               const char *post_id,
               JsonObject *list)
{
  JsonArray *data = data_of (list);
  gboolean older_met = FALSE;

  for (guint i = 0; data != NULL && i < json_array_get_length (data); i++)
    {
      JsonNode *node = json_array_get_element (data, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 time = object ? created_time (object) : 0;
      gboolean new = time >= feed->since;
      Comment *comment;

      older_met |= !new;
      if (!new && time < feed->since - EDIT_DAYS * DAY)
        continue;
      comment = g_new0 (Comment, 1);
      comment->post_id = g_strdup (post_id);
      comment->comment = json_object_ref (object);
      g_ptr_array_add (new ? feed->comments : feed->seen, comment);
      if (new)
        feed->newest = MAX (feed->newest, time);
    }
  return older_met ? NULL : concierge_facebook_next_cursor (list);
}

static void
comments_cb (GTask    *task,
             JsonNode *root)
{
  Feed *feed = get_feed (task);
  Pending *pending = g_queue_pop_head (&feed->pending);
  const char *after;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      pending_free (pending);
      concierge_facebook_return_unreadable (task);
      return;
    }
  after = take_comments (feed, pending->post_id, json_node_get_object (root));
  if (after != NULL)
    {
      g_free (pending->after);
      pending->after = g_strdup (after);
      g_queue_push_tail (&feed->pending, pending);
    }
  else
    pending_free (pending);
  read_pending (task);
}

static void
read_pending (GTask *task)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  Feed *feed = get_feed (task);
  Pending *pending = g_queue_peek_head (&feed->pending);
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *path = NULL;

  if (pending == NULL)
    {
      finish (task);
      return;
    }
  if (feed->comment_pages++ >= MAX_COMMENT_PAGES)
    {
      /* The rest waits for the next fetch, which comes soon. */
      self->more = TRUE;
      finish (task);
      return;
    }

  query = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (query, (gpointer) "fields", (gpointer) COMMENT_FIELDS);
  g_hash_table_insert (query, (gpointer) "filter", (gpointer) "stream");
  g_hash_table_insert (query, (gpointer) "order", (gpointer) "reverse_chronological");
  g_hash_table_insert (query, (gpointer) "limit", (gpointer) COMMENT_PAGE_LIMIT);
  g_hash_table_insert (query, (gpointer) "after", pending->after);
  path = g_strdup_printf ("/%s/comments", pending->post_id);
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, query, NULL, comments_cb);
}

static void read_feed (GTask *task, const char *after);

static gboolean
take_post (Feed       *feed,
           JsonObject *post,
           const char *page_id)
{
  const char *id = concierge_json_string (post, "id");
  JsonObject *comments = concierge_json_object (post, "comments");
  g_autoptr(JsonObject) copy = json_object_new ();
  const char *after;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (id == NULL || created_time (post) == 0)
    return FALSE;

  /* The post is kept for its comments' threads, without them. */
  json_object_iter_init (&iter, post);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_str_equal (name, "comments"))
      json_object_set_member (copy, name, json_node_copy (member));
  g_hash_table_replace (feed->posts, g_strdup (id), json_object_ref (copy));
  if (!is_page (post, page_id) && created_time (post) >= feed->since)
    feed->newest = MAX (feed->newest, created_time (post));

  if (comments != NULL && (after = take_comments (feed, id, comments)) != NULL)
    {
      Pending *pending = g_new0 (Pending, 1);

      pending->post_id = g_strdup (id);
      pending->after = g_strdup (after);
      g_queue_push_tail (&feed->pending, pending);
    }
  return TRUE;
}

static void
feed_cb (GTask    *task,
         JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  Feed *feed = get_feed (task);
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *data = data_of (answer);
  gint64 oldest = G_MAXINT64;
  const char *after;

  if (data == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonNode *node = json_array_get_element (data, i);

      if (!JSON_NODE_HOLDS_OBJECT (node) || !take_post (feed, json_node_get_object (node), self->page_id))
        {
          concierge_facebook_return_unreadable (task);
          return;
        }
      oldest = MIN (oldest, created_time (json_node_get_object (node)));
    }

  after = concierge_facebook_next_cursor (answer);
  if (after != NULL && oldest >= feed->posts_since)
    {
      if (feed->feed_pages < MAX_FEED_PAGES)
        {
          read_feed (task, after);
          return;
        }
      self->more = TRUE;
    }
  read_pending (task);
}

static void
read_feed (GTask      *task,
           const char *after)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  Feed *feed = get_feed (task);
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_strdup_printf ("/%s/feed", self->page_id);

  feed->feed_pages++;
  g_hash_table_insert (query, (gpointer) "fields",
                       (gpointer) "id,message,created_time,from{id,name},permalink_url,"
                                  "comments.filter(stream).order(reverse_chronological).limit(" COMMENT_PAGE_LIMIT
                                  "){" COMMENT_FIELDS "}");
  g_hash_table_insert (query, (gpointer) "limit", (gpointer) FEED_PAGE_LIMIT);
  if (after != NULL)
    g_hash_table_insert (query, (gpointer) "after", (gpointer) after);
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, query, NULL, feed_cb);
}

/**
 * concierge_facebook_fetch_feed:
 * @task: a fetch's
 *
 * Adds the comments and visitor posts since the last fetch to the fetch's
 * ingest; a first fetch reads back FIRST_SYNC_DAYS, or as many threads as
 * the agent chose.
 */
void
concierge_facebook_fetch_feed (GTask *task)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  ConciergeFacebookFetch *fetch = g_task_get_task_data (task);
  const char *seen = g_hash_table_lookup (fetch->cursor, "f");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Feed *feed = g_new0 (Feed, 1);

  feed->posts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  feed->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) comment_free);
  feed->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) comment_free);
  g_queue_init (&feed->pending);
  if (seen != NULL)
    feed->since = g_ascii_strtoll (seen, NULL, 10);
  else
    feed->since = now - (self->first_sync_threads > 0 ? FIRST_SYNC_THREADS_DAYS : FIRST_SYNC_DAYS) * DAY;
  feed->posts_since = feed->since - POST_DAYS * DAY;
  g_object_set_data_full (G_OBJECT (task), "concierge-facebook-feed", feed, (GDestroyNotify) feed_free);

  read_feed (task, NULL);
}

/* Sending */

static void
comment_sent_cb (GTask    *task,
                 JsonNode *root)
{
  const char *text = g_object_get_data (G_OBJECT (task), "concierge-facebook-text");
  const char *id = concierge_json_node_string (root, "id");
  ConciergeMessage *message;

  if (id == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }
  message = concierge_message_new (id, CONCIERGE_DIRECTION_OUT, text, g_get_real_time () / G_USEC_PER_SEC);
  concierge_message_set_audience (message, CONCIERGE_AUDIENCE_PUBLIC);
  g_task_return_pointer (task, message, g_object_unref);
}

/**
 * concierge_facebook_send_comment:
 * @entry: a public reply
 *
 * Answers as the page under the customer's latest comment, or under the
 * visitor's post, with POST /OBJECT-ID/comments. Facebook puts an answer
 * to a reply under the same top-level comment. Comments have no reply
 * window.
 */
void
concierge_facebook_send_comment (GTask                *task,
                                 ConciergeOutboxEntry *entry)
{
  const char *target = entry->in_reply_to_remote_id ? entry->in_reply_to_remote_id : entry->thread_remote_id;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *path = NULL;

  if (target == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("This conversation has no Facebook comment to answer."));
      return;
    }
  if (g_utf8_strlen (entry->text, -1) > CONCIERGE_FACEBOOK_MAX_COMMENT_LENGTH)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("A Facebook comment can be at most %d characters long."),
                               CONCIERGE_FACEBOOK_MAX_COMMENT_LENGTH);
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "concierge-facebook-text", g_strdup (entry->text), g_free);
  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, (gpointer) "message", entry->text);
  path = g_strdup_printf ("/%s/comments", target);
  concierge_facebook_request_json (task, SOUP_METHOD_POST, path, form, NULL, comment_sent_cb);
}
