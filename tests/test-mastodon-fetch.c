/* test-mastodon-fetch.c
 *
 * Fetching from a Mastodon 4.3 that filters private mentions by default:
 * direct messages complete, the account's own statuses from elsewhere,
 * and a first sync that is bounded and goes on where it stopped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/mastodon/concierge-mastodon-channel.h"

#include "test-util.h"

#define TOKEN "sandbox-token-for-the-mastodon-fetch-test"
#define DAY (24 * 60 * 60)

typedef struct
{
  GSubprocess    *sandbox;
  char           *url;
  char           *record;
  SoupSession    *session;
  char           *dir;
  ConciergeStore *store;
  gint64          account_id;
  char           *cursor;
} Fixture;

static void
start (Fixture     *fixture,
       const char  *seed,
       const char  *days)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-mastodon-fetch-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  /* Customers do not answer while a test runs. */
  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--record", fixture->record, "--reply-delay-ms", "600000",
                                         "--seed-mentions", seed, "--seed-mentions-days", days, NULL);
  fixture->session = g_object_new (SOUP_TYPE_SESSION, "max-conns", 64, "max-conns-per-host", 16, NULL);
  path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("mastodon", "Support", "@support", fixture->url, "1");
  saved = test_add_account (fixture->store, account);
  fixture->account_id = concierge_account_get_id (saved);
}

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  start (fixture, "0", "0");
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  test_sandbox_stop (fixture->sandbox);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->session);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
  g_free (fixture->record);
  g_free (fixture->cursor);
}

/* One fetch and its ingest, as the sync does them: the cursor moves only
 * when the batch is in. */
static gboolean
sync_once (Fixture            *fixture,
           ConciergeMastodon  *mastodon,
           GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *cursor = NULL;
  ConciergeIngest *ingest;

  concierge_channel_fetch_async (CONCIERGE_CHANNEL (mastodon), fixture->cursor, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ingest = concierge_channel_fetch_finish (CONCIERGE_CHANNEL (mastodon), result, &cursor, error);
  if (ingest == NULL)
    return FALSE;
  test_ingest (fixture->store, ingest, error);
  g_assert_no_error (*error);
  g_free (fixture->cursor);
  fixture->cursor = g_steal_pointer (&cursor);
  return TRUE;
}

/* The first sync, through every page it reads back. */
static void
sync_until_done (Fixture           *fixture,
                 ConciergeMastodon *mastodon)
{
  do
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (sync_once (fixture, mastodon, &error));
      g_assert_no_error (error);
    }
  while (concierge_channel_has_more (CONCIERGE_CHANNEL (mastodon)));
}

static ConciergeMastodon *
new_channel (Fixture *fixture)
{
  return concierge_mastodon_new (fixture->session, fixture->account_id, fixture->url, "1", TOKEN);
}

/* The thread whose messages include @text, and its messages. */
static ConciergeThread *
find_thread (Fixture     *fixture,
             const char  *text,
             GPtrArray  **messages)
{
  ConciergeInboxQuery everything = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = test_load_index (fixture->store, &everything);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) found = test_load_messages (fixture->store, id);

      for (guint j = 0; j < found->len; j++)
        if (strstr (concierge_message_get_body (g_ptr_array_index (found, j)), text) != NULL)
          {
            g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &id, 1);

            *messages = g_steal_pointer (&found);
            return g_object_ref (g_ptr_array_index (threads, 0));
          }
    }
  return NULL;
}

static guint
count_threads (Fixture *fixture,
               int      visibility)
{
  ConciergeInboxQuery query = { .visibility = visibility, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  return index->len;
}

/* A customer whom support does not follow writes three times between two
 * polls: Mastodon 4.3 files those private mentions under notification
 * requests, and the conversation list shows the newest alone. */
static void
test_burst_of_direct_messages (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *record = NULL;
  g_autoptr(GError) error = NULL;

  sync_until_done (fixture, mastodon);
  test_sandbox_post (fixture->url, "/_sandbox/direct-burst", "{\"count\": 3}");
  g_assert_true (sync_once (fixture, mastodon, &error));
  g_assert_no_error (error);
  /* Again: nothing arrives twice. */
  g_assert_true (sync_once (fixture, mastodon, &error));
  g_assert_no_error (error);

  thread = find_thread (fixture, "Nachricht 1 von 3", &messages);
  g_assert_nonnull (thread);
  g_assert_cmpint (concierge_thread_get_visibility (thread), ==, CONCIERGE_VISIBILITY_PRIVATE);
  g_assert_cmpuint (messages->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("@support Nachricht %u von 3", i + 1);

      g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, i)), ==, text);
    }

  /* The account's notification requests stay the account's business. */
  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  g_assert_null (strstr (record, "/api/v1/notifications/requests"));
}

/* More changed conversations than a page holds. */
static void
test_every_changed_conversation_is_read (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autoptr(GError) error = NULL;
  guint before;

  sync_until_done (fixture, mastodon);
  before = count_threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);
  for (guint i = 0; i < 45; i++)
    test_sandbox_post (fixture->url, "/_sandbox/direct-burst", "{\"count\": 1}");
  g_assert_true (sync_once (fixture, mastodon, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_threads (fixture, CONCIERGE_VISIBILITY_PRIVATE), ==, before + 45);
}

/* A reply Concierge sends, as the outbox sender does: queued, sent, and
 * completed with what the platform answered; with @fetched_first, a sync
 * brings the sent status before the send is completed. */
static void
reply_through_concierge (Fixture           *fixture,
                         ConciergeMastodon *mastodon,
                         gint64             thread_id,
                         const char        *text,
                         gboolean           fetched_first)
{
  g_autoptr(GAsyncResult) queued = NULL;
  g_autoptr(GAsyncResult) sent_result = NULL;
  g_autoptr(GAsyncResult) completed = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *entry;

  concierge_store_queue_reply_async (fixture->store, thread_id, text, NULL, test_got_result, &queued);
  while (queued == NULL)
    g_main_context_iteration (NULL, TRUE);
  entry = concierge_store_queue_reply_finish (fixture->store, queued, &error);
  g_assert_no_error (error);

  concierge_channel_send_async (CONCIERGE_CHANNEL (mastodon), entry, NULL, test_got_result, &sent_result);
  while (sent_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  sent = concierge_channel_send_finish (CONCIERGE_CHANNEL (mastodon), sent_result, &error);
  g_assert_no_error (error);
  if (fetched_first)
    {
      g_assert_true (sync_once (fixture, mastodon, &error));
      g_assert_no_error (error);
    }

  concierge_store_complete_send_async (fixture->store, entry->message_id, sent, NULL, test_got_result, &completed);
  while (completed == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_store_complete_send_finish (fixture->store, completed, &error));
  g_assert_no_error (error);
  concierge_outbox_entry_free (entry);
}

/* A colleague answers in the browser: the answer joins the thread as the
 * agent's, shown as sent elsewhere, and the customer no longer waits. A
 * reply Concierge sent itself comes back among the account's statuses
 * too, and stays once. */
static void
test_answer_from_the_web (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeThread) answered = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  ConciergeMessage *last, *own;

  sync_until_done (fixture, mastodon);
  thread = find_thread (fixture, "Does my SIM work for roaming", &messages);
  g_assert_nonnull (thread);
  reply_through_concierge (fixture, mastodon, concierge_thread_get_id (thread), "Ja, in der ganzen EU.", FALSE);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_object (&thread);
  thread = find_thread (fixture, "doppelt abgebucht", &messages);
  reply_through_concierge (fixture, mastodon, concierge_thread_get_id (thread), "Wir erstatten den Betrag.", TRUE);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_object (&thread);

  thread = find_thread (fixture, "Router blinkt rot", &messages);
  g_assert_nonnull (thread);
  g_assert_cmpint (concierge_thread_get_waiting_since (thread), >, 0);

  json = g_strdup_printf ("{\"in_reply_to_id\": \"%s\", \"text\": \"Wir sehen nach, einen Moment bitte.\", "
                          "\"visibility\": \"public\"}",
                          concierge_message_get_remote_id (g_ptr_array_index (messages, 0)));
  test_sandbox_post (fixture->url, "/_sandbox/post-as-support", json);
  /* And one that answers nothing the cache knows. */
  test_sandbox_post (fixture->url, "/_sandbox/post-as-support",
                     "{\"text\": \"Heute Wartungsarbeiten von 22 bis 23 Uhr.\", \"visibility\": \"public\"}");
  g_assert_true (sync_once (fixture, mastodon, &error));
  g_assert_no_error (error);
  g_assert_true (sync_once (fixture, mastodon, &error));
  g_assert_no_error (error);

  answered = find_thread (fixture, "Router blinkt rot", &after);
  g_assert_cmpuint (after->len, ==, messages->len + 1);
  last = g_ptr_array_index (after, after->len - 1);
  g_assert_cmpstr (concierge_message_get_body (last), ==, "Wir sehen nach, einen Moment bitte.");
  g_assert_cmpint (concierge_message_get_direction (last), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_true (concierge_message_is_sent_elsewhere (last));
  g_assert_false (concierge_message_is_sent_elsewhere (g_ptr_array_index (after, 0)));
  g_assert_cmpint (concierge_thread_get_waiting_since (answered), ==, 0);

  g_assert_null (find_thread (fixture, "Wartungsarbeiten", &messages));

  g_clear_pointer (&after, g_ptr_array_unref);
  g_clear_object (&answered);
  answered = find_thread (fixture, "Does my SIM work for roaming", &after);
  g_assert_cmpuint (after->len, ==, 2);
  own = g_ptr_array_index (after, 1);
  g_assert_cmpstr (concierge_message_get_body (own), ==, "@emma@customers.example Ja, in der ganzen EU.");
  g_assert_false (concierge_message_is_sent_elsewhere (own));

  /* The sync was quicker than the outbox: the reply is still this
   * Concierge's, and there once. */
  g_clear_pointer (&after, g_ptr_array_unref);
  g_clear_object (&answered);
  answered = find_thread (fixture, "doppelt abgebucht", &after);
  g_assert_cmpuint (after->len, ==, 2);
  own = g_ptr_array_index (after, 1);
  g_assert_cmpint (concierge_message_get_send_state (own), ==, CONCIERGE_SEND_SENT);
  g_assert_false (concierge_message_is_sent_elsewhere (own));
}

/* The notifications pages the record shows as answered, by where each
 * started; none twice. */
static guint
count_pages (Fixture  *fixture,
             guint    *n_requests)
{
  g_autoptr(GHashTable) pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  *n_requests = 0;
  g_assert_true (g_file_get_contents (fixture->record, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) line = NULL;
      JsonObject *object, *query;
      g_autofree char *page = NULL;

      if (lines[i][0] == '\0')
        continue;
      line = json_from_string (lines[i], NULL);
      object = json_node_get_object (line);
      if (!g_str_has_prefix (json_object_get_string_member (object, "path"), "/_sandbox"))
        (*n_requests)++;
      if (g_strcmp0 (json_object_get_string_member (object, "path"), "/api/v1/notifications") != 0 ||
          json_object_get_int_member (object, "status") != 200)
        continue;
      query = json_object_get_object_member (object, "query");
      page = g_strdup_printf ("max_id=%s min_id=%s",
                              json_object_get_string_member_with_default (query, "max_id", ""),
                              json_object_get_string_member_with_default (query, "min_id", ""));
      g_assert_false (g_hash_table_contains (pages, page));
      g_hash_table_add (pages, g_steal_pointer (&page));
    }
  return g_hash_table_size (pages);
}

/* 2,000 mentions over four weeks: the first sync reads the last two, and
 * an error halfway costs the page it hit, not the pages before. */
static void
test_first_sync_is_bounded_and_resumes (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = NULL;
  guint failures = 0, pages, requests;
  ConciergeInboxQuery public_only = { .visibility = CONCIERGE_VISIBILITY_PUBLIC };
  g_autoptr(GArray) index = NULL;

  start (fixture, "2000", "28");
  mastodon = new_channel (fixture);
  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/api/v1/notifications\", \"kind\": \"500\", \"skip\": 12}");

  for (guint turn = 0; turn < 200; turn++)
    {
      g_autoptr(GError) error = NULL;

      if (!sync_once (fixture, mastodon, &error))
        {
          g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED);
          failures++;
          continue;
        }
      if (!concierge_channel_has_more (CONCIERGE_CHANNEL (mastodon)))
        break;
    }
  g_assert_cmpuint (failures, ==, 1);
  g_assert_false (concierge_channel_has_more (CONCIERGE_CHANNEL (mastodon)));

  pages = count_pages (fixture, &requests);
  g_test_message ("the first sync read %u pages of mentions in %u requests", pages, requests);
  /* About 1,000 mentions of the last 14 days, 40 a page. */
  g_assert_cmpuint (pages, >=, 25);
  g_assert_cmpuint (pages, <=, 27);
  g_assert_cmpuint (requests, <=, 300);

  /* The three the sandbox always has (one of them direct) and the half of
   * the seeded ones that is within two weeks. */
  index = test_load_index (fixture->store, &public_only);
  g_assert_cmpuint (index->len, >=, 2 + 995);
  g_assert_cmpuint (index->len, <=, 2 + 1005);
}

/* The agent chose a number of threads instead of the days: the first
 * sync stops at the page that reaches it. */
static void
test_first_sync_reads_the_chosen_threads (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = NULL;
  guint threads;

  start (fixture, "300", "0");
  mastodon = new_channel (fixture);
  concierge_channel_set_first_sync_threads (CONCIERGE_CHANNEL (mastodon), 100);
  sync_until_done (fixture, mastodon);

  /* Whole pages of 40: the third reaches 100. */
  threads = count_threads (fixture, -1);
  g_assert_cmpuint (threads, >=, 100);
  g_assert_cmpuint (threads, <=, 100 + 40);
}

/* An answer given on the web long ago, to a mention on the first sync's
 * last page back, behind a page of the account's newer statuses: the
 * first sync reads the account's statuses back as far as its mentions, so
 * the thread has the answer and does not wait. */
static void
test_first_sync_finds_old_answers (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  start (fixture, "120", "10");
  /* Jana's mention is the oldest status, on the last page of mentions. */
  test_sandbox_post (fixture->url, "/_sandbox/post-as-support",
                     "{\"in_reply_to_id\": \"109000000000000000\", \"text\": \"Wir schicken einen neuen Router.\"}");
  test_sandbox_post (fixture->url, "/_sandbox/post-as-support", "{\"count\": 45}");
  mastodon = new_channel (fixture);
  sync_until_done (fixture, mastodon);

  thread = find_thread (fixture, "Router blinkt rot", &messages);
  g_assert_nonnull (thread);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 1)), ==,
                   "Wir schicken einen neuen Router.");
  g_assert_true (concierge_message_is_sent_elsewhere (g_ptr_array_index (messages, 1)));
  g_assert_cmpint (concierge_thread_get_waiting_since (thread), ==, 0);
}

static void
set_up_late (Fixture       *fixture,
             gconstpointer  data)
{
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/mastodon-fetch/burst-of-direct-messages", Fixture, NULL,
              set_up, test_burst_of_direct_messages, tear_down);
  g_test_add ("/mastodon-fetch/every-changed-conversation-is-read", Fixture, NULL,
              set_up, test_every_changed_conversation_is_read, tear_down);
  g_test_add ("/mastodon-fetch/answer-from-the-web", Fixture, NULL,
              set_up, test_answer_from_the_web, tear_down);
  g_test_add ("/mastodon-fetch/first-sync-is-bounded-and-resumes", Fixture, NULL,
              set_up_late, test_first_sync_is_bounded_and_resumes, tear_down);
  g_test_add ("/mastodon-fetch/first-sync-reads-the-chosen-threads", Fixture, NULL,
              set_up_late, test_first_sync_reads_the_chosen_threads, tear_down);
  g_test_add ("/mastodon-fetch/first-sync-finds-old-answers", Fixture, NULL,
              set_up_late, test_first_sync_finds_old_answers, tear_down);

  return g_test_run ();
}
