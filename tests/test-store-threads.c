/* test-store-threads.c
 *
 * The store's threads against real SQLite files: ingesting, their status,
 * the views' counts, accounts, images and deleted messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "limited-vfs.h"
#include "test-store-fixture.h"

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

static GPtrArray *
load_file_downloads (Fixture *fixture,
                     gint64   max_bytes)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *downloads;

  concierge_store_load_file_downloads_async (fixture->store, 10, max_bytes, NULL, test_got_result, &result);
  downloads = concierge_store_load_file_downloads_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return downloads;
}

static ConciergeAttachment *
first_attachment (Fixture *fixture,
                  gint64   thread_id)
{
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);
  GPtrArray *files = concierge_message_get_attachments (g_ptr_array_index (messages, 0));

  g_assert_nonnull (files);
  g_assert_cmpuint (files->len, ==, 1);
  return g_object_ref (g_ptr_array_index (files, 0));
}

/* A document keeps what the platform said of it through ingest and a new
 * start; only one within the size asked for waits for a download, and its
 * bytes stay in the file. */
static void
test_files_are_kept_with_their_messages (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("%PDF-1.7\n", 9);
  g_autoptr(ConciergeAttachment) contract =
    concierge_attachment_new (CONCIERGE_ATTACHMENT_DOCUMENT, "BQACAgIAAxkBAAIB-contract", "Mietvertrag.pdf",
                              "application/pdf", 48213, 0);
  g_autoptr(ConciergeAttachment) file = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) downloads = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeMessage *message = incoming ("m1", "jana", "Jana Becker", "Document “Mietvertrag.pdf”", 1000);
  gint64 thread_id;

  concierge_message_add_attachment (message, contract);
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PRIVATE, g_object_ref (message));
  /* Fetched again by the next poll: the file is not added twice. */
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PRIVATE, message);
  thread = load_thread (fixture, "t1");
  thread_id = concierge_thread_get_id (thread);

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);

  file = first_attachment (fixture, thread_id);
  g_assert_cmpint (concierge_attachment_get_kind (file), ==, CONCIERGE_ATTACHMENT_DOCUMENT);
  g_assert_cmpstr (concierge_attachment_get_source (file), ==, "BQACAgIAAxkBAAIB-contract");
  g_assert_cmpstr (concierge_attachment_get_name (file), ==, "Mietvertrag.pdf");
  g_assert_cmpstr (concierge_attachment_get_mime_type (file), ==, "application/pdf");
  g_assert_cmpint (concierge_attachment_get_size (file), ==, 48213);
  g_assert_false (concierge_attachment_is_cached (file));

  g_assert_false (concierge_attachment_has_failed (file));
  downloads = load_file_downloads (fixture, 48212);
  g_assert_cmpuint (downloads->len, ==, 0);
  g_clear_pointer (&downloads, g_ptr_array_unref);
  downloads = load_file_downloads (fixture, 48213);
  g_assert_cmpuint (downloads->len, ==, 1);
  g_assert_cmpint (((ConciergeImageDownload *) g_ptr_array_index (downloads, 0))->image_id, ==,
                   concierge_attachment_get_id (file));

  concierge_store_save_file_async (fixture->store, concierge_attachment_get_id (file), bytes, NULL,
                                   test_got_result, &result);
  g_assert_true (concierge_store_save_file_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&file);
  file = first_attachment (fixture, thread_id);
  g_assert_true (concierge_attachment_is_cached (file));
  g_assert_false (concierge_attachment_has_failed (file));
  g_clear_object (&result);
  concierge_store_load_file_async (fixture->store, concierge_attachment_get_id (file), NULL, test_got_result, &result);
  loaded = concierge_store_load_file_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, bytes));
}

/* A document whose download failed three times is given up, and says so. */
static void
test_files_are_given_up_after_three_failures (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(ConciergeAttachment) statements =
    concierge_attachment_new (CONCIERGE_ATTACHMENT_DOCUMENT, "BQACAgIAAxkBAAIB-statements", "Kontoauszug.pdf",
                              "application/pdf", 20000, 0);
  g_autoptr(ConciergeAttachment) file = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) downloads = NULL;
  ConciergeMessage *message = incoming ("m1", "jana", "Jana Becker", "Document “Kontoauszug.pdf”", 1000);
  gint64 thread_id;

  concierge_message_add_attachment (message, statements);
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PRIVATE, message);
  thread = load_thread (fixture, "t1");
  thread_id = concierge_thread_get_id (thread);
  file = first_attachment (fixture, thread_id);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (concierge_attachment_has_failed (file));
      concierge_store_save_file_async (fixture->store, concierge_attachment_get_id (file), NULL, NULL,
                                       test_got_result, &result);
      g_assert_true (concierge_store_save_file_finish (fixture->store, test_wait_result (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&file);
      file = first_attachment (fixture, thread_id);
    }
  g_assert_true (concierge_attachment_has_failed (file));
  g_assert_false (concierge_attachment_is_cached (file));
  downloads = load_file_downloads (fixture, 1000000);
  g_assert_cmpuint (downloads->len, ==, 0);
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

/* What a row's facts function saw: the tests look at it after the call
 * that read the thread returned, which orders the worker's writes first. */
typedef struct
{
  GThread *ran_on;
  guint    calls;
} RowFactsWitness;

static ConciergeRowFacts *
witness_row_facts (ConciergeThread *thread,
                   gint64           now,
                   gpointer         data)
{
  RowFactsWitness *witness = data;
  g_autofree char *name = g_strdup_printf ("%s, worked out", concierge_thread_get_contact_name (thread));

  witness->ran_on = g_thread_self ();
  witness->calls++;
  return concierge_row_facts_new (name, NULL);
}

static void
keep_changed_thread (ConciergeStore   *store,
                     GPtrArray        *threads,
                     ConciergeThread **changed)
{
  g_set_object (changed, g_ptr_array_index (threads, 0));
}

static void
test_rows_are_worked_out_on_the_worker (Fixture       *fixture,
                                        gconstpointer  data)
{
  RowFactsWitness witness = { NULL, 0 };
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeThread) changed = NULL;
  ConciergeRowFacts *facts;

  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m1", "jana", "Jana Becker", "Mein Internet ist seit heute Morgen weg", 1000));
  thread = load_thread (fixture, "t1");
  g_assert_null (concierge_thread_get_row_facts (thread));
  g_clear_object (&thread);

  concierge_store_set_row_facts (fixture->store, witness_row_facts, &witness, NULL);
  thread = load_thread (fixture, "t1");
  facts = concierge_thread_get_row_facts (thread);
  g_assert_nonnull (facts);
  g_assert_cmpstr (facts->name, ==, "Jana Becker, worked out");
  g_assert_cmpuint (witness.calls, >, 0);
  g_assert_nonnull (witness.ran_on);
  g_assert_true (witness.ran_on != g_thread_self ());

  /* A change the store announces comes with its rows' facts. */
  g_signal_connect (fixture->store, "threads-changed", G_CALLBACK (keep_changed_thread), &changed);
  ingest_one (fixture, fixture->mastodon, "t1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("m2", "jana", "Jana Becker", "Router blinkt rot", 1060));
  while (changed == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_func (fixture->store, keep_changed_thread, &changed);
  g_assert_nonnull (concierge_thread_get_row_facts (changed));
  g_assert_cmpstr (concierge_thread_get_row_facts (changed)->name, ==, "Jana Becker, worked out");

  /* Without the function, the store reads threads as before; and the
   * witness on this stack is no longer used once a read returned. */
  concierge_store_set_row_facts (fixture->store, NULL, NULL, NULL);
  g_clear_object (&thread);
  thread = load_thread (fixture, "t1");
  g_assert_null (concierge_thread_get_row_facts (thread));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/ingest-is-idempotent-and-tracks-waiting", test_ingest_is_idempotent_and_tracks_waiting);
  ADD ("/store/resolved-thread-reopens", test_resolved_thread_reopens);
  ADD ("/store/snoozed-thread-wakes", test_snoozed_thread_wakes);
  ADD ("/store/images-are-kept-for-offline-reading", test_images_are_kept_for_offline_reading);
  ADD ("/store/files-are-kept-with-their-messages", test_files_are_kept_with_their_messages);
  ADD ("/store/files-are-given-up-after-three-failures", test_files_are_given_up_after_three_failures);
  ADD ("/store/deleted-messages-are-marked", test_deleted_messages_are_marked);
  ADD ("/store/view-counts", test_view_counts);
  ADD ("/store/rows-are-worked-out-on-the-worker", test_rows_are_worked_out_on_the_worker);
  ADD ("/store/account-learns-its-remote-user", test_account_learns_its_remote_user);

  return g_test_run ();
}
