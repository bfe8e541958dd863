/* test-store-outbox.c
 *
 * The store's outbox against real SQLite files: queued replies and whom
 * they reach, moves to private, and the audit log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "limited-vfs.h"
#include "test-store-fixture.h"

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

static ConciergeMessage *
posted (const char        *remote_id,
        const char        *body,
        gint64             created_at,
        ConciergeAudience  audience)
{
  ConciergeMessage *message = incoming (remote_id, "emma", "Emma Walsh", body, created_at);

  concierge_message_set_audience (message, audience);
  return message;
}

/* An unlisted question stays unlisted in the cache, after a restart too,
 * while the conversation stays public; the reply answers it unlisted. A
 * later followers-only post in the same thread is what the next reply
 * answers. */
static void
test_audience_survives_a_restart (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(ConciergeOutboxEntry) entry = NULL;
  g_autoptr(ConciergeOutboxEntry) second = NULL;

  ingest_one (fixture, fixture->mastodon, "roaming", CONCIERGE_VISIBILITY_PUBLIC,
              posted ("s1", "Does my SIM work for roaming in Switzerland?", 1000, CONCIERGE_AUDIENCE_UNLISTED));
  reopen (fixture);

  thread = load_thread (fixture, "roaming");
  g_assert_cmpint (concierge_thread_get_visibility (thread), ==, CONCIERGE_VISIBILITY_PUBLIC);
  g_assert_cmpint (concierge_thread_get_audience (thread), ==, CONCIERGE_AUDIENCE_UNLISTED);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpint (concierge_message_get_audience (g_ptr_array_index (messages, 0)), ==,
                   CONCIERGE_AUDIENCE_UNLISTED);

  entry = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Yes, in Switzerland too.",
                                CONCIERGE_SEND_QUEUED);
  g_assert_cmpint (entry->audience, ==, CONCIERGE_AUDIENCE_UNLISTED);
  g_assert_cmpint (entry->visibility, ==, CONCIERGE_VISIBILITY_PUBLIC);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_object (&thread);

  /* The queued reply keeps its audience across a restart, as the sender
   * reads it from the outbox. */
  reopen (fixture);
  thread = load_thread (fixture, "roaming");
  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpint (concierge_message_get_audience (g_ptr_array_index (messages, 1)), ==,
                   CONCIERGE_AUDIENCE_UNLISTED);
  g_clear_pointer (&messages, g_ptr_array_unref);
  g_clear_object (&thread);

  /* An older post that arrives late does not change it; a newer one does. */
  ingest_one (fixture, fixture->mastodon, "roaming", CONCIERGE_VISIBILITY_PUBLIC,
              posted ("s0", "Hello?", 900, CONCIERGE_AUDIENCE_PUBLIC));
  thread = load_thread (fixture, "roaming");
  g_assert_cmpint (concierge_thread_get_audience (thread), ==, CONCIERGE_AUDIENCE_UNLISTED);
  g_clear_object (&thread);
  ingest_one (fixture, fixture->mastodon, "roaming", CONCIERGE_VISIBILITY_PUBLIC,
              posted ("s2", "And in Liechtenstein?", 2000, CONCIERGE_AUDIENCE_FOLLOWERS));
  reopen (fixture);
  thread = load_thread (fixture, "roaming");
  g_assert_cmpint (concierge_thread_get_audience (thread), ==, CONCIERGE_AUDIENCE_FOLLOWERS);
  second = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "And in Liechtenstein too.",
                                 CONCIERGE_SEND_QUEUED);
  g_assert_cmpint (second->audience, ==, CONCIERGE_AUDIENCE_FOLLOWERS);
}

/* Telegram knows no audiences: a group is public, a private chat direct,
 * as their visibility says. */
static void
test_platform_without_audiences (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeThread) group = NULL;
  g_autoptr(ConciergeThread) chat = NULL;
  g_autoptr(ConciergeOutboxEntry) entry = NULL;

  ingest_one (fixture, fixture->telegram, "-100", CONCIERGE_VISIBILITY_PUBLIC,
              telegram_incoming ("1", "42", "Mehmet Yılmaz", "Hallo @HilfeBot", 1000));
  ingest_one (fixture, fixture->telegram, "42", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("2", "42", "Mehmet Yılmaz", "Hallo", 1100));

  group = load_thread (fixture, "-100");
  chat = load_thread (fixture, "42");
  g_assert_cmpint (concierge_thread_get_audience (group), ==, CONCIERGE_AUDIENCE_PUBLIC);
  g_assert_cmpint (concierge_thread_get_audience (chat), ==, CONCIERGE_AUDIENCE_DIRECT);
  entry = queue_reply_in_state (fixture, concierge_thread_get_id (chat), "Gern geschehen.",
                                CONCIERGE_SEND_QUEUED);
  g_assert_cmpint (entry->audience, ==, CONCIERGE_AUDIENCE_DIRECT);
}

static gssize
count_posts_since (Fixture          *fixture,
                   ConciergeAccount *account,
                   gint64            since)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gssize count;

  concierge_store_count_posts_since_async (fixture->store, concierge_account_get_id (account), since, NULL,
                                           test_got_result, &result);
  count = concierge_store_count_posts_since_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return count;
}

/* What a platform that limits posts in a window counts: the account's own
 * messages since then, written here or elsewhere, made or on their way. */
static void
test_posts_are_counted (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 since = now - 3 * 60 * 60;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeOutboxEntry) queued = NULL;
  g_autoptr(ConciergeOutboxEntry) sending = NULL;
  g_autoptr(ConciergeOutboxEntry) failed = NULL;

  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "x", "Xaver", "@support Kein Internet", now - 60));
  g_assert_cmpint (count_posts_since (fixture, fixture->mastodon, since), ==, 0);

  /* Answered on the web, once long ago and once just now. */
  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              concierge_message_new ("2", CONCIERGE_DIRECTION_OUT, "@x Früher", since - 1));
  ingest_one (fixture, fixture->mastodon, "status:1", CONCIERGE_VISIBILITY_PUBLIC,
              concierge_message_new ("3", CONCIERGE_DIRECTION_OUT, "@x Gerade eben", now - 30));
  ingest_one (fixture, fixture->telegram, "chat:42", CONCIERGE_VISIBILITY_PRIVATE,
              concierge_message_new ("42:2", CONCIERGE_DIRECTION_OUT, "Hallo", now - 30));
  g_assert_cmpint (count_posts_since (fixture, fixture->mastodon, since), ==, 1);

  /* Replies on their way count; one the platform refused was never made. */
  thread = load_thread (fixture, "status:1");
  queued = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Eins", CONCIERGE_SEND_QUEUED);
  sending = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Zwei", CONCIERGE_SEND_SENDING);
  failed = queue_reply_in_state (fixture, concierge_thread_get_id (thread), "Drei", CONCIERGE_SEND_FAILED);
  g_assert_cmpint (count_posts_since (fixture, fixture->mastodon, since), ==, 3);
  g_assert_cmpint (count_posts_since (fixture, fixture->telegram, since), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/audit-log", test_audit_log);
  g_test_add_func ("/store/audit-log-csv", test_audit_log_csv);
  ADD ("/store/move-steps-go-in-order", test_move_steps_go_in_order);
  ADD ("/store/move-without-private-channel", test_move_without_private_channel);
  ADD ("/store/private-message-starts-a-thread", test_private_message_starts_a_thread);
  ADD ("/store/private-thread-found-by-sync", test_private_thread_found_by_sync);
  ADD ("/store/waiting-replies-are-counted", test_waiting_replies_are_counted);
  ADD ("/store/audience-survives-a-restart", test_audience_survives_a_restart);
  ADD ("/store/platform-without-audiences", test_platform_without_audiences);
  ADD ("/store/posts-are-counted", test_posts_are_counted);

  return g_test_run ();
}
