/* test-store.c
 *
 * The store against real SQLite files in a temporary folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "privacy/concierge-detector.h"
#include "store/concierge-inbox-model.h"
#include "store/concierge-store.h"

#include "limited-vfs.h"
#include "test-util.h"

typedef struct
{
  char             *dir;
  char             *path;
  ConciergeStore   *store;
  ConciergeAccount *mastodon;
  ConciergeAccount *telegram;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) mastodon = NULL;
  g_autoptr(ConciergeAccount) telegram = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "profile", "cache.sqlite", NULL);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);

  mastodon = concierge_account_new ("mastodon", "Support", "@support@social.example",
                                    "https://social.example", "1");
  telegram = concierge_account_new ("telegram", "Hilfe", "@HilfeBot",
                                    "https://api.telegram.org", "7000");
  fixture->mastodon = test_add_account (fixture->store, mastodon);
  fixture->telegram = test_add_account (fixture->store, telegram);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->mastodon);
  g_clear_object (&fixture->telegram);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static ConciergeMessage *
incoming (const char *remote_id,
          const char *author_id,
          const char *author_name,
          const char *body,
          gint64      created_at)
{
  g_autoptr(ConciergeIdentity) author = NULL;
  ConciergeMessage *message = concierge_message_new (remote_id, CONCIERGE_DIRECTION_IN, body, created_at);

  author = concierge_identity_new ("mastodon", "https://social.example", author_id,
                                   author_id, author_name);
  concierge_message_set_author (message, author);
  return message;
}

static void
ingest_one (Fixture            *fixture,
            ConciergeAccount   *account,
            const char         *thread,
            ConciergeVisibility visibility,
            ConciergeMessage   *message)
{
  g_autoptr(ConciergeMessage) owned = message;
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (account));
  g_autoptr(GError) error = NULL;

  concierge_ingest_add_message (ingest, thread, visibility, message);
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);
}

static ConciergeThread *
load_thread (Fixture    *fixture,
             const char *remote_id)
{
  g_autoptr(GPtrArray) threads = NULL;
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) one = test_load_threads (fixture->store, &id, 1);
      ConciergeThread *thread = g_ptr_array_index (one, 0);

      if (g_str_equal (concierge_thread_get_remote_id (thread), remote_id))
        return g_object_ref (thread);
    }

  g_assert_not_reached ();
}

static void
test_open_creates_database (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *profile_id = concierge_store_get_profile_id (fixture->store);
  g_autofree char *first_id = g_strdup (profile_id);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  GStatBuf st;

  g_assert_true (g_uuid_string_is_valid (profile_id));
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));

  /* Customers' messages are for this user's eyes only. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The profile id is kept: the keyring files secrets under it. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_store_get_profile_id (fixture->store), ==, first_id);
  test_close_store (fixture->store);

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, CONCIERGE_STORE_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
}

static void
test_ingest_is_idempotent_and_tracks_waiting (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  ConciergeMessage *reply;

  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m1", "jana", "Jana Becker", "Mein Internet ist seit heute Morgen weg", 1000));
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m2", "jana", "Jana Becker", "Router blinkt rot", 1060));
  /* The same message again, as a second poll would fetch it. */
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m1", "jana", "Jana Becker", "Mein Internet ist seit heute Morgen weg", 1000));

  thread = load_thread (fixture, "t1");
  g_assert_cmpint (concierge_thread_get_waiting_since (thread), ==, 1000);
  g_assert_cmpint (concierge_thread_get_last_activity_at (thread), ==, 1060);
  g_assert_cmpstr (concierge_thread_get_snippet (thread), ==, "Router blinkt rot");
  g_assert_cmpstr (concierge_thread_get_contact_name (thread), ==, "Jana Becker");
  g_assert_true (concierge_thread_get_unread (thread));
  g_assert_cmpint (concierge_thread_get_visibility (thread), ==, CONCIERGE_VISIBILITY_PUBLIC);

  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (concierge_identity_get_display_name (
                     concierge_message_get_author (g_ptr_array_index (messages, 0))), ==, "Jana Becker");
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_object (&thread);

  /* The agent answers: nobody waits, and the first response is recorded. */
  reply = concierge_message_new ("m3", CONCIERGE_DIRECTION_OUT, "Wir schauen sofort nach. ^Mira", 1200);
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC, reply);
  thread = load_thread (fixture, "t1");
  g_assert_cmpint (concierge_thread_get_waiting_since (thread), ==, 0);
  g_assert_cmpint (concierge_thread_get_first_response_at (thread), ==, 1200);
  g_clear_object (&thread);

  /* An edit replaces the text; it is no new message. */
  {
    ConciergeMessage *edited = incoming ("m2", "jana", "Jana Becker", "Router blinkt jetzt orange", 1060);

    concierge_message_set_edited_at (edited, 1300);
    ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC, edited);
  }
  thread = load_thread (fixture, "t1");
  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 1)), ==, "Router blinkt jetzt orange");
  g_assert_cmpint (concierge_message_get_edited_at (g_ptr_array_index (messages, 1)), ==, 1300);
  g_assert_cmpint (concierge_thread_get_waiting_since (thread), ==, 0);
}

static void
test_resolved_thread_reopens (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GError) error = NULL;

  ingest_one (fixture, fixture->telegram, "chat-5", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("1", "5", "Ali", "Danke, alles wieder gut!", 500));
  thread = load_thread (fixture, "chat-5");
  test_set_status (fixture->store, concierge_thread_get_id (thread), CONCIERGE_THREAD_RESOLVED, &error);
  g_assert_no_error (error);
  g_clear_object (&thread);

  ingest_one (fixture, fixture->telegram, "chat-5", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "5", "Ali", "Doch nicht, schon wieder weg", 900));
  thread = load_thread (fixture, "chat-5");
  g_assert_cmpint (concierge_thread_get_status (thread), ==, CONCIERGE_THREAD_OPEN);
  g_assert_cmpint (concierge_thread_get_waiting_since (thread), ==, 500);
}

static int
wake_snoozed (Fixture *fixture,
              gint64   now)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int n;

  concierge_store_wake_snoozed_async (fixture->store, now, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  n = concierge_store_wake_snoozed_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  return n;
}

/* A snoozed thread opens again when its time comes, or when the customer
 * writes first; so does a pending one. */
static void
test_snoozed_thread_wakes (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  ingest_one (fixture, fixture->telegram, "chat-5", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("1", "5", "Ali", "Ich melde mich morgen.", 500));
  ingest_one (fixture, fixture->telegram, "chat-6", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "6", "Bea", "Ich schaue nach.", 500));
  thread = load_thread (fixture, "chat-5");
  id = concierge_thread_get_id (thread);
  concierge_store_set_thread_status_async (fixture->store, id, CONCIERGE_THREAD_SNOOZED, 2000, NULL,
                                           test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_set_thread_status_finish (fixture->store, result, &error));
  g_clear_object (&thread);

  g_assert_cmpint (wake_snoozed (fixture, 1999), ==, 0);
  thread = load_thread (fixture, "chat-5");
  g_assert_cmpint (concierge_thread_get_status (thread), ==, CONCIERGE_THREAD_SNOOZED);
  g_assert_cmpint (concierge_thread_get_snooze_until (thread), ==, 2000);
  g_clear_object (&thread);
  g_assert_cmpint (wake_snoozed (fixture, 2000), ==, 1);
  thread = load_thread (fixture, "chat-5");
  g_assert_cmpint (concierge_thread_get_status (thread), ==, CONCIERGE_THREAD_OPEN);
  g_assert_cmpint (concierge_thread_get_snooze_until (thread), ==, 0);
  g_clear_object (&thread);

  thread = load_thread (fixture, "chat-6");
  test_set_status (fixture->store, concierge_thread_get_id (thread), CONCIERGE_THREAD_PENDING, &error);
  g_assert_no_error (error);
  g_clear_object (&thread);
  ingest_one (fixture, fixture->telegram, "chat-6", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("3", "6", "Bea", "Gefunden: es war der Stecker.", 900));
  thread = load_thread (fixture, "chat-6");
  g_assert_cmpint (concierge_thread_get_status (thread), ==, CONCIERGE_THREAD_OPEN);
}

static void
test_contact_across_threads (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConciergeThread) first = NULL;
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GPtrArray) threads = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Erste Frage", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana", "Zweite Frage", 200));
  ingest_one (fixture, fixture->mastodon, "c", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Andere Person", 300));

  first = load_thread (fixture, "a");
  contact = test_load_contact (fixture->store, concierge_thread_get_contact_id (first));
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "Jana");
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (contact)), ==, 1);

  threads = test_load_contact_threads (fixture->store, concierge_contact_get_id (contact));
  g_assert_cmpuint (threads->len, ==, 2);
  g_assert_cmpstr (concierge_thread_get_remote_id (g_ptr_array_index (threads, 0)), ==, "b");
  g_assert_cmpstr (concierge_thread_get_remote_id (g_ptr_array_index (threads, 1)), ==, "a");
}

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_merged_contacts_share_history (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ConciergeThread) public_thread = NULL;
  g_autoptr(ConciergeThread) private_thread = NULL;
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(ConciergeMessage) telegram_message = NULL;
  g_autoptr(ConciergeIdentity) telegram_author = NULL;
  gboolean done = FALSE;

  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Öffentlich", 100));
  telegram_author = concierge_identity_new ("telegram", NULL, "555", "@jbecker", "Jana B.");
  telegram_message = concierge_message_new ("9", CONCIERGE_DIRECTION_IN, "Privat", 200);
  concierge_message_set_author (telegram_message, telegram_author);
  ingest_one (fixture, fixture->telegram, "chat", CONCIERGE_VISIBILITY_PRIVATE, g_object_ref (telegram_message));

  public_thread = load_thread (fixture, "post");
  private_thread = load_thread (fixture, "chat");
  g_assert_cmpint (concierge_thread_get_contact_id (public_thread), !=,
                   concierge_thread_get_contact_id (private_thread));

  concierge_store_merge_contacts_async (fixture->store, concierge_thread_get_contact_id (public_thread),
                                        concierge_thread_get_contact_id (private_thread), NULL,
                                        merged_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  contact = test_load_contact (fixture->store, concierge_thread_get_contact_id (public_thread));
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (contact)), ==, 2);
  threads = test_load_contact_threads (fixture->store, concierge_contact_get_id (contact));
  g_assert_cmpuint (threads->len, ==, 2);

  /* The next message on either platform stays with the merged customer. */
  g_clear_object (&private_thread);
  ingest_one (fixture, fixture->telegram, "chat2", CONCIERGE_VISIBILITY_PRIVATE, g_object_ref (telegram_message));
  private_thread = load_thread (fixture, "chat2");
  g_assert_cmpint (concierge_thread_get_contact_id (private_thread), ==, concierge_contact_get_id (contact));
}

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

static void
scan (Fixture  *fixture,
      gboolean  again)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_scan_async (fixture->store, again, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_scan_finish (fixture->store, result, &error));
  g_assert_no_error (error);
}

static void
use_detector (Fixture            *fixture,
              const char * const *allowed)
{
  ConciergeDetector *detector = concierge_detector_new ();

  concierge_detector_set_allowed (detector, allowed);
  concierge_store_set_scanner (fixture->store, concierge_detector_scan_for_store, detector, g_object_unref);
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

static ConciergeOutboxEntry *
queue_private (Fixture    *fixture,
               gint64      public_thread_id,
               const char *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *entry;

  concierge_store_queue_private_async (fixture->store, public_thread_id, text, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  entry = concierge_store_queue_private_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  return entry;
}

static void
complete_send (Fixture          *fixture,
               gint64            message_id,
               ConciergeMessage *sent)
{
  g_autoptr(ConciergeMessage) owned = sent;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_complete_send_async (fixture->store, message_id, sent, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_complete_send_finish (fixture->store, result, &error));
  g_assert_no_error (error);
}

static guint
n_threads (Fixture *fixture)
{
  ConciergeInboxQuery all = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = test_load_index (fixture->store, &all);

  return index->len;
}

/* Writing privately to the customer of a public thread: a new private
 * thread that waits for the platform's name for it, reached through the
 * customer's identity; the public thread links to it; the name comes from
 * the channel when it knows it at once, as Telegram does. */
static void
test_private_message_starts_a_thread (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeThread) private = NULL;
  g_autoptr(ConciergeOutboxEntry) entry = NULL;
  g_autoptr(ConciergeOutboxEntry) second = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  ConciergeMessage *sent;

  ingest_one (fixture, fixture->telegram, "chat:-100:user:42", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("-100:1", "42", "Mehmet", "@HilfeBot meine IBAN ist …", 100));
  public = load_thread (fixture, "chat:-100:user:42");

  entry = queue_private (fixture, concierge_thread_get_id (public), "Wir schreiben Ihnen hier privat.");
  g_assert_cmpint (entry->thread_id, !=, concierge_thread_get_id (public));
  g_assert_cmpint (entry->visibility, ==, CONCIERGE_VISIBILITY_PRIVATE);
  g_assert_null (entry->thread_remote_id);
  g_assert_null (entry->in_reply_to_remote_id);
  g_assert_cmpstr (entry->recipient_remote_id, ==, "42");
  g_assert_cmpuint (n_threads (fixture), ==, 2);

  g_clear_object (&public);
  public = load_thread (fixture, "chat:-100:user:42");
  g_assert_cmpint (concierge_thread_get_moved_to_id (public), ==, entry->thread_id);

  /* A second message before the platform named the thread reaches the
   * same customer, in the same thread. */
  second = queue_private (fixture, concierge_thread_get_id (public), "Und noch etwas.");
  g_assert_cmpint (second->thread_id, ==, entry->thread_id);
  g_assert_cmpstr (second->recipient_remote_id, ==, "42");

  /* Telegram names the chat in its answer. */
  sent = concierge_message_new ("42:7", CONCIERGE_DIRECTION_OUT, "Wir schreiben Ihnen hier privat.", 110);
  concierge_message_set_thread_remote_id (sent, "chat:42");
  complete_send (fixture, entry->message_id, sent);
  private = load_thread (fixture, "chat:42");
  g_assert_cmpint (concierge_thread_get_id (private), ==, entry->thread_id);
  g_assert_cmpint (concierge_thread_get_visibility (private), ==, CONCIERGE_VISIBILITY_PRIVATE);

  /* The customer's answer lands there too. */
  ingest_one (fixture, fixture->telegram, "chat:42", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("42:8", "42", "Mehmet", "Danke!", 120));
  g_assert_cmpuint (n_threads (fixture), ==, 2);
  messages = test_load_messages (fixture->store, entry->thread_id);
  g_assert_cmpuint (messages->len, ==, 3);
}

/* Mastodon names a direct conversation only when the next sync brings
 * it: the thread is found by the sent status, whichever comes first. */
static void
test_private_thread_found_by_sync (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeOutboxEntry) first = NULL;
  g_autoptr(ConciergeOutboxEntry) other = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  ConciergeMessage *ours;

  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "x", "Xaver", "@support IBAN …", 100));
  ingest_one (fixture, fixture->mastodon, "status:2", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "y", "Yvonne", "@support Telefon …", 100));
  public = load_thread (fixture, "status:1");

  /* Sent first, synced after. */
  first = queue_private (fixture, concierge_thread_get_id (public), "Wir schreiben privat.");
  complete_send (fixture, first->message_id,
                 concierge_message_new ("501", CONCIERGE_DIRECTION_OUT, "@x Wir schreiben privat.", 110));
  ours = concierge_message_new ("501", CONCIERGE_DIRECTION_OUT, "@x Wir schreiben privat.", 110);
  ingest_one (fixture, fixture->mastodon, "conversation:77", CONCIERGE_VISIBILITY_PRIVATE, ours);
  g_assert_cmpuint (n_threads (fixture), ==, 3);
  g_clear_object (&public);
  public = load_thread (fixture, "conversation:77");
  g_assert_cmpint (concierge_thread_get_id (public), ==, first->thread_id);
  messages = test_load_messages (fixture->store, first->thread_id);
  g_assert_cmpuint (messages->len, ==, 1);
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* Synced first, its sending confirmed after: one thread, one message. */
  g_clear_object (&public);
  public = load_thread (fixture, "status:2");
  other = queue_private (fixture, concierge_thread_get_id (public), "Auch an Sie privat.");
  ingest_one (fixture, fixture->mastodon, "conversation:78", CONCIERGE_VISIBILITY_PRIVATE,
              concierge_message_new ("502", CONCIERGE_DIRECTION_OUT, "@y Auch an Sie privat.", 120));
  complete_send (fixture, other->message_id,
                 concierge_message_new ("502", CONCIERGE_DIRECTION_OUT, "@y Auch an Sie privat.", 120));
  g_assert_cmpuint (n_threads (fixture), ==, 4);
  g_clear_object (&public);
  public = load_thread (fixture, "status:2");
  {
    g_autoptr(ConciergeThread) private = load_thread (fixture, "conversation:78");

    g_assert_cmpint (concierge_thread_get_moved_to_id (public), ==, concierge_thread_get_id (private));
    messages = test_load_messages (fixture->store, concierge_thread_get_id (private));
    g_assert_cmpuint (messages->len, ==, 1);
  }
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static GPtrArray *
load_outbox (Fixture          *fixture,
             ConciergeAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  concierge_store_load_outbox_async (fixture->store, concierge_account_get_id (account), NULL,
                                     test_got_result, &result);
  entries = concierge_store_load_outbox_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return entries;
}

static void
assert_steps (const ConciergeMove *move,
              ConciergeStepState   private_message,
              ConciergeStepState   public_reply,
              ConciergeStepState   post)
{
  g_assert_cmpint (move->states[CONCIERGE_MOVE_PRIVATE_MESSAGE], ==, private_message);
  g_assert_cmpint (move->states[CONCIERGE_MOVE_PUBLIC_REPLY], ==, public_reply);
  g_assert_cmpint (move->states[CONCIERGE_MOVE_POST], ==, post);
}

static void
reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
}

/* A move queues its steps in one go, and each waits for the one before:
 * the private message, the public reply, then removing each post with
 * personal data. A failed step stops the ones after it until Retry, and
 * the steps that are done stay done, across a restart too. */
static void
test_move_steps_go_in_order (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(ConciergeMove) seen = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *private_entry, *public_entry, *remove_entry;
  ConciergeMessage *sent;

  ingest_one (fixture, fixture->telegram, "chat:-100:user:42", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("-100:1", "42", "Mehmet", "@HilfeBot Meine IBAN: DE89 3704 0044 0532 0130 00", 100));
  ingest_one (fixture, fixture->telegram, "chat:-100:user:42", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("-100:2", "42", "Mehmet", "@HilfeBot Bitte schnell!", 101));
  use_detector (fixture, NULL);
  scan (fixture, FALSE);
  public = load_thread (fixture, "chat:-100:user:42");

  concierge_store_start_move_async (fixture->store, concierge_thread_get_id (public), "Hallo, hier privat.",
                                    "Danke! Wir schreiben Ihnen privat.", CONCIERGE_POST_REMOVE, NULL,
                                    test_got_result, &result);
  move = concierge_store_start_move_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (move->public_thread_id, ==, concierge_thread_get_id (public));
  g_assert_cmpint (move->private_thread_id, !=, 0);
  g_assert_cmpint (move->account_id, ==, concierge_account_get_id (fixture->telegram));
  g_assert_cmpint (move->post_action, ==, CONCIERGE_POST_REMOVE);
  assert_steps (move, CONCIERGE_STEP_WAITING, CONCIERGE_STEP_WAITING, CONCIERGE_STEP_WAITING);

  /* Only the first step may go; only the post with personal data goes. */
  entries = load_outbox (fixture, fixture->telegram);
  g_assert_cmpuint (entries->len, ==, 3);
  private_entry = g_ptr_array_index (entries, 0);
  public_entry = g_ptr_array_index (entries, 1);
  remove_entry = g_ptr_array_index (entries, 2);
  g_assert_cmpint (private_entry->operation, ==, CONCIERGE_OUTBOX_REPLY);
  g_assert_cmpint (private_entry->thread_id, ==, move->private_thread_id);
  g_assert_cmpstr (private_entry->recipient_remote_id, ==, "42");
  g_assert_false (private_entry->waiting);
  g_assert_cmpint (public_entry->operation, ==, CONCIERGE_OUTBOX_REPLY);
  g_assert_cmpint (public_entry->visibility, ==, CONCIERGE_VISIBILITY_PUBLIC);
  g_assert_cmpstr (public_entry->text, ==, "Danke! Wir schreiben Ihnen privat.");
  g_assert_true (public_entry->waiting);
  g_assert_cmpint (remove_entry->operation, ==, CONCIERGE_OUTBOX_REMOVE);
  g_assert_cmpstr (remove_entry->post_remote_id, ==, "-100:1");
  g_assert_cmpint (remove_entry->state, ==, CONCIERGE_SEND_QUEUED);
  g_assert_true (remove_entry->waiting);

  /* Either side of the move finds it. */
  seen = test_load_move (fixture->store, move->private_thread_id);
  g_assert_cmpint (seen->id, ==, move->id);
  g_clear_pointer (&seen, concierge_move_free);

  /* Step 1 goes out; then the app stops and starts again. */
  sent = concierge_message_new ("42:7", CONCIERGE_DIRECTION_OUT, "Hallo, hier privat.", 110);
  concierge_message_set_thread_remote_id (sent, "chat:42");
  complete_send (fixture, private_entry->message_id, sent);
  reopen (fixture);

  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  assert_steps (seen, CONCIERGE_STEP_DONE, CONCIERGE_STEP_WAITING, CONCIERGE_STEP_WAITING);
  g_clear_pointer (&seen, concierge_move_free);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_outbox (fixture, fixture->telegram);
  g_assert_cmpuint (entries->len, ==, 2);
  public_entry = g_ptr_array_index (entries, 0);
  g_assert_false (public_entry->waiting);
  g_assert_true (((ConciergeOutboxEntry *) g_ptr_array_index (entries, 1))->waiting);

  /* Step 2 is refused: step 3 keeps waiting. */
  g_clear_object (&result);
  concierge_store_set_send_state_async (fixture->store, public_entry->message_id, CONCIERGE_SEND_FAILED,
                                        "Telegram refused the request", NULL, test_got_result, &result);
  g_assert_true (concierge_store_set_send_state_finish (fixture->store, wait_for_result (&result), &error));
  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  assert_steps (seen, CONCIERGE_STEP_DONE, CONCIERGE_STEP_FAILED, CONCIERGE_STEP_WAITING);
  g_assert_cmpstr (seen->errors[CONCIERGE_MOVE_PUBLIC_REPLY], ==, "Telegram refused the request");
  g_clear_pointer (&seen, concierge_move_free);

  /* Retry queues step 2 again, not step 1. */
  g_clear_object (&result);
  concierge_store_retry_move_async (fixture->store, move->id, NULL, test_got_result, &result);
  g_assert_true (concierge_store_retry_move_finish (fixture->store, wait_for_result (&result), &error));
  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  assert_steps (seen, CONCIERGE_STEP_DONE, CONCIERGE_STEP_WAITING, CONCIERGE_STEP_WAITING);
  g_assert_null (seen->errors[CONCIERGE_MOVE_PUBLIC_REPLY]);
  g_clear_pointer (&seen, concierge_move_free);

  complete_send (fixture, public_entry->message_id,
                 concierge_message_new ("-100:9", CONCIERGE_DIRECTION_OUT, "Danke! Wir schreiben Ihnen privat.", 120));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_outbox (fixture, fixture->telegram);
  g_assert_cmpuint (entries->len, ==, 1);
  remove_entry = g_ptr_array_index (entries, 0);
  g_assert_false (remove_entry->waiting);

  /* Step 3: an attempt, refused, retried, done and logged. */
  g_clear_object (&result);
  concierge_store_set_operation_state_async (fixture->store, remove_entry->id, CONCIERGE_SEND_FAILED,
                                             "The bot may not remove this message.", NULL, test_got_result,
                                             &result);
  g_assert_true (concierge_store_set_operation_state_finish (fixture->store, wait_for_result (&result), &error));
  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  assert_steps (seen, CONCIERGE_STEP_DONE, CONCIERGE_STEP_DONE, CONCIERGE_STEP_FAILED);
  g_assert_cmpstr (seen->errors[CONCIERGE_MOVE_POST], ==, "The bot may not remove this message.");
  g_assert_false (concierge_move_is_done (seen));
  g_clear_pointer (&seen, concierge_move_free);

  g_clear_object (&result);
  concierge_store_retry_move_async (fixture->store, move->id, NULL, test_got_result, &result);
  g_assert_true (concierge_store_retry_move_finish (fixture->store, wait_for_result (&result), &error));
  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  assert_steps (seen, CONCIERGE_STEP_DONE, CONCIERGE_STEP_DONE, CONCIERGE_STEP_WAITING);
  g_clear_pointer (&seen, concierge_move_free);

  g_clear_object (&result);
  concierge_store_complete_operation_async (fixture->store, remove_entry->id, NULL, test_got_result, &result);
  g_assert_true (concierge_store_complete_operation_finish (fixture->store, wait_for_result (&result), &error));
  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  g_assert_true (concierge_move_is_done (seen));

  /* The post with the data is marked, and no longer flags the thread. */
  g_clear_object (&public);
  public = load_thread (fixture, "chat:-100:user:42");
  g_assert_cmpuint (concierge_thread_get_personal_data (public), ==, 0);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (public));
  g_assert_cmpint (concierge_message_get_taken_down (g_ptr_array_index (messages, 0)), ==,
                   CONCIERGE_TAKEN_DOWN_REMOVED);
  g_assert_cmpint (concierge_message_get_taken_down (g_ptr_array_index (messages, 1)), ==,
                   CONCIERGE_TAKEN_DOWN_NONE);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_outbox (fixture, fixture->telegram);
  g_assert_cmpuint (entries->len, ==, 0);

  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpint (((ConciergeAuditEntry *) g_ptr_array_index (log, 0))->action, ==, CONCIERGE_AUDIT_REMOVE);
  g_assert_cmpstr (((ConciergeAuditEntry *) g_ptr_array_index (log, 0))->reason, ==, "personal data");
  g_assert_cmpint (((ConciergeAuditEntry *) g_ptr_array_index (log, 1))->action, ==, CONCIERGE_AUDIT_MOVE);
  g_assert_cmpint (((ConciergeAuditEntry *) g_ptr_array_index (log, 1))->thread_id, ==,
                   concierge_thread_get_id (public));
}

/* Without a private channel, the move is a public reply and the post. */
static void
test_move_without_private_channel (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeThread) again = NULL;
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "x", "Xaver", "@support mail an xaver.huber@example.de", 100));
  use_detector (fixture, NULL);
  scan (fixture, FALSE);
  public = load_thread (fixture, "status:1");

  concierge_store_start_move_async (fixture->store, concierge_thread_get_id (public), NULL,
                                    "Bitte schreiben Sie uns privat.", CONCIERGE_POST_KEEP, NULL,
                                    test_got_result, &result);
  move = concierge_store_start_move_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (move->private_thread_id, ==, 0);
  assert_steps (move, CONCIERGE_STEP_NONE, CONCIERGE_STEP_WAITING, CONCIERGE_STEP_NONE);
  entries = load_outbox (fixture, fixture->mastodon);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_false (((ConciergeOutboxEntry *) g_ptr_array_index (entries, 0))->waiting);
  g_assert_cmpuint (n_threads (fixture), ==, 1);
  again = load_thread (fixture, "status:1");
  g_assert_cmpint (concierge_thread_get_moved_to_id (again), ==, 0);
}

static ConciergeViewCounts *
count_views (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeViewCounts *counts;

  concierge_store_count_views_async (fixture->store, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  counts = concierge_store_count_views_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  return counts;
}

/* Each inbox view counts its threads, and the personal-data view holds
 * the public threads with personal data only. */
static void
test_view_counts (Fixture       *fixture,
                  gconstpointer  data)
{
  ConciergeInboxQuery flagged = { .status_mask = 1 << CONCIERGE_THREAD_OPEN, .visibility = -1,
                                  .flagged_only = TRUE };
  g_autoptr(ConciergeViewCounts) counts = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GError) error = NULL;
  const ConciergeAccountCount *mastodon, *telegram;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "x", "X", "Meine IBAN: DE89 3704 0044 0532 0130 00", 300));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "y", "Y", "Seit heute kein Internet", 100));
  ingest_one (fixture, fixture->telegram, "c", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("3", "z", "Z", "Ruft mich an: 0171 5528391", 200));
  ingest_one (fixture, fixture->telegram, "d", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("4", "w", "W", "Danke!", 200));
  ingest_one (fixture, fixture->telegram, "e", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("5", "v", "V", "Morgen mehr.", 200));
  use_detector (fixture, NULL);
  scan (fixture, FALSE);
  thread = load_thread (fixture, "d");
  test_set_status (fixture->store, concierge_thread_get_id (thread), CONCIERGE_THREAD_RESOLVED, &error);
  g_assert_no_error (error);
  g_clear_object (&thread);
  thread = load_thread (fixture, "e");
  test_set_status (fixture->store, concierge_thread_get_id (thread), CONCIERGE_THREAD_SNOOZED, &error);
  g_assert_no_error (error);

  counts = count_views (fixture);
  g_assert_cmpuint (counts->open, ==, 3);
  g_assert_cmpuint (counts->public_open, ==, 2);
  g_assert_cmpuint (counts->private_open, ==, 1);
  /* The private phone number is no public personal data. */
  g_assert_cmpuint (counts->flagged, ==, 1);
  g_assert_cmpuint (counts->snoozed, ==, 1);
  g_assert_cmpuint (counts->resolved, ==, 1);
  g_assert_cmpuint (counts->accounts->len, ==, 2);
  mastodon = &g_array_index (counts->accounts, ConciergeAccountCount, 0);
  telegram = &g_array_index (counts->accounts, ConciergeAccountCount, 1);
  g_assert_cmpint (mastodon->account_id, ==, concierge_account_get_id (fixture->mastodon));
  g_assert_cmpuint (mastodon->open, ==, 2);
  g_assert_cmpuint (telegram->open, ==, 1);

  index = test_load_index (fixture->store, &flagged);
  g_assert_cmpuint (index->len, ==, 1);
}

/* The audit log keeps who did what, why and to which thread, newest
 * first; an entry outlives its thread. */
static void
test_audit_log (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const ConciergeAuditEntry *entry;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, incoming ("1", "x", "X", "a", 300));
  thread = load_thread (fixture, "a");

  concierge_store_log_async (fixture->store, CONCIERGE_AUDIT_OVERRIDE, concierge_thread_get_id (thread),
                             "personal data in a public reply", "IBAN", NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_log_finish (fixture->store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  entries = test_load_audit_log (fixture->store);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->action, ==, CONCIERGE_AUDIT_OVERRIDE);
  g_assert_cmpstr (entry->actor, ==, g_get_user_name ());
  g_assert_cmpstr (entry->reason, ==, "personal data in a public reply");
  g_assert_cmpstr (entry->detail, ==, "IBAN");
  g_assert_cmpint (entry->thread_id, ==, concierge_thread_get_id (thread));
  g_assert_cmpint (entry->account_id, ==, concierge_account_get_id (fixture->mastodon));
  g_assert_cmpint (entry->at, >, 0);
}

static ConciergeAuditEntry *
audit_entry (gint64               at,
             const char          *actor,
             ConciergeAuditAction action,
             const char          *reason,
             gint64               thread_id,
             const char          *detail)
{
  ConciergeAuditEntry *entry = g_new0 (ConciergeAuditEntry, 1);

  entry->at = at;
  entry->actor = g_strdup (actor);
  entry->action = action;
  entry->reason = g_strdup (reason);
  entry->thread_id = thread_id;
  entry->detail = g_strdup (detail);
  return entry;
}

/* The export a reviewer opens in a spreadsheet: a fixed English header and
 * keyword, the time with its offset, RFC 4180 quoting, and nothing a
 * spreadsheet would run as a formula. */
static void
test_audit_log_csv (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) concierge_audit_entry_free);
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autofree char *csv = NULL;
  g_autofree char *empty = NULL;

  g_assert_nonnull (berlin);
  /* 1 December 2026, 10:15 in Berlin (winter), then 1 July 2026, 08:00 (summer). */
  g_ptr_array_add (entries, audit_entry (1796116500, "mira", CONCIERGE_AUDIT_OVERRIDE,
                                         "personal data in a public reply", 12, "IBAN, phone number"));
  g_ptr_array_add (entries, audit_entry (1782885600, "jo \"the boss\"", CONCIERGE_AUDIT_HIDE,
                                         "spam,\nagain", 0, "=HYPERLINK(\"http://evil.example\")"));
  g_ptr_array_add (entries, audit_entry (1782885600, "-x", CONCIERGE_AUDIT_PURGE, "@SUM(A1)", 3, "-5"));

  csv = concierge_audit_log_to_csv (entries, berlin);
  g_assert_cmpstr (csv, ==,
                   "\"When\",\"Who\",\"What\",\"Description\",\"Why\",\"Conversation\",\"Detail\"\r\n"
                   "\"2026-12-01T10:15:00+01:00\",\"mira\",\"override\",\"Sent despite the warning\","
                   "\"personal data in a public reply\",\"#12\",\"IBAN, phone number\"\r\n"
                   "\"2026-07-01T08:00:00+02:00\",\"jo \"\"the boss\"\"\",\"hide\",\"Hid a post\","
                   "\"spam,\nagain\",\"\",\"'=HYPERLINK(\"\"http://evil.example\"\")\"\r\n"
                   "\"2026-07-01T08:00:00+02:00\",\"'-x\",\"purge\",\"Purged old conversations\","
                   "\"'@SUM(A1)\",\"#3\",\"-5\"\r\n");

  /* Every action has its keyword and its words. */
  for (ConciergeAuditAction action = CONCIERGE_AUDIT_HIDE; action <= CONCIERGE_AUDIT_PURGE; action++)
    {
      g_assert_cmpstr (concierge_audit_action_to_string (action), !=, "");
      g_assert_cmpstr (concierge_audit_action_describe (action), !=, "");
    }
  g_assert_cmpstr (concierge_audit_action_to_string (CONCIERGE_AUDIT_FORGET), ==, "forget");
  g_assert_cmpstr (concierge_audit_action_describe (CONCIERGE_AUDIT_MOVE), ==, "Moved a conversation to private");

  /* An empty log is a header alone. */
  g_ptr_array_set_size (entries, 0);
  empty = concierge_audit_log_to_csv (entries, berlin);
  g_assert_cmpstr (empty, ==, "\"When\",\"Who\",\"What\",\"Description\",\"Why\",\"Conversation\",\"Detail\"\r\n");
}

static void
count_signal (guint *count)
{
  (*count)++;
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
note_thread (GThread **thread)
{
  g_atomic_pointer_set (thread, g_thread_self ());
}

/* Listens to @signal of the store, noting the thread that ran the
 * handler. */
typedef struct
{
  ConciergeStore *store;
  GThread        *thread;
  gulong          handler;
} Listener;

static void
listen_to (Listener       *listener,
           ConciergeStore *store,
           const char     *signal)
{
  listener->store = store;
  listener->thread = NULL;
  listener->handler = g_signal_connect_swapped (store, signal, G_CALLBACK (note_thread), &listener->thread);
}

/* Waits while the main thread holds no main context, as between two
 * iterations of the app's loop, and returns the thread that announced
 * the change to the listener. */
static GThread *
heard_on (Listener *listener)
{
  /* Long enough for the worker to finish and announce, here or there. */
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  while (g_atomic_pointer_get (&listener->thread) == NULL && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  while (g_atomic_pointer_get (&listener->thread) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (listener->store, listener->handler);
  return listener->thread;
}

/* Ingests @n threads while the main thread holds no main context, and
 * returns the thread that announced the change. */
static GThread *
announcing_thread (Fixture    *fixture,
                   guint       n,
                   const char *signal)
{
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Listener listener;
  GThread *announcer;

  listen_to (&listener, fixture->store, signal);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *thread = g_strdup_printf ("%s-%u", signal, i);
      g_autoptr(ConciergeMessage) message = incoming (thread, "x", "X", "Hallo", 1000 + i);

      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  concierge_store_ingest_async (fixture->store, ingest, NULL, test_got_result, &result);
  announcer = heard_on (&listener);

  concierge_store_ingest_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return announcer;
}

/* Widgets follow the store's signals, so they come on the main thread
 * only, also when the worker finds the main context free for a moment. */
static void
test_changes_are_announced_on_the_main_thread (Fixture       *fixture,
                                               gconstpointer  data)
{
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  GThread *main_thread = g_thread_self ();

  /* Someone has to listen, or the store announces nothing. */
  inbox = concierge_inbox_model_new (fixture->store, &query);
  test_wait_loaded (inbox);

  g_assert_true (announcing_thread (fixture, 1, "threads-changed") == main_thread);
  g_assert_true (announcing_thread (fixture, 250, "invalidated") == main_thread);
  /* The inbox reads itself anew, before the store closes. */
  test_wait_loaded (inbox);
}

/* Keeps the worker busy with @n threads to ingest. */
static void
keep_worker_busy (Fixture    *fixture,
                  const char *prefix,
                  guint       n)
{
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *thread = g_strdup_printf ("%s-%u", prefix, i);
      g_autoptr(ConciergeMessage) message = incoming (thread, "x", "X", "Hallo", 1000 + i);

      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  concierge_store_ingest_async (fixture->store, ingest, NULL, NULL, NULL);
}

static gpointer
invalidate_thread (gpointer data)
{
  concierge_store_invalidate (data);
  return NULL;
}

/* Every signal of the store reaches its handlers on the main thread, where
 * widgets live: from the worker, busy with other jobs before and after,
 * and from any other thread. */
static void
test_every_signal_reaches_its_handler_on_the_main_thread (Fixture       *fixture,
                                                          gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeSavedReply) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GThread *main_thread = g_thread_self ();
  GThread *other;
  Listener listener;
  guint watched = 0;
  gulong watching;

  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Hallo", 100));
  thread = load_thread (fixture, "status:1");

  /* Someone has to watch the threads, or the store announces none. */
  watching = g_signal_connect_swapped (fixture->store, "threads-changed", G_CALLBACK (count_signal), &watched);
  keep_worker_busy (fixture, "before", 50);
  g_assert_true (announcing_thread (fixture, 1, "threads-changed") == main_thread);
  g_assert_true (announcing_thread (fixture, 250, "invalidated") == main_thread);

  listen_to (&listener, fixture->store, "saved-replies-changed");
  keep_worker_busy (fixture, "saved-before", 50);
  reply = concierge_saved_reply_new ("Router", "Bitte starten Sie den Router neu.", CONCIERGE_LANGUAGE_GERMAN,
                                     CONCIERGE_ADDRESS_FORMAL);
  concierge_store_save_saved_reply_async (fixture->store, reply, NULL, test_got_result, &result);
  keep_worker_busy (fixture, "saved-after", 50);
  g_assert_true (heard_on (&listener) == main_thread);
  g_assert_cmpint (concierge_store_save_saved_reply_finish (fixture->store, test_wait_result (&result), &error),
                   >, 0);
  g_assert_no_error (error);
  g_clear_object (&result);

  listen_to (&listener, fixture->store, "contact-changed");
  keep_worker_busy (fixture, "contact-before", 50);
  concierge_store_set_contact_field_async (fixture->store, concierge_thread_get_contact_id (thread),
                                           CONCIERGE_CONTACT_NOTE, "Ruft lieber an", NULL, test_got_result, &result);
  keep_worker_busy (fixture, "contact-after", 50);
  g_assert_true (heard_on (&listener) == main_thread);
  g_assert_true (concierge_store_set_contact_field_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);

  /* Another process changed the cache, as a thread of this one learnt. */
  listen_to (&listener, fixture->store, "invalidated");
  other = g_thread_new ("invalidating", invalidate_thread, fixture->store);
  g_thread_join (other);
  g_assert_true (heard_on (&listener) == main_thread);

  g_signal_handler_disconnect (fixture->store, watching);
  g_assert_cmpuint (watched, >, 0);
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

/* Migrations and bad input */

static char *
schema_of (const char *path)
{
  GString *schema = g_string_new (NULL);
  sqlite3_stmt *stmt;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                                           "ORDER BY type, name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (schema, "%s %s %s %s\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2),
                            sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_string_append_printf (schema, "user_version %d\n", sqlite3_column_int (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (schema, FALSE);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

static void
test_migrates_saved_schemas (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *fresh_schema = NULL;
  g_autofree char *data_dir = g_test_build_filename (G_TEST_DIST, "data", NULL);
  g_autoptr(GDir) dir = g_dir_open (data_dir, 0, NULL);
  const char *name;
  guint migrated = 0;

  test_close_store (fixture->store);
  fresh_schema = schema_of (fixture->path);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *saved = g_build_filename (data_dir, name, NULL);
      g_autofree char *copy = g_build_filename (fixture->dir, name, NULL);
      g_autofree char *migrated_schema = NULL;
      g_autoptr(ConciergeStore) store = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_prefix (name, "schema-") || !g_str_has_suffix (name, ".sqlite"))
        continue;

      g_test_message ("migrating %s", name);
      copy_file (saved, copy);
      store = test_open_store (copy, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (concierge_store_get_profile_id (store), ==, "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b");

      /* The saved rows survive, and the search index still finds them. */
      found = test_search_messages (store, "internet", 10);
      g_assert_cmpuint (found->len, ==, 1);
      test_close_store (store);

      migrated_schema = schema_of (copy);
      g_assert_cmpstr (migrated_schema, ==, fresh_schema);
      migrated++;
    }

  g_assert_cmpuint (migrated, >=, 1);
}

static void
write_garbage (const char *path,
               gsize       offset,
               gsize       length)
{
  FILE *file = fopen (path, offset ? "r+b" : "wb");

  g_assert_nonnull (file);
  fseek (file, offset, SEEK_SET);
  for (guint i = 0; i < length; i++)
    fputc ((i * 7919) & 0xff, file);
  fclose (file);
}

static void
test_corrupt_file_is_refused_and_moved_aside (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autofree char *saved = g_test_build_filename (G_TEST_DIST, "data", "schema-1.sqlite", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GError) error = NULL;

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);

  /* Not a database at all, then a database whose schema page is damaged. */
  for (guint round = 0; round < 2; round++)
    {
      g_unlink (fixture->path);
      if (round == 0)
        write_garbage (fixture->path, 0, 2000);
      else
        {
          copy_file (saved, fixture->path);
          /* The rest of page 1, where the schema's rows live. */
          write_garbage (fixture->path, 100, 4096 - 100);
        }
      g_file_get_contents (fixture->path, &before, NULL, NULL);

      store = test_open_store (fixture->path, &error);
      g_assert_null (store);
      g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_CORRUPT);
      g_clear_error (&error);

      /* Nothing is deleted: the file moves aside, byte for byte. */
      g_assert_true (concierge_store_move_aside (fixture->path, &aside, &error));
      g_assert_no_error (error);
      g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
      g_file_get_contents (aside, &after, NULL, NULL);
      g_assert_cmpstr (after, ==, before);
      g_clear_pointer (&before, g_free);
      g_clear_pointer (&after, g_free);
      g_unlink (aside);
      g_clear_pointer (&aside, g_free);
    }

  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
}

static void
test_newer_version_is_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_file_get_contents (fixture->path, &before, NULL, NULL);

  store = test_open_store (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_TOO_NEW);

  g_file_get_contents (fixture->path, &after, NULL, NULL);
  g_assert_true (g_str_equal (before, after));
}

static void
test_unreadable_path_is_refused (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "is-a-folder", NULL);
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  store = test_open_store (path, &error);
  g_assert_null (store);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_UNREADABLE);
}

static guint
count_messages (Fixture *fixture)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);
  guint n = 0;

  for (guint i = 0; i < index->len; i++)
    {
      g_autoptr(GPtrArray) messages =
        test_load_messages (fixture->store, g_array_index (index, ConciergeInboxEntry, i).id);

      n += messages->len;
    }

  return n;
}

static void
ingest_many (Fixture  *fixture,
             guint     first,
             guint     n,
             GError  **error)
{
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i);
      g_autofree char *thread = g_strdup_printf ("t%u", i % 20);
      g_autoptr(ConciergeMessage) message =
        incoming (id, "jana", "Jana", "Eine Nachricht, die Platz auf der Platte braucht.", 1000 + i);

      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
    }
  test_ingest (fixture->store, ingest, error);
}

static void
test_full_disk_writes_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ingest_many (fixture, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_messages (fixture), ==, 10);

  limited_vfs_set_budget (0);
  ingest_many (fixture, 10, 500, &error);
  limited_vfs_set_budget (-1);

  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_DISK_FULL);
  g_clear_error (&error);
  g_assert_cmpuint (count_messages (fixture), ==, 10);

  /* With room again, the same batch lands whole. */
  ingest_many (fixture, 10, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_messages (fixture), ==, 510);
}

static void
save_image (Fixture *fixture,
            gint64   image_id,
            GBytes  *bytes)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_save_image_async (fixture->store, image_id, bytes, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_boolean_finish (fixture->store, result, &error));
  g_assert_no_error (error);
}

static GPtrArray *
load_downloads (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *downloads;

  concierge_store_load_image_downloads_async (fixture->store, 10, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  downloads = concierge_store_load_image_downloads_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  return downloads;
}

static ConciergeImageState
image_state (Fixture *fixture,
             gint64   thread_id,
             guint    position)
{
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);
  GPtrArray *images = concierge_message_get_images (g_ptr_array_index (messages, 0));

  g_assert_nonnull (images);
  return concierge_image_get_state (g_ptr_array_index (images, position));
}

static void
test_images_are_kept_for_offline_reading (Fixture       *fixture,
                                          gconstpointer  data)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autoptr(GBytes) bytes = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GPtrArray) downloads = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeImage) router = concierge_image_new ("https://files.example/router.png",
                                                          "Router, dessen Leuchte rot blinkt", 640, 480);
  g_autoptr(ConciergeImage) cable = concierge_image_new ("https://files.example/cable.png", NULL, 0, 0);
  g_autoptr(GError) error = NULL;
  ConciergeMessage *message = incoming ("m1", "jana", "Jana Becker", "So sieht der Router aus", 1000);
  ConciergeImage *image;
  gint64 thread_id, router_id, cable_id;

  concierge_message_add_image (message, router);
  concierge_message_add_image (message, cable);
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC, g_object_ref (message));
  /* Fetched again by the next poll: the images are not added twice. */
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC, message);

  thread = load_thread (fixture, "t1");
  thread_id = concierge_thread_get_id (thread);
  messages = test_load_messages (fixture->store, thread_id);
  g_assert_cmpuint (concierge_message_get_images (g_ptr_array_index (messages, 0))->len, ==, 2);
  image = g_ptr_array_index (concierge_message_get_images (g_ptr_array_index (messages, 0)), 0);
  router_id = concierge_image_get_id (image);
  g_assert_cmpstr (concierge_image_get_source (image), ==, "https://files.example/router.png");
  g_assert_cmpstr (concierge_image_get_description (image), ==, "Router, dessen Leuchte rot blinkt");
  g_assert_cmpuint (concierge_image_get_width (image), ==, 640);
  g_assert_cmpuint (concierge_image_get_height (image), ==, 480);
  g_assert_cmpint (concierge_image_get_state (image), ==, CONCIERGE_IMAGE_NOT_CACHED);
  image = g_ptr_array_index (concierge_message_get_images (g_ptr_array_index (messages, 0)), 1);
  cable_id = concierge_image_get_id (image);
  g_assert_cmpstr (concierge_image_get_description (image), ==, "");
  g_assert_null (test_load_image (fixture->store, router_id));

  /* Both wait for a download, the newest first, with the account that
   * can fetch them. */
  downloads = load_downloads (fixture);
  g_assert_cmpuint (downloads->len, ==, 2);
  g_assert_cmpint (((ConciergeImageDownload *) g_ptr_array_index (downloads, 0))->image_id, ==, cable_id);
  g_assert_cmpint (((ConciergeImageDownload *) g_ptr_array_index (downloads, 1))->account_id, ==,
                   concierge_account_get_id (fixture->mastodon));
  g_clear_pointer (&downloads, g_ptr_array_unref);

  /* One arrives; the other fails three times and is given up. */
  save_image (fixture, router_id, bytes);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (image_state (fixture, thread_id, 1), ==, CONCIERGE_IMAGE_NOT_CACHED);
      save_image (fixture, cable_id, NULL);
    }
  g_assert_cmpint (image_state (fixture, thread_id, 0), ==, CONCIERGE_IMAGE_CACHED);
  g_assert_cmpint (image_state (fixture, thread_id, 1), ==, CONCIERGE_IMAGE_FAILED);
  downloads = load_downloads (fixture);
  g_assert_cmpuint (downloads->len, ==, 0);

  /* The bytes are in the file, for the next start without a network. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  loaded = test_load_image (fixture->store, router_id);
  g_assert_nonnull (loaded);
  g_assert_true (g_bytes_equal (loaded, bytes));
  g_assert_cmpint (image_state (fixture, thread_id, 0), ==, CONCIERGE_IMAGE_CACHED);
}

static void
test_deleted_messages_are_marked (Fixture       *fixture,
                                  gconstpointer  data)
{
  static const char * const deleted[] = { "m2", "unknown", NULL };
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m1", "jana", "Jana Becker", "Mein Internet ist weg", 1000));
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m2", "jana", "Jana Becker", "Ihr seid alle unfähig", 1060));
  thread = load_thread (fixture, "t1");

  concierge_store_mark_deleted_async (fixture->store, concierge_thread_get_id (thread), deleted, NULL,
                                      test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_boolean_finish (fixture->store, result, &error));
  g_assert_no_error (error);

  /* The cache keeps the text for the agent, marked. */
  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpint (concierge_message_get_deleted_at (g_ptr_array_index (messages, 0)), ==, 0);
  g_assert_cmpint (concierge_message_get_deleted_at (g_ptr_array_index (messages, 1)), >=, before);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 1)), ==, "Ihr seid alle unfähig");
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
expect_true (ConciergeStore *store,
             GAsyncResult   *result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_store_boolean_finish (store, result, &error));
  g_assert_no_error (error);
}

static char *
load_draft (Fixture *fixture,
            gint64   thread_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  concierge_store_load_draft_async (fixture->store, thread_id, NULL, test_got_result, &result);
  text = concierge_store_load_draft_finish (fixture->store, wait_for (&result), &error);
  g_assert_no_error (error);
  return text;
}

static void
save_draft (Fixture    *fixture,
            gint64      thread_id,
            const char *text)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_save_draft_async (fixture->store, thread_id, text, NULL, test_got_result, &result);
  expect_true (fixture->store, wait_for (&result));
}

static void
test_drafts_survive_a_restart (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeThread) a = NULL;
  g_autoptr(ConciergeThread) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *draft_a = NULL;
  g_autofree char *draft_b = NULL;
  g_autofree char *gone = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Erste Frage", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "tom", "Tom", "Zweite Frage", 200));
  a = load_thread (fixture, "a");
  b = load_thread (fixture, "b");

  save_draft (fixture, concierge_thread_get_id (a), "Hallo Jana, ich");
  save_draft (fixture, concierge_thread_get_id (a), "Hallo Jana, ich schaue nach.");
  save_draft (fixture, concierge_thread_get_id (b), "Hallo Tom");

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);

  draft_a = load_draft (fixture, concierge_thread_get_id (a));
  draft_b = load_draft (fixture, concierge_thread_get_id (b));
  g_assert_cmpstr (draft_a, ==, "Hallo Jana, ich schaue nach.");
  g_assert_cmpstr (draft_b, ==, "Hallo Tom");

  /* Sent or emptied, it is gone. */
  save_draft (fixture, concierge_thread_get_id (b), "");
  gone = load_draft (fixture, concierge_thread_get_id (b));
  g_assert_cmpstr (gone, ==, "");
}

static void
test_notes_stand_among_messages (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeThread) after = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Erste Frage", now - 60));
  thread = load_thread (fixture, "a");

  concierge_store_add_note_async (fixture->store, concierge_thread_get_id (thread),
                                  "Kundin hat schon zweimal angerufen, Ticket 4711.", NULL, test_got_result, &result);
  expect_true (fixture->store, wait_for (&result));
  g_clear_object (&result);
  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "jana", "Jana", "Hallo?", now + 60));

  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_false (concierge_message_is_note (g_ptr_array_index (messages, 0)));
  g_assert_true (concierge_message_is_note (g_ptr_array_index (messages, 1)));
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 1)), ==,
                   "Kundin hat schon zweimal angerufen, Ticket 4711.");
  g_assert_false (concierge_message_is_note (g_ptr_array_index (messages, 2)));

  /* A note is no answer: the customer still waits, and nothing is queued. */
  after = load_thread (fixture, "a");
  g_assert_cmpint (concierge_thread_get_waiting_since (after), ==, now - 60);
  g_assert_cmpint (concierge_thread_get_first_response_at (after), ==, 0);
  concierge_store_load_outbox_async (fixture->store, concierge_account_get_id (fixture->mastodon), NULL,
                                     test_got_result, &result);
  outbox = concierge_store_load_outbox_finish (fixture->store, wait_for (&result), NULL);
  g_assert_nonnull (outbox);
  g_assert_cmpuint (outbox->len, ==, 0);
}

static void
test_contact_language_is_kept (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeContact) before = NULL;
  g_autoptr(ConciergeContact) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Könnt ihr helfen?", 100));
  thread = load_thread (fixture, "a");
  before = test_load_contact (fixture->store, concierge_thread_get_contact_id (thread));
  g_assert_cmpint (concierge_contact_get_language (before), ==, CONCIERGE_LANGUAGE_UNKNOWN);
  g_assert_cmpint (concierge_contact_get_address (before), ==, CONCIERGE_ADDRESS_UNKNOWN);

  concierge_store_set_contact_language_async (fixture->store, concierge_contact_get_id (before),
                                              CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL, NULL,
                                              test_got_result, &result);
  expect_true (fixture->store, wait_for (&result));
  after = test_load_contact (fixture->store, concierge_contact_get_id (before));
  g_assert_cmpint (concierge_contact_get_language (after), ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (concierge_contact_get_address (after), ==, CONCIERGE_ADDRESS_INFORMAL);
}

static gboolean
sent_elsewhere (Fixture    *fixture,
                gint64      thread_id,
                const char *text,
                gint64      since)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  concierge_store_find_sent_elsewhere_async (fixture->store, thread_id, text, since, NULL, test_got_result,
                                             &result);
  found = concierge_store_boolean_finish (fixture->store, wait_for (&result), &error);
  g_assert_no_error (error);
  return found;
}

static void
test_same_reply_to_another_customer_today (Fixture       *fixture,
                                           gconstpointer  data)
{
  static const char text[] = "Danke für Ihre Geduld! Wir melden uns, sobald die Störung behoben ist.";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(ConciergeThread) jana = NULL;
  g_autoptr(ConciergeThread) jana_again = NULL;
  g_autoptr(ConciergeThread) tom = NULL;
  ConciergeMessage *reply;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Internet weg", now - 600));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana", "Noch eine Frage", now - 500));
  ingest_one (fixture, fixture->mastodon, "c", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Bei mir auch", now - 400));
  jana = load_thread (fixture, "a");
  jana_again = load_thread (fixture, "b");
  tom = load_thread (fixture, "c");

  reply = concierge_message_new ("4", CONCIERGE_DIRECTION_OUT, "@jana Danke für Ihre Geduld!  Wir melden uns, "
                                 "sobald die Störung behoben ist.", now - 300);
  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, reply);

  /* To Tom, the same words are a template; to Jana herself, in her other
   * thread, they are not; and yesterday's replies do not count. */
  g_assert_true (sent_elsewhere (fixture, concierge_thread_get_id (tom), text, now - 3600));
  g_assert_false (sent_elsewhere (fixture, concierge_thread_get_id (jana_again), text, now - 3600));
  g_assert_false (sent_elsewhere (fixture, concierge_thread_get_id (tom), text, now - 60));
  g_assert_false (sent_elsewhere (fixture, concierge_thread_get_id (tom), "Danke, Tom! Wir melden uns.",
                                  now - 3600));
}

/* Saved replies */

static ConciergeSavedReply *
saved_reply (const char        *title,
             const char        *text,
             ConciergeLanguage  language,
             ConciergeAddress   address)
{
  return concierge_saved_reply_new (title, text, language, address);
}

static char *
saved_titles (Fixture *fixture)
{
  g_autoptr(GPtrArray) replies = test_load_saved_replies (fixture->store);
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < replies->len; i++)
    g_strv_builder_add (titles, concierge_saved_reply_get_title (g_ptr_array_index (replies, i)));
  strv = g_strv_builder_end (titles);
  return g_strjoinv ("|", strv);
}

static gboolean
delete_saved_reply (Fixture  *fixture,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_delete_saved_reply_async (fixture->store, id, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_store_delete_saved_reply_finish (fixture->store, result, error);
}

static int
import_saved_replies (Fixture    *fixture,
                      GPtrArray  *replies,
                      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_import_saved_replies_async (fixture->store, replies, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_store_import_saved_replies_finish (fixture->store, result, error);
}

/* Adding, changing and deleting a reply each announce it, before the
 * caller hears back; the list is by title, whatever the case. */
static void
test_saved_replies (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConciergeSavedReply) payment = saved_reply ("Zahlung", "Vielen Dank, {customer.first_name}!",
                                                        CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL);
  g_autoptr(ConciergeSavedReply) offer = saved_reply ("angebot", "Here is our offer. {agent.name}",
                                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(ConciergeSavedReply) order = saved_reply ("Bestellung", "Ihre Bestellung {ticket} ist unterwegs.",
                                                      CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(ConciergeSavedReply) nameless = saved_reply ("Ohne Sprache", "Text",
                                                         CONCIERGE_LANGUAGE_UNKNOWN, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *titles = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 payment_id, id;
  guint changed = 0;
  ConciergeSavedReply *loaded;

  g_signal_connect_swapped (fixture->store, "saved-replies-changed", G_CALLBACK (count_signal), &changed);

  replies = test_load_saved_replies (fixture->store);
  g_assert_cmpuint (replies->len, ==, 0);
  g_clear_pointer (&replies, g_ptr_array_unref);

  payment_id = test_save_saved_reply (fixture->store, payment, &error);
  g_assert_no_error (error);
  g_assert_cmpint (payment_id, >, 0);
  g_assert_cmpuint (changed, ==, 1);
  /* The caller's object is theirs: the store keeps a copy. */
  g_assert_cmpint (concierge_saved_reply_get_id (payment), ==, 0);
  test_save_saved_reply (fixture->store, offer, &error);
  g_assert_no_error (error);
  test_save_saved_reply (fixture->store, order, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);

  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "angebot|Bestellung|Zahlung");
  g_clear_pointer (&titles, g_free);

  replies = test_load_saved_replies (fixture->store);
  loaded = g_ptr_array_index (replies, 2);
  g_assert_cmpint (concierge_saved_reply_get_id (loaded), ==, payment_id);
  g_assert_cmpstr (concierge_saved_reply_get_text (loaded), ==, "Vielen Dank, {customer.first_name}!");
  g_assert_cmpint (concierge_saved_reply_get_language (loaded), ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (concierge_saved_reply_get_address (loaded), ==, CONCIERGE_ADDRESS_INFORMAL);
  g_assert_cmpint (concierge_saved_reply_get_updated_at (loaded), >=, before);
  loaded = g_ptr_array_index (replies, 0);
  g_assert_cmpint (concierge_saved_reply_get_language (loaded), ==, CONCIERGE_LANGUAGE_ENGLISH);
  g_assert_cmpint (concierge_saved_reply_get_address (loaded), ==, CONCIERGE_ADDRESS_FORMAL);

  /* Changed, it keeps its id, and moves to its new title's place. */
  loaded = g_ptr_array_index (replies, 2);
  concierge_saved_reply_set_title (loaded, "Anzahlung");
  concierge_saved_reply_set_text (loaded, "Ihre Anzahlung ist da.");
  concierge_saved_reply_set_address (loaded, CONCIERGE_ADDRESS_FORMAL);
  id = test_save_saved_reply (fixture->store, loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, payment_id);
  g_assert_cmpuint (changed, ==, 4);
  g_clear_pointer (&replies, g_ptr_array_unref);
  replies = test_load_saved_replies (fixture->store);
  g_assert_cmpuint (replies->len, ==, 3);
  loaded = g_ptr_array_index (replies, 1);
  g_assert_cmpint (concierge_saved_reply_get_id (loaded), ==, payment_id);
  g_assert_cmpstr (concierge_saved_reply_get_title (loaded), ==, "Anzahlung");
  g_assert_cmpstr (concierge_saved_reply_get_text (loaded), ==, "Ihre Anzahlung ist da.");
  g_assert_cmpint (concierge_saved_reply_get_address (loaded), ==, CONCIERGE_ADDRESS_FORMAL);

  /* Deleted, it is gone; deleting or changing it again says so. */
  g_assert_true (delete_saved_reply (fixture, payment_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 5);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "angebot|Bestellung");
  g_assert_false (delete_saved_reply (fixture, payment_id, &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (test_save_saved_reply (fixture->store, loaded, &error), ==, 0);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A reply without a language is refused in words. */
  g_assert_cmpint (test_save_saved_reply (fixture->store, nameless, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 5);

  /* They are kept. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&titles, g_free);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "angebot|Bestellung");
}

/* A team's file adds what is new, in one transaction: a reply whose
 * title and text are already here is skipped, and so is a second copy in
 * the file. */
static void
test_saved_replies_import (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeSavedReply) kept = saved_reply ("Gutschrift", "Wir schreiben Ihnen den Betrag gut.",
                                                     CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(GPtrArray) file = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *titles = NULL;
  guint changed = 0;
  sqlite3 *db;

  test_save_saved_reply (fixture->store, kept, &error);
  g_assert_no_error (error);
  g_signal_connect_swapped (fixture->store, "saved-replies-changed", G_CALLBACK (count_signal), &changed);

  g_ptr_array_add (file, saved_reply ("Gutschrift", "Wir schreiben Ihnen den Betrag gut.",
                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_INFORMAL));
  g_ptr_array_add (file, saved_reply ("Gutschrift", "Wir schreiben dir den Betrag gut.",
                                      CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL));
  g_ptr_array_add (file, saved_reply ("Credit", "We credit the amount to your account.",
                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL));
  g_ptr_array_add (file, saved_reply ("Credit", "We credit the amount to your account.",
                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL));

  /* A failure halfway through adds nothing. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse_credit BEFORE INSERT ON saved_replies "
                                     "WHEN NEW.title = 'Credit' BEGIN SELECT RAISE (ABORT, 'refused'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (import_saved_replies (fixture, file, &error), ==, -1);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 0);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "Gutschrift");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse_credit", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (import_saved_replies (fixture, file, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "Credit|Gutschrift|Gutschrift");
  g_clear_pointer (&titles, g_free);

  /* The same file again adds nothing, and says nothing changed. */
  g_assert_cmpint (import_saved_replies (fixture, file, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  replies = test_load_saved_replies (fixture->store);
  g_assert_cmpuint (replies->len, ==, 3);
  for (guint i = 0; i < replies->len; i++)
    if (g_str_equal (concierge_saved_reply_get_text (g_ptr_array_index (replies, i)),
                     "Wir schreiben dir den Betrag gut."))
      g_assert_cmpint (concierge_saved_reply_get_address (g_ptr_array_index (replies, i)), ==,
                       CONCIERGE_ADDRESS_INFORMAL);
}

/* Customers: profiles, merging, forgetting */

static gboolean
finish_boolean (Fixture       *fixture,
                GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = concierge_store_boolean_finish (fixture->store, test_wait_result (result), &error);

  g_assert_no_error (error);
  g_clear_object (result);
  return ok;
}

static void
set_field (Fixture              *fixture,
           gint64                contact_id,
           ConciergeContactField field,
           const char           *value)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_set_contact_field_async (fixture->store, contact_id, field, value, NULL,
                                           test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
}

static void
merge (Fixture *fixture,
       gint64   keep_id,
       gint64   merge_id)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_merge_contacts_async (fixture->store, keep_id, merge_id, NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
}

static void
undo_merge (Fixture *fixture,
            gint64   merged_id)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_undo_merge_async (fixture->store, merged_id, NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
}

static GPtrArray *
load_suggestions (Fixture *fixture,
                  gint64   contact_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *suggestions;

  concierge_store_load_merge_suggestions_async (fixture->store, contact_id, NULL, test_got_result, &result);
  suggestions = concierge_store_load_merge_suggestions_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return suggestions;
}

static ConciergeContactSummary *
summarize (Fixture *fixture,
           gint64   contact_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeContactSummary *summary;

  concierge_store_summarize_contact_async (fixture->store, contact_id, NULL, test_got_result, &result);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return summary;
}

static ConciergeMessage *
telegram_incoming (const char *remote_id,
                   const char *user_id,
                   const char *name,
                   const char *body,
                   gint64      created_at)
{
  g_autoptr(ConciergeIdentity) author = concierge_identity_new ("telegram", NULL, user_id, NULL, name);
  ConciergeMessage *message = concierge_message_new (remote_id, CONCIERGE_DIRECTION_IN, body, created_at);

  concierge_message_set_author (message, author);
  return message;
}

static gint64
contact_of_thread (Fixture    *fixture,
                   const char *remote_id)
{
  g_autoptr(ConciergeThread) thread = load_thread (fixture, remote_id);

  return concierge_thread_get_contact_id (thread);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The remote ids of a contact's threads, sorted, joined by spaces. */
static char *
contact_thread_names (Fixture *fixture,
                      gint64   contact_id)
{
  g_autoptr(GPtrArray) threads = test_load_contact_threads (fixture->store, contact_id);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < threads->len; i++)
    g_ptr_array_add (names, (gpointer) concierge_thread_get_remote_id (g_ptr_array_index (threads, i)));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
test_merge_and_undo_keep_every_thread (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(ConciergeContact) merged = NULL;
  g_autoptr(ConciergeContact) separated = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  ConciergeMergeSuggestion *suggestion;
  gint64 jana, jana_telegram, identity_id, back;

  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana Becker", "Mein Router blinkt", 100));
  ingest_one (fixture, fixture->mastodon, "dm", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana Becker", "Hier die Details", 200));
  ingest_one (fixture, fixture->telegram, "chat", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("9", "4711", "Jana Becker", "Hallo aus Telegram", 300));
  ingest_one (fixture, fixture->mastodon, "other", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Andere Person", 400));
  jana = contact_of_thread (fixture, "post");
  jana_telegram = contact_of_thread (fixture, "chat");
  g_assert_cmpint (jana, !=, jana_telegram);
  set_field (fixture, jana_telegram, CONCIERGE_CONTACT_EMAIL, " jana@example.org ");
  set_field (fixture, jana, CONCIERGE_CONTACT_TAGS, "vip,, router ");

  /* The same name on another platform is suggested; Tom is not. */
  suggestions = load_suggestions (fixture, jana);
  g_assert_cmpuint (suggestions->len, ==, 1);
  suggestion = g_ptr_array_index (suggestions, 0);
  g_assert_cmpint (concierge_contact_get_id (suggestion->contact), ==, jana_telegram);
  g_assert_cmpint (suggestion->reason, ==, CONCIERGE_MERGE_SAME_NAME);
  g_assert_cmpstr (concierge_contact_get_field (suggestion->contact, CONCIERGE_CONTACT_EMAIL), ==,
                   "jana@example.org");

  merge (fixture, jana, jana_telegram);
  merged = test_load_contact (fixture->store, jana);
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (merged)), ==, 2);
  g_assert_cmpstr (concierge_contact_get_field (merged, CONCIERGE_CONTACT_EMAIL), ==, "jana@example.org");
  g_assert_cmpstr (concierge_contact_get_field (merged, CONCIERGE_CONTACT_TAGS), ==, "vip, router");
  names = contact_thread_names (fixture, jana);
  g_assert_cmpstr (names, ==, "chat dm post");
  g_clear_pointer (&names, g_free);
  g_clear_pointer (&suggestions, g_ptr_array_unref);
  suggestions = load_suggestions (fixture, jana);
  g_assert_cmpuint (suggestions->len, ==, 0);

  /* A new Telegram chat after the merge stays with the one customer... */
  ingest_one (fixture, fixture->telegram, "chat2", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("10", "4711", "Jana Becker", "Noch eine Frage", 500));
  g_assert_cmpint (contact_of_thread (fixture, "chat2"), ==, jana);

  /* ...and undoing the merge takes it along with its identity. */
  undo_merge (fixture, jana_telegram);
  names = contact_thread_names (fixture, jana);
  g_assert_cmpstr (names, ==, "dm post");
  g_clear_pointer (&names, g_free);
  names = contact_thread_names (fixture, jana_telegram);
  g_assert_cmpstr (names, ==, "chat chat2");
  g_clear_pointer (&names, g_free);
  g_clear_object (&merged);
  merged = test_load_contact (fixture->store, jana);
  g_assert_cmpstr (concierge_contact_get_field (merged, CONCIERGE_CONTACT_EMAIL), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (merged)), ==, 1);
  names = contact_thread_names (fixture, contact_of_thread (fixture, "other"));
  g_assert_cmpstr (names, ==, "other");
  g_clear_pointer (&names, g_free);

  /* Merged again, then separated by hand: the Telegram identity goes
   * back to its own customer, who is not suggested again. */
  merge (fixture, jana, jana_telegram);
  g_clear_object (&merged);
  merged = test_load_contact (fixture->store, jana);
  identity_id = concierge_identity_get_id (g_list_model_get_item (concierge_contact_get_identities (merged), 1));
  g_object_unref (g_list_model_get_item (concierge_contact_get_identities (merged), 1));
  concierge_store_separate_identity_async (fixture->store, identity_id, NULL, test_got_result, &result);
  back = concierge_store_separate_identity_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (back, ==, jana_telegram);
  names = contact_thread_names (fixture, jana_telegram);
  g_assert_cmpstr (names, ==, "chat chat2");
  g_clear_pointer (&names, g_free);
  names = contact_thread_names (fixture, jana);
  g_assert_cmpstr (names, ==, "dm post");
  g_clear_pointer (&suggestions, g_ptr_array_unref);
  suggestions = load_suggestions (fixture, jana);
  g_assert_cmpuint (suggestions->len, ==, 0);

  /* Its only identity cannot be taken from a customer. */
  g_clear_object (&result);
  g_clear_error (&error);
  separated = test_load_contact (fixture->store, jana_telegram);
  identity_id = concierge_identity_get_id (g_list_model_get_item (concierge_contact_get_identities (separated), 0));
  g_object_unref (g_list_model_get_item (concierge_contact_get_identities (separated), 0));
  concierge_store_separate_identity_async (fixture->store, identity_id, NULL, test_got_result, &result);
  g_assert_cmpint (concierge_store_separate_identity_finish (fixture->store, test_wait_result (&result), &error),
                   ==, 0);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
}

static void
test_merge_suggestions_by_address_and_number (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 anna, anne, bernd, carla;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "anna", "Anna", "Frage", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "anne", "A. Schmidt", "Frage", 200));
  ingest_one (fixture, fixture->telegram, "c", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("3", "77", "Bernd", "Frage", 300));
  ingest_one (fixture, fixture->telegram, "d", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("4", "78", "Carla", "Frage", 400));
  anna = contact_of_thread (fixture, "a");
  anne = contact_of_thread (fixture, "b");
  bernd = contact_of_thread (fixture, "c");
  carla = contact_of_thread (fixture, "d");

  set_field (fixture, anna, CONCIERGE_CONTACT_EMAIL, "Anna.Schmidt@example.org");
  set_field (fixture, anne, CONCIERGE_CONTACT_EMAIL, "anna.schmidt@EXAMPLE.org");
  set_field (fixture, anna, CONCIERGE_CONTACT_PHONE, "+49 170 1234567");
  set_field (fixture, bernd, CONCIERGE_CONTACT_PHONE, "0170 / 123 45 67");
  set_field (fixture, anna, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "KD-4711");
  set_field (fixture, carla, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "kd-4711");

  suggestions = load_suggestions (fixture, anna);
  g_assert_cmpuint (suggestions->len, ==, 3);
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->reason, ==,
                   CONCIERGE_MERGE_SAME_EMAIL);
  g_assert_cmpint (concierge_contact_get_id (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->contact),
                   ==, anne);
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 1))->reason, ==,
                   CONCIERGE_MERGE_SAME_CUSTOMER_NUMBER);
  g_assert_cmpint (concierge_contact_get_id (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 2))->contact),
                   ==, bernd);

  /* Searching by hand finds a customer by a part of any of these. */
  concierge_store_search_contacts_async (fixture->store, "4711", anna, NULL, test_got_result, &result);
  found = concierge_store_search_contacts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (concierge_contact_get_id (g_ptr_array_index (found, 0)), ==, carla);
  g_clear_pointer (&found, g_ptr_array_unref);
  g_clear_object (&result);
  concierge_store_search_contacts_async (fixture->store, "schm", 0, NULL, test_got_result, &result);
  found = concierge_store_search_contacts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
}

/* Whether @needle occurs in the file at @path; a missing file holds
 * nothing. */
static gboolean
file_holds (const char *path,
            const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;

  gsize needle_length = strlen (needle);
  const char *end, *at;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  /* The file is binary: no string function that stops at a zero. memchr()
   * goes to each place the first byte stands, which keeps a file of many
   * megabytes quick under AddressSanitizer too. */
  end = contents + length;
  for (at = contents; (at = memchr (at, needle[0], end - at)) != NULL && at + needle_length <= end; at++)
    if (memcmp (at, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @sql, run on the file at @path after @setup, finds a row for
 * @value. */
static gboolean
file_query_finds (const char *path,
                  const char *setup,
                  const char *sql,
                  const char *value)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gboolean found;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (setup != NULL)
    g_assert_cmpint (sqlite3_exec (db, setup, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* Whether the full-text index has @term: read from the FTS5 shadow tables
 * through fts5vocab, since a term's bytes are prefix-compressed there. */
static gboolean
index_holds (const char *path,
             const char *table,
             const char *term)
{
  g_autofree char *create = g_strdup_printf ("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab (main, %s, row)", table);

  return file_query_finds (path, create, "SELECT 1 FROM temp.vocab WHERE term = ?", term);
}

/* Whether the index's segments still hold @fragment in their raw blocks.
 * fts5vocab, as index_holds() reads it, leaves out the words of deleted
 * documents at once, while their bytes stay in the shadow table until the
 * segments are merged. A term is stored after the prefix it shares with
 * the one before it, so @fragment is a word's tail. */
static gboolean
shadow_holds (const char *path,
              const char *table,
              const char *fragment)
{
  g_autofree char *select = g_strdup_printf ("SELECT 1 FROM %s_data WHERE instr (block, CAST (? AS BLOB)) > 0",
                                             table);

  return file_query_finds (path, NULL, select, fragment);
}

static void
test_forgotten_customer_leaves_no_byte (Fixture       *fixture,
                                        gconstpointer  data)
{
  /* What is the customer's, as it stands in the file. */
  static const char * const theirs[] = {
    "Quirinus Zandvoort", "zandvoort_q", "Xylofonweg", "quirinus@zandvoort.example",
    "Zandvoort-Anhang", "Notiz-Zandvoort", "Entwurf-Zandvoort", "Antwort-Zandvoort",
    "KD-Zandvoort", "5550123987",
  };
  static const guint8 image[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                  'Z', 'a', 'n', 'd', 'v', 'o', 'o', 'r', 't', '-', 'A', 'n', 'h', 'a', 'n', 'g' };
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(ConciergeImage) picture = concierge_image_new ("https://files.example/z.png", "", 0, 0);
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConciergeOutboxEntry) entry = NULL;
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (image, sizeof image);
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = NULL;
  ConciergeMessage *post;
  ConciergeAuditEntry *forget;
  gint64 contact_id, thread_id, image_id;

  post = incoming ("1", "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100);
  concierge_message_add_image (post, picture);
  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC, post);
  ingest_one (fixture, fixture->mastodon, "dm", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "zandvoort_q", "Quirinus Zandvoort", "Schreiben Sie an quirinus@zandvoort.example", 200));
  ingest_one (fixture, fixture->telegram, "5550123987", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("31", "5550123987", "Quirinus Zandvoort", "Xylofonweg per Telegram", 250));
  ingest_one (fixture, fixture->mastodon, "other", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom Kranich", "Tom fragt nach dem Tarif", 300));
  contact_id = contact_of_thread (fixture, "post");
  merge (fixture, contact_id, contact_of_thread (fixture, "5550123987"));
  set_field (fixture, contact_id, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "KD-Zandvoort");

  thread = load_thread (fixture, "dm");
  thread_id = concierge_thread_get_id (thread);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (load_thread (fixture, "post")));
  image_id = concierge_image_get_id (g_ptr_array_index (concierge_message_get_images (g_ptr_array_index (messages, 0)), 0));
  g_object_unref (load_thread (fixture, "post"));
  save_image (fixture, image_id, bytes);

  concierge_store_add_note_async (fixture->store, thread_id, "Notiz-Zandvoort", NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  concierge_store_save_draft_async (fixture->store, thread_id, "Entwurf-Zandvoort", NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  concierge_store_queue_reply_async (fixture->store, thread_id, "Antwort-Zandvoort", NULL, test_got_result, &result);
  entry = concierge_store_queue_reply_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The scan can fail: before, every string is in the file or its WAL. */
  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    g_assert_true (file_holds (fixture->path, theirs[i]) || file_holds (wal, theirs[i]));
  g_assert_true (index_holds (fixture->path, "messages_fts", "xylofonweg"));
  g_assert_true (index_holds (fixture->path, "contacts_fts", "zandvoort"));
  g_assert_true (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_true (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));

  summary = summarize (fixture, contact_id);
  g_assert_cmpuint (summary->threads, ==, 3);
  g_assert_cmpuint (summary->public_threads, ==, 1);
  g_assert_cmpuint (summary->messages, ==, 4); /* with the queued reply */
  g_assert_cmpuint (summary->images, ==, 1);
  g_assert_cmpuint (summary->notes, ==, 1);
  g_assert_cmpuint (summary->drafts, ==, 1);
  g_assert_cmpuint (summary->outbox, ==, 1);
  g_assert_cmpuint (summary->identities, ==, 2);
  g_clear_pointer (&summary, g_free);

  concierge_store_forget_contact_async (fixture->store, contact_id, "The customer asked to be forgotten",
                                        NULL, NULL, NULL, test_got_result, &result);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->messages, ==, 4);
  g_clear_object (&result);

  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    {
      g_assert_false (file_holds (fixture->path, theirs[i]));
      g_assert_false (file_holds (wal, theirs[i]));
    }
  g_assert_false (index_holds (fixture->path, "messages_fts", "xylofonweg"));
  g_assert_false (index_holds (fixture->path, "messages_fts", "quirinus"));
  g_assert_false (index_holds (fixture->path, "contacts_fts", "zandvoort"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "uirinus"));
  g_assert_false (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));
  /* The other customer is untouched. */
  g_assert_true (file_holds (fixture->path, "Tom fragt nach dem Tarif") || file_holds (wal, "Tom fragt"));
  g_assert_true (index_holds (fixture->path, "messages_fts", "tarif"));
  g_assert_true (index_holds (fixture->path, "contacts_fts", "kranich"));

  /* The audit log says that, and how much, never whose. */
  log = test_load_audit_log (fixture->store);
  forget = g_ptr_array_index (log, 0);
  g_assert_cmpint (forget->action, ==, CONCIERGE_AUDIT_FORGET);
  g_assert_cmpstr (forget->reason, ==, "The customer asked to be forgotten");
  g_assert_cmpstr (forget->detail, ==, "3 conversations, 4 messages, 1 images, 1 notes");

  /* A sync that sends their messages again does not bring them back... */
  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100));
  ingest_one (fixture, fixture->telegram, "5550123987", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("31", "5550123987", "Quirinus Zandvoort", "Xylofonweg per Telegram", 250));
  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 1);
  g_assert_false (file_holds (fixture->path, "Xylofonweg"));

  /* ...while a new one starts a new customer. */
  ingest_one (fixture, fixture->telegram, "5550123987", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("32", "5550123987", "Quirinus Zandvoort", "Neue Frage", 900));
  g_clear_pointer (&index, g_array_unref);
  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 2);
  g_clear_object (&thread);
  thread = load_thread (fixture, "5550123987");
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpint (concierge_thread_get_contact_id (thread), !=, contact_id);
}

static void
test_purge_erases_old_resolved_conversations (Fixture       *fixture,
                                              gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(ConciergeThread) old = NULL;
  g_autoptr(ConciergeThread) recent = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(ConciergeContact) contact = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  ingest_one (fixture, fixture->mastodon, "old", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Altlast-Wortmarke", now - 40 * 86400));
  ingest_one (fixture, fixture->mastodon, "recent", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "jana", "Jana", "Frisch gelöst", now - 86400));
  ingest_one (fixture, fixture->mastodon, "open", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Noch offen", now - 50 * 86400));
  old = load_thread (fixture, "old");
  recent = load_thread (fixture, "recent");
  test_set_status (fixture->store, concierge_thread_get_id (old), CONCIERGE_THREAD_RESOLVED, &error);
  g_assert_no_error (error);
  test_set_status (fixture->store, concierge_thread_get_id (recent), CONCIERGE_THREAD_RESOLVED, &error);
  g_assert_no_error (error);

  concierge_store_purge_async (fixture->store, now - 30 * 86400, "Resolved more than 30 days ago",
                               NULL, test_got_result, &result);
  g_assert_cmpint (concierge_store_purge_finish (fixture->store, test_wait_result (&result), &error), ==, 1);
  g_assert_no_error (error);
  g_clear_object (&result);

  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 2);
  g_assert_false (file_holds (fixture->path, "Altlast-Wortmarke"));
  g_assert_false (index_holds (fixture->path, "messages_fts", "altlast"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "ortmarke"));
  /* The customer's profile stays; only the conversation went. */
  contact = test_load_contact (fixture->store, concierge_thread_get_contact_id (recent));
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "Jana");

  log = test_load_audit_log (fixture->store);
  g_assert_cmpint (((ConciergeAuditEntry *) g_ptr_array_index (log, 0))->action, ==, CONCIERGE_AUDIT_PURGE);

  /* Nothing old enough: nothing happens, and nothing is logged. */
  concierge_store_purge_async (fixture->store, now - 30 * 86400, "Resolved more than 30 days ago",
                               NULL, test_got_result, &result);
  g_assert_cmpint (concierge_store_purge_finish (fixture->store, test_wait_result (&result), &error), ==, 0);
  g_clear_pointer (&log, g_ptr_array_unref);
  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (log->len, ==, 1);

  /* Purged messages do not come back with a sync either. */
  ingest_one (fixture, fixture->mastodon, "old", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Altlast-Wortmarke", now - 40 * 86400));
  g_clear_pointer (&index, g_array_unref);
  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 2);
}

/* A cache whose search index takes several merge steps: @n_messages from
 * another customer, each with long words from a large made-up vocabulary
 * (the index grows with the bytes of its words, and the time to build it
 * under AddressSanitizer with their number), in ingests of a hundred, so
 * that the index has many segments as after many syncs. Returns the
 * thread the first of them is in. */
static ConciergeThread *
fill_index (Fixture *fixture,
            guint    n_messages)
{
  static const char * const syllables[] = {
    "ka", "ber", "lin", "to", "mi", "sta", "ver", "ung", "ein", "schl", "ra", "ne", "fu", "hal",
    "ter", "wel", "len", "funk", "net", "zu", "gen", "pro", "dat", "ko", "rie", "sen", "bo", "tri",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  g_autoptr(GError) error = NULL;

  for (guint first = 0; first < n_messages; first += 100)
    {
      ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));

      for (guint i = first; i < MIN (first + 100, n_messages); i++)
        {
          g_autoptr(GString) body = g_string_new ("Frage");
          g_autofree char *remote_id = g_strdup_printf ("fill-%u", i);
          g_autofree char *thread = g_strdup_printf ("fill-thread-%u", i / 50);

          for (guint w = 0; w < 120; w++)
            {
              g_string_append_c (body, ' ');
              for (guint s = g_rand_int_range (rand, 6, 11); s > 0; s--)
                g_string_append (body, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
            }
          concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PRIVATE,
                                        incoming (remote_id, "fuellhorn", "Fritz Füllhorn", body->str, 10 + i));
        }
      test_ingest (fixture->store, ingest, &error);
      g_assert_no_error (error);
    }

  return load_thread (fixture, "fill-thread-0");
}

/* What happened, in the order it reached the main context: D, I, F and E
 * for the steps of forgetting, R for its result, o for another job's. */
typedef struct
{
  GString           *order;
  ConciergeEraseStep step;
  double             fraction;
  guint              merge_steps;
  GAsyncResult      *forgotten;
  GAsyncResult      *other;
} ForgetWatch;

static void
watch_progress (ConciergeEraseStep step,
                double             fraction,
                gpointer           user_data)
{
  ForgetWatch *watch = user_data;

  /* The steps come in order, and within one the fraction only grows. */
  g_assert_cmpint (step, >=, watch->step);
  if (step == watch->step && fraction >= 0 && watch->fraction >= 0)
    g_assert_cmpfloat (fraction, >=, watch->fraction);
  g_assert_cmpfloat (fraction, <=, 1);
  if (step == CONCIERGE_ERASE_INDEX && fraction > 0)
    watch->merge_steps++;
  watch->step = step;
  watch->fraction = fraction;
  g_string_append_c (watch->order, "DIFE"[step]);
}

static void
watch_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ForgetWatch *watch = user_data;

  if (g_task_get_source_tag (G_TASK (result)) == concierge_store_forget_contact_async)
    {
      watch->forgotten = g_object_ref (result);
      g_string_append_c (watch->order, 'R');
    }
  else
    {
      watch->other = g_object_ref (result);
      g_string_append_c (watch->order, 'o');
    }
}

static gboolean
watch_done (gpointer data)
{
  ForgetWatch *watch = data;

  return watch->forgotten != NULL && watch->other != NULL;
}

static void
test_forget_lets_other_jobs_run (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(ConciergeThread) other = fill_index (fixture, 1000);
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  ForgetWatch watch = { .order = g_string_new (NULL), .fraction = -1 };
  g_autoptr(GRegex) expected = g_regex_new ("^Do(I+)FER$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  gint64 contact_id;

  /* Written in several syncs, so that their words lie in several segments */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("z-%u", i);

      ingest_one (fixture, fixture->mastodon, "zandvoort", CONCIERGE_VISIBILITY_PRIVATE,
                  incoming (remote_id, "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100 + i));
    }
  contact_id = contact_of_thread (fixture, "zandvoort");
  g_assert_true (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_true (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));

  /* The agent opens another conversation right after forgetting began. */
  concierge_store_forget_contact_async (fixture->store, contact_id, "The customer asked to be forgotten",
                                        watch_progress, &watch, NULL, watch_result, &watch);
  concierge_store_load_messages_async (fixture->store, concierge_thread_get_id (other), NULL, watch_result, &watch);
  while (!watch_done (&watch))
    g_main_context_iteration (NULL, TRUE);

  /* It opened between the deletion and the cleanup of the index, which
   * took several steps, each reported; then the file, the end, and the
   * result. */
  g_test_message ("In order: %s", watch.order->str);
  g_assert_true (g_regex_match (expected, watch.order->str, 0, &match));
  g_assert_cmpuint (watch.merge_steps, >=, 3);
  g_assert_cmpint (watch.step, ==, CONCIERGE_ERASE_DONE);
  g_assert_cmpfloat (watch.fraction, ==, 1);
  messages = concierge_store_load_messages_finish (fixture->store, watch.other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 50);
  summary = concierge_store_summary_finish (fixture->store, watch.forgotten, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->messages, ==, 4);

  /* As thoroughly as ever: nothing of them in the file, its WAL or the
   * index, while the other customer's words stay. */
  g_assert_false (file_holds (fixture->path, "Xylofonweg") || file_holds (wal, "Xylofonweg"));
  g_assert_false (file_holds (fixture->path, "Zandvoort") || file_holds (wal, "Zandvoort"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_false (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));
  g_assert_false (index_holds (fixture->path, "messages_fts", "xylofonweg"));
  g_assert_true (index_holds (fixture->path, "messages_fts", "frage"));
  g_assert_true (index_holds (fixture->path, "contacts_fts", "fullhorn"));

  g_string_free (watch.order, TRUE);
  g_clear_object (&watch.forgotten);
  g_clear_object (&watch.other);
}

static void
test_interrupted_erasure_finishes_at_start (Fixture       *fixture,
                                            gconstpointer  data)
{
  /* Erasures counted beyond those whose cleanup is done */
  static const char pending_sql[] =
    "SELECT 1 FROM profile c WHERE c.key = ? AND CAST (c.value AS INTEGER) > "
    "coalesce ((SELECT CAST (value AS INTEGER) FROM profile WHERE key = 'erase-done'), 0)";
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GAsyncResult) forgotten = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeContactSummary *summary;
  gint64 contact_id;

  g_object_unref (fill_index (fixture, 50));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("z-%u", i);

      ingest_one (fixture, fixture->mastodon, "zandvoort", CONCIERGE_VISIBILITY_PRIVATE,
                  incoming (remote_id, "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100 + i));
    }
  contact_id = contact_of_thread (fixture, "zandvoort");

  /* The store closes, as when the app ends, right after the deletion. */
  concierge_store_forget_contact_async (fixture->store, contact_id, "The customer asked to be forgotten",
                                        NULL, NULL, NULL, test_got_result, &forgotten);
  concierge_store_close_async (fixture->store, NULL, test_got_result, &closed);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&forgotten), &error);
  g_assert_null (summary);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (concierge_store_close_finish (fixture->store, test_wait_result (&closed), &error));
  g_clear_object (&fixture->store);

  /* Their messages are gone, while the index still holds their words. */
  g_assert_false (file_holds (fixture->path, "Xylofonweg") || file_holds (wal, "Xylofonweg"));
  g_assert_true (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_true (file_query_finds (fixture->path, NULL, pending_sql, "erase-count"));

  /* The next start finishes the cleanup. */
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  concierge_store_summarize_contact_async (fixture->store, contact_id, NULL, test_got_result, &result);
  g_assert_null (concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  for (guint i = 0; i < 2; i++)
    {
      /* The second time, nothing is pending. */
      concierge_store_finish_erasure_async (fixture->store, NULL, test_got_result, &result);
      g_assert_true (concierge_store_boolean_finish (fixture->store, test_wait_result (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&result);
    }
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_false (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));
  g_assert_false (file_holds (fixture->path, "lofonweg") || file_holds (wal, "lofonweg"));
  g_assert_false (file_query_finds (fixture->path, NULL, pending_sql, "erase-count"));
  g_assert_true (index_holds (fixture->path, "messages_fts", "frage"));

  /* The next erasure is counted beyond the one done, and done in turn. */
  concierge_store_forget_contact_async (fixture->store, contact_of_thread (fixture, "fill-thread-0"), "test",
                                        NULL, NULL, NULL, test_got_result, &result);
  g_free (concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_false (file_query_finds (fixture->path, NULL, pending_sql, "erase-count"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "rage"));
}

static void
test_complaints_and_facts (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(ConciergeThread) post = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) facts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 contact_id;

  use_detector (fixture, NULL);
  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Öffentlich: jana@example.org", 100));
  ingest_one (fixture, fixture->mastodon, "dm", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana", "Meine Adresse ist jana.privat@example.org", 200));
  ingest_one (fixture, fixture->mastodon, "dm2", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("3", "jana", "Jana", "Danke!", 300));
  post = load_thread (fixture, "post");
  contact_id = concierge_thread_get_contact_id (post);

  concierge_store_set_thread_tag_async (fixture->store, concierge_thread_get_id (post), "complaint", TRUE,
                                        NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  summary = summarize (fixture, contact_id);
  g_assert_cmpuint (summary->complaints, ==, 1);
  g_clear_pointer (&summary, g_free);
  g_clear_object (&post);
  post = load_thread (fixture, "post");
  g_assert_true (concierge_thread_is_complaint (post));
  concierge_store_set_thread_tag_async (fixture->store, concierge_thread_get_id (post), "complaint", FALSE,
                                        NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  summary = summarize (fixture, contact_id);
  g_assert_cmpuint (summary->complaints, ==, 0);

  /* Only what the customer wrote privately is offered for the profile. */
  concierge_store_load_contact_facts_async (fixture->store, contact_id, NULL, test_got_result, &result);
  facts = concierge_store_load_contact_facts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facts->len, ==, 1);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (facts, 0)), ==,
                   "Meine Adresse ist jana.privat@example.org");
  g_assert_cmpstr (concierge_message_get_personal_data (g_ptr_array_index (facts, 0)), !=, "");
}

static int
import_contacts (Fixture   *fixture,
                 GPtrArray *contacts)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int added;

  concierge_store_import_contacts_async (fixture->store, contacts, NULL, test_got_result, &result);
  added = concierge_store_import_contacts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return added;
}

/* An address book's customers arrive once, however often it is imported,
 * and the one a conversation knows by email is suggested for merging. */
static void
test_import_contacts_once (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(ConciergeThread) post = NULL;
  ConciergeContact *jana = concierge_contact_new ("Jana Becker");
  g_autoptr(GAsyncResult) result = NULL;

  concierge_contact_set_field (jana, CONCIERGE_CONTACT_EMAIL, "jana@example.org");
  g_ptr_array_add (contacts, jana);
  g_ptr_array_add (contacts, concierge_contact_new ("Tom Schulz"));
  g_assert_cmpint (import_contacts (fixture, contacts), ==, 2);
  g_assert_cmpint (import_contacts (fixture, contacts), ==, 0);

  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jb", "J. B.", "Hallo", 100));
  post = load_thread (fixture, "post");
  concierge_store_set_contact_field_async (fixture->store, concierge_thread_get_contact_id (post),
                                           CONCIERGE_CONTACT_EMAIL, "jana@example.org", NULL,
                                           test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  suggestions = load_suggestions (fixture, concierge_thread_get_contact_id (post));
  g_assert_cmpuint (suggestions->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->contact),
                   ==, "Jana Becker");
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->reason, ==,
                   CONCIERGE_MERGE_SAME_EMAIL);

  /* Tom from the address book has his name only, and is suggested by it. */
  g_clear_object (&post);
  g_clear_pointer (&suggestions, g_ptr_array_unref);
  ingest_one (fixture, fixture->mastodon, "tom", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "tom", "Tom Schulz", "Hallo", 200));
  post = load_thread (fixture, "tom");
  suggestions = load_suggestions (fixture, concierge_thread_get_contact_id (post));
  g_assert_cmpuint (suggestions->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->contact),
                   ==, "Tom Schulz");
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->reason, ==,
                   CONCIERGE_MERGE_SAME_CUSTOMER_NAME);
}

static GPtrArray *
list_damaged (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *caches;

  concierge_store_list_damaged_async (path, NULL, test_got_result, &result);
  caches = concierge_store_list_damaged_finish (test_wait_result (&result), &error);
  g_assert_no_error (error);
  return caches;
}

static gboolean
delete_damaged (const char  *path,
                const char  *damaged_path,
                GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_delete_damaged_async (path, damaged_path, NULL, test_got_result, &result);
  return concierge_store_delete_damaged_finish (test_wait_result (&result), error);
}

/* A cache moved aside as damaged is listed, with its WAL, and deleted with
 * it; nothing else in the folder can be deleted that way. */
static void
test_damaged_caches_are_listed_and_deleted (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *other = g_build_filename (folder, "notes.txt", NULL);
  g_autofree char *moved = NULL;
  g_autofree char *moved_wal = NULL;
  g_autoptr(GPtrArray) caches = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeDamagedCache *cache;
  GStatBuf buf;

  g_assert_cmpuint (list_damaged (fixture->path)->len, ==, 0);

  /* The cache moved aside as the app does it, and a fresh one in its place */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_assert_true (g_file_set_contents (other, "keep me", -1, NULL));
  g_assert_true (concierge_store_move_aside (fixture->path, &moved, &error));
  g_assert_no_error (error);
  moved_wal = g_strconcat (moved, "-wal", NULL);
  g_assert_true (g_file_set_contents (moved_wal, "wal", -1, NULL));
  g_assert_cmpint (g_stat (moved, &buf), ==, 0);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);

  caches = list_damaged (fixture->path);
  g_assert_cmpuint (caches->len, ==, 1);
  cache = g_ptr_array_index (caches, 0);
  g_assert_cmpstr (cache->path, ==, moved);
  g_assert_cmpuint (cache->size, ==, (guint64) buf.st_size + 3);
  g_assert_cmpint (ABS (cache->moved_at - g_get_real_time () / G_USEC_PER_SEC), <, 120);

  /* Neither the cache in use nor another file goes this way. */
  g_assert_false (delete_damaged (fixture->path, fixture->path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (delete_damaged (fixture->path, other, &error));
  g_clear_error (&error);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));

  g_assert_true (delete_damaged (fixture->path, moved, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (moved_wal, G_FILE_TEST_EXISTS));
  g_clear_pointer (&caches, g_ptr_array_unref);
  caches = list_damaged (fixture->path);
  g_assert_cmpuint (caches->len, ==, 0);
}

static ConciergeAccount *
add_account (Fixture          *fixture,
             ConciergeAccount *account,
             gboolean         *renewed)
{
  g_autoptr(ConciergeAccount) owned = account;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeAccount *saved;

  concierge_store_add_account_async (fixture->store, account, NULL, test_got_result, &result);
  saved = concierge_store_add_account_finish (fixture->store, test_wait_result (&result), renewed, &error);
  g_assert_no_error (error);
  return saved;
}

static void
ingest_remote_user_id (Fixture          *fixture,
                       ConciergeAccount *account,
                       const char       *remote_user_id)
{
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (account));
  g_autoptr(GError) error = NULL;

  concierge_ingest_set_remote_user_id (ingest, remote_user_id);
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);
}

static ConciergeAccount *
load_account (Fixture *fixture,
              gint64   id)
{
  g_autoptr(GPtrArray) accounts = test_load_accounts (fixture->store);

  for (guint i = 0; i < accounts->len; i++)
    if (concierge_account_get_id (g_ptr_array_index (accounts, i)) == id)
      return g_object_ref (g_ptr_array_index (accounts, i));
  return NULL;
}

/* An account added with a token alone learns whose it is at its first
 * sync, and keeps it: signing in to the same person again then renews the
 * account instead of adding a second one. */
static void
test_account_learns_its_remote_user (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(ConciergeAccount) typed = NULL;
  g_autoptr(ConciergeAccount) seen = NULL;
  g_autoptr(ConciergeAccount) signed_in = NULL;
  g_autoptr(ConciergeAccount) other = NULL;
  g_autoptr(ConciergeAccount) twin = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean renewed = TRUE;

  typed = add_account (fixture, concierge_account_new ("mastodon", "typed.example", "", "https://typed.example", ""),
                       &renewed);
  g_assert_false (renewed);

  ingest_remote_user_id (fixture, typed, "42");
  seen = load_account (fixture, concierge_account_get_id (typed));
  g_assert_cmpstr (concierge_account_get_remote_user_id (seen), ==, "42");

  /* Once: a later fetch does not change whose the account is. */
  ingest_remote_user_id (fixture, typed, "43");
  g_clear_object (&seen);
  seen = load_account (fixture, concierge_account_get_id (typed));
  g_assert_cmpstr (concierge_account_get_remote_user_id (seen), ==, "42");

  /* Signing in to the same person renews the account. */
  signed_in = add_account (fixture, concierge_account_new ("mastodon", "Support", "@support",
                                                           "https://typed.example", "42"), &renewed);
  g_assert_true (renewed);
  g_assert_cmpint (concierge_account_get_id (signed_in), ==, concierge_account_get_id (typed));
  g_clear_object (&seen);
  seen = load_account (fixture, concierge_account_get_id (typed));
  g_assert_cmpstr (concierge_account_get_display_name (seen), ==, "Support");
  g_assert_cmpstr (concierge_account_get_handle (seen), ==, "@support");

  /* An account signed in again the same way comes back from signed out. */
  concierge_store_sign_out_account_async (fixture->store, concierge_account_get_id (typed), NULL, test_got_result,
                                          &result);
  g_assert_true (concierge_store_sign_out_account_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&signed_in);
  signed_in = add_account (fixture, concierge_account_new ("mastodon", "Support", "@support",
                                                           "https://typed.example", "42"), &renewed);
  g_assert_true (renewed);
  g_clear_object (&seen);
  seen = load_account (fixture, concierge_account_get_id (typed));
  g_assert_false (concierge_account_get_signed_out (seen));

  /* Another person on the same server is another account. */
  other = add_account (fixture, concierge_account_new ("mastodon", "Sales", "@sales", "https://typed.example", "77"),
                       &renewed);
  g_assert_false (renewed);
  g_assert_cmpint (concierge_account_get_id (other), !=, concierge_account_get_id (typed));

  /* An account added twice before ids were kept, once with its id and
   * once without, cannot take the id of the other: it stays as it was,
   * and the sync goes on. */
  twin = add_account (fixture, concierge_account_new ("mastodon", "social.example", "", "https://social.example", ""),
                      &renewed);
  ingest_remote_user_id (fixture, twin, concierge_account_get_remote_user_id (fixture->mastodon));
  g_clear_object (&seen);
  seen = load_account (fixture, concierge_account_get_id (twin));
  g_assert_cmpstr (concierge_account_get_remote_user_id (seen), ==, "");
  g_clear_object (&seen);
  seen = load_account (fixture, concierge_account_get_id (fixture->mastodon));
  g_assert_cmpstr (concierge_account_get_remote_user_id (seen), ==, "1");

  /* Signing in again may give the id to the account first, as the page
   * that signs in again does for an account without one. */
  g_clear_object (&result);
  concierge_store_identify_account_async (fixture->store, concierge_account_get_id (twin), "5", NULL,
                                          test_got_result, &result);
  g_assert_true (concierge_store_identify_account_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&seen);
  seen = load_account (fixture, concierge_account_get_id (twin));
  g_assert_cmpstr (concierge_account_get_remote_user_id (seen), ==, "5");
}

static gssize
count_waiting_replies (Fixture          *fixture,
                       ConciergeAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gssize count;

  concierge_store_count_waiting_replies_async (fixture->store, concierge_account_get_id (account), NULL,
                                               test_got_result, &result);
  count = concierge_store_count_waiting_replies_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return count;
}

static ConciergeOutboxEntry *
queue_reply_in_state (Fixture            *fixture,
                      gint64              thread_id,
                      const char         *text,
                      ConciergeSendState  state)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *entry;

  concierge_store_queue_reply_async (fixture->store, thread_id, text, NULL, test_got_result, &result);
  entry = concierge_store_queue_reply_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  if (state == CONCIERGE_SEND_QUEUED)
    return entry;

  g_clear_object (&result);
  concierge_store_set_send_state_async (fixture->store, entry->message_id, state,
                                        state == CONCIERGE_SEND_FAILED ? "Refused" : NULL, NULL,
                                        test_got_result, &result);
  g_assert_true (concierge_store_set_send_state_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  return entry;
}

/* What removing an account would delete of the replies its customers
 * are waiting for: every one the platform has not confirmed. */
static void
test_waiting_replies_are_counted (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeThread) chat = NULL;
  g_autoptr(ConciergeOutboxEntry) queued = NULL;
  g_autoptr(ConciergeOutboxEntry) sending = NULL;
  g_autoptr(ConciergeOutboxEntry) failed = NULL;
  g_autoptr(ConciergeOutboxEntry) unknown = NULL;
  g_autoptr(ConciergeOutboxEntry) sent = NULL;
  g_autoptr(ConciergeOutboxEntry) bot_reply = NULL;

  g_assert_cmpint (count_waiting_replies (fixture, fixture->mastodon), ==, 0);

  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "x", "Xaver", "@support Kein Internet", 100));
  ingest_one (fixture, fixture->telegram, "chat:42", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("42:1", "42", "Mehmet", "Hallo?", 100));
  thread = load_thread (fixture, "status:1");
  chat = load_thread (fixture, "chat:42");

  queued = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Eins", CONCIERGE_SEND_QUEUED);
  sending = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Zwei", CONCIERGE_SEND_SENDING);
  failed = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Drei", CONCIERGE_SEND_FAILED);
  unknown = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Vier", CONCIERGE_SEND_UNKNOWN);
  sent = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Fünf", CONCIERGE_SEND_SENDING);
  bot_reply = queue_reply_in_state (fixture, concierge_thread_get_id (chat), "Sechs", CONCIERGE_SEND_QUEUED);
  g_assert_cmpint (count_waiting_replies (fixture, fixture->mastodon), ==, 5);

  /* A reply the platform confirmed is no longer waiting. */
  complete_send (fixture, sent->message_id, concierge_message_new ("900", CONCIERGE_DIRECTION_OUT, "Fünf", 110));
  g_assert_cmpint (count_waiting_replies (fixture, fixture->mastodon), ==, 4);

  /* Each account counts its own. */
  g_assert_cmpint (count_waiting_replies (fixture, fixture->telegram), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/open-creates-database", test_open_creates_database);
  ADD ("/store/ingest-is-idempotent-and-tracks-waiting", test_ingest_is_idempotent_and_tracks_waiting);
  ADD ("/store/resolved-thread-reopens", test_resolved_thread_reopens);
  ADD ("/store/snoozed-thread-wakes", test_snoozed_thread_wakes);
  ADD ("/store/contact-across-threads", test_contact_across_threads);
  ADD ("/store/merged-contacts-share-history", test_merged_contacts_share_history);
  ADD ("/store/merge-and-undo-keep-every-thread", test_merge_and_undo_keep_every_thread);
  ADD ("/store/merge-suggestions-by-address-and-number", test_merge_suggestions_by_address_and_number);
  ADD ("/store/forgotten-customer-leaves-no-byte", test_forgotten_customer_leaves_no_byte);
  ADD ("/store/purge-erases-old-resolved-conversations", test_purge_erases_old_resolved_conversations);
  ADD ("/store/forget-lets-other-jobs-run", test_forget_lets_other_jobs_run);
  ADD ("/store/interrupted-erasure-finishes-at-start", test_interrupted_erasure_finishes_at_start);
  ADD ("/store/complaints-and-facts", test_complaints_and_facts);
  ADD ("/store/import-contacts-once", test_import_contacts_once);
  ADD ("/store/damaged-caches-are-listed-and-deleted", test_damaged_caches_are_listed_and_deleted);
  ADD ("/store/search-is-newest-first-and-literal", test_search_is_newest_first_and_literal);
  ADD ("/store/search-common-word-reads-one-page", test_search_common_word_reads_one_page);
  ADD ("/store/search-lists-its-first-threads", test_search_lists_its_first_threads);
  ADD ("/store/search-stops-short-and-says-so", test_search_stops_short_and_says_so);
  ADD ("/store/search-common-word-lists-without-reading-messages",
       test_search_common_word_lists_without_reading_messages);
  ADD ("/store/migrates-saved-schemas", test_migrates_saved_schemas);
  ADD ("/store/corrupt-file-is-refused-and-moved-aside", test_corrupt_file_is_refused_and_moved_aside);
  ADD ("/store/newer-version-is-refused", test_newer_version_is_refused);
  ADD ("/store/unreadable-path-is-refused", test_unreadable_path_is_refused);
  ADD ("/store/full-disk-writes-nothing", test_full_disk_writes_nothing);
  ADD ("/store/audit-log", test_audit_log);
  g_test_add_func ("/store/audit-log-csv", test_audit_log_csv);
  ADD ("/store/images-are-kept-for-offline-reading", test_images_are_kept_for_offline_reading);
  ADD ("/store/deleted-messages-are-marked", test_deleted_messages_are_marked);
  ADD ("/store/saved-replies", test_saved_replies);
  ADD ("/store/saved-replies-import", test_saved_replies_import);
  ADD ("/store/drafts-survive-a-restart", test_drafts_survive_a_restart);
  ADD ("/store/notes-stand-among-messages", test_notes_stand_among_messages);
  ADD ("/store/contact-language-is-kept", test_contact_language_is_kept);
  ADD ("/store/same-reply-to-another-customer-today", test_same_reply_to_another_customer_today);
  ADD ("/store/view-counts", test_view_counts);
  ADD ("/store/move-steps-go-in-order", test_move_steps_go_in_order);
  ADD ("/store/move-without-private-channel", test_move_without_private_channel);
  ADD ("/store/private-message-starts-a-thread", test_private_message_starts_a_thread);
  ADD ("/store/private-thread-found-by-sync", test_private_thread_found_by_sync);
  ADD ("/store/account-learns-its-remote-user", test_account_learns_its_remote_user);
  ADD ("/store/waiting-replies-are-counted", test_waiting_replies_are_counted);
  ADD ("/inbox/longest-waiting-and-exact-changes", test_inbox_longest_waiting_and_exact_changes);
  ADD ("/inbox/filters-and-search", test_inbox_filters_and_search);
  ADD ("/inbox/search-shows-its-first-threads", test_inbox_search_shows_its_first_threads);
  ADD ("/inbox/reloads-after-a-big-change", test_inbox_reloads_after_a_big_change);
  ADD ("/store/changes-are-announced-on-the-main-thread", test_changes_are_announced_on_the_main_thread);
  ADD ("/store/every-signal-reaches-its-handler-on-the-main-thread",
       test_every_signal_reaches_its_handler_on_the_main_thread);
  ADD ("/inbox/keeps-changes-made-while-loading", test_inbox_keeps_changes_made_while_loading);
  ADD ("/inbox/loads-rows-that-moved", test_inbox_loads_rows_that_moved);
  ADD ("/inbox/loads-lazily", test_inbox_loads_lazily);
  ADD ("/inbox/personal-data-sorts-up", test_personal_data_sorts_up);

  return g_test_run ();
}
