/* test-sign-in.c
 *
 * Signing in to Mastodon through the browser, against the sandbox: the app
 * registered for each sign-in, the browser sent back to a loopback on a
 * port of its own, a pasted code, PKCE where the server has it, and the
 * token revoked when the account goes.
 *
 * The "browser" is tests/oauth-browser.py, the handler for http:// that
 * this test's own mimeapps.list names; GIO opens it as it would open
 * Firefox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "channels/concierge-accounts.h"
#include "channels/concierge-channel.h"
#include "channels/concierge-credentials.h"
#include "channels/concierge-platform.h"
#include "channels/mastodon/concierge-mastodon-sign-in.h"
#include "secrets/concierge-secrets.h"
#include "test-leaks.h"
#include "test-util.h"

#define TOKEN "sandbox-token-for-the-sign-in-test"

typedef struct
{
  GSubprocess    *sandbox;
  char           *url;
  char           *dir;
  char           *record;
  char           *browser_log;
  char           *browser_page;
  SoupSession    *session;
} Fixture;

static char *home;

static void
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *extra = data;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("concierge-sign-in-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->browser_log = g_build_filename (fixture->dir, "browser.log", NULL);
  fixture->browser_page = g_build_filename (fixture->dir, "page.html", NULL);
  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--record", fixture->record, extra, NULL);
  fixture->session = soup_session_new ();

  /* The browser learns from its environment where to tell what it saw. */
  g_setenv ("CONCIERGE_TEST_BROWSER_LOG", fixture->browser_log, TRUE);
  g_setenv ("CONCIERGE_TEST_BROWSER_PAGE", fixture->browser_page, TRUE);
  g_setenv ("CONCIERGE_TEST_BROWSER_DECISION", "approve", TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->session);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->record);
  g_free (fixture->browser_log);
  g_free (fixture->browser_page);
  g_free (fixture->url);
}

/* The record's requests to @path, as JSON objects, oldest first. */
static GPtrArray *
recorded (Fixture    *fixture,
          const char *method,
          const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  g_assert_true (g_file_get_contents (fixture->record, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = lines[i][0] ? json_from_string (lines[i], NULL) : NULL;
      JsonObject *object = node ? json_node_get_object (node) : NULL;

      if (object != NULL && g_str_equal (json_object_get_string_member (object, "path"), path) &&
          g_str_equal (json_object_get_string_member (object, "method"), method))
        g_ptr_array_add (found, g_steal_pointer (&node));
    }
  return found;
}

static const char *
recorded_parameter (JsonNode   *request,
                    const char *name)
{
  JsonObject *query = json_object_get_object_member (json_node_get_object (request), "query");

  return json_object_get_string_member_with_default (query, name, NULL);
}

/* RFC 7636, 4.1 and 4.6: a verifier of 43 to 128 unreserved characters,
 * whose SHA-256 in unpadded base64url is the challenge. */
static void
assert_verifier_matches (const char *verifier,
                         const char *challenge)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *encoded = NULL;
  char *padding;

  g_assert_nonnull (verifier);
  g_assert_cmpuint (strlen (verifier), >=, 43);
  g_assert_cmpuint (strlen (verifier), <=, 128);
  g_assert_cmpuint (strspn (verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"), ==,
                    strlen (verifier));
  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, length);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  if ((padding = strchr (encoded, '=')) != NULL)
    *padding = '\0';
  g_assert_cmpstr (encoded, ==, challenge);
}

static ConciergeMastodonSignIn *
begin (Fixture *fixture)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sign_in = concierge_mastodon_sign_in_new (fixture->session, fixture->url, &error);
  g_assert_no_error (error);
  concierge_mastodon_sign_in_begin_async (sign_in, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_true (concierge_mastodon_sign_in_begin_finish (sign_in, result, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&sign_in);
}

/* Opens @uri as the app does: in the default browser. */
static void
open_browser (const char *uri)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_true (g_app_info_launch_default_for_uri_finish (result, &error));
  g_assert_no_error (error);
}

static ConciergeAccount *
complete (ConciergeMastodonSignIn  *sign_in,
          const char               *pasted,
          char                    **secret,
          GError                  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_mastodon_sign_in_complete_async (sign_in, pasted, NULL, test_got_result, &result);
  wait_for (&result);
  return concierge_mastodon_sign_in_complete_finish (sign_in, result, secret, error);
}

/* Whether the server takes the token in @secret, by asking whose it is. */
static guint
token_status (Fixture    *fixture,
              const char *secret)
{
  g_autoptr(JsonNode) node = json_from_string (secret, NULL);
  const char *token = json_object_get_string_member (json_node_get_object (node), "access_token");
  g_autofree char *url = g_strconcat (fixture->url, "/api/v1/accounts/verify_credentials", NULL);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  body = soup_session_send_and_read (fixture->session, message, NULL, NULL);
  return soup_message_get_status (message);
}

static void
test_loopback_with_pkce (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeMastodonSignIn) second = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) authorizations = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) secret_node = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *log = NULL;
  g_autofree char *redirect = NULL;
  JsonObject *secret_object;

  g_assert_true (concierge_mastodon_sign_in_uses_pkce (sign_in));
  uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, FALSE);
  g_assert_true (g_str_has_prefix (uri, fixture->url));
  open_browser (uri);

  account = complete (sign_in, NULL, &secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_account_get_platform (account), ==, "mastodon");
  g_assert_cmpstr (concierge_account_get_remote_user_id (account), ==, "1");
  g_assert_cmpstr (concierge_account_get_handle (account), ==, "@support");
  g_assert_cmpstr (concierge_account_get_server_url (account), ==, fixture->url);

  /* The keyring gets the token and the app it belongs to. */
  secret_node = json_from_string (secret, NULL);
  secret_object = json_node_get_object (secret_node);
  g_assert_true (json_object_has_member (secret_object, "access_token"));
  g_assert_true (json_object_has_member (secret_object, "client_id"));
  g_assert_true (json_object_has_member (secret_object, "client_secret"));
  g_assert_cmpuint (token_status (fixture, secret), ==, 200);

  /* The browser went where the app said, and the app was registered for
   * exactly the loopback it listened on, with the paste-a-code way too. */
  g_assert_true (g_file_get_contents (fixture->browser_log, &log, NULL, NULL));
  g_assert_cmpstr (g_strstrip (log), ==, uri);
  apps = recorded (fixture, "POST", "/api/v1/apps");
  g_assert_cmpuint (apps->len, ==, 1);
  redirect = g_strdup (recorded_parameter (apps->pdata[0], "redirect_uris"));
  g_assert_true (g_str_has_prefix (redirect, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (redirect, "\nurn:ietf:wg:oauth:2.0:oob"));

  /* PKCE: the challenge went to the authorize page, the verifier with the
   * code, and the sandbox checked that they belong together. */
  authorizations = recorded (fixture, "GET", "/oauth/authorize");
  g_assert_cmpuint (authorizations->len, ==, 1);
  g_assert_cmpstr (recorded_parameter (authorizations->pdata[0], "code_challenge_method"), ==, "S256");
  g_assert_nonnull (recorded_parameter (authorizations->pdata[0], "code_challenge"));
  tokens = recorded (fixture, "POST", "/oauth/token");
  g_assert_cmpuint (tokens->len, ==, 1);
  assert_verifier_matches (recorded_parameter (tokens->pdata[0], "code_verifier"),
                           recorded_parameter (authorizations->pdata[0], "code_challenge"));
  g_assert_true (g_str_has_prefix (redirect, recorded_parameter (tokens->pdata[0], "redirect_uri")));

  /* The next sign-in listens on another port, so it registers again:
   * Mastodon compares the redirect, port included. */
  second = begin (fixture);
  g_ptr_array_unref (apps);
  apps = recorded (fixture, "POST", "/api/v1/apps");
  g_assert_cmpuint (apps->len, ==, 2);
  g_assert_cmpstr (recorded_parameter (apps->pdata[1], "redirect_uris"), !=, redirect);

  /* The record has the requests as they came: the keyring got the client
   * secret that went with the code, and the token that asked whose it is. */
  {
    const char *client_secret = json_object_get_string_member (secret_object, "client_secret");
    g_autofree char *bearer = g_strconcat ("Bearer ", json_object_get_string_member (secret_object, "access_token"),
                                           NULL);
    g_autoptr(GPtrArray) whose = recorded (fixture, "GET", "/api/v1/accounts/verify_credentials");

    g_assert_cmpstr (recorded_parameter (tokens->pdata[0], "client_secret"), ==, client_secret);
    g_assert_cmpuint (whose->len, >=, 1);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (whose->pdata[0]), "authorization"), ==,
                     bearer);

    /* Neither is in the log, the browser's files, the app's data or the
     * settings: the secret handed back is for the keyring only. */
    test_assert_never_written (client_secret, fixture->dir, fixture->record);
    test_assert_never_written (bearer + strlen ("Bearer "), fixture->dir, fixture->record);
  }
}

/* The browser runs on its own; this waits until @path holds @text. */
static char *
wait_for_file (const char *path,
               const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  char *contents = NULL;

  while (contents == NULL || strstr (contents, text) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_clear_pointer (&contents, g_free);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
      g_file_get_contents (path, &contents, NULL, NULL);
    }
  return contents;
}

/* The code that the out-of-band page shows */
static char *
code_on_page (Fixture *fixture)
{
  g_autofree char *page = wait_for_file (fixture->browser_page, "</html>");
  const char *start, *end;

  start = strstr (page, "<code id=\"authorization-code\">");
  g_assert_nonnull (start);
  start += strlen ("<code id=\"authorization-code\">");
  end = strstr (start, "</code>");
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

static void
test_out_of_band_without_pkce (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GPtrArray) authorizations = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *code = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *secret = NULL;

  /* A Mastodon before 4.3 has no PKCE, and the sign-in goes on without. */
  g_assert_false (concierge_mastodon_sign_in_uses_pkce (sign_in));
  uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, TRUE);
  g_assert_null (strstr (uri, "code_challenge"));
  open_browser (uri);
  code = code_on_page (fixture);

  /* A code is pasted with the spaces a selection brings along. */
  pasted = g_strdup_printf ("  %s\n", code);
  account = complete (sign_in, pasted, &secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_account_get_remote_user_id (account), ==, "1");
  g_assert_cmpuint (token_status (fixture, secret), ==, 200);

  authorizations = recorded (fixture, "GET", "/oauth/authorize");
  g_assert_cmpstr (recorded_parameter (authorizations->pdata[0], "redirect_uri"), ==, "urn:ietf:wg:oauth:2.0:oob");
  tokens = recorded (fixture, "POST", "/oauth/token");
  g_assert_cmpstr (recorded_parameter (tokens->pdata[0], "redirect_uri"), ==, "urn:ietf:wg:oauth:2.0:oob");
  g_assert_null (recorded_parameter (tokens->pdata[0], "code_verifier"));
}

/* A code used once is spent; a wrong one is refused in words. */
static void
test_wrong_code_is_refused (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *code = NULL;
  g_autofree char *secret = NULL;

  account = complete (sign_in, "not-the-code", &secret, &error);
  g_assert_null (account);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* An address that is no code gets its own answer. */
  account = complete (sign_in, "https://example.com/somewhere?else=1", &secret, &error);
  g_assert_null (account);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* The sign-in is still good for the right code. */
  uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, TRUE);
  open_browser (uri);
  code = code_on_page (fixture);
  account = complete (sign_in, code, &secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_clear_object (&account);
  g_clear_pointer (&secret, g_free);

  account = complete (sign_in, code, &secret, &error);
  g_assert_null (account);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
}

/* What a browser on another computer shows after it failed to open the
 * loopback: its address, code included, which the agent may paste. */
static void
test_pasted_loopback_address (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *log = NULL;
  g_autofree char *secret = NULL;
  g_auto(GStrv) lines = NULL;

  /* The browser stays on the page, so the loopback hears nothing; the
   * agent approves by hand and copies the address it was sent to. */
  g_setenv ("CONCIERGE_TEST_BROWSER_DECISION", "approve-without-following", TRUE);
  uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, FALSE);
  open_browser (uri);
  log = wait_for_file (fixture->browser_log, "\nhttp://127.0.0.1:");
  lines = g_strsplit (g_strstrip (log), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[1], "http://127.0.0.1:"));

  account = complete (sign_in, lines[1], &secret, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  tokens = recorded (fixture, "POST", "/oauth/token");
  g_assert_true (g_str_has_prefix (recorded_parameter (tokens->pdata[0], "redirect_uri"), "http://127.0.0.1:"));
}

/* Only the browser the server sent back may end the sign-in. */
static void
test_loopback_wants_its_state (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) apps = recorded (fixture, "POST", "/api/v1/apps");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) redirects = g_strsplit (recorded_parameter (apps->pdata[0], "redirect_uris"), "\n", 2);
  g_autofree char *forged = g_strconcat (redirects[0], "?code=forged&state=guessed", NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, forged);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *secret = NULL;

  g_autoptr(GAsyncResult) knocked = NULL;

  concierge_mastodon_sign_in_complete_async (sign_in, NULL, cancellable, test_got_result, &result);
  /* The loopback answers on this thread's main loop, which must go on. */
  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL, test_got_result, &knocked);
  wait_for (&knocked);
  body = soup_session_send_and_read_finish (fixture->session, knocked, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 400);

  /* Still waiting: the forged code went nowhere. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (result);
  g_ptr_array_unref (apps);
  apps = recorded (fixture, "POST", "/oauth/token");
  g_assert_cmpuint (apps->len, ==, 0);

  g_cancellable_cancel (cancellable);
  wait_for (&result);
  g_assert_null (concierge_mastodon_sign_in_complete_finish (sign_in, result, &secret, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_denied_in_the_browser (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, FALSE);
  g_autofree char *secret = NULL;

  g_setenv ("CONCIERGE_TEST_BROWSER_DECISION", "deny", TRUE);
  open_browser (uri);
  account = complete (sign_in, NULL, &secret, &error);
  g_assert_null (account);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
  g_assert_null (secret);
}

static void
test_bad_servers_are_explained (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A token never crosses a network in the clear. */
  sign_in = concierge_mastodon_sign_in_new (fixture->session, "http://mastodon.example", &error);
  g_assert_null (sign_in);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  sign_in = concierge_mastodon_sign_in_new (fixture->session, "   ", &error);
  g_assert_null (sign_in);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A host as people type it, or a profile's address, is the server. */
  sign_in = concierge_mastodon_sign_in_new (fixture->session, " mastodon.example/@support ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_mastodon_sign_in_get_server_url (sign_in), ==, "https://mastodon.example");
  g_clear_object (&sign_in);

  /* Nobody listens on port 1. */
  sign_in = concierge_mastodon_sign_in_new (fixture->session, "http://127.0.0.1:1", &error);
  g_assert_no_error (error);
  concierge_mastodon_sign_in_begin_async (sign_in, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_false (concierge_mastodon_sign_in_begin_finish (sign_in, result, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "cannot reach"));
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_object (&sign_in);

  /* A server that fails to register the app says so. */
  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/api/v1/apps\", \"kind\": \"500\"}");
  sign_in = concierge_mastodon_sign_in_new (fixture->session, fixture->url, &error);
  concierge_mastodon_sign_in_begin_async (sign_in, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_false (concierge_mastodon_sign_in_begin_finish (sign_in, result, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_object (&sign_in);

  /* And one that answers nonsense too. */
  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/api/v1/apps\", \"kind\": \"malformed\"}");
  sign_in = concierge_mastodon_sign_in_new (fixture->session, fixture->url, &error);
  concierge_mastodon_sign_in_begin_async (sign_in, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_false (concierge_mastodon_sign_in_begin_finish (sign_in, result, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID);
}

static ConciergeAccount *
save (ConciergeStore   *store,
      ConciergeAccount *account,
      const char       *secret)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeAccount *saved;

  concierge_accounts_add_async (store, account, secret, NULL, test_got_result, &result);
  wait_for (&result);
  saved = concierge_accounts_add_finish (result, NULL, &error);
  g_assert_no_error (error);
  return saved;
}

static char *
remove_account (Fixture          *fixture,
                ConciergeStore   *store,
                ConciergeAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *not_revoked = NULL;

  concierge_accounts_remove_async (store, fixture->session, account, FALSE, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_true (concierge_accounts_remove_finish (result, &not_revoked, &error));
  g_assert_no_error (error);
  return not_revoked;
}

static char *
stored_secret (ConciergeStore   *store,
               ConciergeAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  concierge_secrets_lookup_async (concierge_store_get_profile_id (store), concierge_account_get_id (account), NULL,
                                  test_got_result, &result);
  wait_for (&result);
  secret = concierge_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  return secret;
}

static void
test_removal_revokes_the_token (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(ConciergeAccount) typed = NULL;
  g_autoptr(ConciergeAccount) saved_typed = NULL;
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GPtrArray) revocations = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, FALSE);
  g_autofree char *path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  g_autofree char *secret = NULL;
  g_autofree char *typed_secret = NULL;
  g_autofree char *not_revoked = NULL;
  g_autofree char *left = NULL;

  open_browser (uri);
  account = complete (sign_in, NULL, &secret, &error);
  g_assert_no_error (error);
  store = test_open_store (path, &error);
  g_assert_no_error (error);
  saved = save (store, account, secret);

  not_revoked = remove_account (fixture, store, saved);
  g_assert_null (not_revoked);
  revocations = recorded (fixture, "POST", "/oauth/revoke");
  g_assert_cmpuint (revocations->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (revocations->pdata[0]), "status"), ==, 200);
  g_assert_cmpuint (token_status (fixture, secret), ==, 401);

  /* The keyring lets go of it too. */
  left = stored_secret (store, saved);
  g_assert_null (left);

  /* A token from the command line came from an app Concierge does not
   * know: removing says that it still works, and it does. */
  typed = concierge_account_new ("mastodon", "Typed", "", fixture->url, "");
  typed_secret = concierge_credentials_to_json (TOKEN, NULL, NULL);
  saved_typed = save (store, typed, typed_secret);
  g_clear_pointer (&not_revoked, g_free);
  not_revoked = remove_account (fixture, store, saved_typed);
  g_assert_nonnull (not_revoked);
  g_assert_cmpuint (token_status (fixture, typed_secret), ==, 200);

  test_close_store (store);
}

/* An account added with a token alone, as the command line did before it
 * asked whose a token is, syncs once; then the same person signs in
 * through the browser: the account is renewed, not added twice. */
static void
test_sign_in_renews_an_account_added_with_a_token (Fixture       *fixture,
                                                   gconstpointer  data)
{
  g_autoptr(ConciergeMastodonSignIn) sign_in = begin (fixture);
  g_autoptr(ConciergeAccount) typed = NULL;
  g_autoptr(ConciergeAccount) saved_typed = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(ConciergeChannel) channel = NULL;
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  g_autofree char *uri = concierge_mastodon_sign_in_get_authorize_uri (sign_in, FALSE);
  g_autofree char *typed_secret = concierge_credentials_to_json (TOKEN, NULL, NULL);
  g_autofree char *secret = NULL;
  g_autofree char *kept = NULL;
  ConciergeIngest *ingest;
  gboolean renewed = FALSE;

  store = test_open_store (path, &error);
  g_assert_no_error (error);
  typed = concierge_account_new ("mastodon", "127.0.0.1", "", fixture->url, "");
  saved_typed = save (store, typed, typed_secret);

  /* Its first sync learns whose it is. */
  channel = concierge_platform_new_channel (fixture->session, saved_typed, typed_secret, &error);
  g_assert_no_error (error);
  concierge_channel_fetch_async (channel, NULL, NULL, test_got_result, &result);
  wait_for (&result);
  ingest = concierge_channel_fetch_finish (channel, result, NULL, &error);
  g_assert_no_error (error);
  test_ingest (store, ingest, &error);
  g_assert_no_error (error);

  open_browser (uri);
  account = complete (sign_in, NULL, &secret, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  concierge_accounts_add_async (store, account, secret, NULL, test_got_result, &result);
  wait_for (&result);
  saved = concierge_accounts_add_finish (result, &renewed, &error);
  g_assert_no_error (error);
  g_assert_true (renewed);

  /* One account, with the name the server gave and the new token. */
  accounts = test_load_accounts (store);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpint (concierge_account_get_id (g_ptr_array_index (accounts, 0)), ==,
                   concierge_account_get_id (saved_typed));
  g_assert_cmpstr (concierge_account_get_remote_user_id (g_ptr_array_index (accounts, 0)), ==, "1");
  g_assert_cmpstr (concierge_account_get_handle (g_ptr_array_index (accounts, 0)), ==, "@support");
  kept = stored_secret (store, saved_typed);
  g_assert_cmpstr (kept, ==, secret);
  g_assert_cmpstr (kept, !=, typed_secret);

  test_close_store (store);
}

/* The documentation's own answers, byte for byte, from a server of this
 * test's: the app Mastodon registers, and the token it issues. */

static GBytes *
fixture_bytes (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "channels", name, NULL);
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (contents, length);
}

static void
documented_server_cb (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GBytes) body = NULL;

  if (g_str_equal (method, "POST") && g_str_equal (path, "/api/v1/apps"))
    body = fixture_bytes ("mastodon-application-oob.json");
  else if (g_str_equal (method, "POST") && g_str_equal (path, "/oauth/token"))
    {
      g_autoptr(GBytes) request = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autofree char *text = g_strndup (g_bytes_get_data (request, NULL), g_bytes_get_size (request));
      g_autoptr(GHashTable) form = soup_form_decode (text);

      /* The client speaks as the app the documentation registered. */
      g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM");
      g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw");
      g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, "the-documented-code");
      g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "authorization_code");
      body = fixture_bytes ("mastodon-token.json");
    }
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/accounts/verify_credentials"))
    {
      g_autoptr(GBytes) status = fixture_bytes ("mastodon-status.json");
      g_autoptr(JsonNode) root = json_from_string (g_bytes_get_data (status, NULL), NULL);
      JsonNode *account = json_object_get_member (json_node_get_object (root), "account");
      g_autofree char *text = json_to_string (account, FALSE);
      const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                "Authorization");

      g_assert_cmpstr (authorization, ==, "Bearer ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0");
      body = g_bytes_new (text, strlen (text));
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
test_documented_answers (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ConciergeMastodonSignIn) sign_in = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) secret_node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *secret = NULL;
  GSList *uris;

  soup_server_add_handler (server, NULL, documented_server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  sign_in = concierge_mastodon_sign_in_new (session, url, &error);
  g_assert_no_error (error);
  concierge_mastodon_sign_in_begin_async (sign_in, NULL, test_got_result, &result);
  wait_for (&result);
  g_assert_true (concierge_mastodon_sign_in_begin_finish (sign_in, result, &error));
  g_assert_no_error (error);
  g_assert_false (concierge_mastodon_sign_in_uses_pkce (sign_in));

  account = complete (sign_in, "the-documented-code", &secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (concierge_account_get_remote_user_id (account), ==, "1");
  g_assert_cmpstr (concierge_account_get_handle (account), ==, "@Gargron");
  g_assert_cmpstr (concierge_account_get_display_name (account), ==, "Eugen");

  secret_node = json_from_string (secret, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (secret_node), "access_token"), ==,
                   "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (secret_node), "client_id"), ==,
                   "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;
  g_autofree char *applications = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *desktop_path = NULL;
  g_autofree char *mimeapps_path = NULL;
  g_autofree char *script = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  test_capture_log ();

  /* This test's own desktop: its browser is the stand-in script. */
  home = g_dir_make_tmp ("concierge-sign-in-home-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (home, "config", NULL);
  data = g_build_filename (home, "data", NULL);
  applications = g_build_filename (data, "applications", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  script = g_test_build_filename (G_TEST_DIST, "oauth-browser.py", NULL);
  desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                             "Exec=/usr/bin/python3 %s %%u\n"
                             "MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n", script);
  desktop_path = g_build_filename (applications, "concierge-test-browser.desktop", NULL);
  g_assert_true (g_file_set_contents (desktop_path, desktop, -1, NULL));
  mimeapps_path = g_build_filename (config, "mimeapps.list", NULL);
  g_assert_true (g_file_set_contents (mimeapps_path,
                                      "[Default Applications]\n"
                                      "x-scheme-handler/http=concierge-test-browser.desktop\n"
                                      "x-scheme-handler/https=concierge-test-browser.desktop\n", -1, NULL));
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);

  g_test_add_func ("/sign-in/documented-answers", test_documented_answers);
#define ADD(name, func, extra) g_test_add (name, Fixture, extra, fixture_set_up, func, fixture_tear_down)
  ADD ("/sign-in/loopback-with-pkce", test_loopback_with_pkce, NULL);
  ADD ("/sign-in/out-of-band-without-pkce", test_out_of_band_without_pkce, "--no-pkce");
  ADD ("/sign-in/wrong-code-is-refused", test_wrong_code_is_refused, NULL);
  ADD ("/sign-in/pasted-loopback-address", test_pasted_loopback_address, NULL);
  ADD ("/sign-in/loopback-wants-its-state", test_loopback_wants_its_state, NULL);
  ADD ("/sign-in/denied-in-the-browser", test_denied_in_the_browser, NULL);
  ADD ("/sign-in/bad-servers-are-explained", test_bad_servers_are_explained, NULL);
  ADD ("/sign-in/removal-revokes-the-token", test_removal_revokes_the_token, NULL);
  ADD ("/sign-in/renews-an-account-added-with-a-token", test_sign_in_renews_an_account_added_with_a_token, NULL);
#undef ADD

  status = g_test_run ();
  test_remove_tree (home);
  g_free (home);
  return status;
}
