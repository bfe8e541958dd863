/* test-store.c
 *
 * The store against real SQLite files in a temporary folder: opening,
 * migrating, refusing damaged caches, a full disk, and the main thread
 * its signals reach.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "limited-vfs.h"
#include "test-store-fixture.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/open-creates-database", test_open_creates_database);
  ADD ("/store/damaged-caches-are-listed-and-deleted", test_damaged_caches_are_listed_and_deleted);
  ADD ("/store/migrates-saved-schemas", test_migrates_saved_schemas);
  ADD ("/store/corrupt-file-is-refused-and-moved-aside", test_corrupt_file_is_refused_and_moved_aside);
  ADD ("/store/newer-version-is-refused", test_newer_version_is_refused);
  ADD ("/store/unreadable-path-is-refused", test_unreadable_path_is_refused);
  ADD ("/store/full-disk-writes-nothing", test_full_disk_writes_nothing);
  ADD ("/store/changes-are-announced-on-the-main-thread", test_changes_are_announced_on_the_main_thread);
  ADD ("/store/every-signal-reaches-its-handler-on-the-main-thread",
       test_every_signal_reaches_its_handler_on_the_main_thread);

  return g_test_run ();
}
