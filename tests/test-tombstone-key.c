/* test-tombstone-key.c
 *
 * The key of the tombstones against the real gnome-keyring of the test's
 * private D-Bus session and real SQLite files: it is in the keyring and
 * nowhere in the cache, an old cache's key moves over without losing a
 * tombstone, and without a keyring nothing is lost or forgotten halfway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* memmem() */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>
#include <libsecret/secret.h>
#include <sqlite3.h>

#include "channels/concierge-tombstone-key.h"
#include "secrets/concierge-secrets.h"

#include "test-util.h"

/* Written out here rather than taken from the code under test, so that a
 * change of the schema's name or attributes shows. */
static const SecretSchema key_schema = {
  "io.github.conciergedesk.Concierge.Key", SECRET_SCHEMA_NONE,
  {
    { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { NULL, 0 },
  },
};

typedef struct
{
  char             *dir;
  char             *path;
  char             *profile_id;
  ConciergeStore   *store;
  ConciergeAccount *account;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-tombstone-key-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store_without_key (fixture->path, &error);
  g_assert_no_error (error);
  fixture->profile_id = g_strdup (concierge_store_get_profile_id (fixture->store));
  account = concierge_account_new ("mastodon", "Support", "@support@social.example",
                                   "https://social.example", "1");
  fixture->account = test_add_account (fixture->store, account);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  secret_password_clear_sync (&key_schema, NULL, &error, "profile", fixture->profile_id, NULL);
  g_assert_no_error (error);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->account);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->profile_id);
}

/* What the keyring holds for the profile, read as any program could. */
static char *
keyring_key (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *secret;
  char *key;

  secret = secret_password_lookup_sync (&key_schema, NULL, &error,
                                        "profile", fixture->profile_id, "purpose", "tombstones", NULL);
  g_assert_no_error (error);
  /* libsecret's memory is its own to free. */
  key = g_strdup (secret);
  secret_password_free (secret);
  return key;
}

static void
reopen_without_key (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store_without_key (fixture->path, &error);
  g_assert_no_error (error);
}

static gboolean
load_key (Fixture  *fixture,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_tombstone_key_load_async (fixture->store, FALSE, NULL, test_got_result, &result);
  return concierge_tombstone_key_load_finish (test_wait_result (&result), error);
}

/* Whether the cache file or its WAL holds @needle anywhere. */
static gboolean
cache_holds (Fixture    *fixture,
             const char *needle)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (fixture->path, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (g_file_get_contents (path, &bytes, &length, NULL) &&
          memmem (bytes, length, needle, strlen (needle)) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Brings a message of a customer's conversation, as a sync does. */
static gboolean
ingest (Fixture     *fixture,
        const char  *thread,
        const char  *message_id,
        const char  *author,
        const char  *body,
        GError     **error)
{
  g_autoptr(ConciergeIdentity) identity = concierge_identity_new ("mastodon", "https://social.example", author,
                                                                  author, author);
  ConciergeMessage *message = concierge_message_new (message_id, CONCIERGE_DIRECTION_IN, body, 1000);
  ConciergeIngest *batch = concierge_ingest_new (concierge_account_get_id (fixture->account));

  concierge_message_set_author (message, identity);
  concierge_ingest_add_message (batch, thread, CONCIERGE_VISIBILITY_PRIVATE, message);
  g_object_unref (message);
  test_ingest (fixture->store, batch, error);
  return error == NULL || *error == NULL;
}

static void
ingest_ok (Fixture    *fixture,
           const char *thread,
           const char *message_id,
           const char *author,
           const char *body)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ingest (fixture, thread, message_id, author, body, &error));
  g_assert_no_error (error);
}

/* The customer of the conversation @thread, or 0 when it is not cached. */
static gint64
customer_of (Fixture    *fixture,
             const char *thread)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      g_autoptr(GPtrArray) threads = test_load_threads (fixture->store,
                                                        &g_array_index (index, ConciergeInboxEntry, i).id, 1);
      ConciergeThread *found = g_ptr_array_index (threads, 0);

      if (g_str_equal (concierge_thread_get_remote_id (found), thread))
        return concierge_thread_get_contact_id (found);
    }
  return 0;
}

static gboolean
forget (Fixture     *fixture,
        const char  *thread,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree ConciergeContactSummary *summary = NULL;

  concierge_store_forget_contact_async (fixture->store, customer_of (fixture, thread), "asked to be forgotten",
                                        NULL, NULL, NULL, test_got_result, &result);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&result), error);
  return summary != NULL;
}

static void
forget_ok (Fixture    *fixture,
           const char *thread)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (forget (fixture, thread, &error));
  g_assert_no_error (error);
}

/* Writes the key into the profile table, as earlier versions kept it. */
static void
write_legacy_key (Fixture    *fixture,
                  const char *key)
{
  char *sql = sqlite3_mprintf ("INSERT INTO profile (key, value) VALUES ('tombstone-key', %Q)", key);
  sqlite3 *db;

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  sqlite3_free (sql);
}

static gint64
legacy_keys_in_profile_table (const char *path)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM profile WHERE key = 'tombstone-key'", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* A customer forgotten with the key of an earlier version, which also kept
 * that key in the cache. Returns the key. */
static char *
forget_with_legacy_key (Fixture *fixture)
{
  g_autofree char *legacy = g_uuid_string_random ();
  const char *keys[] = { legacy, NULL };

  concierge_store_set_tombstone_keys (fixture->store, keys);
  ingest_ok (fixture, "dm-ortwin", "101", "ortwin", "Ortwin Quellmalz bittet um Löschung");
  ingest_ok (fixture, "dm-ortwin", "102", "ortwin", "Noch eine Nachricht von Ortwin");
  forget_ok (fixture, "dm-ortwin");
  write_legacy_key (fixture, legacy);
  fixture->store = test_open_store_without_key (fixture->path, NULL);
  g_assert_nonnull (fixture->store);

  /* The scans below can fail: the key stands in the file. */
  g_assert_true (cache_holds (fixture, legacy));
  g_assert_cmpint (legacy_keys_in_profile_table (fixture->path), ==, 1);

  return g_steal_pointer (&legacy);
}

static void
assert_forgotten_stay_out (Fixture *fixture)
{
  ingest_ok (fixture, "dm-ortwin", "101", "ortwin", "Ortwin Quellmalz bittet um Löschung");
  ingest_ok (fixture, "dm-ortwin", "102", "ortwin", "Noch eine Nachricht von Ortwin");
  g_assert_cmpint (customer_of (fixture, "dm-ortwin"), ==, 0);
  g_assert_false (cache_holds (fixture, "Quellmalz"));
}

static void
test_lives_only_in_the_keyring (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *key = NULL;
  g_autofree char *again = NULL;
  g_autofree char *label = NULL;

  /* Before the key, nothing that needs it happens: the batch waits. */
  g_assert_false (ingest (fixture, "dm-hella", "1", "hella", "Hella Brünnich schreibt", &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY);
  g_clear_error (&error);
  g_assert_cmpint (customer_of (fixture, "dm-hella"), ==, 0);

  g_assert_true (load_key (fixture, &error));
  g_assert_no_error (error);

  /* A new profile's key: 256 random bits, in the keyring under the
   * profile, with a label that says what it is. */
  key = keyring_key (fixture);
  g_assert_nonnull (key);
  g_assert_cmpuint (strlen (key), ==, 64);
  for (guint i = 0; key[i] != '\0'; i++)
    g_assert_true (g_ascii_isxdigit (key[i]));
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "profile", fixture->profile_id);
  items = secret_service_search_sync (NULL, &key_schema, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  g_assert_cmpstr (label, ==, "Concierge: key that keeps forgotten customers forgotten");
  g_list_free_full (g_steal_pointer (&items), g_object_unref);

  ingest_ok (fixture, "dm-hella", "1", "hella", "Hella Brünnich schreibt");
  ingest_ok (fixture, "dm-hella", "2", "hella", "Hella Brünnich fragt nach");
  ingest_ok (fixture, "dm-tom", "3", "tom", "Tom fragt nach dem Tarif");
  forget_ok (fixture, "dm-hella");

  /* Whoever has the file cannot test guessed ids: the key is not in it. */
  g_assert_false (cache_holds (fixture, key));
  g_assert_cmpint (legacy_keys_in_profile_table (fixture->path), ==, 0);

  /* After a restart, the same key from the keyring keeps her out. */
  reopen_without_key (fixture);
  g_assert_false (ingest (fixture, "dm-hella", "1", "hella", "Hella Brünnich schreibt", &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY);
  g_clear_error (&error);
  g_assert_true (load_key (fixture, &error));
  g_assert_no_error (error);
  again = keyring_key (fixture);
  g_assert_cmpstr (again, ==, key);
  ingest_ok (fixture, "dm-hella", "1", "hella", "Hella Brünnich schreibt");
  ingest_ok (fixture, "dm-hella", "2", "hella", "Hella Brünnich fragt nach");
  g_assert_cmpint (customer_of (fixture, "dm-hella"), ==, 0);
  g_assert_cmpint (customer_of (fixture, "dm-tom"), !=, 0);
  g_assert_false (cache_holds (fixture, key));
}

static void
test_forgetting_waits_for_the_key (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const char * const keys[] = { TEST_TOMBSTONE_KEY, NULL };
  g_autoptr(GError) error = NULL;
  gint64 customer;

  concierge_store_set_tombstone_keys (fixture->store, keys);
  ingest_ok (fixture, "dm-hella", "1", "hella", "Hella Brünnich schreibt");
  customer = customer_of (fixture, "dm-hella");
  reopen_without_key (fixture);

  /* Forgetting without a tombstone would let the next sync bring her
   * back: it refuses, and deletes nothing. */
  g_assert_false (forget (fixture, "dm-hella", &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY);
  g_assert_cmpint (customer_of (fixture, "dm-hella"), ==, customer);
  g_assert_true (cache_holds (fixture, "Hella Brünnich schreibt"));
}

static void
test_moves_from_an_old_cache (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *legacy = forget_with_legacy_key (fixture);
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (load_key (fixture, &error));
  g_assert_no_error (error);

  /* The keyring has the old key, and the cache has nothing of it... */
  key = keyring_key (fixture);
  g_assert_cmpstr (key, ==, legacy);
  g_assert_cmpint (legacy_keys_in_profile_table (fixture->path), ==, 0);
  g_assert_false (cache_holds (fixture, legacy));

  /* ...and the tombstones made with it hold, also after a restart. */
  assert_forgotten_stay_out (fixture);
  reopen_without_key (fixture);
  g_assert_true (load_key (fixture, &error));
  g_assert_no_error (error);
  assert_forgotten_stay_out (fixture);
  ingest_ok (fixture, "dm-tom", "3", "tom", "Tom fragt nach dem Tarif");
  g_assert_cmpint (customer_of (fixture, "dm-tom"), !=, 0);
}

/* The keyring has a key and the cache another: an earlier version opened
 * the cache after the key had moved, and made itself a new one. Both made
 * tombstones. */
static void
test_keeps_both_keys_of_a_restored_backup (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autofree char *legacy = forget_with_legacy_key (fixture);
  g_autofree char *mine = g_uuid_string_random ();
  g_autofree char *both = g_strconcat (mine, "\n", legacy, NULL);
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  const char *only_mine[] = { mine, NULL };

  secret_password_store_sync (&key_schema, SECRET_COLLECTION_DEFAULT, "Concierge test key", mine, NULL, &error,
                              "profile", fixture->profile_id, "purpose", "tombstones", "version", 1, NULL);
  g_assert_no_error (error);

  g_assert_true (load_key (fixture, &error));
  g_assert_no_error (error);
  key = keyring_key (fixture);
  g_assert_cmpstr (key, ==, both);
  g_assert_false (cache_holds (fixture, legacy));
  assert_forgotten_stay_out (fixture);

  /* The keyring's own key makes new tombstones. */
  ingest_ok (fixture, "dm-tom", "3", "tom", "Tom Kranich fragt nach dem Tarif");
  forget_ok (fixture, "dm-tom");
  reopen_without_key (fixture);
  concierge_store_set_tombstone_keys (fixture->store, only_mine);
  ingest_ok (fixture, "dm-tom", "3", "tom", "Tom Kranich fragt nach dem Tarif");
  g_assert_cmpint (customer_of (fixture, "dm-tom"), ==, 0);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Loads the key without letting the keyring ask anything; a prompt that
 * nobody answers shows as cancelled. */
static gboolean
load_key_quietly (Fixture  *fixture,
                  GError  **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  guint timeout_id = g_timeout_add_seconds (20, cancel_cb, cancellable);
  gboolean loaded;

  concierge_tombstone_key_load_async (fixture->store, FALSE, cancellable, test_got_result, &result);
  loaded = concierge_tombstone_key_load_finish (test_wait_result (&result), error);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout_id);
  return loaded;
}

/* A locked keyring: the key neither moves nor is made anew, and nothing
 * asks the person to unlock it until they try again. */
static void
test_waits_for_a_locked_keyring (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *legacy = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  if (!test_has_own_keyring ())
    {
      test_rerun_with_own_keyring ();
      return;
    }

  legacy = forget_with_legacy_key (fixture);
  test_set_keyring_locked (TRUE);

  g_assert_false (load_key_quietly (fixture, &error));
  g_assert_error (error, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (concierge_store_has_tombstone_key (fixture->store));
  g_assert_cmpint (legacy_keys_in_profile_table (fixture->path), ==, 1);

  test_set_keyring_locked (FALSE);
  g_assert_true (load_key_quietly (fixture, &error));
  g_assert_no_error (error);
  key = keyring_key (fixture);
  g_assert_cmpstr (key, ==, legacy);
  g_assert_false (cache_holds (fixture, legacy));

  /* Locked again, the key is there but cannot be read: that must not
   * count as no key, or a new one would replace it. */
  test_set_keyring_locked (TRUE);
  reopen_without_key (fixture);
  g_assert_false (load_key_quietly (fixture, &error));
  g_assert_error (error, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_LOCKED);
  g_clear_error (&error);
  test_set_keyring_locked (FALSE);
  g_clear_pointer (&key, g_free);
  key = keyring_key (fixture);
  g_assert_cmpstr (key, ==, legacy);
  g_assert_true (load_key_quietly (fixture, &error));
  g_assert_no_error (error);
  assert_forgotten_stay_out (fixture);
}

/* Run in a child on a bus that starts no services: a desktop without a
 * keyring. */
static int
no_keyring_child (const char *path)
{
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  store = test_open_store_without_key (path, &error);
  if (store == NULL)
    return 10;
  concierge_tombstone_key_load_async (store, FALSE, NULL, test_got_result, &result);
  if (concierge_tombstone_key_load_finish (test_wait_result (&result), &error))
    return 11;
  if (!g_error_matches (error, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_NO_KEYRING))
    {
      g_printerr ("unexpected error: %s\n", error->message);
      return 12;
    }
  if (concierge_store_has_tombstone_key (store))
    return 13;
  test_close_store (store);
  g_print ("%s\n", error->message);
  return 0;
}

static void
test_stays_in_the_cache_without_a_keyring (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autofree char *legacy = forget_with_legacy_key (fixture);
  g_autofree char *config = g_test_build_filename (G_TEST_DIST, "data", "dbus-no-services.conf", NULL);
  g_autofree char *self = g_test_build_filename (G_TEST_BUILT, "test-tombstone-key", NULL);
  const char *argv[] = { "dbus-run-session", "--config-file", config, "--", self, "--no-keyring-child",
                         fixture->path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    g_error ("dbus-run-session is missing (Debian package dbus-bin): %s", error->message);
  g_test_message ("child said: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "No keyring is running"));

  /* The key leaves the cache only for the keyring. */
  g_assert_cmpint (legacy_keys_in_profile_table (fixture->path), ==, 1);
  fixture->store = test_open_store_without_key (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (cache_holds (fixture, legacy));
  g_assert_true (load_key (fixture, &error));
  g_assert_no_error (error);
  assert_forgotten_stay_out (fixture);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--no-keyring-child"))
    return no_keyring_child (argv[2]);

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_error ("No D-Bus session: run the tests through ./build-aux/dev test, which starts one "
             "with an unlocked gnome-keyring");

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/tombstone-key/lives-only-in-the-keyring", test_lives_only_in_the_keyring);
  ADD ("/tombstone-key/forgetting-waits-for-the-key", test_forgetting_waits_for_the_key);
  ADD ("/tombstone-key/moves-from-an-old-cache", test_moves_from_an_old_cache);
  ADD ("/tombstone-key/keeps-both-keys-of-a-restored-backup", test_keeps_both_keys_of_a_restored_backup);
  ADD ("/tombstone-key/stays-in-the-cache-without-a-keyring", test_stays_in_the_cache_without_a_keyring);
  ADD ("/tombstone-key/waits-for-a-locked-keyring", test_waits_for_a_locked_keyring);

  return g_test_run ();
}
