/* test-facebook.c
 *
 * A Facebook page against the sandbox's Graph API: whose a token is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "channels/concierge-platform.h"
#include "channels/facebook/concierge-facebook.h"
#include "test-util.h"

#define PAGE_TOKEN "EAAGm0PX4ZCpsBAPageTokenOfTheSandbox"
#define PAGE_ID "104700000000001"
#define SYSTEM_USER_TOKEN "EAAGm0PX4ZCpsBASystemUserTokenOfTheSandbox"

typedef struct
{
  GSubprocess *sandbox;
  char        *url;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--facebook-token", PAGE_TOKEN,
                                         "--facebook-system-token", SYSTEM_USER_TOKEN, NULL);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->session);
  g_free (fixture->url);
}

static ConciergeAccount *
identify (Fixture     *fixture,
          const char  *token,
          GError     **error)
{
  const ConciergePlatform *facebook = concierge_platform_lookup ("facebook");
  GAsyncResult *result = NULL;

  facebook->identify_async (fixture->session, fixture->url, token, NULL, test_got_result, &result);
  return facebook->identify_finish (test_wait_result (&result), NULL, error);
}

/* A page token, asked for itself, names its page: the account is the
 * page, by its id and name. */
static void
test_identify_page (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = identify (fixture, PAGE_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_account_get_platform (account), ==, "facebook");
  g_assert_cmpstr (concierge_account_get_remote_user_id (account), ==, PAGE_ID);
  g_assert_cmpstr (concierge_account_get_display_name (account), ==, "Wellenfunk");
  g_assert_cmpstr (concierge_account_get_server_url (account), ==, fixture->url);
}

/* Meta Business Suite generates a System User's token, which names the
 * System User, not the page: its page comes from /me/accounts. */
static void
test_identify_system_user (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = identify (fixture, SYSTEM_USER_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_account_get_remote_user_id (account), ==, PAGE_ID);
  g_assert_cmpstr (concierge_account_get_display_name (account), ==, "Wellenfunk");
}

/* Meta's OAuthException 190 for a token it cannot read. */
static void
test_identify_wrong_token (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = identify (fixture, "EAAGnotthepagetoken", &error);
  g_assert_null (account);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "Meta Business Suite"));
}

/* Meta's error 2 ("An unexpected error has occurred") is worth a retry. */
static void
test_identify_server_error (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/" CONCIERGE_FACEBOOK_GRAPH_VERSION "/me\", \"kind\": \"500\"}");
  account = identify (fixture, PAGE_TOKEN, &error);
  g_assert_null (account);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/facebook/identify/page", Fixture, NULL, fixture_set_up, test_identify_page, fixture_tear_down);
  g_test_add ("/facebook/identify/system-user", Fixture, NULL, fixture_set_up, test_identify_system_user,
              fixture_tear_down);
  g_test_add ("/facebook/identify/wrong-token", Fixture, NULL, fixture_set_up, test_identify_wrong_token,
              fixture_tear_down);
  g_test_add ("/facebook/identify/server-error", Fixture, NULL, fixture_set_up, test_identify_server_error,
              fixture_tear_down);

  return g_test_run ();
}
