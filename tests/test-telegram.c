/* test-telegram.c
 *
 * Telegram's updates as the project's model objects: the documentation's
 * own examples byte for byte, synthetic group messages, and hostile input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-sync.h"
#include "channels/concierge-telegram.h"

#include "test-util.h"

#define BOT_ID 7000000001
#define BOT_USERNAME "WellenfunkHilfeBot"
#define TOKEN "7000000001:AAH-telegram-test-Zp4Lq8sW2xN6vB0cT3yR"
#define SECRET "{\"access_token\": \"" TOKEN "\"}"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static void
read_update (JsonNode              *update,
             gint64                *update_id,
             ConciergeTelegramItem *item)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_telegram_read_update (update, BOT_ID, BOT_USERNAME, update_id, item, &error));
  g_assert_no_error (error);
}

static void
test_private_message (void)
{
  g_autoptr(JsonNode) update = test_load_fixture ("telegram-update-message.json");
  ConciergeTelegramItem item;
  ConciergeIdentity *author;
  gint64 update_id;

  read_update (update, &update_id, &item);
  g_assert_cmpint (update_id, ==, 10000);
  g_assert_cmpstr (item.thread_remote_id, ==, "chat:1111111");
  g_assert_cmpint (item.visibility, ==, CONCIERGE_VISIBILITY_PRIVATE);
  g_assert_cmpstr (concierge_message_get_remote_id (item.message), ==, "1111111:1365");
  g_assert_cmpstr (concierge_message_get_body (item.message), ==, "/start");
  g_assert_cmpint (concierge_message_get_created_at (item.message), ==, 1441645532);
  g_assert_cmpint (concierge_message_get_direction (item.message), ==, CONCIERGE_DIRECTION_IN);
  g_assert_cmpint (concierge_message_get_edited_at (item.message), ==, 0);

  author = concierge_message_get_author (item.message);
  g_assert_cmpstr (concierge_identity_get_remote_id (author), ==, "1111111");
  g_assert_cmpstr (concierge_identity_get_handle (author), ==, "@Testusername");
  g_assert_cmpstr (concierge_identity_get_display_name (author), ==, "Test Firstname Test Lastname");
  concierge_telegram_item_clear (&item);
}

static void
test_reply_stays_in_its_chat (void)
{
  g_autoptr(JsonNode) update = test_load_fixture ("telegram-update-reply.json");
  ConciergeTelegramItem item;
  gint64 update_id;

  read_update (update, &update_id, &item);
  g_assert_cmpstr (item.thread_remote_id, ==, "chat:1111111");
  g_assert_cmpstr (concierge_message_get_body (item.message), ==, "/start");
  concierge_telegram_item_clear (&item);
}

/* An edit arrives as the same message with its edit time; the store
 * updates the cached message, and the conversation says "edited". */
static void
test_edited_message (void)
{
  g_autoptr(JsonNode) update = test_load_fixture ("telegram-update-edited-message.json");
  ConciergeTelegramItem item;
  gint64 update_id;

  read_update (update, &update_id, &item);
  g_assert_cmpstr (concierge_message_get_remote_id (item.message), ==, "1111111:1365");
  g_assert_cmpstr (concierge_message_get_body (item.message), ==, "Edited text");
  g_assert_cmpint (concierge_message_get_edited_at (item.message), ==, 1441646600);
  concierge_telegram_item_clear (&item);
}

static void
test_edit_updates_the_cached_message (void)
{
  g_autofree char *dir = g_dir_make_tmp ("concierge-telegram-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.sqlite", NULL);
  g_autoptr(JsonNode) original = test_load_fixture ("telegram-update-message.json");
  g_autoptr(JsonNode) edited = test_load_fixture ("telegram-update-edited-message.json");
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *updates[] = { original, edited };

  store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("telegram", "Hilfe", "@" BOT_USERNAME, "https://api.telegram.org", "");
  saved = test_add_account (store, account);

  for (guint i = 0; i < G_N_ELEMENTS (updates); i++)
    {
      ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (saved));
      ConciergeTelegramItem item;
      gint64 update_id;

      read_update (updates[i], &update_id, &item);
      concierge_ingest_add_message (ingest, item.thread_remote_id, item.visibility, item.message);
      concierge_telegram_item_clear (&item);
      test_ingest (store, ingest, &error);
      g_assert_no_error (error);
    }

  index = test_load_index (store, &query);
  g_assert_cmpuint (index->len, ==, 1);
  messages = test_load_messages (store, g_array_index (index, ConciergeInboxEntry, 0).id);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 0)), ==, "Edited text");
  g_assert_cmpint (concierge_message_get_edited_at (g_ptr_array_index (messages, 0)), ==, 1441646600);

  test_close_store (store);
  test_remove_tree (dir);
}

#define GROUP_MESSAGE(update_id, message_id, from_id, text, reply) \
  "{\"update_id\": " #update_id ", \"message\": {\"message_id\": " #message_id ", "          \
  "\"date\": 1764500000, \"chat\": {\"id\": -1001234567890, \"type\": \"supergroup\", "      \
  "\"title\": \"Wellenfunk Community\"}, \"from\": {\"id\": " #from_id ", \"is_bot\": false, " \
  "\"first_name\": \"Mehmet\", \"last_name\": \"Yılmaz\", \"username\": \"mehmet_y\"}, "       \
  "\"text\": \"" text "\"" reply "}}"

/* In a group, only what mentions the bot or answers it is for the agent. */
static void
test_group_messages (void)
{
  g_autoptr(JsonNode) mention =
    parse (GROUP_MESSAGE (11, 201, 5551000102, "@wellenfunkhilfebot Seit gestern kein Netz in 10115?", ""));
  g_autoptr(JsonNode) talk = parse (GROUP_MESSAGE (12, 202, 5551000105, "Bei mir geht alles.", ""));
  g_autoptr(JsonNode) similar = parse (GROUP_MESSAGE (13, 203, 5551000105, "@WellenfunkHilfeBot2 hallo", ""));
  g_autoptr(JsonNode) answer =
    parse (GROUP_MESSAGE (14, 204, 5551000102, "Danke, jetzt geht es.",
                          ", \"reply_to_message\": {\"message_id\": 150, \"date\": 1764499000, "
                          "\"chat\": {\"id\": -1001234567890, \"type\": \"supergroup\"}, "
                          "\"from\": {\"id\": 7000000001, \"is_bot\": true, \"first_name\": \"Wellenfunk Hilfe\"}, "
                          "\"text\": \"Wir prüfen das.\"}"));
  ConciergeTelegramItem item;
  gint64 update_id;

  read_update (mention, &update_id, &item);
  g_assert_cmpstr (item.thread_remote_id, ==, "chat:-1001234567890:user:5551000102");
  g_assert_cmpint (item.visibility, ==, CONCIERGE_VISIBILITY_PUBLIC);
  g_assert_cmpstr (concierge_message_get_remote_id (item.message), ==, "-1001234567890:201");
  concierge_telegram_item_clear (&item);

  read_update (talk, &update_id, &item);
  g_assert_null (item.message);
  g_assert_cmpint (update_id, ==, 12);

  read_update (similar, &update_id, &item);
  g_assert_null (item.message);

  read_update (answer, &update_id, &item);
  g_assert_cmpstr (item.thread_remote_id, ==, "chat:-1001234567890:user:5551000102");
  g_assert_cmpstr (concierge_message_get_body (item.message), ==, "Danke, jetzt geht es.");
  concierge_telegram_item_clear (&item);
}

/* Markup and control characters are text; broken updates are refused in
 * words; what is not a message is skipped. */
static void
test_hostile_updates (void)
{
  g_autoptr(JsonNode) markup =
    parse ("{\"update_id\": 20, \"message\": {\"message_id\": 5, \"date\": 1764500000, "
           "\"chat\": {\"id\": 42, \"type\": \"private\"}, \"from\": {\"id\": 42, \"first_name\": \"<b>Eve</b>\"}, "
           "\"text\": \"<span foreground='red'>Hi</span>\\u0007\\u001b[31m\"}}");
  g_autoptr(JsonNode) no_id = parse ("{\"message\": {}}");
  g_autoptr(JsonNode) not_object = parse ("[1, 2]");
  g_autoptr(JsonNode) callback = parse ("{\"update_id\": 21, \"callback_query\": {\"id\": \"x\"}}");
  g_autoptr(JsonNode) broken = parse ("{\"update_id\": 22, \"message\": {\"chat\": {\"id\": 1, \"type\": \"private\"}, "
                                      "\"from\": {\"id\": 1}, \"text\": \"x\"}}");
  g_autoptr(JsonNode) photo =
    parse ("{\"update_id\": 23, \"message\": {\"message_id\": 6, \"date\": 1764500000, "
           "\"chat\": {\"id\": 42, \"type\": \"private\"}, \"from\": {\"id\": 42, \"first_name\": \"Eve\"}, "
           "\"photo\": []}}");
  ConciergeTelegramItem item;
  g_autoptr(GError) error = NULL;
  gint64 update_id;

  read_update (markup, &update_id, &item);
  g_assert_cmpstr (concierge_message_get_body (item.message), ==, "<span foreground='red'>Hi</span>  [31m");
  g_assert_cmpstr (concierge_identity_get_display_name (concierge_message_get_author (item.message)), ==, "<b>Eve</b>");
  concierge_telegram_item_clear (&item);

  g_assert_false (concierge_telegram_read_update (no_id, BOT_ID, BOT_USERNAME, &update_id, &item, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (concierge_telegram_read_update (not_object, BOT_ID, BOT_USERNAME, &update_id, &item, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
  g_clear_error (&error);

  read_update (callback, &update_id, &item);
  g_assert_null (item.message);
  g_assert_cmpint (update_id, ==, 21);

  g_assert_false (concierge_telegram_read_update (broken, BOT_ID, BOT_USERNAME, &update_id, &item, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
  g_clear_error (&error);

  read_update (photo, &update_id, &item);
  g_assert_nonnull (strstr (concierge_message_get_body (item.message), "without text"));
  concierge_telegram_item_clear (&item);
}

/* Against the sandbox's Bot API */

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
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-telegram-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--telegram-token", TOKEN,
                                         "--reply-delay-ms", "200", "--record", fixture->record, NULL);
  path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("telegram", "Wellenfunk Hilfe", "@" BOT_USERNAME, fixture->url, "");
  fixture->account = test_add_account (fixture->store, account);
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

static void
wait_for (gboolean   (*done) (Fixture *fixture),
          Fixture     *fixture,
          const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

static GArray *
threads (Fixture *fixture,
         int      visibility)
{
  ConciergeInboxQuery query = { .visibility = visibility };

  return test_load_index (fixture->store, &query);
}

static gboolean
inbox_filled (Fixture *fixture)
{
  g_autoptr(GArray) private_threads = threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);
  g_autoptr(GArray) public_threads = threads (fixture, CONCIERGE_VISIBILITY_PUBLIC);

  return private_threads->len >= 2 && public_threads->len >= 1;
}

static gint64
first_private_thread (Fixture *fixture)
{
  g_autoptr(GArray) index = threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);

  g_assert_cmpuint (index->len, >, 0);
  return g_array_index (index, ConciergeInboxEntry, 0).id;
}

static ConciergeSyncState
state (Fixture     *fixture,
       const char **message)
{
  return concierge_sync_get_state (fixture->sync, concierge_account_get_id (fixture->account), message);
}

static void
start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
  wait_for (inbox_filled, fixture, "the bot's chats");
}

static char *
read_record (Fixture *fixture)
{
  char *record = NULL;

  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  return record;
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *at = strstr (haystack, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  return n;
}

/* Private chats, the group's mention, the edit; the group's other talk
 * stays out; the token is nowhere in the record. */
static void
test_sync_fills_the_inbox (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *record = NULL;
  g_autoptr(GArray) private_threads = NULL;
  g_autoptr(GArray) public_threads = NULL;

  start (fixture);
  private_threads = threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);
  public_threads = threads (fixture, CONCIERGE_VISIBILITY_PUBLIC);
  g_assert_cmpuint (private_threads->len, ==, 2);
  g_assert_cmpuint (public_threads->len, >=, 1);
  g_assert_cmpint (state (fixture, NULL), ==, CONCIERGE_SYNC_IDLE);

  record = read_record (fixture);
  g_assert_nonnull (strstr (record, "/bot<redacted>/getUpdates"));
  g_assert_null (strstr (record, TOKEN));
  g_assert_null (strstr (record, "AAH-telegram-test"));
}

static ConciergeMessage *
reply_in (Fixture            *fixture,
          gint64              thread_id,
          const char         *text,
          ConciergeSendState  state)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

  concierge_sync_queue_reply_async (fixture->sync, thread_id, text, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_queue_reply_finish (fixture->sync, result, &error));

  for (;;)
    {
      g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);

      for (guint i = 0; i < messages->len; i++)
        {
          ConciergeMessage *message = g_ptr_array_index (messages, i);

          if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_OUT &&
              g_str_equal (concierge_message_get_body (message), text) &&
              concierge_message_get_send_state (message) == state)
            return g_object_ref (message);
        }

      if (g_get_monotonic_time () > deadline)
        {
          for (guint i = 0; i < messages->len; i++)
            g_test_message ("%s: %s (%s)", concierge_message_get_body (g_ptr_array_index (messages, i)),
                            concierge_send_state_to_string (concierge_message_get_send_state (g_ptr_array_index (messages, i))),
                            concierge_message_get_send_error (g_ptr_array_index (messages, i)));
          g_error ("“%s” never became %s", text, concierge_send_state_to_string (state));
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

/* A private reply answers the customer's message, is sent once, and the
 * customer's answer comes through the open long poll. */
static void
test_reply_in_a_private_chat (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autofree char *record = NULL;
  g_autoptr(GPtrArray) before = NULL;
  gint64 thread_id;
  guint n_before;

  start (fixture);
  thread_id = first_private_thread (fixture);
  before = test_load_messages (fixture->store, thread_id);
  n_before = before->len;

  sent = reply_in (fixture, thread_id, "Wir haben die Rechnung korrigiert.", CONCIERGE_SEND_SENT);
  g_assert_nonnull (concierge_message_get_remote_id (sent));

  record = read_record (fixture);
  g_assert_cmpuint (count (record, "\"/bot<redacted>/sendMessage\""), ==, 1);
  g_assert_nonnull (strstr (record, "reply_parameters"));

  /* The customer answers within a second; the long poll brings it. */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    for (;;)
      {
        g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);

        if (messages->len >= n_before + 2)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (20000);
      }
  }
}

/* Without an idempotency key, a send whose answer was lost is "delivery
 * unknown" and is not sent again by itself; a refused one fails. */
static void
test_faults_while_sending (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeMessage) unknown = NULL;
  g_autoptr(ConciergeMessage) retried = NULL;
  g_autoptr(ConciergeMessage) refused = NULL;
  g_autoptr(ConciergeMessage) server_error = NULL;
  g_autoptr(ConciergeMessage) slow = NULL;
  g_autofree char *record = NULL;
  g_autofree char *too_long = g_strnfill (4097, 'x');
  gint64 thread_id;

  start (fixture);
  thread_id = first_private_thread (fixture);

  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/bot<redacted>/sendMessage\", \"kind\": \"drop-after\"}");
  unknown = reply_in (fixture, thread_id, "Antwort mit verlorener Bestätigung", CONCIERGE_SEND_UNKNOWN);

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/bot<redacted>/sendMessage\", \"kind\": \"429\", \"retry_after\": 1}");
  retried = reply_in (fixture, thread_id, "Antwort nach kurzer Pause", CONCIERGE_SEND_SENT);

  /* A server error after the request left may have been a success. */
  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/bot<redacted>/sendMessage\", \"kind\": \"500\"}");
  server_error = reply_in (fixture, thread_id, "Antwort mit Serverfehler", CONCIERGE_SEND_UNKNOWN);
  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/bot<redacted>/sendMessage\", \"kind\": \"slow\", \"delay_ms\": 1500}");
  slow = reply_in (fixture, thread_id, "Antwort mit Verzögerung", CONCIERGE_SEND_SENT);

  refused = reply_in (fixture, thread_id, too_long, CONCIERGE_SEND_FAILED);
  g_assert_nonnull (strstr (concierge_message_get_send_error (refused), "Telegram refused"));

  record = read_record (fixture);
  g_assert_cmpuint (count (record, "Antwort mit verlorener"), ==, 1);
  g_assert_cmpuint (count (record, "Antwort nach kurzer Pause"), ==, 2);
  g_assert_cmpuint (count (record, "Antwort mit Serverfehler"), ==, 1);
  g_assert_cmpuint (count (record, "Antwort mit Verzögerung"), ==, 1);
  g_assert_null (strstr (record, TOKEN));
}

static void
wait_for_state (Fixture            *fixture,
                ConciergeSyncState  wanted,
                const char        **message)
{
  gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

  while (state (fixture, message) != wanted)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

/* A poll that fails shows why, and polling goes on after a pause. */
static void
test_polling_recovers_from_a_server_error (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(ConciergeMessage) sent = NULL;
  const char *message = NULL;

  start (fixture);
  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/bot<redacted>/getUpdates\", \"kind\": \"500\"}");

  /* The open long poll ends with the customer's answer; the next fails. */
  sent = reply_in (fixture, first_private_thread (fixture), "Kurze Frage zurück", CONCIERGE_SEND_SENT);
  wait_for_state (fixture, CONCIERGE_SYNC_ERROR, &message);
  g_assert_nonnull (strstr (message, "Telegram answered with an error (500)"));
  wait_for_state (fixture, CONCIERGE_SYNC_IDLE, NULL);
}

/* Another reader of the bot's updates: the account says so and stops
 * polling until the agent tries again. */
static void
test_conflict_stops_polling (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *message = NULL;
  g_autofree char *record = NULL;
  g_autofree char *later = NULL;

  start (fixture);
  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/bot<redacted>/getUpdates\", \"kind\": \"409\", \"count\": 1}");

  /* The open long poll ends with the next update; a customer's answer
   * makes one. */
  {
    gint64 thread_id = first_private_thread (fixture);
    g_autoptr(ConciergeMessage) sent = reply_in (fixture, thread_id, "Kurze Rückfrage", CONCIERGE_SEND_SENT);
    gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

    while (state (fixture, &message) != CONCIERGE_SYNC_ERROR)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (20000);
      }
  }
  g_assert_nonnull (strstr (message, "Another program reads this bot"));

  record = read_record (fixture);
  {
    gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  later = read_record (fixture);
  g_assert_cmpuint (count (later, "getUpdates"), ==, count (record, "getUpdates"));

  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (state (fixture, NULL) != CONCIERGE_SYNC_IDLE)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (20000);
      }
  }
}

static void
test_wrong_token_needs_sign_in (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *message = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  concierge_sync_add_account (fixture->sync, fixture->account, "{\"access_token\": \"7000000001:wrong\"}", &error);
  g_assert_no_error (error);
  while (state (fixture, &message) != CONCIERGE_SYNC_NEEDS_SIGN_IN)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  g_assert_nonnull (strstr (message, "Sign in again"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/telegram/private-message", test_private_message);
  g_test_add_func ("/telegram/reply-stays-in-its-chat", test_reply_stays_in_its_chat);
  g_test_add_func ("/telegram/edited-message", test_edited_message);
  g_test_add_func ("/telegram/edit-updates-the-cached-message", test_edit_updates_the_cached_message);
  g_test_add_func ("/telegram/group-messages", test_group_messages);
  g_test_add_func ("/telegram/hostile-updates", test_hostile_updates);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/telegram/sync-fills-the-inbox", test_sync_fills_the_inbox);
  ADD ("/telegram/reply-in-a-private-chat", test_reply_in_a_private_chat);
  ADD ("/telegram/faults-while-sending", test_faults_while_sending);
  ADD ("/telegram/conflict-stops-polling", test_conflict_stops_polling);
  ADD ("/telegram/polling-recovers-from-a-server-error", test_polling_recovers_from_a_server_error);
  ADD ("/telegram/wrong-token-needs-sign-in", test_wrong_token_needs_sign_in);

  return g_test_run ();
}
