/* test-store-fixture.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "privacy/concierge-detector.h"

#include "test-store-fixture.h"

void
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

void
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

ConciergeMessage *
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

void
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

ConciergeThread *
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

void
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

void
use_detector (Fixture            *fixture,
              const char * const *allowed)
{
  ConciergeDetector *detector = concierge_detector_new ();

  concierge_detector_set_allowed (detector, allowed);
  concierge_store_set_scanner (fixture->store, concierge_detector_scan_for_store, detector, g_object_unref);
}

void
count_signal (guint *count)
{
  (*count)++;
}

void
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

GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

void
expect_true (ConciergeStore *store,
             GAsyncResult   *result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_store_boolean_finish (store, result, &error));
  g_assert_no_error (error);
}

gboolean
finish_boolean (Fixture       *fixture,
                GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = concierge_store_boolean_finish (fixture->store, test_wait_result (result), &error);

  g_assert_no_error (error);
  g_clear_object (result);
  return ok;
}

void
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

void
merge (Fixture *fixture,
       gint64   keep_id,
       gint64   merge_id)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_merge_contacts_async (fixture->store, keep_id, merge_id, NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
}

ConciergeContactSummary *
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

ConciergeMessage *
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

gint64
contact_of_thread (Fixture    *fixture,
                   const char *remote_id)
{
  g_autoptr(ConciergeThread) thread = load_thread (fixture, remote_id);

  return concierge_thread_get_contact_id (thread);
}
