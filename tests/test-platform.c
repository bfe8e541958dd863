/* test-platform.c
 *
 * The table of platforms: every entry is whole and found by its id, a
 * channel is made for an account of each from its keyring secret, and the
 * secret keeps what its platform needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "channels/concierge-platform.h"

static void
test_entries_are_found (void)
{
  const ConciergePlatform *platform;
  guint n = 0;

  for (guint i = 0; (platform = concierge_platform_get (i)) != NULL; i++, n++)
    {
      g_assert_true (concierge_platform_lookup (platform->id) == platform);
      g_assert_cmpstr (concierge_platform_name (platform->id), ==, platform->name);
      g_assert_cmpstr (concierge_platform_icon_name (platform->id), ==, platform->icon_name);
      g_assert_true (platform->credentials & CONCIERGE_CREDENTIALS_TOKEN);
      g_assert_nonnull (platform->add_label);
      g_assert_nonnull (platform->add_title);
      g_assert_nonnull (platform->sign_in_again_title);
      g_assert_nonnull (platform->new_channel);
      g_assert_nonnull (platform->identify_async);
      g_assert_nonnull (platform->identify_finish);
      g_assert_true (g_type_is_a (platform->get_channel_type (), CONCIERGE_TYPE_CHANNEL));
      g_assert_true ((platform->remove_webhook_async == NULL) == (platform->remove_webhook_finish == NULL));
      if (concierge_platform_has (platform, CONCIERGE_PLATFORM_BROWSER_SIGN_IN))
        g_assert_nonnull (platform->new_sign_in);
      if (concierge_platform_has (platform, CONCIERGE_PLATFORM_FIXED_SERVER))
        g_assert_true (g_str_has_prefix (platform->server_url, "https://"));
      else
        g_assert_null (platform->server_url);
    }
  g_assert_cmpuint (n, ==, 3);

  /* An account of a platform that a newer version knows */
  g_assert_null (concierge_platform_lookup ("bluesky"));
  g_assert_null (concierge_platform_lookup (NULL));
  g_assert_cmpstr (concierge_platform_name ("bluesky"), ==, "bluesky");
  g_assert_cmpstr (concierge_platform_icon_name ("bluesky"), ==, "concierge-conversation-symbolic");
}

static void
test_channel_for_account (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ConciergeAccount) unknown = NULL;
  g_autoptr(GError) error = NULL;
  const ConciergePlatform *platform;

  for (guint i = 0; (platform = concierge_platform_get (i)) != NULL; i++)
    {
      g_autoptr(ConciergeAccount) account = NULL;
      g_autoptr(ConciergeChannel) channel = NULL;
      g_autoptr(ConciergeChannel) none = NULL;

      account = concierge_account_new (platform->id, "Support", "@support", "https://social.example", "1");
      channel = concierge_platform_new_channel (session, account, "{\"access_token\": \"t0ken\"}", &error);
      g_assert_no_error (error);
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (channel, platform->get_channel_type ()));

      /* A keyring without the token needs a new sign-in. */
      none = concierge_platform_new_channel (session, account, "{}", &error);
      g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
      g_assert_null (none);
      g_clear_error (&error);
    }

  unknown = concierge_account_new ("bluesky", "Support", "@support.bsky.social", "https://bsky.social", "1");
  g_assert_null (concierge_platform_new_channel (session, unknown, "{\"access_token\": \"t0ken\"}", &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED);
}

static void
test_credentials_keep_their_members (void)
{
  g_autofree char *with_app = concierge_credentials_to_json ("t0ken", "app", "s3cret");
  g_autofree char *token_only = concierge_credentials_to_json ("t0ken", NULL, NULL);
  g_autoptr(ConciergeCredentials) all = NULL;
  g_autoptr(ConciergeCredentials) token = NULL;
  g_autoptr(ConciergeCredentials) alone = NULL;

  all = concierge_credentials_from_json (with_app, CONCIERGE_CREDENTIALS_TOKEN | CONCIERGE_CREDENTIALS_CLIENT);
  g_assert_cmpstr (all->access_token, ==, "t0ken");
  g_assert_cmpstr (all->client_id, ==, "app");
  g_assert_cmpstr (all->client_secret, ==, "s3cret");

  /* A platform that keeps no app reads none. */
  token = concierge_credentials_from_json (with_app, CONCIERGE_CREDENTIALS_TOKEN);
  g_assert_cmpstr (token->access_token, ==, "t0ken");
  g_assert_null (token->client_id);
  g_assert_null (token->client_secret);

  alone = concierge_credentials_from_json (token_only, CONCIERGE_CREDENTIALS_TOKEN | CONCIERGE_CREDENTIALS_CLIENT);
  g_assert_cmpstr (alone->access_token, ==, "t0ken");
  g_assert_null (alone->client_id);

  g_assert_null (concierge_credentials_from_json ("{}", CONCIERGE_CREDENTIALS_TOKEN));
  g_assert_null (concierge_credentials_from_json ("{\"access_token\": \"\"}", CONCIERGE_CREDENTIALS_TOKEN));
  g_assert_null (concierge_credentials_from_json ("[\"t0ken\"]", CONCIERGE_CREDENTIALS_TOKEN));
  g_assert_null (concierge_credentials_from_json ("not json", CONCIERGE_CREDENTIALS_TOKEN));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/platform/entries-are-found", test_entries_are_found);
  g_test_add_func ("/platform/channel-for-account", test_channel_for_account);
  g_test_add_func ("/platform/credentials-keep-their-members", test_credentials_keep_their_members);

  return g_test_run ();
}
