/* test-facebook-messenger.c
 *
 * A Facebook page's Messenger conversations against the sandbox's Graph
 * API: the sync pages through them, reads what changed, keeps pictures;
 * answers go through the Send API within Meta's reply window, with the
 * human-agent tag where the app has Meta's permission, and not at all
 * where no answer is allowed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-sync.h"
#include "channels/facebook/concierge-facebook-channel-private.h"

#include "test-util.h"

#define PAGE_TOKEN "EAAGm0PX4ZCpsBAMessengerPageTokenOfTheSandbox"
#define PAGE_ID "104700000000001"
#define SECRET "{\"access_token\": \"" PAGE_TOKEN "\"}"
#define JONAS "7300000000000001"
#define SABINE "7300000000000002"
#define MEHMET "7300000000000003"
#define LENA "7300000000000004"
#define MESSAGES_PATH "/" CONCIERGE_FACEBOOK_GRAPH_VERSION "/" PAGE_ID "/messages"
/* More customers than fit on a page of 25 conversations. */
#define EXTRA_CUSTOMERS 27

typedef struct
{
  GSubprocess      *sandbox;
  char             *url;
  char             *dir;
  char             *record;
  ConciergeStore   *store;
  ConciergeAccount *account;
  ConciergeSync    *sync;
} Fixture;

static void
set_up (Fixture    *fixture,
        const char *human_agent)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-facebook-messenger-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--facebook-token", PAGE_TOKEN,
                                         "--reply-delay-ms", "600000", "--record", fixture->record,
                                         human_agent, NULL);
  path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("facebook", "Wellenfunk", NULL, fixture->url, PAGE_ID);
  fixture->account = test_add_account (fixture->store, account);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  set_up (fixture, NULL);
}

static void
fixture_set_up_human_agent (Fixture       *fixture,
                            gconstpointer  data)
{
  set_up (fixture, "--facebook-human-agent");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->sync);
  test_sandbox_stop (fixture->sandbox);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->account);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->record);
  g_free (fixture->url);
}

/* The Graph requests in the sandbox's record whose method is @method and
 * whose Graph path ends with @suffix, oldest first. */
static GPtrArray *
requests (Fixture    *fixture,
          const char *method,
          const char *suffix)
{
  g_autoptr(GPtrArray) record = test_sandbox_read_record (fixture->record);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < record->len; i++)
    {
      JsonObject *request = g_ptr_array_index (record, i);
      const char *path = json_object_get_string_member_with_default (request, "graph_path", "");

      if (g_str_has_suffix (path, suffix) &&
          g_strcmp0 (json_object_get_string_member_with_default (request, "method", ""), method) == 0)
        g_ptr_array_add (found, json_object_ref (request));
    }
  return found;
}

static const char *
query_of (JsonObject *request,
          const char *name)
{
  return json_object_get_string_member_with_default (json_object_get_object_member (request, "query"), name, NULL);
}

static guint
count_requests (Fixture    *fixture,
                const char *method,
                const char *suffix)
{
  g_autoptr(GPtrArray) found = requests (fixture, method, suffix);

  return found->len;
}

static ConciergeChannel *
channel (Fixture *fixture)
{
  ConciergeChannel *channel = concierge_sync_get_channel (fixture->sync, concierge_account_get_id (fixture->account));

  g_assert_nonnull (channel);
  return channel;
}

static gboolean
is_idle (Fixture *fixture)
{
  return concierge_sync_get_state (fixture->sync, concierge_account_get_id (fixture->account), NULL) ==
         CONCIERGE_SYNC_IDLE;
}

static gboolean
has_synced (gpointer data)
{
  Fixture *fixture = data;
  return count_requests (fixture, "GET", "/conversations") >= 1 && is_idle (fixture);
}

static void
start_syncing (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
  test_iterate_until (has_synced, fixture);
}

/* A customer writes to the page, @age_seconds ago. */
static void
customer_writes (Fixture    *fixture,
                 const char *psid,
                 const char *name,
                 const char *text,
                 gint64      age_seconds)
{
  g_autofree char *json = g_strdup_printf ("{\"psid\": \"%s\", \"name\": \"%s\", \"text\": \"%s\", "
                                           "\"age_seconds\": %" G_GINT64_FORMAT "}",
                                           psid, name, text, age_seconds);

  test_sandbox_post (fixture->url, "/_sandbox/facebook/message", json);
}

/* The cached thread with @psid, or NULL. */
static ConciergeThread *
find_thread (Fixture    *fixture,
             const char *psid)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &id, 1);
      ConciergeThread *thread = g_ptr_array_index (threads, 0);

      if (g_strcmp0 (concierge_thread_get_remote_id (thread), psid) == 0)
        return g_object_ref (thread);
    }
  return NULL;
}

static GPtrArray *
thread_messages (Fixture    *fixture,
                 const char *psid)
{
  g_autoptr(ConciergeThread) thread = find_thread (fixture, psid);

  g_assert_nonnull (thread);
  return test_load_messages (fixture->store, concierge_thread_get_id (thread));
}

static guint
count_threads (Fixture *fixture)
{
  ConciergeInboxQuery query = { .visibility = CONCIERGE_VISIBILITY_PRIVATE };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  return index->len;
}

/* Parsing */

/* The Send API's answer, as Meta's reference shows it: the message is the
 * page's, in the thread of the person it names. Without a message id,
 * nothing proves that it went out. */
static void
test_send_response_fixture (void)
{
  g_autoptr(JsonNode) root = test_load_fixture ("meta-messenger-send-response.json");
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();

  message = concierge_facebook_sent_message_from_json (json_node_get_object (root), "Hallo!", NULL);
  g_assert_nonnull (message);
  g_assert_cmpstr (concierge_message_get_remote_id (message), ==, "AG5Hz2U...");
  g_assert_cmpstr (concierge_message_get_thread_remote_id (message), ==, "PAGE-SCOPED-ID");
  g_assert_cmpint (concierge_message_get_direction (message), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_cmpstr (concierge_message_get_body (message), ==, "Hallo!");

  g_assert_null (concierge_facebook_sent_message_from_json (empty, "Hallo!", JONAS));
}

/* The windows: 24 hours for a response, 7 days with the human-agent tag
 * and Meta's permission, nothing after or before the person wrote. */
static void
test_reply_window (void)
{
  const gint64 now = 1800000000, hour = 60 * 60;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (concierge_facebook_reply_window (now - 23 * hour, now, FALSE, NULL), ==, "RESPONSE");
  g_assert_cmpstr (concierge_facebook_reply_window (now - 24 * hour, now, FALSE, NULL), ==, "RESPONSE");
  g_assert_cmpstr (concierge_facebook_reply_window (now - 25 * hour, now, TRUE, NULL), ==, "MESSAGE_TAG");
  g_assert_null (concierge_facebook_reply_window (now - 25 * hour, now, FALSE, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Human Agent permission"));
  g_clear_error (&error);
  g_assert_null (concierge_facebook_reply_window (now - 7 * 24 * hour - 1, now, TRUE, &error));
  g_assert_nonnull (strstr (error->message, "more than 7 days old"));
  g_clear_error (&error);
  g_assert_null (concierge_facebook_reply_window (0, now, TRUE, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED);
}

/* Syncing */

static void
add_customers (Fixture *fixture)
{
  for (guint i = 0; i < EXTRA_CUSTOMERS; i++)
    {
      g_autofree char *psid = g_strdup_printf ("74000000000000%02u", i);
      g_autofree char *name = g_strdup_printf ("Kunde %u", i + 1);

      /* Older than the seeded ones but Mehmet's, within two weeks. */
      customer_writes (fixture, psid, name, "Hallo, ich habe eine Frage zu meinem Vertrag.", 2 * 86400 + i * 60);
    }
}

static gboolean
picture_cached (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) messages = thread_messages (fixture, JONAS);

  for (guint i = 0; i < messages->len; i++)
    {
      GPtrArray *images = concierge_message_get_images (g_ptr_array_index (messages, i));

      if (images != NULL && images->len == 1 &&
          concierge_image_get_state (g_ptr_array_index (images, 0)) == CONCIERGE_IMAGE_CACHED)
        return TRUE;
    }
  return FALSE;
}

/* Every conversation of the last two weeks becomes a private thread of
 * its person, across pages of 25; the messages are in order, the page's
 * own are the agent's, and the photo is kept. */
static void
test_sync_pages_through_conversations (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) jonas = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  ConciergeIdentity *author;

  add_customers (fixture);
  start_syncing (fixture);

  listed = requests (fixture, "GET", PAGE_ID "/conversations");
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpstr (query_of (g_ptr_array_index (listed, 0), "platform"), ==, "messenger");
  g_assert_null (query_of (g_ptr_array_index (listed, 0), "after"));
  g_assert_nonnull (query_of (g_ptr_array_index (listed, 1), "after"));
  g_assert_cmpuint (count_threads (fixture), ==, 4 + EXTRA_CUSTOMERS);
  g_assert_cmpuint (count_requests (fixture, "GET", "/messages"), ==, 4 + EXTRA_CUSTOMERS);

  thread = find_thread (fixture, JONAS);
  g_assert_cmpint (concierge_thread_get_visibility (thread), ==, CONCIERGE_VISIBILITY_PRIVATE);
  jonas = thread_messages (fixture, JONAS);
  g_assert_cmpuint (jonas->len, ==, 3);
  g_assert_true (g_str_has_prefix (concierge_message_get_body (g_ptr_array_index (jonas, 0)), "Hallo, seit heute"));
  g_assert_cmpint (concierge_message_get_direction (g_ptr_array_index (jonas, 0)), ==, CONCIERGE_DIRECTION_IN);
  author = concierge_message_get_author (g_ptr_array_index (jonas, 0));
  g_assert_cmpstr (concierge_identity_get_remote_id (author), ==, JONAS);
  g_assert_cmpstr (concierge_identity_get_display_name (author), ==, "Jonas Becker");
  g_assert_cmpint (concierge_message_get_direction (g_ptr_array_index (jonas, 1)), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_true (g_str_has_prefix (concierge_message_get_body (g_ptr_array_index (jonas, 1)), "Hallo Jonas"));
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (jonas, 2)), ==,
                   "Hier das Foto, die Leuchte ganz links.");
  g_assert_cmpint (concierge_message_get_created_at (g_ptr_array_index (jonas, 1)), <,
                   concierge_message_get_created_at (g_ptr_array_index (jonas, 2)));

  test_iterate_until (picture_cached, fixture);
}

static gboolean
has_synced_twice (gpointer data)
{
  Fixture *fixture = data;
  return count_requests (fixture, "GET", "/conversations") >= 2 && is_idle (fixture);
}

/* A second sync stops at the conversation it saw last and reads only the
 * one that changed, from where it was. */
static void
test_second_sync_reads_what_changed (Fixture       *fixture,
                                     gconstpointer  data)
{
  guint messages_before;
  g_autoptr(GPtrArray) sabine = NULL;
  g_autoptr(GPtrArray) read = NULL;

  start_syncing (fixture);
  messages_before = count_requests (fixture, "GET", "/messages");
  g_assert_cmpuint (messages_before, ==, 4);

  customer_writes (fixture, SABINE, "Sabine Krüger", "Hallo? Ich warte noch auf eine Antwort.", 0);
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  test_iterate_until (has_synced_twice, fixture);

  read = requests (fixture, "GET", "/messages");
  g_assert_cmpuint (read->len, ==, messages_before + 1);
  sabine = thread_messages (fixture, SABINE);
  g_assert_cmpuint (sabine->len, ==, 2);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (sabine, 1)), ==,
                   "Hallo? Ich warte noch auf eine Antwort.");
  g_assert_cmpuint (count_threads (fixture), ==, 4);
}

/* A conversation longer than Meta shows says so, once. */
static void
test_older_messages_are_missing (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *text = g_strdup_printf ("Nachricht %u", i + 1);

      customer_writes (fixture, "7400000000000001", "Petra Lange", text, 3600 - i * 60);
    }
  start_syncing (fixture);

  messages = thread_messages (fixture, "7400000000000001");
  g_assert_cmpuint (messages->len, ==, 21);
  g_assert_nonnull (strstr (concierge_message_get_body (g_ptr_array_index (messages, 0)), "only the 20 most recent"));
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 1)), ==, "Nachricht 6");
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 20)), ==, "Nachricht 25");
}

/* Sending */

/* The check for posts their authors deleted asks about comments only:
 * a Messenger conversation stays as it was read, every message of it. */
static void
test_messages_are_not_taken_for_deleted (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  start_syncing (fixture);
  thread = find_thread (fixture, JONAS);
  concierge_sync_check_deleted_async (fixture->sync, thread, NULL, test_got_result, &result);
  g_assert_true (concierge_sync_check_deleted_finish (fixture->sync, test_wait_result (&result), &error));
  g_assert_no_error (error);

  messages = thread_messages (fixture, JONAS);
  g_assert_cmpuint (messages->len, ==, 3);
  for (guint i = 0; i < messages->len; i++)
    g_assert_cmpint (concierge_message_get_deleted_at (g_ptr_array_index (messages, i)), ==, 0);
}

static void
queue_reply (Fixture    *fixture,
             const char *psid,
             const char *text)
{
  g_autoptr(ConciergeThread) thread = find_thread (fixture, psid);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (thread);
  concierge_sync_queue_reply_async (fixture->sync, concierge_thread_get_id (thread), text, NULL, test_got_result,
                                    &result);
  concierge_sync_queue_reply_finish (fixture->sync, test_wait_result (&result), &error);
  g_assert_no_error (error);
}

/* The reply with @text in @psid's thread once it reached @state. */
static ConciergeMessage *
wait_for_send_state (Fixture            *fixture,
                     const char         *psid,
                     const char         *text,
                     ConciergeSendState  state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) messages = thread_messages (fixture, psid);

      for (guint i = 0; i < messages->len; i++)
        {
          ConciergeMessage *message = g_ptr_array_index (messages, i);

          if (g_str_equal (concierge_message_get_body (message), text) &&
              concierge_message_get_send_state (message) == state)
            return g_object_ref (message);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  g_error ("The reply “%s” never reached state %s", text, concierge_send_state_to_string (state));
}

static guint
count_bodies (Fixture    *fixture,
              const char *psid,
              const char *text)
{
  g_autoptr(GPtrArray) messages = thread_messages (fixture, psid);
  guint count = 0;

  for (guint i = 0; i < messages->len; i++)
    count += g_str_equal (concierge_message_get_body (g_ptr_array_index (messages, i)), text);
  return count;
}

static JsonObject *
only_send (Fixture *fixture)
{
  g_autoptr(GPtrArray) sends = requests (fixture, "POST", PAGE_ID "/messages");

  g_assert_cmpuint (sends->len, ==, 1);
  return json_object_ref (g_ptr_array_index (sends, 0));
}

/* Within 24 hours, a response to the person by their PSID. */
static void
test_reply_within_window (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(JsonObject) send = NULL;
  g_autoptr(JsonNode) recipient = NULL;
  g_autoptr(JsonNode) message = NULL;

  start_syncing (fixture);
  queue_reply (fixture, JONAS, "Danke für das Foto! Wir schalten den Port neu.");
  sent = wait_for_send_state (fixture, JONAS, "Danke für das Foto! Wir schalten den Port neu.", CONCIERGE_SEND_SENT);
  g_assert_true (g_str_has_prefix (concierge_message_get_remote_id (sent), "m_"));

  send = only_send (fixture);
  g_assert_cmpstr (query_of (send, "messaging_type"), ==, "RESPONSE");
  g_assert_null (query_of (send, "tag"));
  recipient = json_from_string (query_of (send, "recipient"), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (recipient), "id"), ==, JONAS);
  message = json_from_string (query_of (send, "message"), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (message), "text"), ==,
                   "Danke für das Foto! Wir schalten den Port neu.");
  g_assert_true (json_object_get_boolean_member (send, "token_ok"));
}

/* After 24 hours, with Meta's Human Agent permission: the tag. */
static void
test_reply_with_human_agent_tag (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(JsonObject) send = NULL;
  ConciergeChannelCapabilities capabilities = { 0 };

  start_syncing (fixture);
  concierge_channel_set_reply_window_extension (channel (fixture), TRUE);
  concierge_channel_get_capabilities (channel (fixture), &capabilities);
  g_assert_cmpuint (concierge_channel_capabilities_reply_window (&capabilities, CONCIERGE_VISIBILITY_PRIVATE), ==,
                    7 * 24 * 60 * 60);
  g_assert_cmpuint (concierge_channel_capabilities_reply_window (&capabilities, CONCIERGE_VISIBILITY_PUBLIC), ==, 0);

  queue_reply (fixture, SABINE, "Guten Tag Frau Krüger, der Wechsel klappt zum 1. des Monats.");
  sent = wait_for_send_state (fixture, SABINE, "Guten Tag Frau Krüger, der Wechsel klappt zum 1. des Monats.",
                              CONCIERGE_SEND_SENT);

  send = only_send (fixture);
  g_assert_cmpstr (query_of (send, "messaging_type"), ==, "MESSAGE_TAG");
  g_assert_cmpstr (query_of (send, "tag"), ==, "HUMAN_AGENT");
}

/* The reply with @text to @psid is refused with @words, and nothing goes
 * to Meta. */
static void
assert_refused (Fixture    *fixture,
                const char *psid,
                const char *text,
                const char *words)
{
  g_autoptr(ConciergeMessage) failed = NULL;

  queue_reply (fixture, psid, text);
  failed = wait_for_send_state (fixture, psid, text, CONCIERGE_SEND_FAILED);
  g_assert_nonnull (strstr (concierge_message_get_send_error (failed), words));
  g_assert_cmpuint (count_requests (fixture, "POST", PAGE_ID "/messages"), ==, 0);
}

/* After 24 hours, without the permission: refused in words, and nothing
 * goes to Meta. */
static void
test_reply_after_window_refused (Fixture       *fixture,
                                 gconstpointer  data)
{
  ConciergeChannelCapabilities capabilities = { 0 };

  start_syncing (fixture);
  concierge_channel_get_capabilities (channel (fixture), &capabilities);
  g_assert_cmpuint (concierge_channel_capabilities_reply_window (&capabilities, CONCIERGE_VISIBILITY_PRIVATE), ==,
                    24 * 60 * 60);
  assert_refused (fixture, SABINE, "Guten Tag Frau Krüger!", "Human Agent permission");
}

/* After 7 days, not even the tag reaches him. */
static void
test_reply_after_seven_days_refused (Fixture       *fixture,
                                     gconstpointer  data)
{
  start_syncing (fixture);
  concierge_channel_set_reply_window_extension (channel (fixture), TRUE);
  assert_refused (fixture, MEHMET, "Guten Tag Herr Yılmaz, der Techniker kommt am Montag.",
                  "The customer has to write first");
}

/* Meta's 551: she blocked the page, which the agent reads in words. */
static void
test_unreachable_person (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConciergeMessage) failed = NULL;

  start_syncing (fixture);
  queue_reply (fixture, LENA, "Guten Tag Frau Hoffmann, wir kümmern uns darum.");
  failed = wait_for_send_state (fixture, LENA, "Guten Tag Frau Hoffmann, wir kümmern uns darum.",
                                CONCIERGE_SEND_FAILED);
  g_assert_cmpstr (concierge_message_get_send_error (failed), ==,
                   "This person cannot be reached on Messenger right now.");
  g_assert_cmpuint (count_requests (fixture, "POST", PAGE_ID "/messages"), ==, 1);
}

/* The connection drops after the request left: the reply is found in the
 * conversation, not sent again. */
static void
test_cut_off_reply_found (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autofree char *fault = g_strdup_printf ("{\"path\": \"%s\", \"method\": \"POST\", \"kind\": \"drop-after\"}",
                                            MESSAGES_PATH);

  start_syncing (fixture);
  test_sandbox_post (fixture->url, "/_sandbox/fault", fault);
  queue_reply (fixture, JONAS, "Ist die Leuchte jetzt grün?");
  sent = wait_for_send_state (fixture, JONAS, "Ist die Leuchte jetzt grün?", CONCIERGE_SEND_SENT);

  /* The reply itself, not a copy a later sync brought beside one whose
   * fate is unknown. */
  g_assert_true (g_str_has_prefix (concierge_message_get_remote_id (sent), "m_"));
  g_assert_cmpuint (count_bodies (fixture, JONAS, "Ist die Leuchte jetzt grün?"), ==, 1);
  g_assert_cmpuint (count_requests (fixture, "POST", PAGE_ID "/messages"), ==, 1);
}

/* Private replies */

static ConciergeMessage *
private_reply (Fixture     *fixture,
               const char  *comment_id,
               GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ConciergeFacebook) facebook = concierge_facebook_new (session, 1, fixture->url, PAGE_ID, PAGE_TOKEN);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTask) task = g_task_new (facebook, NULL, test_got_result, &result);

  concierge_facebook_send_private_reply (task, comment_id, "Guten Tag, wir schreiben Ihnen hier weiter.");
  return g_task_propagate_pointer (G_TASK (test_wait_result (&result)), error);
}

/* A comment the page may still answer privately, from the page's feed;
 * NULL while the sandbox serves none. */
static char *
find_comment (Fixture *fixture)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/%s/%s/feed?fields=comments%%7Bid,from,created_time%%7D",
                                          fixture->url, CONCIERGE_FACEBOOK_GRAPH_VERSION, PAGE_ID);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *posts;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", "Bearer " PAGE_TOKEN);
  body = soup_session_send_and_read (session, message, NULL, NULL);
  root = body ? json_from_string (g_bytes_get_data (body, NULL), NULL) : NULL;
  if (root == NULL || !json_object_has_member (json_node_get_object (root), "data"))
    return NULL;
  posts = json_object_get_array_member (json_node_get_object (root), "data");
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);
      JsonObject *comments = json_object_get_object_member (post, "comments");
      JsonArray *list = comments ? json_object_get_array_member (comments, "data") : NULL;

      for (guint j = 0; list != NULL && j < json_array_get_length (list); j++)
        {
          JsonObject *comment = json_array_get_object_element (list, j);
          JsonObject *from = json_object_get_object_member (comment, "from");
          gint64 created = concierge_facebook_parse_time (json_object_get_string_member (comment, "created_time"));

          if (from != NULL && g_strcmp0 (json_object_get_string_member (from, "id"), PAGE_ID) != 0 &&
              g_get_real_time () / G_USEC_PER_SEC - created < 24 * 60 * 60)
            return g_strdup (json_object_get_string_member (comment, "id"));
        }
    }
  return NULL;
}

/* A private reply goes to the comment (recipient.comment_id) and opens a
 * conversation with its author, whose PSID it names; Meta takes one per
 * comment. */
static void
test_private_reply_once (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *comment_id = find_comment (fixture);
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(ConciergeMessage) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) send = NULL;
  g_autoptr(JsonNode) recipient = NULL;

  if (comment_id == NULL)
    {
      g_test_skip ("The sandbox serves no comments of the page");
      return;
    }

  sent = private_reply (fixture, comment_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (concierge_message_get_thread_remote_id (sent));
  g_assert_cmpint (concierge_message_get_direction (sent), ==, CONCIERGE_DIRECTION_OUT);
  send = only_send (fixture);
  recipient = json_from_string (query_of (send, "recipient"), NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (recipient), "comment_id"), ==, comment_id);

  again = private_reply (fixture, comment_id, &error);
  g_assert_null (again);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_ALREADY_DONE);
}

/* Meta's answer for a comment it does not know reaches the caller as a
 * refusal, not as a sent message. */
static void
test_private_reply_unknown_comment (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(GError) error = NULL;

  sent = private_reply (fixture, "999_999", &error);
  g_assert_null (sent);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Invalid comment_id"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/facebook-messenger/parse/send-response", test_send_response_fixture);
  g_test_add_func ("/facebook-messenger/reply-window", test_reply_window);
#define ADD(path, set_up, test) g_test_add (path, Fixture, NULL, set_up, test, fixture_tear_down)
  ADD ("/facebook-messenger/sync/pages", fixture_set_up, test_sync_pages_through_conversations);
  ADD ("/facebook-messenger/sync/changed", fixture_set_up, test_second_sync_reads_what_changed);
  ADD ("/facebook-messenger/sync/older-missing", fixture_set_up, test_older_messages_are_missing);
  ADD ("/facebook-messenger/sync/not-deleted", fixture_set_up, test_messages_are_not_taken_for_deleted);
  ADD ("/facebook-messenger/send/within-window", fixture_set_up, test_reply_within_window);
  ADD ("/facebook-messenger/send/human-agent", fixture_set_up_human_agent, test_reply_with_human_agent_tag);
  ADD ("/facebook-messenger/send/after-24-hours", fixture_set_up, test_reply_after_window_refused);
  ADD ("/facebook-messenger/send/after-7-days", fixture_set_up_human_agent, test_reply_after_seven_days_refused);
  ADD ("/facebook-messenger/send/unreachable", fixture_set_up, test_unreachable_person);
  ADD ("/facebook-messenger/send/cut-off", fixture_set_up, test_cut_off_reply_found);
  ADD ("/facebook-messenger/private-reply/once", fixture_set_up, test_private_reply_once);
  ADD ("/facebook-messenger/private-reply/unknown", fixture_set_up, test_private_reply_unknown_comment);
#undef ADD

  return g_test_run ();
}
