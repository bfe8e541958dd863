/* test-mastodon.c
 *
 * Mastodon's JSON, from the verbatim fixtures of its documentation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "channels/mastodon/concierge-mastodon-channel.h"
#include "channels/mastodon/concierge-mastodon-status.h"

#include "test-util.h"

#define TOKEN "sandbox-token-for-the-mastodon-test"

static JsonNode *
member (JsonNode   *node,
        const char *name)
{
  return json_object_get_member (json_node_get_object (node), name);
}

static void
test_mention_notification (void)
{
  g_autoptr(JsonNode) notification = test_load_fixture ("mastodon-notification-mention.json");
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeVisibility visibility = CONCIERGE_VISIBILITY_PRIVATE;
  ConciergeIdentity *author;

  message = concierge_mastodon_message_from_status (member (notification, "status"), "1",
                                                    &visibility, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_remote_id (message), ==, "108914343542683797");
  g_assert_cmpstr (concierge_message_get_body (message), ==, "@trwnh test");
  g_assert_cmpint (concierge_message_get_created_at (message), ==, 1661900992);
  g_assert_cmpint (concierge_message_get_direction (message), ==, CONCIERGE_DIRECTION_IN);
  /* Unlisted is public: anyone can read it. */
  g_assert_cmpint (visibility, ==, CONCIERGE_VISIBILITY_PUBLIC);

  author = concierge_message_get_author (message);
  g_assert_nonnull (author);
  g_assert_cmpstr (concierge_identity_get_remote_id (author), ==, "108892712797543112");
  g_assert_cmpstr (concierge_identity_get_handle (author), ==, "@a@pl.nulled.red");
  g_assert_cmpstr (concierge_identity_get_display_name (author), ==, "a");
}

static void
test_content_warning_stays_apart (void)
{
  g_autoptr(JsonNode) notification = test_load_fixture ("mastodon-notification-mention.json");
  JsonNode *status = member (notification, "status");
  g_autoptr(ConciergeMessage) plain = NULL;
  g_autoptr(ConciergeMessage) warned = NULL;
  g_autoptr(GError) error = NULL;

  plain = concierge_mastodon_message_from_status (status, "1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_content_warning (plain), ==, "");

  json_object_set_string_member (json_node_get_object (status), "spoiler_text", "Rechnung <b>falsch</b>");
  warned = concierge_mastodon_message_from_status (status, "1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_content_warning (warned), ==, "Rechnung <b>falsch</b>");
  g_assert_cmpstr (concierge_message_get_body (warned), ==, "@trwnh test");
}

static void
test_direct_conversation (void)
{
  g_autoptr(JsonNode) conversation = test_load_fixture ("mastodon-conversation.json");
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeVisibility visibility = CONCIERGE_VISIBILITY_PUBLIC;

  message = concierge_mastodon_message_from_status (member (conversation, "last_status"), "1",
                                                    &visibility, &error);
  g_assert_no_error (error);
  g_assert_cmpint (visibility, ==, CONCIERGE_VISIBILITY_PRIVATE);
  g_assert_cmpstr (concierge_message_get_body (message), ==, "test @trwnh");
}

static void
test_public_status_keeps_links_whole (void)
{
  g_autoptr(JsonNode) status = test_load_fixture ("mastodon-status.json");
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  const char *own_id = json_node_get_string (member (member (status, "account"), "id"));

  /* The agent's own status is outgoing and has no author identity. */
  message = concierge_mastodon_message_from_status (status, own_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (concierge_message_get_direction (message), ==, CONCIERGE_DIRECTION_OUT);
  g_assert_null (concierge_message_get_author (message));
  g_assert_cmpstr (concierge_message_get_body (message), ==,
                   "\"I lost my inheritance with one wrong digit on my sort code\"\n\n"
                   "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code");
}

static void
test_html_is_only_ever_text (void)
{
  static const struct { const char *html; const char *text; } cases[] = {
    { "<p>Hallo<br>Welt</p><p>Zweiter Absatz</p>", "Hallo\nWelt\n\nZweiter Absatz" },
    { "<script>alert(1)</script><b>fett</b> &lt;i&gt;kursiv&lt;/i&gt;", "fett <i>kursiv</i>" },
    { "<p>Umlaute &amp; Emoji: äöü 🌻</p>", "Umlaute & Emoji: äöü 🌻" },
    { "<a href=\"javascript:alert(1)\">klick</a>", "klick" },
    { "<a class=\"hashtag\" href=\"https://social.example/tags/dsl\">#<span>dsl</span></a> kaputt", "#dsl kaputt" },
    { "Steuer\x01zeichen\x1b weg", "Steuerzeichen weg" },
    { "<p>unclosed <b>tags <i>everywhere", "unclosed tags everywhere" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = concierge_mastodon_html_to_text (cases[i].html);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_malformed_status_is_refused (void)
{
  static const char * const bodies[] = {
    "[]",
    "{\"id\": \"1\"}",
    "{\"id\": 1, \"content\": \"x\", \"created_at\": \"2022-08-30T23:09:52Z\", \"account\": {\"id\": \"2\"}}",
    "{\"id\": \"1\", \"content\": \"x\", \"created_at\": \"yesterday\", \"account\": {\"id\": \"2\"}}",
    "{\"id\": \"1\", \"content\": \"x\", \"created_at\": \"2022-08-30T23:09:52Z\", \"account\": \"2\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bodies[i], NULL);
      g_autoptr(ConciergeMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      message = concierge_mastodon_message_from_status (node, "1", NULL, &error);
      g_assert_null (message);
      g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
    }
}

/* Against the sandbox server, over HTTP on 127.0.0.1 */

typedef struct
{
  GSubprocess    *sandbox;
  char           *url;
  SoupSession    *session;
  char           *dir;
  ConciergeStore *store;
  gint64          account_id;
} Sandbox;

static void
sandbox_set_up (Sandbox       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--reply-delay-ms", "100", NULL);

  /* Every channel shares one session; a held response must not block the
   * others, so it allows more than libsoup's two connections per host. */
  fixture->session = g_object_new (SOUP_TYPE_SESSION, "max-conns", 64, "max-conns-per-host", 16, NULL);

  fixture->dir = g_dir_make_tmp ("concierge-mastodon-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("mastodon", "Support", "@support", fixture->url, "1");
  saved = test_add_account (fixture->store, account);
  fixture->account_id = concierge_account_get_id (saved);
}

static void
sandbox_tear_down (Sandbox       *fixture,
                   gconstpointer  data)
{
  test_sandbox_stop (fixture->sandbox);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->session);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
}

static ConciergeIngest *
fetch (ConciergeMastodon  *mastodon,
       const char         *cursor,
       char              **new_cursor,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_channel_fetch_async (CONCIERGE_CHANNEL (mastodon), cursor, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_channel_fetch_finish (CONCIERGE_CHANNEL (mastodon), result, new_cursor, error);
}

static void
inject_fault (Sandbox    *fixture,
              const char *json)
{
  test_sandbox_post (fixture->url, "/_sandbox/fault", json);
}

static void
test_fetch_mentions_and_conversations (Sandbox       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon =
    concierge_mastodon_new (fixture->session, fixture->account_id, fixture->url, "1", TOKEN);
  ConciergeInboxQuery everything = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  ConciergeInboxQuery private_only = { .visibility = CONCIERGE_VISIBILITY_PRIVATE };
  g_autoptr(GArray) index = NULL;
  g_autoptr(GArray) private_index = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *second_cursor = NULL;
  ConciergeIngest *ingest;

  ingest = fetch (mastodon, NULL, &cursor, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cursor);
  /* Two public mentions, and the direct one once, as its conversation. */
  g_assert_cmpuint (concierge_ingest_get_size (ingest), ==, 3);
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);

  index = test_load_index (fixture->store, &everything);
  g_assert_cmpuint (index->len, ==, 3);
  private_index = test_load_index (fixture->store, &private_only);
  g_assert_cmpuint (private_index->len, ==, 1);

  /* From the cursor on there is nothing new. */
  ingest = fetch (mastodon, cursor, &second_cursor, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (concierge_ingest_get_size (ingest), ==, 0); /* the conversation is unchanged */
  g_assert_cmpstr (second_cursor, ==, cursor);
  concierge_ingest_free (ingest);
}

/* Customers who write privately several times between two fetches: the
 * conversation list shows only each one's newest message, but every one
 * lands in its private thread. */
static void
test_every_direct_message_arrives (Sandbox       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) live = test_sandbox_start (TOKEN, &url, "--live-interval-ms", "100", NULL);
  g_autoptr(ConciergeMastodon) mastodon = concierge_mastodon_new (fixture->session, fixture->account_id, url, "1", TOKEN);
  ConciergeInboxQuery private_only = { .visibility = CONCIERGE_VISIBILITY_PRIVATE };
  g_autoptr(GArray) index = NULL;
  g_autoptr(GError) error = NULL;
  guint n_private = 0;
  ConciergeIngest *ingest;

  /* Every third live status is private: after a second there are several
   * per customer. */
  g_usleep (2 * G_USEC_PER_SEC);
  ingest = fetch (mastodon, NULL, NULL, &error);
  g_assert_no_error (error);
  test_ingest (fixture->store, ingest, &error);
  g_assert_no_error (error);
  test_sandbox_stop (g_steal_pointer (&live));

  index = test_load_index (fixture->store, &private_only);
  for (guint i = 0; i < index->len; i++)
    {
      g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, g_array_index (index, ConciergeInboxEntry, i).id);

      n_private += messages->len;
    }

  /* The seeded direct message and the live ones: a conversation holds more
   * than its newest message, which is all the conversation list shows. */
  g_assert_cmpuint (n_private, >=, 1 + 5);
  g_assert_cmpuint (n_private, >, index->len);
}

/* The first sync reads back through every page of earlier mentions, a
 * page a fetch; the next goes on from the newest. */
static void
test_first_fetch_reads_back (Sandbox       *fixture,
                             gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) busy = test_sandbox_start (TOKEN, &url, "--seed-mentions", "150", NULL);
  g_autoptr(ConciergeMastodon) mastodon = concierge_mastodon_new (fixture->session, fixture->account_id, url, "1", TOKEN);
  ConciergeInboxQuery public_only = { .visibility = CONCIERGE_VISIBILITY_PUBLIC };
  g_autoptr(GArray) index = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  ConciergeIngest *ingest;

  /* A page back a fetch, while the channel says there is more. */
  do
    {
      g_autofree char *next = NULL;

      ingest = fetch (mastodon, cursor, &next, &error);
      g_assert_no_error (error);
      test_ingest (fixture->store, ingest, &error);
      g_assert_no_error (error);
      g_free (cursor);
      cursor = g_steal_pointer (&next);
    }
  while (concierge_channel_has_more (CONCIERGE_CHANNEL (mastodon)));
  test_sandbox_stop (g_steal_pointer (&busy));

  /* 150 seeded mentions and the two public ones the sandbox always has. */
  index = test_load_index (fixture->store, &public_only);
  g_assert_cmpuint (index->len, ==, 152);
  g_assert_false (concierge_channel_has_more (CONCIERGE_CHANNEL (mastodon)));
}

static ConciergeMessage *
send (ConciergeMastodon     *mastodon,
      ConciergeOutboxEntry  *entry,
      GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_channel_send_async (CONCIERGE_CHANNEL (mastodon), entry, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_channel_send_finish (CONCIERGE_CHANNEL (mastodon), result, error);
}

/* What Mastodon can do, with the length limit from the instance, and a
 * private message to a person who has no conversation yet. */
static void
test_capabilities_and_private_message (Sandbox       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) sandbox = test_sandbox_start (TOKEN, &url, "--max-characters", "280", NULL);
  g_autoptr(ConciergeMastodon) mastodon = concierge_mastodon_new (fixture->session, fixture->account_id, url, NULL, TOKEN);
  ConciergeOutboxEntry entry = {
    .idempotency_key = (char *) "6f1c0e52-7d1b-4c55-9a43-2f0c6a1e9b11",
    .visibility = CONCIERGE_VISIBILITY_PRIVATE,
    .text = (char *) "Wir haben Ihnen eine Gutschrift angelegt.",
    .recipient_handle = (char *) "@tom",
  };
  ConciergeChannelCapabilities capabilities;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(ConciergeMessage) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* The first fetch asks the instance for its limit and the account for
   * its own id. */
  concierge_ingest_free (fetch (mastodon, NULL, NULL, &error));
  g_assert_no_error (error);
  concierge_channel_get_capabilities (CONCIERGE_CHANNEL (mastodon), &capabilities);
  g_assert_cmpuint (capabilities.max_length, ==, 280);
  g_assert_false (capabilities.can_hide);
  g_assert_false (capabilities.can_remove_for_personal_data);
  g_assert_true (capabilities.can_reply_privately);
  g_assert_true (capabilities.has_idempotency);
  g_assert_cmpuint (capabilities.reply_window_seconds, ==, 0);

  /* A direct status reaches only whom it mentions. */
  sent = send (mastodon, &entry, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_body (sent), ==, "@tom Wir haben Ihnen eine Gutschrift angelegt.");
  g_assert_cmpint (concierge_message_get_direction (sent), ==, CONCIERGE_DIRECTION_OUT);

  /* The same key again is the same status, not a second one. */
  again = send (mastodon, &entry, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_message_get_remote_id (again), ==, concierge_message_get_remote_id (sent));

  /* Mastodon cannot hide a customer's post, and says so. */
  concierge_channel_hide_async (CONCIERGE_CHANNEL (mastodon), "109000000000000001", NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (concierge_channel_hide_finish (CONCIERGE_CHANNEL (mastodon), result, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED);

  test_sandbox_stop (g_steal_pointer (&sandbox));
}

static void
test_fetch_errors_are_explained (Sandbox       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) wrong =
    concierge_mastodon_new (fixture->session, fixture->account_id, fixture->url, "1", "not-the-token");
  g_autoptr(ConciergeMastodon) mastodon =
    concierge_mastodon_new (fixture->session, fixture->account_id, fixture->url, "1", TOKEN);
  g_autoptr(GError) error = NULL;

  g_assert_null (fetch (wrong, NULL, NULL, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  inject_fault (fixture, "{\"path\": \"/api/v1/notifications\", \"kind\": \"429\", \"retry_after\": 7}");
  g_assert_null (fetch (mastodon, NULL, NULL, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED);
  g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (mastodon)), ==, 7);
  g_clear_error (&error);

  inject_fault (fixture, "{\"path\": \"/api/v1/notifications\", \"kind\": \"malformed\"}");
  g_assert_null (fetch (mastodon, NULL, NULL, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
  g_clear_error (&error);

  inject_fault (fixture, "{\"path\": \"/api/v1/conversations\", \"kind\": \"500\"}");
  g_assert_null (fetch (mastodon, NULL, NULL, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED);
  g_clear_error (&error);

  /* After the faults, the same fetch works again. */
  {
    ConciergeIngest *ingest = fetch (mastodon, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (concierge_ingest_get_size (ingest), ==, 3);
    concierge_ingest_free (ingest);
  }
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A server that answers with JSON nested a million deep gets an error in
 * words, and the app stays. */
static void
test_deeply_nested_answer_is_refused (void)
{
  static const char quoted[] = "{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"}";
  gsize depth = 1000000;
  char *text = g_malloc (2 * depth);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  memset (text, '[', depth);
  memset (text + depth, ']', depth);
  bytes = g_bytes_new_take (text, 2 * depth);
  concierge_channel_parse_json_async (bytes, NULL, parsed_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  root = concierge_channel_parse_json_finish (result, &error);
  g_assert_null (root);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A string may hold any brackets, and escaped quotes. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new_static (quoted, strlen (quoted));
  concierge_channel_parse_json_async (bytes, NULL, parsed_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  root = concierge_channel_parse_json_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mastodon/mention-notification", test_mention_notification);
  g_test_add_func ("/mastodon/direct-conversation", test_direct_conversation);
  g_test_add_func ("/mastodon/content-warning-stays-apart", test_content_warning_stays_apart);
  g_test_add_func ("/mastodon/public-status-keeps-links-whole", test_public_status_keeps_links_whole);
  g_test_add_func ("/mastodon/html-is-only-ever-text", test_html_is_only_ever_text);
  g_test_add_func ("/mastodon/malformed-status-is-refused", test_malformed_status_is_refused);
  g_test_add_func ("/mastodon/deeply-nested-answer-is-refused", test_deeply_nested_answer_is_refused);
  g_test_add ("/mastodon/fetch-mentions-and-conversations", Sandbox, NULL,
              sandbox_set_up, test_fetch_mentions_and_conversations, sandbox_tear_down);
  g_test_add ("/mastodon/every-direct-message-arrives", Sandbox, NULL,
              sandbox_set_up, test_every_direct_message_arrives, sandbox_tear_down);
  g_test_add ("/mastodon/first-fetch-reads-back", Sandbox, NULL,
              sandbox_set_up, test_first_fetch_reads_back, sandbox_tear_down);
  g_test_add ("/mastodon/capabilities-and-private-message", Sandbox, NULL,
              sandbox_set_up, test_capabilities_and_private_message, sandbox_tear_down);
  g_test_add ("/mastodon/fetch-errors-are-explained", Sandbox, NULL,
              sandbox_set_up, test_fetch_errors_are_explained, sandbox_tear_down);

  return g_test_run ();
}
