/* test-store-search.c
 *
 * The store's search and inbox index against real SQLite files, and the
 * inbox model over them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "privacy/concierge-detector.h"
#include "limited-vfs.h"
#include "test-store-fixture.h"

static void
test_search_is_newest_first_and_literal (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) found = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Die Rechnung ist doppelt abgebucht", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "tom", "Tom", "Rechnungen für März fehlen", 300));
  ingest_one (fixture, fixture->mastodon, "c", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "ute", "Ute", "Wann kommt der Techniker?", 200));

  found = test_search_messages (fixture->store, "rechnung", 50);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (concierge_message_get_remote_id (g_ptr_array_index (found, 0)), ==, "2");
  g_assert_cmpstr (concierge_message_get_remote_id (g_ptr_array_index (found, 1)), ==, "1");
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Diacritics fold, and FTS5 syntax in what a person types stays text. */
  found = test_search_messages (fixture->store, "fur", 50);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = test_search_messages (fixture->store, "\"Techniker OR NEAR(", 50);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = test_search_messages (fixture->store, "techniker", 50);
  g_assert_cmpuint (found->len, ==, 1);
}

/* Searching the inbox for a word that nearly every message holds, and for
 * a rare one, in a cache big enough that reading every match shows. */

#define WIDE_THREADS  1000
#define WIDE_MESSAGES 8    /* a thread */
#define WIDE_PAGE     20

typedef struct
{
  char     *remote_id;
  gint64    last_activity_at;
  gboolean  resolved;
  gboolean  holds[3];  /* a message, or the customer's name, holds wide_words[i] */
} WideThread;

/* A word in nearly every message; one in few; one in every message of
 * about half the threads, which is in many messages and yet in too few of
 * the newest threads for a page. */
static const char * const wide_words[] = { "gerne", "mahnung", "bitte" };

static void
wide_thread_clear (WideThread *thread)
{
  g_free (thread->remote_id);
}

/* Every thread starts in order, and its later messages come at any time
 * after, so that the inbox order is not the order of the ids. No two
 * messages share a time. The three newest threads lack the common word
 * where a search would look first: w151 holds it in its first message
 * alone, w101 in its customer's name alone, w51 nowhere. Returns the
 * threads, and in @text_bytes how much text the messages hold. */
static GArray *
ingest_wide_cache (Fixture *fixture,
                   gsize   *text_bytes)
{
  static const char * const syllables[] = { "ka", "lo", "mi", "tu", "re", "so", "fa", "ni", "pe", "du" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  GArray *threads = g_array_new (FALSE, TRUE, sizeof (WideThread));
  g_autoptr(GError) error = NULL;

  g_array_set_clear_func (threads, (GDestroyNotify) wide_thread_clear);
  *text_bytes = 0;
  for (guint k = 0; k < WIDE_THREADS; k++)
    {
      g_autofree char *author_id = g_strdup_printf ("kunde%u", k);
      g_autofree char *name = k == 250 ? g_strdup ("Frau Mahnung")
                              : k == 101 ? g_strdup ("Herr Gernegross")
                              : g_strdup_printf ("Kunde %u", k);
      WideThread thread = {
        .remote_id = g_strdup_printf ("w%u", k),
        .resolved = k % 7 == 0,
        .holds = { k == 101, k == 250, k % 2 == 1 || k % 20 == 0 },
      };

      for (guint j = 0; j < WIDE_MESSAGES; j++)
        {
          g_autoptr(GString) body = g_string_new (NULL);
          g_autofree char *remote_id = g_strdup_printf ("w%u-%u", k, j);
          gint64 slot = j == 0 ? (gint64) k
                        : j == WIDE_MESSAGES - 1 && (k == 51 || k == 101 || k == 151) ? 4 * WIDE_THREADS
                        : g_rand_int_range (rand, k, 4 * WIDE_THREADS);
          gint64 at = 1000000 + slot * 10000 + k * WIDE_MESSAGES + j;
          /* A few threads lack the common word, w151 in all but its first message. */
          gboolean common = k % 50 != 1 ? g_rand_int_range (rand, 0, 10) != 0 : k == 151 && j == 0;
          gboolean rare = j == 5 && (k == 3 || k == 300 || k == 301 || k == 597);
          ConciergeMessage *message;

          for (guint w = 0; w < 40; w++)
            {
              g_string_append_c (body, ' ');
              for (guint n = g_rand_int_range (rand, 2, 4); n > 0; n--)
                g_string_append (body, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
              if (w == 17 && common)
                g_string_append (body, " gerne");
              if (w == 29 && rare)
                g_string_append (body, " Mahnungen");
              if (w == 35 && thread.holds[2])
                g_string_append (body, " bitte");
            }
          thread.holds[0] |= common;
          thread.holds[1] |= rare;
          thread.last_activity_at = MAX (thread.last_activity_at, at);
          *text_bytes += body->len;

          message = incoming (remote_id, author_id, name, body->str + 1, at);
          concierge_ingest_add_message (ingest, thread.remote_id, CONCIERGE_VISIBILITY_PUBLIC, message);
          g_object_unref (message);
        }
      g_array_append_val (threads, thread);
    }
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);

  /* Thread k is w<k>, and came k-th. */
  for (guint k = 0; k < WIDE_THREADS; k++)
    {
      gint64 id = k + 1;
      g_autoptr(GPtrArray) saved = test_load_threads (fixture->store, &id, 1);

      g_assert_cmpstr (concierge_thread_get_remote_id (g_ptr_array_index (saved, 0)), ==,
                       g_array_index (threads, WideThread, k).remote_id);
      if (g_array_index (threads, WideThread, k).resolved)
        {
          test_set_status (fixture->store, id, CONCIERGE_THREAD_RESOLVED, &error);
          g_assert_no_error (error);
        }
    }

  return threads;
}

static int
compare_wide_threads (gconstpointer a,
                      gconstpointer b)
{
  const WideThread *x = *(const WideThread * const *) a, *y = *(const WideThread * const *) b;

  return (x->last_activity_at < y->last_activity_at) - (x->last_activity_at > y->last_activity_at);
}

/* The remote ids a search must find, newest first, among the open
 * threads or among all: worked out here from what the test wrote, not by
 * the store. */
static char *
expected_search_in (GArray   *threads,
                    gboolean  resolved_too,
                    guint     word,
                    guint     limit)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint k = 0; k < threads->len; k++)
    {
      WideThread *thread = &g_array_index (threads, WideThread, k);

      if ((resolved_too || !thread->resolved) && thread->holds[word])
        g_ptr_array_add (found, thread);
    }
  g_ptr_array_sort (found, compare_wide_threads);
  for (guint i = 0; i < found->len && (limit == 0 || i < limit); i++)
    g_string_append_printf (order, "%s%s", i ? " " : "", ((WideThread *) g_ptr_array_index (found, i))->remote_id);

  return g_string_free (g_steal_pointer (&order), FALSE);
}

static char *
expected_search (GArray *threads,
                 guint   word,
                 guint   limit)
{
  return expected_search_in (threads, FALSE, word, limit);
}

static char *
thread_order (GPtrArray *threads)
{
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint i = 0; i < threads->len; i++)
    g_string_append_printf (order, "%s%s", i ? " " : "",
                            concierge_thread_get_remote_id (g_ptr_array_index (threads, i)));

  return g_string_free (g_steal_pointer (&order), FALSE);
}

static char *
search_head (ConciergeStore            *store,
             const ConciergeInboxQuery *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_load_inbox_head_async (store, query, WIDE_PAGE, NULL, test_got_result, &result);
  threads = concierge_store_load_inbox_head_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return thread_order (threads);
}

/* The whole list of a search, as the inbox asks for it after the first
 * page, and in @limited whether the store says it stops before the last
 * match. */
static char *
search_index (ConciergeStore            *store,
              const ConciergeInboxQuery *query,
              gboolean                  *limited)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_load_inbox_index_async (store, query, 0, G_PRIORITY_LOW, NULL, test_got_result, &result);
  index = concierge_store_load_inbox_index_finish (store, test_wait_result (&result), limited, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < index->len; i++)
    g_array_append_val (ids, g_array_index (index, ConciergeInboxEntry, i).id);
  threads = test_load_threads (store, (const gint64 *) (gpointer) ids->data, ids->len);
  return thread_order (threads);
}

/* The threads among all that the store's check for changed threads finds,
 * in the order of the threads. */
static char *
search_matching (ConciergeStore *store,
                 const char     *search,
                 GArray         *threads)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) matches = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GString) order = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = test_load_index (store, &query);

  for (guint i = 0; i < index->len; i++)
    g_array_append_val (ids, g_array_index (index, ConciergeInboxEntry, i).id);
  concierge_store_match_threads_async (store, search, (const gint64 *) (gpointer) ids->data, ids->len,
                                       NULL, test_got_result, &result);
  matches = concierge_store_match_threads_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);

  loaded = test_load_threads (store, (const gint64 *) (gpointer) ids->data, ids->len);
  for (guint k = 0; k < threads->len; k++)
    {
      const char *remote_id = g_array_index (threads, WideThread, k).remote_id;

      for (guint i = 0; i < loaded->len; i++)
        {
          ConciergeThread *thread = g_ptr_array_index (loaded, i);

          gint64 id = concierge_thread_get_id (thread);

          if (g_str_equal (concierge_thread_get_remote_id (thread), remote_id) && g_hash_table_contains (matches, &id))
            g_string_append_printf (order, "%s%s", order->len ? " " : "", remote_id);
        }
    }

  return g_string_free (g_steal_pointer (&order), FALSE);
}

static char *
expected_matching (GArray *threads,
                   guint   word)
{
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint k = 0; k < threads->len; k++)
    {
      WideThread *thread = &g_array_index (threads, WideThread, k);

      if (thread->holds[word])
        g_string_append_printf (order, "%s%s", order->len ? " " : "", thread->remote_id);
    }

  return g_string_free (g_steal_pointer (&order), FALSE);
}

static void
test_search_common_word_reads_one_page (Fixture       *fixture,
                                        gconstpointer  data)
{
  ConciergeInboxQuery query = {
    .status_mask = (1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING),
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
  };
  g_autoptr(GArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *newest = NULL;
  gsize text_bytes;
  gint64 read_before;

  threads = ingest_wide_cache (fixture, &text_bytes);

  /* The same threads in the same order as a filter by every match finds,
   * for the first page, the whole order and the check of changed threads;
   * the whole order may hold them all here. */
  concierge_store_set_search_limit (fixture->store, WIDE_THREADS);
  newest = expected_search (threads, 0, WIDE_PAGE);
  g_assert_true (g_str_has_prefix (newest, "w151 w101 w"));
  for (guint word = 0; word < G_N_ELEMENTS (wide_words); word++)
    {
      g_autofree char *page = NULL, *expected_page = expected_search (threads, word, WIDE_PAGE);
      g_autofree char *all = NULL, *expected_all = expected_search (threads, word, 0);
      g_autofree char *matching = NULL, *expected_match = expected_matching (threads, word);
      gboolean limited = TRUE;

      query.search = (char *) wide_words[word];
      page = search_head (fixture->store, &query);
      g_assert_cmpstr (page, ==, expected_page);
      all = search_index (fixture->store, &query, &limited);
      g_assert_cmpstr (all, ==, expected_all);
      g_assert_false (limited);
      matching = search_matching (fixture->store, query.search, threads);
      g_assert_cmpstr (matching, ==, expected_match);
    }

  /* The bound, without a clock: a cold cache, and the bytes SQLite reads
   * from the file for the first page of "gerne", which most of the 8,000
   * messages hold. Filtering by every match looks up each matching message
   * to find its thread, and so reads nearly all the messages' text; the
   * page needs its threads and their few messages, and the word's list of
   * matches, which is small beside the text. Counting reads rather than
   * SQLite's steps keeps the test free of how the store phrases its
   * queries, and the count is the same on every run. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  query.search = (char *) "gerne";
  read_before = limited_vfs_get_read ();
  g_free (search_head (fixture->store, &query));
  g_test_message ("a page of a common word read %" G_GINT64_FORMAT " bytes; the messages hold %zu",
                  limited_vfs_get_read () - read_before, text_bytes);
  g_assert_cmpint (limited_vfs_get_read () - read_before, <, text_bytes / 3);
}

/* Far fewer than the common words' matches. */
#define WIDE_LIMIT 40

/* A search lists the first threads that match, in the view's order, and
 * says when there are more; a rare word lists every match, the resolved
 * threads too when the view holds them, however old. */
static void
test_search_lists_its_first_threads (Fixture       *fixture,
                                     gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING };
  g_autoptr(GArray) threads = NULL;
  gsize text_bytes;

  threads = ingest_wide_cache (fixture, &text_bytes);
  concierge_store_set_search_limit (fixture->store, WIDE_LIMIT);
  g_assert_cmpuint (concierge_store_get_search_limit (fixture->store), ==, WIDE_LIMIT);

  for (guint mask = 0; mask < 2; mask++)
    {
      query.status_mask = mask ? (1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING) : 0;
      for (guint word = 0; word < G_N_ELEMENTS (wide_words); word++)
        {
          g_autofree char *list = NULL;
          g_autofree char *expected = expected_search_in (threads, !mask, word, WIDE_LIMIT);
          g_autofree char *every = expected_search_in (threads, !mask, word, 0);
          gboolean limited;

          query.search = (char *) wide_words[word];
          list = search_index (fixture->store, &query, &limited);
          g_assert_cmpstr (list, ==, expected);
          g_assert_cmpint (limited, ==, !g_str_equal (expected, every));
          /* The common words reach the limit; the rare one does not. */
          g_assert_cmpint (limited, ==, word != 1);
        }
    }

  /* "Mahnung": a resolved thread's message, and a customer's name. */
  query.status_mask = 0;
  query.search = (char *) "mahnung";
  {
    g_autofree char *list = search_index (fixture->store, &query, NULL);
    g_auto(GStrv) found = g_strsplit (list, " ", -1);

    g_assert_true (g_array_index (threads, WideThread, 301).resolved);
    g_assert_true (g_strv_contains ((const char * const *) found, "w301"));
    g_assert_true (g_strv_contains ((const char * const *) found, "w250"));
  }
}

static void ingest_threads (Fixture    *fixture,
                            const char *prefix,
                            guint       n,
                            gint64      first_time);

/* A search stops after looking through so many threads for each it may
 * list, and then says that it did: "alt" holds a word in more messages
 * than the store follows one by one, and lies below 300 threads that lack
 * it. With a larger limit the search looks far enough to find it. */
static void
test_search_stops_short_and_says_so (Fixture       *fixture,
                                     gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .search = (char *) "zählerstand" };
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  g_autoptr(GError) error = NULL;
  g_autofree char *few = NULL, *more = NULL;
  gboolean limited;

  for (guint i = 0; i < 4200; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("alt-%u", i);
      g_autofree char *body = g_strdup_printf ("Zählerstand %u nachgereicht", i);
      g_autoptr(ConciergeMessage) message = incoming (remote_id, "alt", "Alt", body, 1000 + i);

      concierge_ingest_add_message (ingest, "alt", CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);
  ingest_threads (fixture, "neu", 300, 100000);

  concierge_store_set_search_limit (fixture->store, 5);
  few = search_index (fixture->store, &query, &limited);
  g_assert_cmpstr (few, ==, "");
  g_assert_true (limited);

  concierge_store_set_search_limit (fixture->store, 10);
  more = search_index (fixture->store, &query, &limited);
  g_assert_cmpstr (more, ==, "alt");
  g_assert_false (limited);
}

/* The whole list of a word that most messages hold, from a cold cache,
 * reads no more than its first page does in kind: the threads it looks
 * through and their messages' ids, and the word's list of matches, not
 * the messages themselves as a filter by every match does. */
static void
test_search_common_word_lists_without_reading_messages (Fixture       *fixture,
                                                        gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
                                .search = (char *) "gerne" };
  g_autoptr(GArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL, *expected = NULL;
  gboolean limited;
  gsize text_bytes;
  gint64 read_before, read;

  threads = ingest_wide_cache (fixture, &text_bytes);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  concierge_store_set_search_limit (fixture->store, WIDE_LIMIT);

  read_before = limited_vfs_get_read ();
  list = search_index (fixture->store, &query, &limited);
  read = limited_vfs_get_read () - read_before;
  g_test_message ("the list of a common word read %" G_GINT64_FORMAT " bytes; the messages hold %zu",
                  read, text_bytes);
  g_assert_cmpint (read, <, text_bytes / 3);
  expected = expected_search_in (threads, TRUE, 0, WIDE_LIMIT);
  g_assert_cmpstr (list, ==, expected);
  g_assert_true (limited);
}

/* Inbox model */

typedef struct
{
  guint position, removed, added;
} Change;

/* The length a model had before its first recorded change; every signal
 * must leave it as long as it says, since a list view reads it then. */
static guint expected_n_items;

static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *changes)
{
  Change change = { position, removed, added };

  expected_n_items = expected_n_items - removed + added;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected_n_items);
  g_array_append_val (changes, change);
}

static void
assert_order (GListModel *model,
              const char *expected)
{
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ConciergeThread) thread = g_list_model_get_item (model, i);

      test_wait_for_row (model, i);
      g_clear_object (&thread);
      thread = g_list_model_get_item (model, i);
      g_string_append_printf (order, "%s%s", i ? " " : "", concierge_thread_get_remote_id (thread));
    }

  g_assert_cmpstr (order->str, ==, expected);
}

static void
test_inbox_longest_waiting_and_exact_changes (Fixture       *fixture,
                                              gconstpointer  data)
{
  ConciergeInboxQuery query = {
    .status_mask = 1 << CONCIERGE_THREAD_OPEN,
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
  };
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GError) error = NULL;
  Change *change;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, incoming ("1", "x", "X", "a", 300));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC, incoming ("2", "y", "Y", "b", 100));
  ingest_one (fixture, fixture->telegram, "c", CONCIERGE_VISIBILITY_PRIVATE, incoming ("3", "z", "Z", "c", 200));

  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);
  assert_order (G_LIST_MODEL (inbox), "b c a");
  expected_n_items = 3;
  g_signal_connect (inbox, "items-changed", G_CALLBACK (record_change), changes);

  /* Answering b: it no longer waits, so it moves to the end, in one change
   * over the rows it passed. */
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              concierge_message_new ("4", CONCIERGE_DIRECTION_OUT, "Antwort", 400));
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 3);
  g_assert_cmpuint (change->added, ==, 3);
  assert_order (G_LIST_MODEL (inbox), "c a b");
  g_array_set_size (changes, 0);

  /* A new thread that has waited longest goes first. */
  ingest_one (fixture, fixture->mastodon, "d", CONCIERGE_VISIBILITY_PUBLIC, incoming ("5", "w", "W", "d", 50));
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->added, ==, 1);
  assert_order (G_LIST_MODEL (inbox), "d c a b");
  g_array_set_size (changes, 0);

  /* Resolving c takes it out of the open view. */
  {
    g_autoptr(ConciergeThread) c = load_thread (fixture, "c");

    test_set_status (fixture->store, concierge_thread_get_id (c), CONCIERGE_THREAD_RESOLVED, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 1);
  g_assert_cmpuint (change->removed, ==, 1);
  g_assert_cmpuint (change->added, ==, 0);
  assert_order (G_LIST_MODEL (inbox), "d a b");
}

/* Customers' messages are scanned on the worker: the ones from before a
 * scanner in one go, new ones as they land. Public threads with personal
 * data sort before every other; private ones keep their place. */
static void
test_personal_data_sorts_up (Fixture       *fixture,
                             gconstpointer  data)
{
  ConciergeInboxQuery query = {
    .status_mask = 1 << CONCIERGE_THREAD_OPEN,
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
  };
  ConciergeInboxQuery newest = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  const char *company[] = { "DE89 3704 0044 0532 0130 00", NULL };
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(ConciergeInboxModel) by_time = NULL;
  g_autoptr(ConciergeThread) a = NULL;
  g_autoptr(ConciergeThread) c = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GArray) findings = NULL;
  ConciergeMessage *edited;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "x", "X", "Meine IBAN: DE89 3704 0044 0532 0130 00", 300));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "y", "Y", "Seit heute kein Internet", 100));
  ingest_one (fixture, fixture->telegram, "c", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("3", "z", "Z", "Ruft mich an: 0171 5528391", 200));

  inbox = concierge_inbox_model_new (fixture->store, &query);
  by_time = concierge_inbox_model_new (fixture->store, &newest);
  test_wait_loaded (inbox);
  test_wait_loaded (by_time);
  assert_order (G_LIST_MODEL (inbox), "b c a");

  use_detector (fixture, NULL);
  scan (fixture, FALSE);
  assert_order (G_LIST_MODEL (inbox), "a b c");
  assert_order (G_LIST_MODEL (by_time), "a c b");

  a = load_thread (fixture, "a");
  c = load_thread (fixture, "c");
  g_assert_cmpuint (concierge_thread_get_personal_data (a), ==, 1u << CONCIERGE_FINDING_IBAN);
  g_assert_cmpuint (concierge_thread_get_personal_data (c), ==, 1u << CONCIERGE_FINDING_PHONE);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (a));
  findings = concierge_detector_parse_spans (concierge_message_get_personal_data (g_ptr_array_index (messages, 0)));
  g_assert_cmpuint (findings->len, ==, 1);
  g_assert_cmpuint (g_array_index (findings, ConciergeFinding, 0).start, ==, 12);
  g_assert_cmpuint (g_array_index (findings, ConciergeFinding, 0).end, ==, 39);

  /* New messages are scanned as they land; the public thread that waited
   * longer leads the ones with personal data. */
  ingest_one (fixture, fixture->mastodon, "d", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("5", "w", "W", "Schreibt mir an anna.berg@example.de", 50));
  assert_order (G_LIST_MODEL (inbox), "d a b c");

  /* The customer edits the address out. */
  edited = incoming ("5", "w", "W", "Schreibt mir bitte hier", 50);
  concierge_message_set_edited_at (edited, 60);
  ingest_one (fixture, fixture->mastodon, "d", CONCIERGE_VISIBILITY_PUBLIC, edited);
  assert_order (G_LIST_MODEL (inbox), "a d b c");

  /* The IBAN is the company's own: scanned again, nothing is left. */
  use_detector (fixture, company);
  scan (fixture, TRUE);
  assert_order (G_LIST_MODEL (inbox), "d b c a");
  assert_order (G_LIST_MODEL (by_time), "a c b d");
}

/* A first sync brings thousands of threads in one write: the inbox reads
 * itself anew instead of placing each on the main loop. */
static void
test_inbox_reloads_after_a_big_change (Fixture       *fixture,
                                       gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  g_autoptr(GError) error = NULL;
  guint changed = 0, invalidated = 0;

  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);
  g_signal_connect_swapped (fixture->store, "threads-changed", G_CALLBACK (count_signal), &changed);
  g_signal_connect_swapped (fixture->store, "invalidated", G_CALLBACK (count_signal), &invalidated);

  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *thread = g_strdup_printf ("t%u", i);
      g_autofree char *remote = g_strdup_printf ("m%u", i);
      g_autoptr(ConciergeMessage) message = incoming (remote, "x", "X", "Hallo", 1000 + i);

      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);

  test_wait_loaded (inbox);
  while (g_list_model_get_n_items (G_LIST_MODEL (inbox)) < 250)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (invalidated, ==, 1);
  g_assert_cmpuint (changed, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, 250);
}

static void
test_inbox_filters_and_search (Fixture       *fixture,
                               gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = CONCIERGE_VISIBILITY_PRIVATE, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(ConciergeInboxModel) inbox = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, incoming ("1", "x", "X", "Rechnung falsch", 100));
  ingest_one (fixture, fixture->telegram, "b", CONCIERGE_VISIBILITY_PRIVATE, incoming ("2", "y", "Y", "Rechnung doppelt", 200));
  ingest_one (fixture, fixture->telegram, "c", CONCIERGE_VISIBILITY_PRIVATE, incoming ("3", "z", "Zoe Kraus", "Router kaputt", 300));

  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);
  assert_order (G_LIST_MODEL (inbox), "c b");

  query.visibility = -1;
  query.account_id = concierge_account_get_id (fixture->mastodon);
  concierge_inbox_model_set_query (inbox, &query);
  test_wait_loaded (inbox);
  assert_order (G_LIST_MODEL (inbox), "a");

  query.account_id = 0;
  query.search = (char *) "rechnung";
  concierge_inbox_model_set_query (inbox, &query);
  test_wait_loaded (inbox);
  assert_order (G_LIST_MODEL (inbox), "b a");

  /* Contact names are searched too. */
  query.search = (char *) "kraus";
  concierge_inbox_model_set_query (inbox, &query);
  test_wait_loaded (inbox);
  assert_order (G_LIST_MODEL (inbox), "c");

  /* A thread that starts to match while the search shows joins it. */
  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, incoming ("4", "x", "X", "Frau Kraus hat recht", 400));
  test_wait_n_items (G_LIST_MODEL (inbox), 2);
  assert_order (G_LIST_MODEL (inbox), "a c");
}

/* The first resolved thread after @from in the order of a search for
 * "gerne" that holds it, where @from is a thread's remote id or NULL. */
static WideThread *
resolved_after (GArray     *threads,
                const char *from)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  gboolean past = from == NULL;

  for (guint k = 0; k < threads->len; k++)
    if (g_array_index (threads, WideThread, k).holds[0])
      g_ptr_array_add (order, &g_array_index (threads, WideThread, k));
  g_ptr_array_sort (order, compare_wide_threads);
  for (guint i = 0; i < order->len; i++)
    {
      WideThread *thread = g_ptr_array_index (order, i);

      if (past && thread->resolved)
        return thread;
      past |= from != NULL && g_str_equal (thread->remote_id, from);
    }

  g_assert_not_reached ();
}

static void
reopen_wide (Fixture    *fixture,
             WideThread *thread)
{
  g_autoptr(GError) error = NULL;

  /* Thread k is w<k>, and came k-th. */
  test_set_status (fixture->store, g_ascii_strtoll (thread->remote_id + 1, NULL, 10) + 1,
                   CONCIERGE_THREAD_OPEN, &error);
  g_assert_no_error (error);
  thread->resolved = FALSE;
}

/* A search that shows its first threads only, and says so, while threads
 * change: one that comes to match within them joins them at its place;
 * one below the last stays out, since the threads that match there are
 * not known; and a new one comes in at the top. A rare word shows every
 * match. */
static void
test_inbox_search_shows_its_first_threads (Fixture       *fixture,
                                           gconstpointer  data)
{
  ConciergeInboxQuery query = {
    .status_mask = (1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING),
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_NEWEST,
    .search = (char *) "gerne",
  };
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(GArray) threads = NULL;
  g_auto(GStrv) shown = NULL;
  g_autofree char *expected = NULL, *again = NULL, *rare = NULL;
  WideThread *within, *below, *last;
  gsize text_bytes;

  threads = ingest_wide_cache (fixture, &text_bytes);
  concierge_store_set_search_limit (fixture->store, WIDE_LIMIT);
  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);
  g_assert_true (concierge_inbox_model_get_limited (inbox));
  expected = expected_search (threads, 0, WIDE_LIMIT);
  assert_order (G_LIST_MODEL (inbox), expected);

  /* The last thread shown, and the resolved threads that hold the word
   * before it and after it. */
  shown = g_strsplit (expected, " ", -1);
  within = resolved_after (threads, NULL);
  below = resolved_after (threads, shown[WIDE_LIMIT - 1]);
  last = &g_array_index (threads, WideThread, g_ascii_strtoll (shown[WIDE_LIMIT - 1] + 1, NULL, 10));
  g_assert_cmpint (within->last_activity_at, >, last->last_activity_at);
  g_assert_cmpint (below->last_activity_at, <, last->last_activity_at);
  reopen_wide (fixture, below);
  reopen_wide (fixture, within);
  test_wait_n_items (G_LIST_MODEL (inbox), WIDE_LIMIT + 1);
  again = expected_search (threads, 0, WIDE_LIMIT + 1);
  g_assert_nonnull (strstr (again, within->remote_id));
  g_assert_null (strstr (again, below->remote_id));
  assert_order (G_LIST_MODEL (inbox), again);

  ingest_one (fixture, fixture->mastodon, "neu", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("neu-1", "neu", "Neu", "Sehr gerne, danke!", 100 * 1000 * 1000));
  test_wait_n_items (G_LIST_MODEL (inbox), WIDE_LIMIT + 2);
  {
    g_autofree char *top = g_strdup_printf ("neu %s", again);

    assert_order (G_LIST_MODEL (inbox), top);
  }
  g_assert_true (concierge_inbox_model_get_limited (inbox));

  query.search = (char *) "mahnung";
  concierge_inbox_model_set_query (inbox, &query);
  test_wait_loaded (inbox);
  g_assert_false (concierge_inbox_model_get_limited (inbox));
  rare = expected_search (threads, 1, 0);
  assert_order (G_LIST_MODEL (inbox), rare);
}

static void
test_inbox_keeps_changes_made_while_loading (Fixture       *fixture,
                                             gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  g_autoptr(GError) error = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, incoming ("1", "x", "X", "a", 100));

  /* The write is queued between the index's two steps; wherever it lands,
   * the inbox must end up with it. */
  inbox = concierge_inbox_model_new (fixture->store, &query);
  {
    g_autoptr(ConciergeMessage) message = incoming ("2", "y", "Y", "b", 200);

    concierge_ingest_add_message (ingest, "b", CONCIERGE_VISIBILITY_PUBLIC, message);
  }
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);
  test_wait_loaded (inbox);
  assert_order (G_LIST_MODEL (inbox), "b a");
}

static void
ingest_threads (Fixture    *fixture,
                const char *prefix,
                guint       n,
                gint64      first_time)
{
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *thread = g_strdup_printf ("%s%u", prefix, i);
      g_autoptr(ConciergeMessage) message = incoming (thread, "u", "U", "Hallo", first_time + i);

      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);
}

static void
test_inbox_loads_rows_that_moved (Fixture       *fixture,
                                  gconstpointer  data)
{
  ConciergeInboxQuery query = {
    .status_mask = 1 << CONCIERGE_THREAD_OPEN,
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_NEWEST,
  };
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(GError) error = NULL;

  ingest_threads (fixture, "t", 60, 1000);
  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);
  for (guint i = 0; i < 20; i++)
    test_wait_for_row (G_LIST_MODEL (inbox), i);

  /* Resolving the five newest pulls rows the first page never had into it. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(ConciergeThread) top = g_list_model_get_item (G_LIST_MODEL (inbox), 0);

      test_set_status (fixture->store, concierge_thread_get_id (top), CONCIERGE_THREAD_RESOLVED, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, 55);

  for (guint i = 0; i < 55; i++)
    {
      g_autoptr(ConciergeThread) thread = NULL;
      g_autofree char *expected = g_strdup_printf ("t%u", 54 - i);

      test_wait_for_row (G_LIST_MODEL (inbox), i);
      thread = g_list_model_get_item (G_LIST_MODEL (inbox), i);
      g_assert_cmpstr (concierge_thread_get_remote_id (thread), ==, expected);
    }
}

static void
test_inbox_loads_lazily (Fixture       *fixture,
                         gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 5000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *thread = g_strdup_printf ("t%u", i);
      g_autofree char *author = g_strdup_printf ("u%u", i % 700);
      g_autoptr(ConciergeMessage) message = incoming (thread, author, author, "Hallo", 1000 + i);

      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);

  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, n);

  /* Walk every row, as scrolling to the bottom would. */
  for (guint i = 0; i < n; i += 37)
    {
      g_autoptr(ConciergeThread) thread = NULL;
      g_autofree char *expected = g_strdup_printf ("t%u", n - 1 - i);

      test_wait_for_row (G_LIST_MODEL (inbox), i);
      thread = g_list_model_get_item (G_LIST_MODEL (inbox), i);
      g_assert_cmpstr (concierge_thread_get_remote_id (thread), ==, expected);
    }

  g_assert_cmpuint (concierge_inbox_model_get_cached (inbox), <, n / 2);
  g_assert_cmpuint (concierge_inbox_model_get_cached (inbox), <=, 100 * 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/search-is-newest-first-and-literal", test_search_is_newest_first_and_literal);
  ADD ("/store/search-common-word-reads-one-page", test_search_common_word_reads_one_page);
  ADD ("/store/search-lists-its-first-threads", test_search_lists_its_first_threads);
  ADD ("/store/search-stops-short-and-says-so", test_search_stops_short_and_says_so);
  ADD ("/store/search-common-word-lists-without-reading-messages",
       test_search_common_word_lists_without_reading_messages);
  ADD ("/inbox/longest-waiting-and-exact-changes", test_inbox_longest_waiting_and_exact_changes);
  ADD ("/inbox/filters-and-search", test_inbox_filters_and_search);
  ADD ("/inbox/search-shows-its-first-threads", test_inbox_search_shows_its_first_threads);
  ADD ("/inbox/reloads-after-a-big-change", test_inbox_reloads_after_a_big_change);
  ADD ("/inbox/keeps-changes-made-while-loading", test_inbox_keeps_changes_made_while_loading);
  ADD ("/inbox/loads-rows-that-moved", test_inbox_loads_rows_that_moved);
  ADD ("/inbox/loads-lazily", test_inbox_loads_lazily);
  ADD ("/inbox/personal-data-sorts-up", test_personal_data_sorts_up);

  return g_test_run ();
}
