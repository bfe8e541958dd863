/* test-facebook-feed.c
 *
 * A Facebook page's comments and visitor posts against the sandbox's
 * Graph API: the threads they become, the page's replies, pictures,
 * paging, deleted comments, and hiding.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "channels/concierge-sync.h"
#include "channels/facebook/concierge-facebook.h"
#include "channels/facebook/concierge-facebook-channel.h"
#include "channels/facebook/concierge-facebook-comment.h"
#include "model/concierge-json.h"

#include "test-leaks.h"
#include "test-util.h"

#define PAGE_TOKEN "EAAGm0PX4ZCpsBAFeedTokenOfTheSandbox"
#define PAGE_ID "104700000000001"
#define SECRET "{\"access_token\": \"" PAGE_TOKEN "\"}"

/* Fixtures */

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  return json_node_get_object (json_array_get_element (array, index));
}

/* The sandbox's feed, as a page of posts with their comments: a photo
 * comment, the page's reply, a hidden comment without its author, and a
 * visitor's post without text. */
static void
test_feed_fixture (void)
{
  g_autoptr(JsonNode) root = test_load_fixture ("facebook-feed-page.json");
  JsonArray *posts = json_object_get_array_member (json_node_get_object (root), "data");
  JsonObject *post = array_object (posts, 0);
  JsonArray *comments = json_object_get_array_member (json_object_get_object_member (post, "comments"), "data");
  g_autoptr(ConciergeMessage) context = NULL;
  g_autoptr(ConciergeMessage) photo = NULL;
  g_autoptr(ConciergeMessage) reply = NULL;
  g_autoptr(ConciergeMessage) hidden = NULL;
  g_autoptr(ConciergeMessage) visitor = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeImage *image;

  context = concierge_facebook_message_from_post (post, PAGE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_remote_id (context), ==, "104700000000001_1220000000000002");
  g_assert_cmpint (concierge_message_get_direction (context), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_true (g_str_has_prefix (concierge_message_get_body (context), "Heute Nacht"));

  photo = concierge_facebook_message_from_comment (array_object (comments, 0), PAGE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_body (photo), ==, "So sieht mein Router gerade aus, ist das normal?");
  g_assert_cmpint (concierge_message_get_direction (photo), ==, CONCIERGE_DIRECTION_IN);
  g_assert_cmpint (concierge_message_get_created_at (photo), ==, 1796698800);
  g_assert_cmpstr (concierge_identity_get_display_name (concierge_message_get_author (photo)), ==, "Sabine Krüger");
  g_assert_cmpstr (concierge_identity_get_remote_id (concierge_message_get_author (photo)), ==, "7100000000000005");
  g_assert_cmpstr (concierge_identity_get_platform (concierge_message_get_author (photo)), ==, "facebook");
  g_assert_cmpuint (concierge_message_get_images (photo)->len, ==, 1);
  image = g_ptr_array_index (concierge_message_get_images (photo), 0);
  g_assert_true (g_str_has_suffix (concierge_image_get_source (image), "_router.png?oh=00_sandbox&oe=6A1C2493"));
  g_assert_cmpuint (concierge_image_get_width (image), ==, 640);
  g_assert_cmpuint (concierge_image_get_height (image), ==, 480);
  g_assert_cmpint (concierge_message_get_taken_down (photo), ==, CONCIERGE_TAKEN_DOWN_NONE);

  reply = concierge_facebook_message_from_comment (array_object (comments, 1), PAGE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (concierge_message_get_direction (reply), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_null (concierge_message_get_author (reply));

  /* Without pages_read_user_content, Meta leaves the author out. */
  hidden = concierge_facebook_message_from_comment (array_object (comments, 2), PAGE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (concierge_message_get_taken_down (hidden), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_cmpint (concierge_message_get_direction (hidden), ==, CONCIERGE_DIRECTION_IN);
  g_assert_cmpstr (concierge_identity_get_display_name (concierge_message_get_author (hidden)), ==,
                   "Facebook user");

  /* A post without text is shown by its address. */
  visitor = concierge_facebook_message_from_post (array_object (posts, 1), PAGE_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (concierge_message_get_direction (visitor), ==, CONCIERGE_DIRECTION_IN);
  g_assert_cmpstr (concierge_message_get_body (visitor), ==,
                   "https://www.facebook.com/104700000000001/posts/1220000000000003");
}

/* Meta's own answers to a comment made and to a comment hidden. */
static void
test_answer_fixtures (void)
{
  g_autoptr(JsonNode) created = test_load_fixture ("meta-comment-create-response.json");
  g_autoptr(JsonNode) updated = test_load_fixture ("meta-comment-update-response.json");

  g_assert_cmpstr (concierge_json_node_string (created, "id"), ==, "{comment-id}");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (updated), "success"));
}

static void
test_unreadable_comment (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"id\": \"1_2\", \"message\": \"Hallo\"}", NULL);
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  message = concierge_facebook_message_from_comment (json_node_get_object (node), PAGE_ID, &error);
  g_assert_null (message);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
}

/* Against the sandbox */

typedef struct
{
  char             *dir;
  char             *record;
  GSubprocess      *sandbox;
  char             *url;
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

  fixture->dir = g_dir_make_tmp ("concierge-facebook-feed-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--facebook-token", PAGE_TOKEN,
                                         "--record", fixture->record, NULL);
  path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("facebook", "Wellenfunk", "Wellenfunk", fixture->url, PAGE_ID);
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
  gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

  while (!done (fixture))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

static char *
read_record (Fixture *fixture)
{
  char *record = NULL;

  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  return record;
}

/* The sandbox's answer about a comment, for tests. */
static JsonNode *
control (Fixture    *fixture,
         const char *json)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (fixture->url, "/_sandbox/facebook/comment", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return node;
}

static GArray *
threads (Fixture *fixture)
{
  ConciergeInboxQuery query = { .visibility = CONCIERGE_VISIBILITY_PUBLIC };

  return test_load_index (fixture->store, &query);
}

/* The thread whose messages include one that starts with @text. */
static gint64
find_thread (Fixture    *fixture,
             const char *text)
{
  g_autoptr(GArray) index = threads (fixture);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, id);

      for (guint j = 0; j < messages->len; j++)
        if (g_str_has_prefix (concierge_message_get_body (g_ptr_array_index (messages, j)), text))
          return id;
    }
  return 0;
}

static ConciergeMessage *
find_message (Fixture    *fixture,
              const char *text)
{
  gint64 thread_id = find_thread (fixture, text);
  g_autoptr(GPtrArray) messages = NULL;

  if (thread_id == 0)
    return NULL;
  messages = test_load_messages (fixture->store, thread_id);
  for (guint j = 0; j < messages->len; j++)
    if (g_str_has_prefix (concierge_message_get_body (g_ptr_array_index (messages, j)), text))
      return g_object_ref (g_ptr_array_index (messages, j));
  return NULL;
}

static gboolean
inbox_filled (Fixture *fixture)
{
  g_autoptr(GArray) index = threads (fixture);

  return index->len >= 6;
}

static void
start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
  wait_for (inbox_filled, fixture, "the page's comments");
}

static ConciergeChannel *
channel (Fixture *fixture)
{
  return concierge_sync_get_channel (fixture->sync, concierge_account_get_id (fixture->account));
}

static void
assert_bodies (Fixture            *fixture,
               gint64              thread_id,
               const char * const *prefixes,
               const int          *directions)
{
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, thread_id);

  for (guint i = 0; i < messages->len; i++)
    g_test_message ("%u: %s", i, concierge_message_get_body (g_ptr_array_index (messages, i)));
  g_assert_cmpuint (messages->len, ==, g_strv_length ((GStrv) prefixes));
  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);

      g_assert_true (g_str_has_prefix (concierge_message_get_body (message), prefixes[i]));
      g_assert_cmpint (concierge_message_get_direction (message), ==, directions[i]);
    }
}

/* Each customer's top-level comment is a thread, with the page's post it
 * answers first and the page's reply as the agent's; a visitor's post is
 * a thread of its own. The token goes in a header only, and into nothing
 * Concierge writes. */
static void
test_sync_builds_threads (Fixture       *fixture,
                          gconstpointer  data)
{
  static const char * const jonas[] = { "Heute Nacht zwischen", "Bei mir ist seit heute Morgen",
                                        "Hallo Jonas, die Arbeiten", "Hab ich gemacht", NULL };
  static const int jonas_directions[] = { CONCIERGE_DIRECTION_OUT, CONCIERGE_DIRECTION_IN,
                                          CONCIERGE_DIRECTION_OUT, CONCIERGE_DIRECTION_IN };
  static const char * const lena[] = { "Seit gestern Abend", NULL };
  static const int lena_directions[] = { CONCIERGE_DIRECTION_IN };
  g_autoptr(GArray) index = NULL;
  g_autoptr(ConciergeMessage) comment = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *record = NULL;
  ConciergeIdentity *author;
  gint64 thread_id;

  start (fixture);
  index = threads (fixture);
  /* Jonas, Murat, Sabine, Petra, Klaus (9 days ago) and Lena's post. */
  g_assert_cmpuint (index->len, ==, 6);
  assert_bodies (fixture, find_thread (fixture, "Bei mir ist seit heute Morgen"), jonas, jonas_directions);
  assert_bodies (fixture, find_thread (fixture, "Seit gestern Abend"), lena, lena_directions);

  thread_id = find_thread (fixture, "Bei mir ist seit heute Morgen");
  loaded = test_load_threads (fixture->store, &thread_id, 1);
  g_assert_cmpstr (concierge_thread_get_contact_name (g_ptr_array_index (loaded, 0)), ==, "Jonas Weber");

  comment = find_message (fixture, "Meine Rechnung für November");
  author = concierge_message_get_author (comment);
  g_assert_cmpstr (concierge_identity_get_display_name (author), ==, "Petra Schmitt");
  g_assert_cmpstr (concierge_identity_get_remote_id (author), ==, "7100000000000002");

  record = read_record (fixture);
  g_assert_nonnull (strstr (record, "\"graph_path\":\"" PAGE_ID "/feed\""));
  g_assert_nonnull (strstr (record, "\"authorization\":\"Bearer " PAGE_TOKEN "\""));
  /* The token goes in a header only, never as a parameter. */
  g_assert_null (strstr (record, "\"access_token\":"));
  test_assert_never_written (PAGE_TOKEN, fixture->dir, fixture->record);
}

static gboolean
picture_cached (Fixture *fixture)
{
  gint64 thread_id = find_thread (fixture, "So sieht mein Router");
  g_autoptr(ConciergeImage) image = thread_id ? test_find_image (fixture->store, thread_id, "So sieht mein Router")
                                              : NULL;

  return image != NULL && concierge_image_get_state (image) == CONCIERGE_IMAGE_CACHED;
}

/* A comment's photo comes from Meta's CDN, which needs no token. */
static void
test_picture_is_cached (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ConciergeImage) image = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *record = NULL;
  const guint8 *png;
  gsize size;

  start (fixture);
  wait_for (picture_cached, fixture, "Sabine's photo");
  image = test_find_image (fixture->store, find_thread (fixture, "So sieht mein Router"), "So sieht mein Router");
  bytes = test_load_image (fixture->store, concierge_image_get_id (image));
  png = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 24);
  g_assert_cmpmem (png, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpuint ((guint) png[18] << 8 | png[19], ==, 640);
}

static guint
count_messages (Fixture    *fixture,
                const char *text)
{
  g_autoptr(GArray) index = threads (fixture);
  guint count = 0;

  for (guint i = 0; i < index->len; i++)
    {
      g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, g_array_index (index, ConciergeInboxEntry, i).id);

      for (guint j = 0; j < messages->len; j++)
        count += g_str_has_prefix (concierge_message_get_body (g_ptr_array_index (messages, j)), text);
    }
  return count;
}

static gboolean
new_comment_arrived (Fixture *fixture)
{
  return count_messages (fixture, "Kommt heute noch ein Techniker") == 1;
}

/* A second fetch reads from the newest comment seen: the new one comes,
 * nothing comes twice, and the cursor moved on. */
static void
test_second_sync_reads_what_is_new (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GArray) index = NULL;

  start (fixture);
  before = test_load_cursor (fixture->store, concierge_account_get_id (fixture->account), "page");
  g_assert_nonnull (strstr (before, "f="));

  answer = control (fixture, "{\"action\": \"add\", \"object_id\": \"104700000000001_1220000000000003\", "
                           "\"from\": \"Jonas Weber\", \"message\": \"Kommt heute noch ein Techniker?\"}");
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  wait_for (new_comment_arrived, fixture, "the new comment");

  /* Under Lena's post, in her thread. */
  g_assert_cmpint (find_thread (fixture, "Kommt heute noch ein Techniker"), ==,
                   find_thread (fixture, "Seit gestern Abend"));
  index = threads (fixture);
  g_assert_cmpuint (index->len, ==, 6);
  g_assert_cmpuint (count_messages (fixture, "Heute Nacht zwischen"), ==, 3);
  g_assert_cmpuint (count_messages (fixture, "Hallo Jonas, die Arbeiten"), ==, 1);
  after = test_load_cursor (fixture->store, concierge_account_get_id (fixture->account), "page");
  g_assert_cmpstr (after, !=, before);
}

static gboolean
many_arrived (Fixture *fixture)
{
  return count_messages (fixture, "Störung Nummer") == 30;
}

/* 30 new comments under one post: 25 come with the feed, the rest from
 * the post's comments, after the feed's cursor. */
static void
test_comments_page_on (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *record = NULL;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"action\": \"add\", \"object_id\": "
                                               "\"104700000000001_1220000000000002\", \"from\": \"Murat Yılmaz\", "
                                               "\"message\": \"Störung Nummer %u\", \"age_s\": %u}", i, 600 - i);

      json_node_unref (control (fixture, json));
    }
  start (fixture);
  wait_for (many_arrived, fixture, "30 comments");

  record = read_record (fixture);
  g_assert_cmpuint (test_count_occurrences (record, "\"graph_path\":\"104700000000001_1220000000000002/comments\""),
                    ==, 1);
  g_assert_nonnull (strstr (record, "\"after\":\"c2FuZGJveDo"));
}

/* A first sync with a number of threads keeps as many, the newest. */
static void
test_first_sync_threads (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) index = NULL;

  fixture->sync = concierge_sync_new (fixture->store, NULL);
  concierge_sync_set_first_sync_threads (fixture->sync, 2);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
  wait_for (picture_cached, fixture, "Sabine's thread");
  index = threads (fixture);
  g_assert_cmpuint (index->len, ==, 2);
  /* Murat wrote two hours ago, Sabine one. */
  g_assert_cmpint (find_thread (fixture, "Danke für die Info"), !=, 0);
  g_assert_cmpint (find_thread (fixture, "Wann kommt Glasfaser"), ==, 0);
}

static gboolean
check_deleted (Fixture *fixture,
               gint64   thread_id)
{
  g_autoptr(GPtrArray) threads_loaded = test_load_threads (fixture->store, &thread_id, 1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done;

  concierge_sync_check_deleted_async (fixture->sync, g_ptr_array_index (threads_loaded, 0), NULL, test_got_result,
                                      &result);
  done = concierge_sync_check_deleted_finish (fixture->sync, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return done;
}

/* A comment its author deleted is "an object that does not exist" when
 * asked for: it is shown as deleted; the others stand. */
static void
test_deleted_comment (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConciergeMessage) deleted = NULL;
  g_autoptr(ConciergeMessage) kept = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *json = NULL;
  gint64 thread_id;

  start (fixture);
  deleted = find_message (fixture, "Hab ich gemacht");
  json = g_strdup_printf ("{\"action\": \"delete\", \"id\": \"%s\"}", concierge_message_get_remote_id (deleted));
  answer = control (fixture, json);
  g_clear_object (&deleted);

  thread_id = find_thread (fixture, "Hab ich gemacht");
  g_assert_true (check_deleted (fixture, thread_id));
  deleted = find_message (fixture, "Hab ich gemacht");
  kept = find_message (fixture, "Bei mir ist seit heute Morgen");
  g_assert_cmpint (concierge_message_get_deleted_at (deleted), >, 0);
  g_assert_cmpint (concierge_message_get_deleted_at (kept), ==, 0);
}

static gboolean
edit_arrived (Fixture *fixture)
{
  return count_messages (fixture, "Bei mir ist seit heute Früh") == 1;
}

/* Meta names no time of an edit: a comment read again with another text
 * is shown as edited, and the others, read again alike, are not. */
static void
test_edited_comment (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConciergeMessage) comment = NULL;
  g_autoptr(ConciergeMessage) edited = NULL;
  g_autoptr(ConciergeMessage) other = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *json = NULL;

  start (fixture);
  comment = find_message (fixture, "Bei mir ist seit heute Morgen");
  g_assert_cmpint (concierge_message_get_edited_at (comment), ==, 0);
  json = g_strdup_printf ("{\"action\": \"edit\", \"id\": \"%s\", \"message\": "
                          "\"Bei mir ist seit heute Früh das Internet weg.\"}", concierge_message_get_remote_id (comment));
  answer = control (fixture, json);
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  wait_for (edit_arrived, fixture, "the edit");

  edited = find_message (fixture, "Bei mir ist seit heute Früh");
  g_assert_cmpstr (concierge_message_get_remote_id (edited), ==, concierge_message_get_remote_id (comment));
  g_assert_cmpint (concierge_message_get_edited_at (edited), >, 0);
  g_assert_cmpint (concierge_message_get_created_at (edited), ==, concierge_message_get_created_at (comment));
  g_assert_cmpuint (count_messages (fixture, "Bei mir ist seit heute Morgen"), ==, 0);
  other = find_message (fixture, "Hab ich gemacht");
  g_assert_cmpint (concierge_message_get_edited_at (other), ==, 0);
}

static void
queue_reply (Fixture    *fixture,
             gint64      thread_id,
             const char *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_sync_queue_reply_async (fixture->sync, thread_id, text, NULL, test_got_result, &result);
  g_assert_true (concierge_sync_queue_reply_finish (fixture->sync, test_wait_result (&result), &error));
  g_assert_no_error (error);
}

static gboolean
reply_sent (Fixture *fixture)
{
  g_autoptr(ConciergeMessage) message = find_message (fixture, "Gern geschehen, Jonas");

  return message != NULL && concierge_message_get_send_state (message) == CONCIERGE_SEND_SENT;
}

static gboolean
fetched_again (Fixture *fixture)
{
  g_autofree char *record = read_record (fixture);

  return test_count_occurrences (record, "\"graph_path\":\"" PAGE_ID "/feed\"") >= 2;
}

/* The agent's answer is a comment by the page under the customer's latest
 * comment; the next sync brings it back, and it stays once. */
static void
test_reply_is_a_comment (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConciergeMessage) latest = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autofree char *record = NULL;
  g_autofree char *path = NULL;
  gint64 thread_id;

  start (fixture);
  thread_id = find_thread (fixture, "Hab ich gemacht");
  latest = find_message (fixture, "Hab ich gemacht");
  queue_reply (fixture, thread_id, "Gern geschehen, Jonas!");
  wait_for (reply_sent, fixture, "the reply");

  record = read_record (fixture);
  path = g_strdup_printf ("\"method\":\"POST\",\"path\":\"/" CONCIERGE_FACEBOOK_GRAPH_VERSION "/%s/comments\"",
                          concierge_message_get_remote_id (latest));
  g_assert_cmpuint (test_count_occurrences (record, path), ==, 1);
  g_assert_nonnull (strstr (record, "\"message\":\"Gern geschehen, Jonas!\""));

  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  wait_for (fetched_again, fixture, "the next fetch");
  sent = find_message (fixture, "Gern geschehen, Jonas");
  g_assert_cmpint (concierge_message_get_direction (sent), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_cmpuint (count_messages (fixture, "Gern geschehen, Jonas"), ==, 1);
  g_assert_cmpint (find_thread (fixture, "Gern geschehen, Jonas"), ==, thread_id);
}

static gboolean
set_hidden (Fixture     *fixture,
            const char  *comment_id,
            gboolean     hidden,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (hidden)
    {
      concierge_channel_hide_async (channel (fixture), comment_id, NULL, test_got_result, &result);
      return concierge_channel_hide_finish (channel (fixture), test_wait_result (&result), error);
    }
  concierge_channel_unhide_async (channel (fixture), comment_id, NULL, test_got_result, &result);
  return concierge_channel_unhide_finish (channel (fixture), test_wait_result (&result), error);
}

static gboolean
sandbox_is_hidden (Fixture    *fixture,
                   const char *comment_id)
{
  g_autofree char *json = g_strdup_printf ("{\"action\": \"get\", \"id\": \"%s\"}", comment_id);
  g_autoptr(JsonNode) answer = control (fixture, json);

  return json_object_get_boolean_member (json_node_get_object (answer), "is_hidden");
}

/* Hiding and showing a customer's comment again: one POST each, with
 * is_hidden; a second hide finds it hidden and posts nothing. */
static void
test_hide_and_unhide (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConciergeMessage) comment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  g_autofree char *path = NULL;
  const char *id;

  start (fixture);
  comment = find_message (fixture, "Danke für die Info");
  id = concierge_message_get_remote_id (comment);

  g_assert_true (set_hidden (fixture, id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sandbox_is_hidden (fixture, id));
  g_assert_true (set_hidden (fixture, id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (set_hidden (fixture, id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (sandbox_is_hidden (fixture, id));

  record = read_record (fixture);
  path = g_strdup_printf ("\"method\":\"POST\",\"path\":\"/" CONCIERGE_FACEBOOK_GRAPH_VERSION "/%s\"", id);
  g_assert_cmpuint (test_count_occurrences (record, path), ==, 2);
  g_assert_cmpuint (test_count_occurrences (record, "\"is_hidden\":\"true\""), ==, 1);
  g_assert_cmpuint (test_count_occurrences (record, "\"is_hidden\":\"false\""), ==, 1);
}

/* The page's own reply cannot be hidden: Concierge says why, and sends
 * nothing that Meta would refuse. */
static void
test_hide_refused (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConciergeMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  g_autofree char *path = NULL;

  start (fixture);
  reply = find_message (fixture, "Hallo Jonas, die Arbeiten");
  g_assert_false (set_hidden (fixture, concierge_message_get_remote_id (reply), TRUE, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "cannot hide its own comments"));
  g_assert_false (sandbox_is_hidden (fixture, concierge_message_get_remote_id (reply)));

  record = read_record (fixture);
  path = g_strdup_printf ("\"method\":\"POST\",\"path\":\"/" CONCIERGE_FACEBOOK_GRAPH_VERSION "/%s\"",
                          concierge_message_get_remote_id (reply));
  g_assert_cmpuint (test_count_occurrences (record, path), ==, 0);
}

static gboolean
murat_arrived (Fixture *fixture)
{
  return count_messages (fixture, "Danke für die Info") == 1;
}

static gboolean
murat_hidden (Fixture *fixture)
{
  g_autoptr(ConciergeMessage) message = find_message (fixture, "Danke für die Info");

  return concierge_message_get_taken_down (message) == CONCIERGE_TAKEN_DOWN_HIDDEN;
}

/* The page's channel, outside the sync. */
static ConciergeChannel *
page_channel (Fixture *fixture)
{
  g_autoptr(SoupSession) session = soup_session_new ();

  return CONCIERGE_CHANNEL (concierge_facebook_new (session, concierge_account_get_id (fixture->account),
                                                    fixture->url, PAGE_ID, PAGE_TOKEN));
}

/* A comment hidden on Facebook before Concierge read it, as by the page's
 * word filter, is shown as hidden. */
static void
test_hidden_comment_shows_hidden (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ConciergeChannel) page = page_channel (fixture);
  g_autoptr(ConciergeMessage) hidden = NULL;
  g_autoptr(ConciergeMessage) shown = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  answer = control (fixture, "{\"action\": \"add\", \"object_id\": \"104700000000001_1220000000000002\", "
                             "\"from\": \"Klaus Becker\", \"message\": \"Ihr seid alle Idioten\", \"age_s\": 60}");
  id = json_object_get_string_member (json_node_get_object (answer), "id");
  concierge_channel_hide_async (page, id, NULL, test_got_result, &result);
  g_assert_true (concierge_channel_hide_finish (page, test_wait_result (&result), &error));
  g_assert_no_error (error);

  start (fixture);
  wait_for (murat_arrived, fixture, "the comments");
  hidden = find_message (fixture, "Ihr seid alle Idioten");
  shown = find_message (fixture, "Danke für die Info");
  g_assert_cmpint (concierge_message_get_taken_down (hidden), ==, CONCIERGE_TAKEN_DOWN_HIDDEN);
  g_assert_cmpint (concierge_message_get_taken_down (shown), ==, CONCIERGE_TAKEN_DOWN_NONE);

  /* Hidden later, from elsewhere: the next fetch, which reads it again,
   * shows it hidden. */
  g_clear_object (&result);
  concierge_channel_hide_async (page, concierge_message_get_remote_id (shown), NULL, test_got_result, &result);
  g_assert_true (concierge_channel_hide_finish (page, test_wait_result (&result), &error));
  g_assert_no_error (error);
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  wait_for (murat_hidden, fixture, "Murat's comment hidden");
}

/* A comment longer than Meta takes is refused before it goes out. */
static void
test_long_comment_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeChannel) page = page_channel (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autofree char *text = g_strnfill (CONCIERGE_FACEBOOK_MAX_COMMENT_LENGTH + 1, 'a');
  ConciergeOutboxEntry entry = { .visibility = CONCIERGE_VISIBILITY_PUBLIC, .text = text,
                                 .thread_remote_id = (char *) "1220000000000002_1220000000000006" };

  concierge_channel_send_async (page, &entry, NULL, test_got_result, &result);
  sent = concierge_channel_send_finish (page, test_wait_result (&result), &error);
  g_assert_null (sent);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  /* The page token must never reach the log. */
  test_capture_log ();

  g_test_add_func ("/facebook-feed/fixture/feed", test_feed_fixture);
  g_test_add_func ("/facebook-feed/fixture/answers", test_answer_fixtures);
  g_test_add_func ("/facebook-feed/fixture/unreadable", test_unreadable_comment);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/facebook-feed/sync/threads", test_sync_builds_threads);
  ADD ("/facebook-feed/sync/picture", test_picture_is_cached);
  ADD ("/facebook-feed/sync/second", test_second_sync_reads_what_is_new);
  ADD ("/facebook-feed/sync/paging", test_comments_page_on);
  ADD ("/facebook-feed/sync/first-sync-threads", test_first_sync_threads);
  ADD ("/facebook-feed/sync/deleted", test_deleted_comment);
  ADD ("/facebook-feed/sync/edited", test_edited_comment);
  ADD ("/facebook-feed/sync/hidden", test_hidden_comment_shows_hidden);
  ADD ("/facebook-feed/send/reply", test_reply_is_a_comment);
  ADD ("/facebook-feed/send/too-long", test_long_comment_refused);
  ADD ("/facebook-feed/hide/hide-unhide", test_hide_and_unhide);
  ADD ("/facebook-feed/hide/refused", test_hide_refused);
#undef ADD

  return g_test_run ();
}
