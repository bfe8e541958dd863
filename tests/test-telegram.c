/* test-telegram.c
 *
 * Telegram's updates as the project's model objects: the documentation's
 * own examples byte for byte, synthetic group messages, and hostile input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-telegram.h"

#include "test-util.h"

#define BOT_ID 7000000001
#define BOT_USERNAME "WellenfunkHilfeBot"

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

  return g_test_run ();
}
