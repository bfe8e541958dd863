/* test-telegram-chats.c
 *
 * What a Telegram bot may do and sees in each chat, against the sandbox:
 * whether it may remove a customer's message from a group (getChatMember,
 * kept up to date by my_chat_member updates, and the 48 hours of
 * deleteMessage), its privacy mode, and files that arrive as what they
 * are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-sync.h"
#include "channels/telegram/concierge-telegram-channel.h"

#include "test-leaks.h"
#include "test-util.h"

#define BOT_USERNAME "WellenfunkHilfeBot"
#define TOKEN "7000000001:AAH-telegram-chats-Qm3Xw8Lp1Zr5"
#define SECRET "{\"access_token\": \"" TOKEN "\"}"
/* Where the bot administers the group and may delete messages, and where
 * it is a plain member. */
#define ADMIN_GROUP "-1001234567890"
#define MEMBER_GROUP "-1009876543210"
/* Between a size and its unit, as g_format_size() writes it. */
#define NBSP "\u00a0"

typedef struct
{
  GSubprocess      *sandbox;
  char             *url;
  char             *dir;
  char             *record;
  ConciergeStore   *store;
  ConciergeAccount *account;
  ConciergeSync    *sync;
  guint             download_limit_mb;
} Fixture;

static void
set_up (Fixture    *fixture,
        const char *privacy)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-telegram-chats-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--telegram-token", TOKEN,
                                         "--reply-delay-ms", "600000", "--record", fixture->record,
                                         "--seed-telegram-chats", "--telegram-privacy", privacy, NULL);
  path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("telegram", "Wellenfunk Hilfe", "@" BOT_USERNAME, fixture->url, "");
  fixture->account = test_add_account (fixture->store, account);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  set_up (fixture, "on");
}

static void
fixture_set_up_privacy_off (Fixture       *fixture,
                            gconstpointer  data)
{
  set_up (fixture, "off");
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
iterate_until (gboolean   (*done) (Fixture *fixture),
               Fixture     *fixture,
               const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

/* The requests for @bot_method in the sandbox's record, oldest first. */
static GPtrArray *
requests (Fixture    *fixture,
          const char *bot_method)
{
  g_autofree char *record = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  lines = g_strsplit (record, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);
      JsonObject *request = node ? json_node_get_object (node) : NULL;

      if (request != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (request, "bot_method", ""), bot_method) == 0)
        g_ptr_array_add (found, json_object_ref (request));
    }
  return found;
}

static ConciergeChannel *
channel (Fixture *fixture)
{
  ConciergeChannel *channel = concierge_sync_get_channel (fixture->sync, concierge_account_get_id (fixture->account));

  g_assert_nonnull (channel);
  return channel;
}

/* The first poll answered at once with the seeded updates, and they are
 * in; the next waits on the server, and is recorded only once it ends. */
static gboolean
has_synced (Fixture *fixture)
{
  g_autoptr(GPtrArray) polls = requests (fixture, "getUpdates");

  return polls->len >= 1 &&
         concierge_sync_get_state (fixture->sync, concierge_account_get_id (fixture->account), NULL) ==
         CONCIERGE_SYNC_IDLE;
}

static void
start_syncing (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  concierge_sync_set_document_download_limit (fixture->sync, fixture->download_limit_mb);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
  iterate_until (has_synced, fixture, "the first polls");
}

static ConciergeRemoval
ask_removal (Fixture    *fixture,
             const char *thread_remote_id,
             gint64      sent_at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeRemoval removal;

  concierge_channel_get_removal_async (channel (fixture), thread_remote_id, sent_at, NULL, test_got_result, &result);
  removal = concierge_channel_get_removal_finish (channel (fixture), test_wait_result (&result), &error);
  g_assert_no_error (error);
  return removal;
}

static gint64
minutes_ago (gint64 minutes)
{
  return g_get_real_time () / G_USEC_PER_SEC - minutes * 60;
}

/* The bot administers one group with the right to delete, and is a plain
 * member of the other: only there the answer is no. A message from three
 * days ago is past deleteMessage's 48 hours. Each group is asked once. */
static void
test_removal_asks_the_bot_s_rights (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) asked = NULL;

  start_syncing (fixture);

  g_assert_cmpint (ask_removal (fixture, "chat:" MEMBER_GROUP ":user:5551000105", minutes_ago (16)), ==,
                   CONCIERGE_REMOVAL_NOT_PERMITTED);
  g_assert_cmpint (ask_removal (fixture, "chat:" ADMIN_GROUP ":user:5551000102", minutes_ago (30)), ==,
                   CONCIERGE_REMOVAL_ALLOWED);
  g_assert_cmpint (ask_removal (fixture, "chat:" ADMIN_GROUP ":user:5551000102", minutes_ago (72 * 60)), ==,
                   CONCIERGE_REMOVAL_TOO_OLD);
  g_assert_cmpint (ask_removal (fixture, "chat:" ADMIN_GROUP ":user:5551000102", minutes_ago (47 * 60)), ==,
                   CONCIERGE_REMOVAL_ALLOWED);
  g_assert_cmpint (ask_removal (fixture, "chat:" MEMBER_GROUP ":user:5551000105", minutes_ago (1)), ==,
                   CONCIERGE_REMOVAL_NOT_PERMITTED);

  asked = requests (fixture, "getChatMember");
  g_assert_cmpuint (asked->len, ==, 2);
  for (guint i = 0; i < asked->len; i++)
    {
      JsonObject *query = json_object_get_object_member (g_ptr_array_index (asked, i), "query");

      g_assert_cmpint (json_object_get_int_member (query, "user_id"), ==, G_GINT64_CONSTANT (7000000001));
    }
}

static void
set_bot_member (Fixture    *fixture,
                const char *chat,
                const char *status,
                gboolean    can_delete)
{
  g_autofree char *json = g_strdup_printf ("{\"chat_id\": %s, \"status\": \"%s\", \"can_delete_messages\": %s}",
                                           chat, status, can_delete ? "true" : "false");

  test_sandbox_post (fixture->url, "/_sandbox/telegram/bot-member", json);
}

static gboolean
admin_group_refuses (Fixture *fixture)
{
  return ask_removal (fixture, "chat:" ADMIN_GROUP ":user:5551000102", minutes_ago (1)) ==
         CONCIERGE_REMOVAL_NOT_PERMITTED;
}

static gboolean
member_group_allows (Fixture *fixture)
{
  return ask_removal (fixture, "chat:" MEMBER_GROUP ":user:5551000105", minutes_ago (1)) ==
         CONCIERGE_REMOVAL_ALLOWED;
}

/* An administrator demotes the bot in one group and promotes it in the
 * other: the my_chat_member updates change the answers, without asking
 * getChatMember again. getUpdates names every kind of update it reads,
 * my_chat_member among them, or Telegram would not send it. */
static void
test_my_chat_member_changes_the_answer (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GPtrArray) polls = NULL;
  g_autoptr(GPtrArray) asked = NULL;
  JsonArray *allowed;
  g_autofree const char **kinds = NULL;

  start_syncing (fixture);
  g_assert_cmpint (ask_removal (fixture, "chat:" ADMIN_GROUP ":user:5551000102", minutes_ago (1)), ==,
                   CONCIERGE_REMOVAL_ALLOWED);
  g_assert_cmpint (ask_removal (fixture, "chat:" MEMBER_GROUP ":user:5551000105", minutes_ago (1)), ==,
                   CONCIERGE_REMOVAL_NOT_PERMITTED);

  set_bot_member (fixture, ADMIN_GROUP, "member", FALSE);
  iterate_until (admin_group_refuses, fixture, "the demotion to reach the bot");
  set_bot_member (fixture, MEMBER_GROUP, "administrator", TRUE);
  iterate_until (member_group_allows, fixture, "the promotion to reach the bot");
  /* An administrator who may not delete is no help either. */
  set_bot_member (fixture, ADMIN_GROUP, "administrator", FALSE);
  set_bot_member (fixture, MEMBER_GROUP, "administrator", FALSE);
  iterate_until (admin_group_refuses, fixture, "the rights to reach the bot");

  asked = requests (fixture, "getChatMember");
  g_assert_cmpuint (asked->len, ==, 2);

  polls = requests (fixture, "getUpdates");
  allowed = json_object_get_array_member (json_object_get_object_member (g_ptr_array_index (polls, 0), "query"),
                                          "allowed_updates");
  kinds = g_new0 (const char *, json_array_get_length (allowed) + 1);
  for (guint i = 0; i < json_array_get_length (allowed); i++)
    kinds[i] = json_array_get_string_element (allowed, i);
  g_assert_true (g_strv_contains (kinds, "message"));
  g_assert_true (g_strv_contains (kinds, "edited_message"));
  g_assert_true (g_strv_contains (kinds, "my_chat_member"));
}

static char *
notice (Fixture *fixture)
{
  return concierge_channel_dup_notice (channel (fixture));
}

/* getMe's can_read_all_group_messages, read when the sync starts, says
 * what the account's row tells the agent. */
static void
test_privacy_mode_on (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *text = NULL;

  start_syncing (fixture);
  text = notice (fixture);
  g_assert_cmpstr (text, ==, "In groups, the bot sees only messages that mention it or reply to it, unless it is an "
                             "administrator there. Turn off privacy mode with @BotFather to see every message.");
  g_assert_cmpuint (requests (fixture, "getMe")->len, ==, 1);
}

static void
test_privacy_mode_off (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *text = NULL;

  start_syncing (fixture);
  text = notice (fixture);
  g_assert_cmpstr (text, ==, "In groups, the bot sees every message: privacy mode is off.");
}

/* The messages in the thread whose remote id is @remote_id, as the cache
 * reads them back; none for a thread it does not have. */
static GPtrArray *
thread_messages (Fixture    *fixture,
                 const char *remote_id)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (fixture->store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &id, 1);

      if (g_strcmp0 (concierge_thread_get_remote_id (g_ptr_array_index (threads, 0)), remote_id) == 0)
        return test_load_messages (fixture->store, id);
    }
  return g_ptr_array_new ();
}

/* The bodies of the messages in the thread whose remote id is @remote_id. */
static GPtrArray *
bodies (Fixture    *fixture,
        const char *remote_id)
{
  g_autoptr(GPtrArray) messages = thread_messages (fixture, remote_id);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint j = 0; j < messages->len; j++)
    g_ptr_array_add (found, g_strdup (concierge_message_get_body (g_ptr_array_index (messages, j))));
  return found;
}

static gboolean
files_arrived (Fixture *fixture)
{
  g_autoptr(GPtrArray) lukas = bodies (fixture, "chat:5551000104");

  return lukas->len >= 10;
}

static gboolean
holds (GPtrArray  *texts,
       const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}

/* Documents, voice and video messages, audio, video and a sticker say what
 * they are, with the caption as text; none is a message without text. */
static void
test_files_arrive_as_what_they_are (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) lukas = NULL;

  start_syncing (fixture);
  iterate_until (files_arrived, fixture, "Lukas's files");
  lukas = bodies (fixture, "chat:5551000104");

  g_assert_true (holds (lukas, "Document “Mietvertrag_Gohlis.pdf” (48.2" NBSP "kB)\n"
                               "Hier der Mietvertrag für die neue Wohnung."));
  g_assert_true (holds (lukas, "Voice message (0:07, 30.7" NBSP "kB)"));
  g_assert_true (holds (lukas, "Audio “Warteschleife.mp3” (3:04, 2.9" NBSP "MB)"));
  g_assert_true (holds (lukas, "Video “router-led.mp4” (0:12, 1.9" NBSP "MB)\nSo blinkt der Router seit dem Umzug."));
  g_assert_true (holds (lukas, "Video message (0:09, 734.0" NBSP "kB)"));
  g_assert_true (holds (lukas, "Sticker 👍"));
  g_assert_true (holds (lukas, "Document “Kontoauszuege_2024.pdf” (12.6" NBSP "MB)\nDie Kontoauszüge, wie gewünscht."));
  for (guint i = 0; i < lukas->len; i++)
    g_assert_null (strstr (g_ptr_array_index (lukas, i), "without text"));
}

/* The files in the messages of the thread whose remote id is @remote_id,
 * as the cache reads them back. */
static GPtrArray *
attachments (Fixture    *fixture,
             const char *remote_id)
{
  g_autoptr(GPtrArray) messages = thread_messages (fixture, remote_id);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint j = 0; j < messages->len; j++)
    {
      GPtrArray *files = concierge_message_get_attachments (g_ptr_array_index (messages, j));

      for (guint k = 0; files != NULL && k < files->len; k++)
        g_ptr_array_add (found, g_object_ref (g_ptr_array_index (files, k)));
    }
  return found;
}

static ConciergeAttachment *
find_attachment (GPtrArray  *files,
                 const char *source)
{
  for (guint i = 0; i < files->len; i++)
    if (g_str_equal (concierge_attachment_get_source (g_ptr_array_index (files, i)), source))
      return g_ptr_array_index (files, i);
  g_error ("No file %s", source);
}

#define RENTAL_CONTRACT "BQACAgIAAxkBAAIBLukas-Mietvertrag"
#define STATEMENTS "BQACAgIAAxkBAAIBLukas-Kontoauszuege"
#define ROUTER_LOGS "BQACAgIAAxkBAAIBLukas-Router-Protokolle"

/* Every file keeps its kind, name, type, size and length as data, beside
 * the text that describes it. */
static void
test_files_keep_what_they_are (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  ConciergeAttachment *file;

  start_syncing (fixture);
  iterate_until (files_arrived, fixture, "Lukas's files");
  files = attachments (fixture, "chat:5551000104");
  g_assert_cmpuint (files->len, ==, 8);

  file = find_attachment (files, RENTAL_CONTRACT);
  g_assert_cmpint (concierge_attachment_get_kind (file), ==, CONCIERGE_ATTACHMENT_DOCUMENT);
  g_assert_cmpstr (concierge_attachment_get_name (file), ==, "Mietvertrag_Gohlis.pdf");
  g_assert_cmpstr (concierge_attachment_get_mime_type (file), ==, "application/pdf");
  g_assert_cmpint (concierge_attachment_get_size (file), ==, 48213);
  file = find_attachment (files, "AwACAgIAAxkBAAIBLukas-Sprachnachricht");
  g_assert_cmpint (concierge_attachment_get_kind (file), ==, CONCIERGE_ATTACHMENT_VOICE);
  g_assert_cmpint (concierge_attachment_get_duration (file), ==, 7);
  file = find_attachment (files, "DQACAgIAAxkBAAIBLukas-Videonachricht");
  g_assert_cmpint (concierge_attachment_get_kind (file), ==, CONCIERGE_ATTACHMENT_VIDEO_NOTE);
  file = find_attachment (files, "CAACAgIAAxkBAAIBLukas-Daumen");
  g_assert_cmpint (concierge_attachment_get_kind (file), ==, CONCIERGE_ATTACHMENT_STICKER);
}


static gboolean
contract_downloaded (Fixture *fixture)
{
  g_autoptr(GPtrArray) files = attachments (fixture, "chat:5551000104");

  return files->len == 8 && concierge_attachment_is_cached (find_attachment (files, RENTAL_CONTRACT));
}

/* Whether getFile was asked for the file @source. */
static gboolean
asked_for (Fixture    *fixture,
           const char *source)
{
  g_autoptr(GPtrArray) asked = requests (fixture, "getFile");

  for (guint i = 0; i < asked->len; i++)
    {
      JsonObject *query = json_object_get_object_member (g_ptr_array_index (asked, i), "query");

      if (g_strcmp0 (json_object_get_string_member_with_default (query, "file_id", ""), source) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The document's bytes as the cache keeps them. */
static GBytes *
cached_bytes (Fixture    *fixture,
              const char *source)
{
  g_autoptr(GPtrArray) files = attachments (fixture, "chat:5551000104");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  concierge_store_load_file_async (fixture->store, concierge_attachment_get_id (find_attachment (files, source)),
                                   NULL, test_got_result, &result);
  bytes = concierge_store_load_file_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return bytes;
}

/* Documents up to the limit are downloaded after the sync, with the limit
 * at 20 MB the one of 12 MB too; the one of 24 MB, more than getFile
 * serves, is never asked for. The voice message is no document. */
static void
test_documents_download_up_to_20 (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GBytes) bytes = NULL;

  fixture->download_limit_mb = 20;
  start_syncing (fixture);
  iterate_until (contract_downloaded, fixture, "the rental contract's download");
  files = attachments (fixture, "chat:5551000104");
  /* The newest first: the statements came after the contract. */
  g_assert_true (concierge_attachment_is_cached (find_attachment (files, STATEMENTS)));
  g_assert_false (concierge_attachment_is_cached (find_attachment (files, ROUTER_LOGS)));
  g_assert_false (concierge_attachment_is_cached (find_attachment (files, "AwACAgIAAxkBAAIBLukas-Sprachnachricht")));
  g_assert_true (asked_for (fixture, STATEMENTS));
  g_assert_false (asked_for (fixture, ROUTER_LOGS));

  bytes = cached_bytes (fixture, STATEMENTS);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 12 * 1024 * 1024);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = cached_bytes (fixture, RENTAL_CONTRACT);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 48213);

  /* The download addresses hold the token; nothing the downloads leave
   * behind does. */
  test_assert_never_written (TOKEN, fixture->dir, fixture->record);
}

/* At the default of 10 MB, the document of 12 MB is not asked for. */
static void
test_documents_download_up_to_10 (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) files = NULL;

  fixture->download_limit_mb = 10;
  start_syncing (fixture);
  iterate_until (contract_downloaded, fixture, "the rental contract's download");
  files = attachments (fixture, "chat:5551000104");
  g_assert_false (concierge_attachment_is_cached (find_attachment (files, STATEMENTS)));
  g_assert_false (asked_for (fixture, STATEMENTS));
  g_assert_false (asked_for (fixture, ROUTER_LOGS));
}

/* With privacy mode on, the group where the bot is a plain member brings
 * only Petra's mention; Jonas's talk there never reaches the bot. With it
 * off, Telegram delivers his message too, and the bot leaves it alone. */
static void
test_plain_member_group (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) petra = NULL;
  g_autoptr(GPtrArray) jonas = NULL;

  start_syncing (fixture);
  iterate_until (files_arrived, fixture, "the seeded updates");
  petra = bodies (fixture, "chat:" MEMBER_GROUP ":user:5551000105");
  g_assert_cmpuint (petra->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (petra, 0), "0170 9876543"));
  jonas = bodies (fixture, "chat:" MEMBER_GROUP ":user:5551000106");
  g_assert_cmpuint (jonas->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_capture_log ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_PRIVACY_OFF(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up_privacy_off, func, fixture_tear_down)

  ADD ("/telegram/chats/removal/asks-the-bot-s-rights", test_removal_asks_the_bot_s_rights);
  ADD ("/telegram/chats/removal/my-chat-member-changes-the-answer", test_my_chat_member_changes_the_answer);
  ADD ("/telegram/chats/privacy-mode/on", test_privacy_mode_on);
  ADD ("/telegram/chats/files/keep-what-they-are", test_files_keep_what_they_are);
  ADD ("/telegram/chats/files/download-up-to-20", test_documents_download_up_to_20);
  ADD ("/telegram/chats/files/download-up-to-10", test_documents_download_up_to_10);
  ADD_PRIVACY_OFF ("/telegram/chats/privacy-mode/off", test_privacy_mode_off);
  ADD ("/telegram/chats/plain-member-group", test_plain_member_group);
  ADD_PRIVACY_OFF ("/telegram/chats/plain-member-group/privacy-off", test_plain_member_group);
  ADD ("/telegram/chats/files/arrive-as-what-they-are", test_files_arrive_as_what_they_are);

  return g_test_run ();
}
