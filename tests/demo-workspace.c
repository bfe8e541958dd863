/* demo-workspace.c
 *
 * Fills a profile's cache from a demo workspace file through the store's
 * ingest API, with times relative to now, so the inbox looks alive:
 *
 *   demo-workspace build-aux/demo/workspace.json [DATABASE]
 *
 * Without DATABASE it fills the default profile of the current XDG data
 * folder. ./build-aux/dev run and the UI tests use it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "store/concierge-store.h"

#include "test-util.h"

typedef struct
{
  GHashTable *accounts;        /* key → ConciergeAccount */
  GHashTable *contact_names;   /* contact key → name */
  GHashTable *contact_threads; /* contact key → GPtrArray of thread remote ids */
} Demo;

static const char *
member_string (JsonObject *object,
               const char *name)
{
  return json_object_has_member (object, name) ? json_object_get_string_member (object, name) : "";
}

static ConciergeIdentity *
identity_for (JsonObject *contact,
              const char *platform,
              const char *server_url)
{
  JsonArray *identities = json_object_get_array_member (contact, "identities");

  for (guint i = 0; i < json_array_get_length (identities); i++)
    {
      JsonObject *identity = json_array_get_object_element (identities, i);

      if (g_str_equal (member_string (identity, "platform"), platform))
        {
          const char *display_name = member_string (identity, "display_name");

          return concierge_identity_new (platform, server_url, member_string (identity, "remote_id"),
                                         member_string (identity, "handle"),
                                         display_name[0] ? display_name
                                                         : member_string (contact, "name"));
        }
    }

  g_error ("Contact %s has no %s identity", member_string (contact, "key"), platform);
}

static gint64
thread_id_for (ConciergeStore *store,
               const char     *remote_id)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (store, &id, 1);

      if (g_str_equal (concierge_thread_get_remote_id (g_ptr_array_index (threads, 0)), remote_id))
        return id;
    }

  g_error ("Thread %s was not stored", remote_id);
}

static gint64
contact_of (ConciergeStore *store,
            gint64          thread_id)
{
  g_autoptr(GPtrArray) threads = test_load_threads (store, &thread_id, 1);

  return concierge_thread_get_contact_id (g_ptr_array_index (threads, 0));
}

static void
merge_callback (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    g_error ("Merging contacts failed: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GHashTable) accounts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr(GHashTable) contacts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) contact_threads =
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *root;
  JsonArray *array;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  gpointer key, value;

  if (argc < 2 || argc > 3)
    {
      g_printerr ("usage: %s WORKSPACE.json [DATABASE]\n", argv[0]);
      return 2;
    }

  if (!json_parser_load_from_file (parser, argv[1], &error))
    g_error ("Cannot read %s: %s", argv[1], error->message);
  root = json_node_get_object (json_parser_get_root (parser));

  path = argc == 3 ? g_strdup (argv[2]) : concierge_store_default_path ();
  store = test_open_store (path, &error);
  if (store == NULL)
    g_error ("Cannot open %s: %s", path, error->message);

  array = json_object_get_array_member (root, "accounts");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      g_autoptr(ConciergeAccount) account =
        concierge_account_new (member_string (object, "platform"), member_string (object, "display_name"),
                               member_string (object, "handle"), member_string (object, "server_url"),
                               member_string (object, "remote_user_id"));

      g_hash_table_insert (accounts, (gpointer) member_string (object, "key"),
                           test_add_account (store, account));
    }

  array = json_object_get_array_member (root, "contacts");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      g_hash_table_insert (contacts, (gpointer) member_string (object, "key"), object);
    }

  array = json_object_get_array_member (root, "threads");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *thread = json_array_get_object_element (array, i);
      ConciergeAccount *account = g_hash_table_lookup (accounts, member_string (thread, "account"));
      JsonObject *contact = g_hash_table_lookup (contacts, member_string (thread, "contact"));
      JsonArray *messages = json_object_get_array_member (thread, "messages");
      g_autoptr(ConciergeIdentity) author = NULL;
      g_autofree char *remote_id = g_strdup_printf ("demo-%u", i);
      ConciergeVisibility visibility = CONCIERGE_VISIBILITY_PUBLIC;
      ConciergeThreadStatus status = CONCIERGE_THREAD_OPEN;
      ConciergeIngest *ingest;
      GPtrArray *threads;

      if (account == NULL || contact == NULL)
        g_error ("Thread %u names an unknown account or contact", i);

      concierge_visibility_from_string (member_string (thread, "visibility"), &visibility);
      author = identity_for (contact, concierge_account_get_platform (account),
                             concierge_account_get_server_url (account));

      ingest = concierge_ingest_new (concierge_account_get_id (account));
      for (guint j = 0; j < json_array_get_length (messages); j++)
        {
          JsonObject *object = json_array_get_object_element (messages, j);
          g_autofree char *message_id = g_strdup_printf ("demo-%u-%u", i, j);
          gboolean incoming = g_str_equal (member_string (object, "direction"), "in");
          gint64 created_at = now - json_object_get_int_member (object, "minutes_ago") * 60;
          g_autoptr(ConciergeMessage) message =
            concierge_message_new (message_id, incoming ? CONCIERGE_DIRECTION_IN : CONCIERGE_DIRECTION_OUT,
                                   member_string (object, "text"), created_at);

          if (incoming)
            concierge_message_set_author (message, author);
          if (json_object_has_member (object, "content_warning"))
            concierge_message_set_content_warning (message, member_string (object, "content_warning"));
          concierge_ingest_add_message (ingest, remote_id, visibility, message);
        }
      test_ingest (store, ingest, &error);
      if (error != NULL)
        g_error ("Storing thread %u failed: %s", i, error->message);

      if (concierge_thread_status_from_string (member_string (thread, "status"), &status) &&
          status != CONCIERGE_THREAD_OPEN)
        {
          test_set_status (store, thread_id_for (store, remote_id), status, &error);
          if (error != NULL)
            g_error ("Setting the status of thread %u failed: %s", i, error->message);
        }

      threads = g_hash_table_lookup (contact_threads, member_string (contact, "key"));
      if (threads == NULL)
        {
          threads = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (contact_threads, (gpointer) member_string (contact, "key"), threads);
        }
      g_ptr_array_add (threads, g_steal_pointer (&remote_id));
    }

  /* A customer who writes on several platforms is one contact. */
  g_hash_table_iter_init (&iter, contact_threads);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *threads = value;
      gint64 keep = contact_of (store, thread_id_for (store, g_ptr_array_index (threads, 0)));

      for (guint i = 1; i < threads->len; i++)
        {
          gint64 other = contact_of (store, thread_id_for (store, g_ptr_array_index (threads, i)));
          gboolean done = FALSE;

          if (other == keep)
            continue;
          concierge_store_merge_contacts_async (store, keep, other, NULL, merge_callback, &done);
          while (!done)
            g_main_context_iteration (NULL, TRUE);
        }
    }

  test_close_store (store);
  g_print ("Filled %s from %s\n", path, argv[1]);

  return 0;
}
