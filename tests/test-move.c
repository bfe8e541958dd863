/* test-move.c
 *
 * Moving a public conversation with personal data to a private one, as
 * the sync does it against the sandbox, for Mastodon and for Telegram: the
 * private message, the public reply and the post, each through the outbox.
 * The sandbox's record proves what went out. The check that no personal
 * data went out in public compares the seeded strings themselves, with
 * spaces and case set aside: it does not ask the detector.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-sync.h"
#include "privacy/concierge-detector.h"
#include "test-util.h"

#define TOKEN "sandbox-token-for-the-move-test"
#define SECRET "{\"access_token\": \"" TOKEN "\"}"
#define BOT_TOKEN "7000000001:AAH-move-test-Zp4Lq8sW2xN6vB0cT3yR"
#define BOT_SECRET "{\"access_token\": \"" BOT_TOKEN "\"}"
#define GROUP_ID "-1001234567890"

/* What the sandbox seeds with --seed-personal-data: Lena's IBAN on
 * Mastodon; Sabine's phone number and IBAN, and Mehmet's email address, in
 * the Telegram group. */
static const char * const seeded[] = {
  "DE89 3704 0044 0532 0130 00",
  "0171 2345678",
  "DE02 1203 0000 0000 2020 51",
  "mehmet.yilmaz@example.org",
};

#define PRIVATE_TEXT "Hallo, danke für Ihre Nachricht! Wir kümmern uns hier privat darum."
#define PUBLIC_TEXT "Danke! Wir haben Ihnen eine Direktnachricht geschickt, um das vertraulich zu klären."

typedef struct
{
  GSubprocess      *sandbox;
  char             *url;
  char             *dir;
  char             *path;
  char             *record;
  ConciergeStore   *store;
  ConciergeSync    *sync;
  ConciergeAccount *mastodon;
  ConciergeAccount *telegram;
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
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->mastodon, SECRET, &error));
  g_assert_no_error (error);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->telegram, BOT_SECRET, &error));
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
  g_autoptr(ConciergeAccount) mastodon = NULL;
  g_autoptr(ConciergeAccount) telegram = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-move-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  /* The customers do not answer during a test. */
  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--telegram-token", BOT_TOKEN,
                                         "--seed-personal-data", "--reply-delay-ms", "600000",
                                         "--record", fixture->record, NULL);
  fixture->path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  open_store (fixture);

  mastodon = concierge_account_new ("mastodon", "Support", "@support", fixture->url, "1");
  telegram = concierge_account_new ("telegram", "Wellenfunk Hilfe", "@WellenfunkHilfeBot", fixture->url, "");
  fixture->mastodon = test_add_account (fixture->store, mastodon);
  fixture->telegram = test_add_account (fixture->store, telegram);
  start_sync (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  stop (fixture);
  test_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->mastodon);
  g_clear_object (&fixture->telegram);
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

/* The customer's public thread, once synced and scanned, or NULL. */
static ConciergeThread *
find_public_thread (Fixture    *fixture,
                    const char *customer)
{
  ConciergeInboxQuery query = { .visibility = CONCIERGE_VISIBILITY_PUBLIC };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &id, 1);
      ConciergeThread *thread = g_ptr_array_index (threads, 0);

      if (g_strcmp0 (concierge_thread_get_contact_name (thread), customer) == 0 &&
          concierge_thread_get_personal_data (thread) != 0)
        return g_object_ref (thread);
    }
  return NULL;
}

static gboolean
has_public_thread (Fixture  *fixture,
                   gpointer  customer)
{
  g_autoptr(ConciergeThread) thread = find_public_thread (fixture, customer);

  return thread != NULL;
}

static gboolean
has_private_thread (Fixture  *fixture,
                    gpointer  customer)
{
  ConciergeInboxQuery query = { .visibility = CONCIERGE_VISIBILITY_PRIVATE };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &id, 1);

      if (g_strcmp0 (concierge_thread_get_contact_name (g_ptr_array_index (threads, 0)), customer) == 0)
        return TRUE;
    }
  return FALSE;
}

static ConciergeThread *
wait_for_public_thread (Fixture    *fixture,
                        const char *customer)
{
  wait_until (fixture, has_public_thread, (gpointer) customer, customer);
  return find_public_thread (fixture, customer);
}

typedef struct
{
  gint64             thread_id;
  ConciergeMoveStep  step;
  ConciergeStepState state;
} StepWait;

static gboolean
step_reached (Fixture  *fixture,
              gpointer  data)
{
  StepWait *wait = data;
  g_autoptr(ConciergeMove) move = test_load_move (fixture->store, wait->thread_id);

  return move->states[wait->step] == wait->state;
}

static void
wait_for_step (Fixture            *fixture,
               gint64              thread_id,
               ConciergeMoveStep   step,
               ConciergeStepState  state)
{
  StepWait wait = { thread_id, step, state };

  wait_until (fixture, step_reached, &wait, "a step of the move");
}

static gboolean
move_done (Fixture  *fixture,
           gpointer  thread_id)
{
  g_autoptr(ConciergeMove) move = test_load_move (fixture->store, *(gint64 *) thread_id);

  return concierge_move_is_done (move);
}

static void
wait_for_move_done (Fixture *fixture,
                    gint64   thread_id)
{
  wait_until (fixture, move_done, &thread_id, "the move to finish");
}

static ConciergeMove *
start_move (Fixture             *fixture,
            ConciergeThread     *thread,
            const char          *private_text,
            const char          *public_text,
            ConciergePostAction  post_action)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeMove *move;

  concierge_sync_start_move_async (fixture->sync, concierge_thread_get_id (thread), private_text, public_text,
                                   post_action, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  move = concierge_sync_start_move_finish (fixture->sync, result, &error);
  g_assert_no_error (error);
  return move;
}

/* The record */

static GPtrArray *
load_record (Fixture *fixture)
{
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (fixture->record, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;

      if (lines[i][0] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (requests, json_object_ref (json_node_get_object (node)));
    }
  return g_steal_pointer (&requests);
}

static const char *
query_string (JsonObject *request,
              const char *name)
{
  JsonObject *query = json_object_get_object_member (request, "query");
  JsonNode *node = query ? json_object_get_member (query, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A Telegram parameter from a JSON body, as text, whatever its type. */
static char *
query_text (JsonObject *request,
            const char *name)
{
  JsonObject *query = json_object_get_object_member (request, "query");
  JsonNode *node = query ? json_object_get_member (query, name) : NULL;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static gboolean
is_status_post (JsonObject *request)
{
  return g_str_equal (json_object_get_string_member (request, "method"), "POST") &&
         g_str_equal (json_object_get_string_member (request, "path"), "/api/v1/statuses");
}

static gboolean
is_bot_call (JsonObject *request,
             const char *bot_method)
{
  return g_strcmp0 (json_object_get_string_member_with_default (request, "bot_method", ""), bot_method) == 0;
}

static gint64
status_of (JsonObject *request)
{
  return json_object_get_int_member (request, "status");
}

/* Statuses posted (answered 200) with @visibility. */
static guint
count_statuses (GPtrArray  *requests,
                const char *visibility,
                const char *text)
{
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *request = g_ptr_array_index (requests, i);

      if (is_status_post (request) && status_of (request) == 200 &&
          g_strcmp0 (query_string (request, "visibility"), visibility) == 0 &&
          strstr (query_string (request, "status") ?: "", text) != NULL)
        n++;
    }
  return n;
}

/* Messages sent (answered 200) to @chat_id. */
static guint
count_sent (GPtrArray  *requests,
            const char *chat_id,
            const char *text)
{
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *request = g_ptr_array_index (requests, i);
      g_autofree char *chat = query_text (request, "chat_id");
      g_autofree char *sent = query_text (request, "text");

      if (is_bot_call (request, "sendMessage") && status_of (request) == 200 &&
          g_strcmp0 (chat, chat_id) == 0 && strstr (sent ?: "", text) != NULL)
        n++;
    }
  return n;
}

static char *
normalize (const char *text)
{
  g_autofree char *folded = g_utf8_strdown (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Every request that everyone can read the result of: statuses that are
 * not direct, and messages to the group. The whole request is searched,
 * not only its text. */
static void
assert_nothing_personal_in_public (GPtrArray *requests)
{
  guint n_public = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *request = g_ptr_array_index (requests, i);
      g_autofree char *chat = query_text (request, "chat_id");
      gboolean is_public = (is_status_post (request) && g_strcmp0 (query_string (request, "visibility"), "direct") != 0) ||
                           (is_bot_call (request, "sendMessage") && g_strcmp0 (chat, GROUP_ID) == 0);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *whole = NULL;
      g_autofree char *normalized = NULL;

      if (!is_public)
        continue;
      n_public++;
      node = json_node_init_object (json_node_alloc (), request);
      whole = json_to_string (node, FALSE);
      normalized = normalize (whole);
      for (guint k = 0; k < G_N_ELEMENTS (seeded); k++)
        {
          g_autofree char *needle = normalize (seeded[k]);

          if (strstr (normalized, needle) != NULL)
            g_error ("A public request holds seeded personal data: %s", whole);
        }
    }
  g_assert_cmpuint (n_public, >, 0);
}

static guint
count_audit (GPtrArray            *entries,
             ConciergeAuditAction  action,
             gint64                thread_id)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      ConciergeAuditEntry *entry = g_ptr_array_index (entries, i);

      if (entry->action == action && entry->thread_id == thread_id)
        {
          g_assert_cmpstr (entry->reason, ==, "personal data");
          n++;
        }
    }
  return n;
}

/* The tests */

/* Mastodon: a direct status, then the public reply; the post stays, since
 * Mastodon lets nobody hide another's status. */
static void
test_move_on_mastodon (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = wait_for_public_thread (fixture, "Lena Krause");
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  gint64 id = concierge_thread_get_id (public);

  move = start_move (fixture, public, PRIVATE_TEXT, PUBLIC_TEXT, CONCIERGE_POST_KEEP);
  g_assert_cmpint (move->private_thread_id, !=, 0);
  wait_for_move_done (fixture, id);

  requests = load_record (fixture);
  g_assert_cmpuint (count_statuses (requests, "direct", "@lena_k"), ==, 1);
  g_assert_cmpuint (count_statuses (requests, "direct", PRIVATE_TEXT), ==, 1);
  g_assert_cmpuint (count_statuses (requests, "public", PUBLIC_TEXT), ==, 1);
  assert_nothing_personal_in_public (requests);

  /* The private message went out before the public reply. */
  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *request = g_ptr_array_index (requests, i);

      if (is_status_post (request))
        {
          g_assert_cmpstr (query_string (request, "visibility"), ==, "direct");
          break;
        }
    }

  /* The private thread is the customer's, and the public one links to it. */
  threads = test_load_threads (fixture->store, &id, 1);
  g_assert_cmpint (concierge_thread_get_moved_to_id (g_ptr_array_index (threads, 0)), ==, move->private_thread_id);
  g_assert_true (has_private_thread (fixture, (gpointer) "Lena Krause"));
  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (count_audit (log, CONCIERGE_AUDIT_MOVE, id), ==, 1);
}

/* Telegram: the customer's private chat with the bot, the reply in the
 * group, then the message with the data leaves the group. */
static void
test_move_on_telegram (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = wait_for_public_thread (fixture, "Sabine Krüger");
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) log = NULL;
  gint64 id = concierge_thread_get_id (public);
  guint n_deleted = 0;

  /* She wrote to the bot privately before: it may write to her. */
  g_assert_true (has_private_thread (fixture, (gpointer) "Sabine Krüger"));

  move = start_move (fixture, public, PRIVATE_TEXT, PUBLIC_TEXT, CONCIERGE_POST_REMOVE);
  wait_for_move_done (fixture, id);

  requests = load_record (fixture);
  g_assert_cmpuint (count_sent (requests, "5551000103", PRIVATE_TEXT), ==, 1);
  g_assert_cmpuint (count_sent (requests, GROUP_ID, PUBLIC_TEXT), ==, 1);
  assert_nothing_personal_in_public (requests);
  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *request = g_ptr_array_index (requests, i);
      g_autofree char *chat = query_text (request, "chat_id");

      if (is_bot_call (request, "deleteMessage") && status_of (request) == 200)
        {
          g_assert_cmpstr (chat, ==, GROUP_ID);
          n_deleted++;
        }
    }
  /* Her message with the data, and no other; her thread is no longer
   * flagged, since nobody reads the data in the group any more. */
  g_assert_cmpuint (n_deleted, ==, 1);
  g_assert_false (has_public_thread (fixture, (gpointer) "Sabine Krüger"));

  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (count_audit (log, CONCIERGE_AUDIT_MOVE, id), ==, 1);
  g_assert_cmpuint (count_audit (log, CONCIERGE_AUDIT_REMOVE, id), ==, 1);
}

/* The public reply is refused: the private message stays sent, once; the
 * reply waits for Retry, and then goes. */
static void
test_failed_step_two_is_retried (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = wait_for_public_thread (fixture, "Lena Krause");
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(ConciergeMove) failed = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = concierge_thread_get_id (public);

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/api/v1/statuses\", \"method\": \"POST\", \"kind\": \"refuse\", \"skip\": 1}");
  move = start_move (fixture, public, PRIVATE_TEXT, PUBLIC_TEXT, CONCIERGE_POST_KEEP);
  wait_for_step (fixture, id, CONCIERGE_MOVE_PUBLIC_REPLY, CONCIERGE_STEP_FAILED);

  failed = test_load_move (fixture->store, id);
  g_assert_cmpint (failed->states[CONCIERGE_MOVE_PRIVATE_MESSAGE], ==, CONCIERGE_STEP_DONE);
  g_assert_nonnull (failed->errors[CONCIERGE_MOVE_PUBLIC_REPLY]);
  requests = load_record (fixture);
  g_assert_cmpuint (count_statuses (requests, "direct", PRIVATE_TEXT), ==, 1);
  g_assert_cmpuint (count_statuses (requests, "public", PUBLIC_TEXT), ==, 0);
  g_clear_pointer (&requests, g_ptr_array_unref);

  concierge_sync_retry_move_async (fixture->sync, move->account_id, move->id, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_retry_move_finish (fixture->sync, result, &error));
  g_assert_no_error (error);
  wait_for_move_done (fixture, id);

  requests = load_record (fixture);
  g_assert_cmpuint (count_statuses (requests, "direct", PRIVATE_TEXT), ==, 1);
  g_assert_cmpuint (count_statuses (requests, "public", PUBLIC_TEXT), ==, 1);
  assert_nothing_personal_in_public (requests);
}

static gboolean
public_reply_arrived (Fixture  *fixture,
                      gpointer  data)
{
  g_autoptr(GPtrArray) requests = load_record (fixture);

  return count_statuses (requests, "public", PUBLIC_TEXT) == 1;
}

/* The app quits while the server holds back its answer to the public
 * reply, which it has posted, and starts again: nothing is sent twice,
 * and the move ends. */
static void
test_restart_halfway (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = wait_for_public_thread (fixture, "Lena Krause");
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  gint64 id = concierge_thread_get_id (public);
  guint n_replies = 0;

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/api/v1/statuses\", \"method\": \"POST\", \"kind\": \"hold\", \"skip\": 1}");
  move = start_move (fixture, public, PRIVATE_TEXT, PUBLIC_TEXT, CONCIERGE_POST_KEEP);
  wait_until (fixture, public_reply_arrived, NULL, "the public reply at the server");

  stop (fixture);
  test_sandbox_post (fixture->url, "/_sandbox/release", "{}");
  open_store (fixture);
  start_sync (fixture);
  wait_for_move_done (fixture, id);

  requests = load_record (fixture);
  g_assert_cmpuint (count_statuses (requests, "direct", PRIVATE_TEXT), ==, 1);
  g_assert_cmpuint (count_statuses (requests, "public", PUBLIC_TEXT), ==, 1);
  messages = test_load_messages (fixture->store, id);
  for (guint i = 0; i < messages->len; i++)
    n_replies += g_strcmp0 (concierge_message_get_body (g_ptr_array_index (messages, i)), PUBLIC_TEXT) == 0 ||
                 g_str_has_suffix (concierge_message_get_body (g_ptr_array_index (messages, i)), PUBLIC_TEXT);
  g_assert_cmpuint (n_replies, ==, 1);
}

/* Mehmet never started the bot. Telegram refuses the private message; the
 * public reply waits, then asks him to write privately instead, with the
 * bot's link, and his message with the data leaves the group. */
static void
test_no_private_path_on_telegram (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ConciergeThread) public = wait_for_public_thread (fixture, "Mehmet Yılmaz");
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(ConciergeMove) refused = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *invitation = NULL;
  g_autofree char *public_text = NULL;
  ConciergeChannel *channel;
  gint64 id = concierge_thread_get_id (public);

  g_assert_false (has_private_thread (fixture, (gpointer) "Mehmet Yılmaz"));
  channel = concierge_sync_get_channel (fixture->sync, concierge_account_get_id (fixture->telegram));
  reference = g_strdup_printf ("case-%" G_GINT64_FORMAT, id);
  invitation = concierge_channel_dup_invitation (channel, reference);
  g_assert_true (g_str_has_prefix (invitation, "https://t.me/WellenfunkHilfeBot?start=case-"));

  move = start_move (fixture, public, PRIVATE_TEXT, PUBLIC_TEXT, CONCIERGE_POST_REMOVE);
  wait_for_step (fixture, id, CONCIERGE_MOVE_PRIVATE_MESSAGE, CONCIERGE_STEP_FAILED);
  refused = test_load_move (fixture->store, id);
  g_assert_cmpstr (refused->errors[CONCIERGE_MOVE_PRIVATE_MESSAGE], ==,
                   "The bot cannot write to this customer privately: they have not started a chat with it, or "
                   "have blocked it.");
  g_assert_cmpint (refused->states[CONCIERGE_MOVE_PUBLIC_REPLY], ==, CONCIERGE_STEP_WAITING);
  requests = load_record (fixture);
  g_assert_cmpuint (count_sent (requests, GROUP_ID, PUBLIC_TEXT), ==, 0);
  g_clear_pointer (&requests, g_ptr_array_unref);

  public_text = g_strdup_printf ("Danke! Damit Ihre Daten nicht öffentlich bleiben, schreiben Sie uns bitte "
                                 "privat: %s", invitation);
  concierge_sync_move_publicly_async (fixture->sync, move->account_id, move->id, public_text, NULL,
                                      test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_move_publicly_finish (fixture->sync, result, &error));
  g_assert_no_error (error);
  wait_for_move_done (fixture, id);

  requests = load_record (fixture);
  g_assert_cmpuint (count_sent (requests, GROUP_ID, invitation), ==, 1);
  g_assert_cmpuint (count_sent (requests, GROUP_ID, PUBLIC_TEXT), ==, 0);
  g_assert_cmpuint (count_sent (requests, "5551000102", ""), ==, 0);
  assert_nothing_personal_in_public (requests);
  /* The thread that waited for a private chat that never came is gone. */
  g_assert_false (has_private_thread (fixture, (gpointer) "Mehmet Yılmaz"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/move/mastodon", test_move_on_mastodon);
  ADD ("/move/telegram", test_move_on_telegram);
  ADD ("/move/failed-step-two-is-retried", test_failed_step_two_is_retried);
  ADD ("/move/restart-halfway", test_restart_halfway);
  ADD ("/move/no-private-path-on-telegram", test_no_private_path_on_telegram);
#undef ADD

  return g_test_run ();
}
