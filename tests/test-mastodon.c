/* test-mastodon.c
 *
 * Mastodon's JSON, from the verbatim fixtures of its documentation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "channels/concierge-mastodon.h"

static JsonNode *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "channels", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
member (JsonNode   *node,
        const char *name)
{
  return json_object_get_member (json_node_get_object (node), name);
}

static void
test_mention_notification (void)
{
  g_autoptr(JsonNode) notification = load_fixture ("mastodon-notification-mention.json");
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
test_direct_conversation (void)
{
  g_autoptr(JsonNode) conversation = load_fixture ("mastodon-conversation.json");
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
  g_autoptr(JsonNode) status = load_fixture ("mastodon-status.json");
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
      g_assert_error (error, CONCIERGE_MASTODON_ERROR, CONCIERGE_MASTODON_ERROR_INVALID);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mastodon/mention-notification", test_mention_notification);
  g_test_add_func ("/mastodon/direct-conversation", test_direct_conversation);
  g_test_add_func ("/mastodon/public-status-keeps-links-whole", test_public_status_keeps_links_whole);
  g_test_add_func ("/mastodon/html-is-only-ever-text", test_html_is_only_ever_text);
  g_test_add_func ("/mastodon/malformed-status-is-refused", test_malformed_status_is_refused);

  return g_test_run ();
}
