/* test-facebook-move.c
 *
 * The move to private the Meta way, as the sync does it against the
 * sandbox's Graph API: what the channel says a move can do for a comment,
 * and the move itself, a private reply to the comment and hiding it, each
 * exactly once, also when the app stops after the private reply went out
 * and before its answer came. The sandbox's record proves what went out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-sync.h"
#include "channels/facebook/concierge-facebook-channel-private.h"
#include "privacy/concierge-detector.h"
#include "test-util.h"

#define PAGE_TOKEN "EAAGm0PX4ZCpsBAMoveTestPageTokenOfTheSandbox"
#define PAGE_ID "104700000000001"
#define SECRET "{\"access_token\": \"" PAGE_TOKEN "\"}"
#define MESSAGES_PATH "/" CONCIERGE_FACEBOOK_GRAPH_VERSION "/" PAGE_ID "/messages"
#define CUSTOMER "Andrea Wolf"
#define IBAN "DE89 3704 0044 0532 0130 00"
#define PRIVATE_TEXT "Guten Tag, wir kümmern uns hier privat um die doppelte Abbuchung."

typedef struct
{
  GSubprocess      *sandbox;
  char             *url;
  char             *dir;
  char             *path;
  char             *record;
  ConciergeStore   *store;
  ConciergeSync    *sync;
  ConciergeAccount *account;
} Fixture;

static void
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  concierge_store_set_scanner (fixture->store, concierge_detector_scan_for_store, concierge_detector_new (),
                               g_object_unref);
}

static void
start_sync (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
}

/* As the app quits, in the middle of whatever it does. */
static void
stop (Fixture *fixture)
{
  g_clear_object (&fixture->sync);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-facebook-move-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--facebook-token", PAGE_TOKEN,
                                         "--seed-personal-data", "--reply-delay-ms", "600000",
                                         "--record", fixture->record, NULL);
  fixture->path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  open_store (fixture);
  account = concierge_account_new ("facebook", "Wellenfunk", NULL, fixture->url, PAGE_ID);
  fixture->account = test_add_account (fixture->store, account);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  stop (fixture);
  test_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->account);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->record);
  g_free (fixture->url);
}

typedef gboolean (*Condition) (Fixture *fixture, gpointer data);

static void
wait_until (Fixture    *fixture,
            Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (fixture, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

/* The customer's public thread with personal data, once synced and
 * scanned, or NULL. */
static ConciergeThread *
find_public_thread (Fixture *fixture)
{
  ConciergeInboxQuery query = { .visibility = CONCIERGE_VISIBILITY_PUBLIC };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &id, 1);
      ConciergeThread *thread = g_ptr_array_index (threads, 0);

      if (concierge_thread_get_personal_data (thread) != 0)
        return g_object_ref (thread);
    }
  return NULL;
}

static gboolean
has_public_thread (Fixture  *fixture,
                   gpointer  data)
{
  g_autoptr(ConciergeThread) thread = find_public_thread (fixture);

  return thread != NULL;
}

static gboolean
move_done (Fixture  *fixture,
           gpointer  thread_id)
{
  g_autoptr(ConciergeMove) move = test_load_move (fixture->store, *(gint64 *) thread_id);

  return concierge_move_is_done (move);
}

/* The customer's comment with the IBAN, in the store. */
static ConciergeMessage *
find_comment (Fixture *fixture,
              gint64   thread_id)
{
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);

  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);

      if (strstr (concierge_message_get_body (message), IBAN) != NULL)
        return g_object_ref (message);
    }
  g_assert_not_reached ();
}

/* Requests answered with @status whose method is @method and whose Graph
 * path ends with @suffix. */
static guint
count_requests (Fixture    *fixture,
                const char *method,
                const char *suffix,
                const char *param,
                const char *value,
                gint64      status)
{
  g_autoptr(GPtrArray) record = test_sandbox_read_record (fixture->record);
  guint n = 0;

  for (guint i = 0; i < record->len; i++)
    {
      JsonObject *request = g_ptr_array_index (record, i);
      JsonObject *query = json_object_get_object_member (request, "query");

      n += g_str_has_suffix (json_object_get_string_member_with_default (request, "graph_path", ""), suffix) &&
           g_strcmp0 (json_object_get_string_member_with_default (request, "method", ""), method) == 0 &&
           json_object_get_int_member_with_default (request, "status", 0) == status &&
           (param == NULL ||
            strstr (json_object_get_string_member_with_default (query, param, ""), value) != NULL);
    }
  return n;
}

static gboolean
private_reply_arrived (Fixture  *fixture,
                       gpointer  comment_id)
{
  return count_requests (fixture, "POST", PAGE_ID "/messages", "recipient", comment_id, 200) > 0;
}

static ConciergeMove *
start_move (Fixture         *fixture,
            ConciergeThread *thread)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeMove *move;

  /* The Meta way: the private reply, no public answer, the comment hidden. */
  concierge_sync_start_move_async (fixture->sync, concierge_thread_get_id (thread), PRIVATE_TEXT, NULL,
                                   CONCIERGE_POST_HIDE, NULL, test_got_result, &result);
  move = concierge_sync_start_move_finish (fixture->sync, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return move;
}

/* Each step exactly once: one private reply that Meta took, one hide,
 * one audit entry of it, and the comment shows as hidden for personal
 * data. */
static void
assert_moved_once (Fixture    *fixture,
                   gint64      thread_id,
                   const char *comment_id)
{
  g_autoptr(ConciergeMessage) comment = find_comment (fixture, thread_id);
  g_autoptr(GPtrArray) log = test_load_audit_log (fixture->store);
  guint hides = 0, moves = 0;

  g_assert_cmpuint (count_requests (fixture, "POST", PAGE_ID "/messages", "recipient", comment_id, 200), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "POST", comment_id, "is_hidden", "true", 200), ==, 1);
  /* Nothing went out in public. */
  g_assert_cmpuint (count_requests (fixture, "POST", "/comments", NULL, NULL, 200), ==, 0);

  for (guint i = 0; i < log->len; i++)
    {
      ConciergeAuditEntry *entry = g_ptr_array_index (log, i);

      hides += entry->action == CONCIERGE_AUDIT_HIDE && entry->thread_id == thread_id &&
               g_strcmp0 (entry->reason, "personal data") == 0;
      moves += entry->action == CONCIERGE_AUDIT_MOVE && entry->thread_id == thread_id;
    }
  g_assert_cmpuint (hides, ==, 1);
  g_assert_cmpuint (moves, ==, 1);
  g_assert_cmpint (concierge_message_get_taken_down (comment), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_cmpstr (concierge_message_get_hidden_reason (comment), ==, "personal data");
}

static void
test_move_a_comment (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeMessage) comment = NULL;
  g_autoptr(ConciergeMove) move = NULL;
  gint64 id;

  start_sync (fixture);
  wait_until (fixture, has_public_thread, NULL, "the comment with the IBAN");
  public = find_public_thread (fixture);
  id = concierge_thread_get_id (public);
  comment = find_comment (fixture, id);

  move = start_move (fixture, public);
  g_assert_cmpint (move->states[CONCIERGE_MOVE_PUBLIC_REPLY], ==, CONCIERGE_STEP_NONE);
  wait_until (fixture, move_done, &id, "the move to finish");
  assert_moved_once (fixture, id, concierge_message_get_remote_id (comment));
}

/* The app stops after Meta took the private reply and before its answer
 * came; started again, it sends the private reply again, which Meta
 * refuses as the comment's second: that is taken as sent, and the hide
 * follows, once. */
static void
test_restart_after_private_reply (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeMessage) comment = NULL;
  g_autoptr(ConciergeMove) move = NULL;
  g_autofree char *comment_id = NULL;
  gint64 id;

  start_sync (fixture);
  wait_until (fixture, has_public_thread, NULL, "the comment with the IBAN");
  public = find_public_thread (fixture);
  id = concierge_thread_get_id (public);
  comment = find_comment (fixture, id);
  comment_id = g_strdup (concierge_message_get_remote_id (comment));

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"" MESSAGES_PATH "\", \"method\": \"POST\", \"kind\": \"hold\"}");
  move = start_move (fixture, public);
  wait_until (fixture, private_reply_arrived, comment_id, "the private reply at the server");
  g_assert_cmpuint (count_requests (fixture, "POST", comment_id, "is_hidden", "true", 200), ==, 0);

  stop (fixture);
  test_sandbox_post (fixture->url, "/_sandbox/release", "{}");
  open_store (fixture);
  start_sync (fixture);
  wait_until (fixture, move_done, &id, "the move to finish");

  /* Meta refused the repeat. */
  g_assert_cmpuint (count_requests (fixture, "POST", PAGE_ID "/messages", "recipient", comment_id, 400), ==, 1);
  assert_moved_once (fixture, id, comment_id);
}

/* What the channel says a move can do for a comment, from the comment's
 * own fields: a private reply until 7 days after it, and hiding; after the
 * private reply, none again; the page's own comment can be neither. */
static void
test_move_options (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ConciergeFacebook) facebook = concierge_facebook_new (session, 1, fixture->url, PAGE_ID, PAGE_TOKEN);
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeMessage) comment = NULL;
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeMoveOptions options = { 0 };
  gint64 id;

  start_sync (fixture);
  wait_until (fixture, has_public_thread, NULL, "the comment with the IBAN");
  public = find_public_thread (fixture);
  id = concierge_thread_get_id (public);
  comment = find_comment (fixture, id);

  concierge_channel_get_move_options_async (CONCIERGE_CHANNEL (facebook), concierge_thread_get_remote_id (public),
                                            concierge_message_get_remote_id (comment), NULL, test_got_result,
                                            &result);
  g_assert_true (concierge_channel_get_move_options_finish (CONCIERGE_CHANNEL (facebook), test_wait_result (&result),
                                                            &options, &error));
  g_assert_no_error (error);
  g_assert_cmpint (options.private_reply, ==, CONCIERGE_MOVE_CAN);
  g_assert_cmpint (options.hide, ==, CONCIERGE_MOVE_CAN);
  g_assert_cmpint (options.private_reply_until, ==,
                   concierge_message_get_created_at (comment) + 7 * 24 * 60 * 60);
  g_clear_object (&result);

  move = start_move (fixture, public);
  wait_until (fixture, move_done, &id, "the move to finish");

  concierge_channel_get_move_options_async (CONCIERGE_CHANNEL (facebook), concierge_thread_get_remote_id (public),
                                            concierge_message_get_remote_id (comment), NULL, test_got_result,
                                            &result);
  g_assert_true (concierge_channel_get_move_options_finish (CONCIERGE_CHANNEL (facebook), test_wait_result (&result),
                                                            &options, &error));
  g_assert_cmpint (options.private_reply, ==, CONCIERGE_MOVE_DONE_BEFORE);
}

/* The comment's fields as Meta names them, read without a server: too
 * old, refused, and the page's own. */
static void
test_read_move_options (void)
{
  static const char old_comment[] =
    "{\"id\": \"1220000000000001_1220000000000002\", \"created_time\": \"2026-11-20T10:00:00+0000\", "
    "\"can_hide\": true, \"can_reply_privately\": false}";
  static const char page_comment[] =
    "{\"id\": \"1220000000000001_1220000000000003\", \"created_time\": \"2026-12-01T10:00:00+0000\", "
    "\"can_hide\": false, \"can_reply_privately\": false}";
  g_autoptr(JsonNode) old = json_from_string (old_comment, NULL);
  g_autoptr(JsonNode) own = json_from_string (page_comment, NULL);
  gint64 now = 1796205600; /* 2026-12-02 10:00 UTC */
  ConciergeMoveOptions options = { 0 };

  concierge_facebook_read_move_options (json_node_get_object (old), now, &options);
  g_assert_cmpint (options.private_reply, ==, CONCIERGE_MOVE_TOO_OLD);
  g_assert_cmpint (options.hide, ==, CONCIERGE_MOVE_CAN);

  concierge_facebook_read_move_options (json_node_get_object (own), now, &options);
  g_assert_cmpint (options.private_reply, ==, CONCIERGE_MOVE_CANNOT);
  g_assert_cmpint (options.hide, ==, CONCIERGE_MOVE_CANNOT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/facebook-move/read-options", test_read_move_options);
  g_test_add ("/facebook-move/options", Fixture, NULL, fixture_set_up, test_move_options, fixture_tear_down);
  g_test_add ("/facebook-move/move", Fixture, NULL, fixture_set_up, test_move_a_comment, fixture_tear_down);
  g_test_add ("/facebook-move/restart-after-private-reply", Fixture, NULL, fixture_set_up,
              test_restart_after_private_reply, fixture_tear_down);

  return g_test_run ();
}
