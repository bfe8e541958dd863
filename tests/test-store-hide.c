/* test-store-hide.c
 *
 * Hiding a customer's post for a reason and showing it again, against
 * real SQLite files: each is an outbox operation that survives a restart,
 * marks the post once the platform did it, and goes into the audit log
 * with its reason. And a move whose private message is a private reply
 * to the customer's comment, as Facebook sends it: the entry names the
 * comment, the public reply is the agent's choice, and a private reply
 * that the platform has but never named is sent all the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-store-fixture.h"

#define THREAD "109876543210_1122334455"

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
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

static GPtrArray *
load_outbox (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  concierge_store_load_outbox_async (fixture->store, concierge_account_get_id (fixture->mastodon), NULL,
                                     test_got_result, &result);
  entries = concierge_store_load_outbox_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return entries;
}

/* The customer's comment in a public thread, as the store holds it. */
static ConciergeMessage *
load_post (Fixture    *fixture,
           const char *remote_id)
{
  g_autoptr(ConciergeThread) thread = load_thread (fixture, THREAD);
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));

  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);

      if (g_strcmp0 (concierge_message_get_remote_id (message), remote_id) == 0)
        return g_object_ref (message);
    }
  g_assert_not_reached ();
}

static gboolean
queue_hide (Fixture              *fixture,
            gint64                message_id,
            ConciergeHideReason   reason,
            GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_queue_hide_async (fixture->store, message_id, reason, NULL, test_got_result, &result);
  return concierge_store_queue_hide_finish (fixture->store, wait_for_result (&result), error);
}

static gboolean
queue_unhide (Fixture  *fixture,
              gint64    message_id,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_queue_unhide_async (fixture->store, message_id, NULL, test_got_result, &result);
  return concierge_store_queue_unhide_finish (fixture->store, wait_for_result (&result), error);
}

/* As the outbox sender does it: the attempt on record, then done. */
static void
send_operation (Fixture                  *fixture,
                ConciergeOutboxOperation  operation,
                const char               *post_remote_id,
                gboolean                  restart_between)
{
  g_autoptr(GPtrArray) entries = load_outbox (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *entry;
  gint64 id;

  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->operation, ==, operation);
  g_assert_cmpstr (entry->post_remote_id, ==, post_remote_id);
  g_assert_cmpstr (entry->thread_remote_id, ==, THREAD);
  g_assert_cmpint (entry->state, ==, CONCIERGE_SEND_QUEUED);
  g_assert_false (entry->waiting);
  id = entry->id;

  concierge_store_set_operation_state_async (fixture->store, id, CONCIERGE_SEND_SENDING, NULL, NULL,
                                             test_got_result, &result);
  g_assert_true (concierge_store_set_operation_state_finish (fixture->store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* A crash after the request left: the operation is still there, and
   * goes out again, which does no harm for hiding and showing. */
  if (restart_between)
    {
      g_autoptr(GPtrArray) again = NULL;

      reopen (fixture);
      again = load_outbox (fixture);
      g_assert_cmpuint (again->len, ==, 1);
      g_assert_cmpint (((ConciergeOutboxEntry *) g_ptr_array_index (again, 0))->id, ==, id);
      g_assert_cmpint (((ConciergeOutboxEntry *) g_ptr_array_index (again, 0))->state, ==, CONCIERGE_SEND_SENDING);
    }

  concierge_store_complete_operation_async (fixture->store, id, NULL, test_got_result, &result);
  g_assert_true (concierge_store_complete_operation_finish (fixture->store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 0);
}

/* Hidden as spam, across a restart in the middle; shown again, with the
 * reason it was hidden for in the log; and each is logged once. */
static void
test_hide_and_unhide (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConciergeMessage) post = NULL;
  g_autoptr(ConciergeMessage) hidden = NULL;
  g_autoptr(ConciergeMessage) shown = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeAuditEntry *entry;

  ingest_one (fixture, fixture->mastodon, THREAD, CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1122334455_1", "7001", "Kai", "Billige Uhren hier: example.net/uhren", 100));
  post = load_post (fixture, "1122334455_1");

  g_assert_true (queue_hide (fixture, concierge_message_get_id (post), CONCIERGE_HIDE_SPAM, &error));
  g_assert_no_error (error);
  /* Nothing shows as hidden before the platform hid it. */
  hidden = load_post (fixture, "1122334455_1");
  g_assert_cmpint (concierge_message_get_taken_down (hidden), ==, CONCIERGE_TAKEN_DOWN_NONE);
  g_clear_object (&hidden);

  send_operation (fixture, CONCIERGE_OUTBOX_HIDE, "1122334455_1", TRUE);
  hidden = load_post (fixture, "1122334455_1");
  g_assert_cmpint (concierge_message_get_taken_down (hidden), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_cmpstr (concierge_message_get_hidden_reason (hidden), ==, "spam");

  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (log->len, ==, 1);
  entry = g_ptr_array_index (log, 0);
  g_assert_cmpint (entry->action, ==, CONCIERGE_AUDIT_HIDE);
  g_assert_cmpstr (entry->reason, ==, "spam");
  g_assert_cmpint (entry->message_id, ==, concierge_message_get_id (post));
  g_assert_true (entry->still_hidden);
  g_clear_pointer (&log, g_ptr_array_unref);

  g_assert_true (queue_unhide (fixture, concierge_message_get_id (post), &error));
  g_assert_no_error (error);
  send_operation (fixture, CONCIERGE_OUTBOX_UNHIDE, "1122334455_1", FALSE);
  shown = load_post (fixture, "1122334455_1");
  g_assert_cmpint (concierge_message_get_taken_down (shown), ==, CONCIERGE_TAKEN_DOWN_NONE);
  g_assert_null (concierge_message_get_hidden_reason (shown));

  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (log->len, ==, 2);
  entry = g_ptr_array_index (log, 0);
  g_assert_cmpint (entry->action, ==, CONCIERGE_AUDIT_UNHIDE);
  g_assert_cmpstr (entry->reason, ==, "spam");
  g_assert_cmpint (entry->message_id, ==, concierge_message_get_id (post));
  entry = g_ptr_array_index (log, 1);
  g_assert_cmpint (entry->action, ==, CONCIERGE_AUDIT_HIDE);
  g_assert_false (entry->still_hidden);
}

/* As the outbox sender records the platform's refusal. */
static void
refuse (Fixture    *fixture,
        gint64      outbox_id,
        const char *why)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_set_operation_state_async (fixture->store, outbox_id, CONCIERGE_SEND_FAILED, why, NULL,
                                             test_got_result, &result);
  g_assert_true (concierge_store_set_operation_state_finish (fixture->store, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

/* Only what makes sense: a post is hidden once, shown only when hidden,
 * one operation at a time, and only a customer's public post. */
static void
test_hide_refused (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConciergeMessage) post = NULL;
  g_autoptr(ConciergeMessage) private_message = NULL;
  g_autoptr(ConciergeThread) private_thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  ingest_one (fixture, fixture->mastodon, THREAD, CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1122334455_2", "7002", "Uwe", "Ihr seid die Allerletzten, ihr Idioten", 100));
  ingest_one (fixture, fixture->mastodon, "t_7002", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("m_1", "7002", "Uwe", "Hallo", 101));
  post = load_post (fixture, "1122334455_2");

  g_assert_false (queue_unhide (fixture, concierge_message_get_id (post), &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (queue_hide (fixture, concierge_message_get_id (post), CONCIERGE_HIDE_ABUSE, &error));
  g_assert_no_error (error);
  g_assert_false (queue_hide (fixture, concierge_message_get_id (post), CONCIERGE_HIDE_SPAM, &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED);
  g_clear_error (&error);
  entries = load_outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);

  /* The platform refused it: another try, with another reason, may go. */
  refuse (fixture, ((ConciergeOutboxEntry *) g_ptr_array_index (entries, 0))->id, "Facebook refused");
  g_assert_true (queue_hide (fixture, concierge_message_get_id (post), CONCIERGE_HIDE_SPAM, &error));
  g_assert_no_error (error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((ConciergeOutboxEntry *) g_ptr_array_index (entries, 0))->state, ==, CONCIERGE_SEND_QUEUED);

  private_thread = load_thread (fixture, "t_7002");
  messages = test_load_messages (fixture->store, concierge_thread_get_id (private_thread));
  private_message = g_object_ref (g_ptr_array_index (messages, 0));
  g_assert_false (queue_hide (fixture, concierge_message_get_id (private_message), CONCIERGE_HIDE_SPAM, &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
}

/* The only queued operation, as the sender takes it, refused for @why. */
static void
refuse_queued (Fixture    *fixture,
               const char *why)
{
  g_autoptr(GPtrArray) entries = load_outbox (fixture);

  g_assert_cmpuint (entries->len, ==, 1);
  refuse (fixture, ((ConciergeOutboxEntry *) g_ptr_array_index (entries, 0))->id, why);
}

/* A hide the platform refused comes with the post, in the platform's
 * words, across a restart, until it is tried again and done; so does a
 * refused showing again of the hidden post. */
static void
test_refusal_with_post (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char why[] = "Facebook does not let the page hide this comment.";
  g_autoptr(ConciergeMessage) post = NULL;
  g_autoptr(ConciergeMessage) loaded = NULL;
  g_autoptr(GError) error = NULL;

  ingest_one (fixture, fixture->mastodon, THREAD, CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1122334455_4", "7004", "Jana", "Meine Nummer: 0171 2345678", 100));
  post = load_post (fixture, "1122334455_4");
  g_assert_null (concierge_message_get_moderation_error (post));

  g_assert_true (queue_hide (fixture, concierge_message_get_id (post), CONCIERGE_HIDE_PERSONAL_DATA, &error));
  g_assert_no_error (error);
  refuse_queued (fixture, why);
  reopen (fixture);
  loaded = load_post (fixture, "1122334455_4");
  g_assert_cmpint (concierge_message_get_taken_down (loaded), ==, CONCIERGE_TAKEN_DOWN_NONE);
  g_assert_cmpstr (concierge_message_get_moderation_error (loaded), ==, why);
  g_clear_object (&loaded);

  /* Tried again: nothing refused while it is on its way, nor once done. */
  g_assert_true (queue_hide (fixture, concierge_message_get_id (post), CONCIERGE_HIDE_PERSONAL_DATA, &error));
  g_assert_no_error (error);
  loaded = load_post (fixture, "1122334455_4");
  g_assert_null (concierge_message_get_moderation_error (loaded));
  g_clear_object (&loaded);
  send_operation (fixture, CONCIERGE_OUTBOX_HIDE, "1122334455_4", FALSE);
  loaded = load_post (fixture, "1122334455_4");
  g_assert_cmpint (concierge_message_get_taken_down (loaded), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_null (concierge_message_get_moderation_error (loaded));
  g_clear_object (&loaded);

  /* Showing it again, refused: the hidden post says so. */
  g_assert_true (queue_unhide (fixture, concierge_message_get_id (post), &error));
  g_assert_no_error (error);
  refuse_queued (fixture, "Facebook refused the request: (#100) Unknown error");
  loaded = load_post (fixture, "1122334455_4");
  g_assert_cmpint (concierge_message_get_taken_down (loaded), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_cmpstr (concierge_message_get_moderation_error (loaded), ==,
                   "Facebook refused the request: (#100) Unknown error");
}

/* The private reply answers the comment with the personal data, not the
 * customer's latest; without a public reply, that step is none; the
 * comment is hidden afterwards, for personal data. */
static void
test_move_with_private_reply (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = NULL;
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(ConciergeMove) seen = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *private_entry, *hide_entry;
  ConciergeMessage *sent;

  ingest_one (fixture, fixture->mastodon, THREAD, CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1122334455_3", "7003", "Mehmet", "Meine IBAN: DE89 3704 0044 0532 0130 00", 100));
  ingest_one (fixture, fixture->mastodon, THREAD, CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1122334455_4", "7003", "Mehmet", "Bitte schnell!", 101));
  use_detector (fixture, NULL);
  scan (fixture, FALSE);
  public = load_thread (fixture, THREAD);

  concierge_store_start_move_async (fixture->store, concierge_thread_get_id (public), "Hallo, hier privat.",
                                    NULL, CONCIERGE_POST_HIDE, NULL, test_got_result, &result);
  move = concierge_store_start_move_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (move->states[CONCIERGE_MOVE_PRIVATE_MESSAGE], ==, CONCIERGE_STEP_WAITING);
  g_assert_cmpint (move->states[CONCIERGE_MOVE_PUBLIC_REPLY], ==, CONCIERGE_STEP_NONE);
  g_assert_cmpint (move->states[CONCIERGE_MOVE_POST], ==, CONCIERGE_STEP_WAITING);

  entries = load_outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 2);
  private_entry = g_ptr_array_index (entries, 0);
  hide_entry = g_ptr_array_index (entries, 1);
  g_assert_cmpint (private_entry->visibility, ==, CONCIERGE_VISIBILITY_PRIVATE);
  g_assert_cmpstr (private_entry->private_reply_to_remote_id, ==, "1122334455_3");
  g_assert_cmpint (hide_entry->operation, ==, CONCIERGE_OUTBOX_HIDE);
  g_assert_cmpstr (hide_entry->post_remote_id, ==, "1122334455_3");
  g_assert_true (hide_entry->waiting);

  /* The answer was cut off and the repeat refused as one too many: it
   * went out, once, and the hide may go. */
  g_clear_object (&result);
  concierge_store_complete_send_unnamed_async (fixture->store, private_entry->message_id, NULL, test_got_result,
                                               &result);
  g_assert_true (concierge_store_complete_send_unnamed_finish (fixture->store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  reopen (fixture);

  seen = test_load_move (fixture->store, concierge_thread_get_id (public));
  g_assert_cmpint (seen->states[CONCIERGE_MOVE_PRIVATE_MESSAGE], ==, CONCIERGE_STEP_DONE);
  g_assert_cmpint (seen->states[CONCIERGE_MOVE_POST], ==, CONCIERGE_STEP_WAITING);
  messages = test_load_messages (fixture->store, move->private_thread_id);
  g_assert_cmpuint (messages->len, ==, 1);
  sent = g_ptr_array_index (messages, 0);
  g_assert_cmpint (concierge_message_get_send_state (sent), ==, CONCIERGE_SEND_SENT);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = load_outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_false (((ConciergeOutboxEntry *) g_ptr_array_index (entries, 0))->waiting);
}

/* A post that came hidden from the platform has no reason of Concierge's:
 * shown again, the log says so, and names none. */
static void
test_unhide_hidden_elsewhere (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeMessage) post = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeMessage *message;
  ConciergeAuditEntry *entry;

  message = incoming ("1122334455_5", "7005", "Eva", "Wann kommt die Lieferung?", 100);
  concierge_message_set_taken_down (message, CONCIERGE_TAKEN_DOWN_HIDDEN);
  ingest_one (fixture, fixture->mastodon, THREAD, CONCIERGE_VISIBILITY_PUBLIC, message);
  post = load_post (fixture, "1122334455_5");
  g_assert_cmpint (concierge_message_get_taken_down (post), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_null (concierge_message_get_hidden_reason (post));

  g_assert_true (queue_unhide (fixture, concierge_message_get_id (post), &error));
  g_assert_no_error (error);
  send_operation (fixture, CONCIERGE_OUTBOX_UNHIDE, "1122334455_5", FALSE);

  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (log->len, ==, 1);
  entry = g_ptr_array_index (log, 0);
  g_assert_cmpint (entry->action, ==, CONCIERGE_AUDIT_UNHIDE);
  g_assert_cmpstr (entry->reason, ==, "");
}

static void
test_hide_reasons (void)
{
  ConciergeHideReason reason = CONCIERGE_HIDE_SPAM;

  g_assert_true (concierge_hide_reason_from_string ("abuse", &reason));
  g_assert_cmpint (reason, ==, CONCIERGE_HIDE_ABUSE);
  g_assert_cmpstr (concierge_hide_reason_to_string (CONCIERGE_HIDE_PERSONAL_DATA), ==, "personal data");
  /* Criticism is no reason to hide anything. */
  g_assert_false (concierge_hide_reason_from_string ("criticism", &reason));
  g_assert_cmpint (reason, ==, CONCIERGE_HIDE_ABUSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/hide/reasons", test_hide_reasons);
  g_test_add ("/store/hide/hide-and-unhide", Fixture, NULL, fixture_set_up, test_hide_and_unhide,
              fixture_tear_down);
  g_test_add ("/store/hide/move-with-private-reply", Fixture, NULL, fixture_set_up, test_move_with_private_reply,
              fixture_tear_down);
  g_test_add ("/store/hide/unhide-hidden-elsewhere", Fixture, NULL, fixture_set_up, test_unhide_hidden_elsewhere,
              fixture_tear_down);
  g_test_add ("/store/hide/refused", Fixture, NULL, fixture_set_up, test_hide_refused, fixture_tear_down);
  g_test_add ("/store/hide/refusal-with-post", Fixture, NULL, fixture_set_up, test_refusal_with_post,
              fixture_tear_down);

  return g_test_run ();
}
