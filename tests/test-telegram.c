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
#include "channels/telegram/concierge-telegram-channel.h"
#include "channels/telegram/concierge-telegram-update.h"

#include "test-leaks.h"
#include "test-util.h"

#define BOT_ID 7000000001
#define BOT_USERNAME "WellenfunkHilfeBot"
/* The part after the colon is what lets someone act as the bot. */
#define TOKEN_SECRET "AAH-telegram-test-Zp4Lq8sW2xN6vB0cT3yR"
#define TOKEN "7000000001:" TOKEN_SECRET
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
  GArray           *states;   /* ConciergeSyncState, each the account took */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->states = g_array_new (FALSE, FALSE, sizeof (ConciergeSyncState));
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
  if (fixture->sync != NULL)
    g_signal_handlers_disconnect_by_data (fixture->sync, fixture);
  g_clear_object (&fixture->sync);
  g_array_unref (fixture->states);
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
state_changed_cb (ConciergeSync *sync,
                  gint64         account_id,
                  Fixture       *fixture)
{
  ConciergeSyncState now = concierge_sync_get_state (sync, account_id, NULL);

  g_array_append_val (fixture->states, now);
}

/* Whether the account showed @wanted at any time since it started. */
static gboolean
was_ever (Fixture            *fixture,
          ConciergeSyncState  wanted)
{
  for (guint i = 0; i < fixture->states->len; i++)
    if (g_array_index (fixture->states, ConciergeSyncState, i) == wanted)
      return TRUE;
  return FALSE;
}

/* Starts syncing the account, without waiting for anything. */
static void
start_syncing (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  g_signal_connect (fixture->sync, "state-changed", G_CALLBACK (state_changed_cb), fixture);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
}

static void
start (Fixture *fixture)
{
  start_syncing (fixture);
  wait_for (inbox_filled, fixture, "the bot's chats");
}

static char *
read_record (Fixture *fixture)
{
  char *record = NULL;

  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  return record;
}

/* Private chats, the group's mention, the edit; the group's other talk
 * stays out. The record shows that the app used the test's token, and the
 * token is in nothing the app wrote itself. */
static void
test_sync_fills_the_inbox (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *record = NULL;
  g_autoptr(GArray) private_threads = NULL;
  g_autoptr(GArray) public_threads = NULL;
  g_autoptr(GPtrArray) accounts = NULL;

  start (fixture);
  private_threads = threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);
  public_threads = threads (fixture, CONCIERGE_VISIBILITY_PUBLIC);
  g_assert_cmpuint (private_threads->len, ==, 2);
  g_assert_cmpuint (public_threads->len, >=, 1);
  g_assert_cmpint (state (fixture, NULL), ==, CONCIERGE_SYNC_IDLE);

  record = read_record (fixture);
  g_assert_nonnull (strstr (record, "\"path\":\"/bot" TOKEN "/getUpdates\""));
  test_assert_never_written (TOKEN_SECRET, fixture->dir, fixture->record);

  /* The bot, added without its id as from an older command line, learnt
   * it from getMe: adding the same bot again finds it. */
  accounts = test_load_accounts (fixture->store);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpstr (concierge_account_get_remote_user_id (g_ptr_array_index (accounts, 0)), ==, "7000000001");
}

static ConciergeImage *
lukas_photo (Fixture *fixture)
{
  g_autoptr(GArray) index = threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);

  for (guint i = 0; i < index->len; i++)
    {
      ConciergeImage *image = test_find_image (fixture->store, g_array_index (index, ConciergeInboxEntry, i).id,
                                               "Nehme ich den Router einfach mit");

      if (image != NULL)
        return image;
    }

  return NULL;
}

static gboolean
photo_cached (Fixture *fixture)
{
  g_autoptr(ConciergeImage) image = lukas_photo (fixture);

  return image != NULL && concierge_image_get_state (image) == CONCIERGE_IMAGE_CACHED;
}

/* A photo is kept in the largest size that fits a conversation, fetched
 * through getFile, and the bot's token stays out of everything but the
 * request itself. */
static void
test_photo_is_cached (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConciergeImage) image = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *record = NULL;
  const guint8 *png;
  gsize size;

  start (fixture);
  wait_for (photo_cached, fixture, "Lukas's photo");
  image = lukas_photo (fixture);
  g_assert_cmpstr (concierge_image_get_source (image), ==, "AgACAgIAAxkBAAPKZ2Lukas202-800x600_x");
  g_assert_cmpuint (concierge_image_get_width (image), ==, 800);
  g_assert_cmpuint (concierge_image_get_height (image), ==, 600);

  /* The PNG's own header says 800 × 600. */
  bytes = test_load_image (fixture->store, concierge_image_get_id (image));
  png = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 24);
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpuint ((guint) png[18] << 8 | png[19], ==, 800);
  g_assert_cmpuint ((guint) png[22] << 8 | png[23], ==, 600);

  record = read_record (fixture);
  g_assert_cmpuint (test_count_occurrences (record, "\"bot_method\":\"getFile\""), ==, 1);
  g_assert_cmpuint (test_count_occurrences (record, "\"path\":\"/file/bot" TOKEN "/photos/file_2.png\""), ==, 1);
  test_assert_never_written (TOKEN_SECRET, fixture->dir, fixture->record);
}

static void
queue_reply (Fixture    *fixture,
             gint64      thread_id,
             const char *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_sync_queue_reply_async (fixture->sync, thread_id, text, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_queue_reply_finish (fixture->sync, result, &error));
  g_assert_no_error (error);
}

/* The agent's reply with @text, once it is in @state. */
static ConciergeMessage *
wait_for_send_state (Fixture            *fixture,
                     gint64              thread_id,
                     const char         *text,
                     ConciergeSendState  state)
{
  gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

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

static ConciergeMessage *
reply_in (Fixture            *fixture,
          gint64              thread_id,
          const char         *text,
          ConciergeSendState  state)
{
  queue_reply (fixture, thread_id, text);
  return wait_for_send_state (fixture, thread_id, text, state);
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
  g_assert_cmpuint (test_count_occurrences (record, "\"bot_method\":\"sendMessage\""), ==, 1);
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
  g_assert_cmpuint (test_count_occurrences (record, "Antwort mit verlorener"), ==, 1);
  g_assert_cmpuint (test_count_occurrences (record, "Antwort nach kurzer Pause"), ==, 2);
  g_assert_cmpuint (test_count_occurrences (record, "Antwort mit Serverfehler"), ==, 1);
  g_assert_cmpuint (test_count_occurrences (record, "Antwort mit Verzögerung"), ==, 1);
  /* Nor do the errors of failed sends, which the cache keeps, name it. */
  test_assert_never_written (TOKEN_SECRET, fixture->dir, fixture->record);
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
  g_assert_cmpuint (test_count_occurrences (later, "getUpdates"), ==, test_count_occurrences (record, "getUpdates"));

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

/* Every fault the sandbox knows, on the way out and on the way in */

#define CUSTOMER_ANSWER "Danke, das hilft mir weiter!"
/* The update after the seven seeded ones. */
#define AFTER_SEEDED 870000008

static void
add_fault (Fixture    *fixture,
           const char *bot_method,
           const char *kind,
           const char *more)
{
  g_autofree char *json = g_strdup_printf ("{\"path\": \"/bot<redacted>/%s\", \"kind\": \"%s\"%s}",
                                           bot_method, kind, more);

  test_sandbox_post (fixture->url, "/_sandbox/fault", json);
}

/* The requests for @bot_method in the sandbox's record, oldest first. A
 * line still being written waits for the next look. */
static GPtrArray *
requests (Fixture    *fixture,
          const char *bot_method)
{
  g_autofree char *record = read_record (fixture);
  g_auto(GStrv) lines = g_strsplit (record, "\n", -1);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autoptr(JsonNode) node = parse (lines[i]);
      JsonObject *request = json_node_get_object (node);

      if (g_strcmp0 (json_object_get_string_member_with_default (request, "bot_method", ""), bot_method) == 0)
        g_ptr_array_add (found, json_object_ref (request));
    }
  return found;
}

static gint64
status_of (JsonObject *request)
{
  return json_object_get_int_member_with_default (request, "status", -1);
}

/* How many sendMessage requests with @text reached the sandbox, of those
 * it answered with @status, or of all for -1. */
static guint
sends_of (Fixture    *fixture,
          const char *text,
          gint64      status)
{
  g_autoptr(GPtrArray) sends = requests (fixture, "sendMessage");
  guint n = 0;

  for (guint i = 0; i < sends->len; i++)
    {
      JsonObject *request = g_ptr_array_index (sends, i);
      JsonObject *query = json_object_get_object_member (request, "query");

      if (g_strcmp0 (json_object_get_string_member_with_default (query, "text", NULL), text) == 0 &&
          (status < 0 || status_of (request) == status))
        n++;
    }
  return n;
}

/* The offset each getUpdates asked from, in order; 0 for none. */
static GArray *
poll_offsets (Fixture *fixture)
{
  g_autoptr(GPtrArray) polls = requests (fixture, "getUpdates");
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < polls->len; i++)
    {
      JsonObject *query = json_object_get_object_member (g_ptr_array_index (polls, i), "query");
      gint64 offset = json_object_get_int_member_with_default (query, "offset", 0);

      g_array_append_val (offsets, offset);
    }
  return offsets;
}

static guint
messages_with (Fixture            *fixture,
               gint64              thread_id,
               ConciergeDirection  direction,
               const char         *body)
{
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);
  guint n = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);

      if (concierge_message_get_direction (message) == direction &&
          g_str_equal (concierge_message_get_body (message), body))
        n++;
    }
  return n;
}

/* The customer answers each message of the bot that reached the chat,
 * once, after the sandbox's reply delay; waits for @n answers in the
 * thread. The answers come in the order the bot's messages did, so once
 * the last awaited one is in, an answer to anything that reached the chat
 * before it is in too. */
static void
wait_for_answers (Fixture *fixture,
                  gint64   thread_id,
                  guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (messages_with (fixture, thread_id, CONCIERGE_DIRECTION_IN, CUSTOMER_ANSWER) < n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The customer answered %u times, not %u",
                 messages_with (fixture, thread_id, CONCIERGE_DIRECTION_IN, CUSTOMER_ANSWER), n);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  g_assert_cmpuint (messages_with (fixture, thread_id, CONCIERGE_DIRECTION_IN, CUSTOMER_ANSWER), ==, n);
}

/* The agent's Retry, or their word that a reply of unknown fate goes again. */
static void
resend (Fixture          *fixture,
        ConciergeMessage *message)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_sync_resend_async (fixture->sync, concierge_account_get_id (fixture->account),
                               concierge_message_get_id (message), NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_resend_finish (fixture->sync, result, &error));
  g_assert_no_error (error);
}

/* Sends a reply that the customer answers, and waits for the answer: by
 * then, the outbox has gone past every reply queued before it. */
static void
reply_and_wait_for_answer (Fixture    *fixture,
                           gint64      thread_id,
                           const char *text,
                           guint       n_answers)
{
  g_autoptr(ConciergeMessage) sent = reply_in (fixture, thread_id, text, CONCIERGE_SEND_SENT);

  wait_for_answers (fixture, thread_id, n_answers);
}

/* The server took the request and answered 200 with broken JSON: the reply
 * may well be in the chat. Without an idempotency key it is "delivery
 * unknown", stays so while the outbox goes on, and goes again once, when
 * the agent says so. */
static void
test_unreadable_send_answer_is_unknown (Fixture       *fixture,
                                        gconstpointer  data)
{
  static const char text[] = "Antwort mit unlesbarer Bestätigung";
  g_autoptr(ConciergeMessage) unknown = NULL;
  g_autoptr(ConciergeMessage) still = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  gint64 thread_id;

  start (fixture);
  thread_id = first_private_thread (fixture);

  add_fault (fixture, "sendMessage", "malformed", "");
  unknown = reply_in (fixture, thread_id, text, CONCIERGE_SEND_UNKNOWN);
  g_assert_nonnull (strstr (concierge_message_get_send_error (unknown), "cannot read"));
  g_assert_null (concierge_message_get_remote_id (unknown));
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 1);

  /* The agent's sync and the next reply run the outbox; it leaves this
   * one alone. */
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  reply_and_wait_for_answer (fixture, thread_id, "Antwort nach der unlesbaren", 1);
  still = wait_for_send_state (fixture, thread_id, text, CONCIERGE_SEND_UNKNOWN);
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 1);
  g_assert_cmpint (state (fixture, NULL), ==, CONCIERGE_SYNC_IDLE);

  /* The agent says it shall go again: once, and the conversation shows
   * it once. */
  resend (fixture, unknown);
  sent = wait_for_send_state (fixture, thread_id, text, CONCIERGE_SEND_SENT);
  g_assert_nonnull (concierge_message_get_remote_id (sent));
  g_assert_null (concierge_message_get_send_error (sent));
  wait_for_answers (fixture, thread_id, 2);
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 2);
  g_assert_cmpuint (messages_with (fixture, thread_id, CONCIERGE_DIRECTION_OUT, text), ==, 1);
}

/* The server closed the connection before it handled the request. To
 * Concierge that looks like a connection lost after the request left, as
 * drop-after does: the reply is "delivery unknown", never sent again by
 * itself, and reaches the customer once when the agent sends it again. */
static void
test_send_dropped_before_handling (Fixture       *fixture,
                                   gconstpointer  data)
{
  static const char text[] = "Antwort, deren Verbindung abriss";
  g_autoptr(ConciergeMessage) unknown = NULL;
  g_autoptr(ConciergeMessage) still = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  gint64 thread_id;

  start (fixture);
  thread_id = first_private_thread (fixture);

  add_fault (fixture, "sendMessage", "drop-before", "");
  unknown = reply_in (fixture, thread_id, text, CONCIERGE_SEND_UNKNOWN);
  g_assert_nonnull (concierge_message_get_send_error (unknown));
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 1);
  g_assert_cmpuint (sends_of (fixture, text, 200), ==, 0);

  /* The next reply goes, and only it is answered: the dropped one never
   * reached the customer, and was not sent again. */
  reply_and_wait_for_answer (fixture, thread_id, "Antwort nach dem Abbruch", 1);
  still = wait_for_send_state (fixture, thread_id, text, CONCIERGE_SEND_UNKNOWN);
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 1);

  resend (fixture, unknown);
  sent = wait_for_send_state (fixture, thread_id, text, CONCIERGE_SEND_SENT);
  wait_for_answers (fixture, thread_id, 2);
  g_assert_cmpuint (sends_of (fixture, text, 200), ==, 1);
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 2);
  g_assert_cmpuint (messages_with (fixture, thread_id, CONCIERGE_DIRECTION_OUT, text), ==, 1);
}

/* Telegram says the chat or the message is not there: the reply fails
 * with Telegram's reason and waits for the agent; the outbox goes on. */
static void
test_send_not_found_fails (Fixture       *fixture,
                           gconstpointer  data)
{
  static const char text[] = "Antwort in einen verschwundenen Chat";
  g_autoptr(ConciergeMessage) failed = NULL;
  g_autoptr(ConciergeMessage) still = NULL;
  gint64 thread_id;

  start (fixture);
  thread_id = first_private_thread (fixture);

  add_fault (fixture, "sendMessage", "404", "");
  failed = reply_in (fixture, thread_id, text, CONCIERGE_SEND_FAILED);
  g_assert_nonnull (strstr (concierge_message_get_send_error (failed), "Telegram refused the request"));
  g_assert_nonnull (strstr (concierge_message_get_send_error (failed), "Not Found"));
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 1);

  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  reply_and_wait_for_answer (fixture, thread_id, "Antwort nach dem Fehlschlag", 1);
  still = wait_for_send_state (fixture, thread_id, text, CONCIERGE_SEND_FAILED);
  g_assert_cmpuint (sends_of (fixture, text, -1), ==, 1);
  g_assert_cmpint (state (fixture, NULL), ==, CONCIERGE_SYNC_IDLE);
  g_assert_false (was_ever (fixture, CONCIERGE_SYNC_ERROR));
}

/* The server posted the reply but holds its answer back. The reply stays
 * "sending" and is not sent again while Concierge waits, whatever else
 * runs the outbox meanwhile; the next reply waits its turn. */
static void
test_send_held_back (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char held[] = "Antwort, deren Bestätigung auf sich warten lässt";
  static const char behind[] = "Antwort hinter der wartenden";
  g_autoptr(ConciergeMessage) sending = NULL;
  g_autoptr(ConciergeMessage) queued = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(ConciergeMessage) sent_behind = NULL;
  gint64 thread_id, deadline;

  start (fixture);
  thread_id = first_private_thread (fixture);

  add_fault (fixture, "sendMessage", "hold", "");
  queue_reply (fixture, thread_id, held);
  sending = wait_for_send_state (fixture, thread_id, held, CONCIERGE_SEND_SENDING);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (sends_of (fixture, held, 200) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }

  /* The agent syncs and writes the next reply; the customer answers the
   * held one, which the open long poll brings in, and that runs the
   * outbox too. */
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  queue_reply (fixture, thread_id, behind);
  wait_for_answers (fixture, thread_id, 1);

  g_clear_object (&sending);
  sending = wait_for_send_state (fixture, thread_id, held, CONCIERGE_SEND_SENDING);
  queued = wait_for_send_state (fixture, thread_id, behind, CONCIERGE_SEND_QUEUED);
  g_assert_cmpuint (sends_of (fixture, held, -1), ==, 1);
  g_assert_cmpuint (sends_of (fixture, behind, -1), ==, 0);
  g_assert_cmpint (state (fixture, NULL), ==, CONCIERGE_SYNC_IDLE);

  test_sandbox_post (fixture->url, "/_sandbox/release", "{}");
  sent = wait_for_send_state (fixture, thread_id, held, CONCIERGE_SEND_SENT);
  g_assert_nonnull (concierge_message_get_remote_id (sent));
  sent_behind = wait_for_send_state (fixture, thread_id, behind, CONCIERGE_SEND_SENT);
  wait_for_answers (fixture, thread_id, 2);
  g_assert_cmpuint (sends_of (fixture, held, -1), ==, 1);
  g_assert_cmpuint (sends_of (fixture, behind, -1), ==, 1);
  g_assert_cmpuint (messages_with (fixture, thread_id, CONCIERGE_DIRECTION_OUT, held), ==, 1);
  g_assert_cmpuint (messages_with (fixture, thread_id, CONCIERGE_DIRECTION_OUT, behind), ==, 1);
}

/* Each seeded update is in the inbox once: Sabine's question as she edited
 * it, Lukas's two messages, Mehmet's mention and Jonas's answer to the
 * bot; and the saved cursor confirms all seven. */
static void
assert_seeded_updates_once (Fixture *fixture)
{
  g_autoptr(GArray) private_threads = threads (fixture, CONCIERGE_VISIBILITY_PRIVATE);
  g_autoptr(GArray) public_threads = threads (fixture, CONCIERGE_VISIBILITY_PUBLIC);
  g_autofree char *cursor = NULL;
  guint n_private = 0, n_edited = 0;

  g_assert_cmpuint (private_threads->len, ==, 2);
  for (guint i = 0; i < private_threads->len; i++)
    {
      g_autoptr(GPtrArray) messages = test_load_messages (fixture->store,
                                                          g_array_index (private_threads, ConciergeInboxEntry, i).id);

      n_private += messages->len;
      for (guint j = 0; j < messages->len; j++)
        if (strstr (concierge_message_get_body (g_ptr_array_index (messages, j)), "RE-2024-204817") != NULL)
          n_edited++;
    }
  g_assert_cmpuint (n_private, ==, 3);
  g_assert_cmpuint (n_edited, ==, 1);

  g_assert_cmpuint (public_threads->len, ==, 2);
  for (guint i = 0; i < public_threads->len; i++)
    {
      g_autoptr(GPtrArray) messages = test_load_messages (fixture->store,
                                                          g_array_index (public_threads, ConciergeInboxEntry, i).id);

      g_assert_cmpuint (messages->len, ==, 1);
    }

  cursor = test_load_cursor (fixture->store, concierge_account_get_id (fixture->account),
                             CONCIERGE_TELEGRAM_CURSOR_STREAM);
  g_assert_cmpstr (cursor, ==, G_STRINGIFY (AFTER_SEEDED));
}

/* The first getUpdates met the fault with the seven seeded updates
 * waiting. The next asks from the same place, so nothing is confirmed
 * that Concierge did not save; once they are saved, polling goes on after
 * them, never asks for them again, and brings the customer's answer to a
 * reply. */
static void
assert_polls_resume_where_they_failed (Fixture *fixture)
{
  g_autoptr(GArray) offsets = NULL;

  /* A long poll is recorded once it is answered: the answer ends it. */
  reply_and_wait_for_answer (fixture, first_private_thread (fixture), "Rückfrage nach der Störung", 1);
  offsets = poll_offsets (fixture);
  g_assert_cmpuint (offsets->len, >=, 3);
  g_assert_cmpint (g_array_index (offsets, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (offsets, gint64, 1), ==, 0);
  g_assert_cmpint (g_array_index (offsets, gint64, 2), ==, AFTER_SEEDED);
  for (guint i = 3; i < offsets->len; i++)
    g_assert_cmpint (g_array_index (offsets, gint64, i), >=, g_array_index (offsets, gint64, i - 1));
}

/* getUpdates answered 200 with broken JSON: the account says so, tries
 * again after a pause, and every update comes in once. */
static void
test_unreadable_updates_are_fetched_again (Fixture       *fixture,
                                           gconstpointer  data)
{
  const char *message = NULL;

  add_fault (fixture, "getUpdates", "malformed", "");
  start_syncing (fixture);
  wait_for_state (fixture, CONCIERGE_SYNC_ERROR, &message);
  g_assert_nonnull (strstr (message, "cannot read"));

  wait_for (inbox_filled, fixture, "the bot's chats");
  wait_for_state (fixture, CONCIERGE_SYNC_IDLE, NULL);
  assert_seeded_updates_once (fixture);
  assert_polls_resume_where_they_failed (fixture);
}

/* The connection closed before the server handled getUpdates: nothing was
 * confirmed, and the updates come with the next poll, once. */
static void
test_dropped_poll_loses_nothing (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) polls = NULL;
  const char *message = NULL;

  add_fault (fixture, "getUpdates", "drop-before", "");
  start_syncing (fixture);
  wait_for_state (fixture, CONCIERGE_SYNC_ERROR, &message);
  /* In the app's words, not libsoup's. */
  g_assert_cmpstr (message, ==, "The connection to the server broke off.");
  wait_for (inbox_filled, fixture, "the bot's chats");
  wait_for_state (fixture, CONCIERGE_SYNC_IDLE, NULL);

  polls = requests (fixture, "getUpdates");
  g_assert_cmpint (status_of (g_ptr_array_index (polls, 0)), !=, 200);
  assert_seeded_updates_once (fixture);
  assert_polls_resume_where_they_failed (fixture);
}

/* Telegram asks to wait: the next getUpdates comes no sooner than it
 * said, the account shows no error for it, and the updates come in
 * once. */
static void
test_rate_limited_poll_waits (Fixture       *fixture,
                              gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gint64 limited_at = 0, next_at = 0;

  add_fault (fixture, "getUpdates", "429", ", \"retry_after\": 3");
  start_syncing (fixture);

  /* The record's lines come as the sandbox answers; each is seen within
   * 20 ms. */
  while (next_at == 0)
    {
      g_autoptr(GPtrArray) polls = requests (fixture, "getUpdates");

      if (polls->len >= 1 && limited_at == 0)
        {
          g_assert_cmpint (status_of (g_ptr_array_index (polls, 0)), ==, 429);
          limited_at = g_get_monotonic_time ();
        }
      if (polls->len >= 2)
        next_at = g_get_monotonic_time ();
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  /* 3 s, less what a timer in whole seconds may round off. */
  g_assert_cmpint (next_at - limited_at, >=, 2500 * 1000);

  wait_for (inbox_filled, fixture, "the bot's chats");
  wait_for_state (fixture, CONCIERGE_SYNC_IDLE, NULL);
  g_assert_false (was_ever (fixture, CONCIERGE_SYNC_ERROR));
  g_assert_false (was_ever (fixture, CONCIERGE_SYNC_OFFLINE));
  assert_seeded_updates_once (fixture);
  assert_polls_resume_where_they_failed (fixture);
}

static void
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* A server that answers getUpdates at once whatever its timeout says, as
 * a proxy or an emulator of the Bot API may: the polls go on, one a
 * second at most, and the updates arrive once all the same. */
static void
test_poll_answered_at_once_does_not_spin (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) last = NULL;
  gboolean done = FALSE;
  gint64 from;
  guint polls;

  add_fault (fixture, "getUpdates", "ignore-timeout", ", \"count\": 100000");
  start_syncing (fixture);
  wait_for (inbox_filled, fixture, "the bot's chats");

  /* The main loop runs freely, as in the app: a loop that slept between
   * its turns would itself slow the polls down. */
  first = requests (fixture, "getUpdates");
  from = g_get_monotonic_time ();
  g_timeout_add_once (3000, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  last = requests (fixture, "getUpdates");
  polls = last->len - first->len;
  g_assert_cmpint (g_get_monotonic_time () - from, <, 4 * G_USEC_PER_SEC);

  /* Three seconds: three polls, and a fourth at the edge. A zero-second
   * timeout fires at once within the first quarter of GLib's second, so
   * without a pause of its own the sync asks dozens of times. */
  g_assert_cmpuint (polls, <=, 4);
  g_assert_cmpuint (polls, >=, 1);
  assert_seeded_updates_once (fixture);
}

/* A slow answer is waited for, not given up on and asked again: first
 * with the seeded updates, then on a long poll that an answer of the
 * customer ends. Nothing shows as an error, nothing is lost. */
static void
test_slow_poll_is_waited_for (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GArray) offsets = NULL;
  gint64 thread_id;

  add_fault (fixture, "getUpdates", "slow", ", \"delay_ms\": 1500");
  start_syncing (fixture);
  wait_for (inbox_filled, fixture, "the bot's chats");
  assert_seeded_updates_once (fixture);

  /* Whichever long poll takes it, the customer's answer is late, not
   * lost. */
  thread_id = first_private_thread (fixture);
  add_fault (fixture, "getUpdates", "slow", ", \"delay_ms\": 1500");
  reply_and_wait_for_answer (fixture, thread_id, "Erste Rückfrage", 1);
  reply_and_wait_for_answer (fixture, thread_id, "Zweite Rückfrage", 2);
  g_assert_cmpint (state (fixture, NULL), ==, CONCIERGE_SYNC_IDLE);
  g_assert_false (was_ever (fixture, CONCIERGE_SYNC_ERROR));
  g_assert_false (was_ever (fixture, CONCIERGE_SYNC_OFFLINE));

  /* One poll for the seeded updates, not asked again while it was slow,
   * and no later poll asks for what an earlier one brought. */
  offsets = poll_offsets (fixture);
  g_assert_cmpuint (offsets->len, >=, 3);
  g_assert_cmpint (g_array_index (offsets, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (offsets, gint64, 1), ==, AFTER_SEEDED);
  for (guint i = 2; i < offsets->len; i++)
    g_assert_cmpint (g_array_index (offsets, gint64, i), >=, g_array_index (offsets, gint64, i - 1));
  g_assert_cmpint (g_array_index (offsets, gint64, offsets->len - 1), >, AFTER_SEEDED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_capture_log ();

  g_test_add_func ("/telegram/private-message", test_private_message);
  g_test_add_func ("/telegram/reply-stays-in-its-chat", test_reply_stays_in_its_chat);
  g_test_add_func ("/telegram/edited-message", test_edited_message);
  g_test_add_func ("/telegram/edit-updates-the-cached-message", test_edit_updates_the_cached_message);
  g_test_add_func ("/telegram/group-messages", test_group_messages);
  g_test_add_func ("/telegram/hostile-updates", test_hostile_updates);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/telegram/sync-fills-the-inbox", test_sync_fills_the_inbox);
  ADD ("/telegram/photo-is-cached", test_photo_is_cached);
  ADD ("/telegram/reply-in-a-private-chat", test_reply_in_a_private_chat);
  ADD ("/telegram/faults-while-sending", test_faults_while_sending);
  ADD ("/telegram/conflict-stops-polling", test_conflict_stops_polling);
  ADD ("/telegram/polling-recovers-from-a-server-error", test_polling_recovers_from_a_server_error);
  ADD ("/telegram/wrong-token-needs-sign-in", test_wrong_token_needs_sign_in);
  ADD ("/telegram/send/unreadable-answer-is-unknown", test_unreadable_send_answer_is_unknown);
  ADD ("/telegram/send/dropped-before-handling", test_send_dropped_before_handling);
  ADD ("/telegram/send/not-found-fails", test_send_not_found_fails);
  ADD ("/telegram/send/held-back", test_send_held_back);
  ADD ("/telegram/poll/unreadable-updates-are-fetched-again", test_unreadable_updates_are_fetched_again);
  ADD ("/telegram/poll/dropped-poll-loses-nothing", test_dropped_poll_loses_nothing);
  ADD ("/telegram/poll/rate-limited-poll-waits", test_rate_limited_poll_waits);
  ADD ("/telegram/poll/answered-at-once-does-not-spin", test_poll_answered_at_once_does_not_spin);
  ADD ("/telegram/poll/slow-poll-is-waited-for", test_slow_poll_is_waited_for);

  return g_test_run ();
}
