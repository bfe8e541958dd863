/* test-facebook-ops.c
 *
 * What keeps a Facebook page from syncing, against the sandbox's Graph
 * API: Meta's rate limits, a revoked token, a permission taken away, a
 * deleted page; each as the channel reports it and as the sync shows it
 * for the sidebar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "channels/concierge-sync.h"
#include "channels/facebook/concierge-facebook-channel-private.h"
#include "test-util.h"

#define PAGE_TOKEN "EAAGm0PX4ZCpsBAPageTokenOfTheSandbox"
#define PAGE_ID "104700000000001"
#define SECRET "{\"access_token\": \"" PAGE_TOKEN "\"}"

typedef struct
{
  GSubprocess      *sandbox;
  char             *url;
  char             *dir;
  char             *record;
  SoupSession      *session;
  ConciergeStore   *store;
  ConciergeAccount *account;
  ConciergeSync    *sync;
} Fixture;

/* @data: the page's calls per hour, as a string; NULL for Meta's. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("concierge-facebook-ops-XXXXXX", NULL);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  fixture->sandbox = test_sandbox_start ("mastodon-token-unused", &fixture->url, "--facebook-token", PAGE_TOKEN,
                                         "--record", fixture->record,
                                         "--facebook-call-limit", data ? (const char *) data : "0", NULL);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->sync);
  if (fixture->store != NULL)
    test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->account);
  test_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->session);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->record);
  g_free (fixture->url);
}

/* Another Concierge on the same page, as every desk of a team has. */
static ConciergeChannel *
new_desk (Fixture *fixture)
{
  return CONCIERGE_CHANNEL (concierge_facebook_new (fixture->session, 1, fixture->url, PAGE_ID, PAGE_TOKEN));
}

static ConciergeIngest *
fetch (ConciergeChannel  *channel,
       GCancellable      *cancellable,
       GError           **error)
{
  GAsyncResult *result = NULL;

  concierge_channel_fetch_async (channel, NULL, cancellable, test_got_result, &result);
  return concierge_channel_fetch_finish (channel, test_wait_result (&result), NULL, error);
}

static GError *
fetch_badly (ConciergeChannel *channel)
{
  GError *error = NULL;

  g_assert_null (fetch (channel, NULL, &error));
  g_assert_nonnull (error);
  return error;
}

/* One call to the Graph API, as a fetch makes many: asks whether the
 * page still exists. */
static GStrv
ask (ConciergeChannel  *channel,
     GCancellable      *cancellable,
     GError           **error)
{
  const char * const page[] = { PAGE_ID, NULL };
  GAsyncResult *result = NULL;

  concierge_channel_find_deleted_async (channel, page, cancellable, test_got_result, &result);
  return concierge_channel_find_deleted_finish (channel, test_wait_result (&result), error);
}

static void
ask_well (ConciergeChannel *channel)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) deleted = ask (channel, NULL, &error);

  g_assert_no_error (error);
  g_assert_null (deleted[0]);
}

static GError *
ask_badly (ConciergeChannel *channel)
{
  GError *error = NULL;

  g_assert_null (ask (channel, NULL, &error));
  g_assert_nonnull (error);
  return error;
}

static guint
graph_calls (Fixture *fixture)
{
  g_autofree char *record = NULL;

  if (!g_file_get_contents (fixture->record, &record, NULL, NULL))
    return 0;
  return test_count_occurrences (record, "\"graph_path\"");
}

/* As the usage header nears Meta's limit, the requests spread out: at 80
 * percent, six seconds apart, where they were half a second before. */
static void
test_usage_slows_down (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ConciergeChannel) channel = new_desk (fixture);

  /* Three calls: the first reads the page's own token too. */
  for (guint i = 0; i < 2; i++)
    ask_well (channel);
  g_assert_cmpuint (concierge_channel_get_retry_after (channel), ==, 0);

  ask_well (channel);
  g_assert_cmpuint (concierge_channel_get_retry_after (channel), >=, 4);
  g_assert_cmpuint (concierge_channel_get_retry_after (channel), <=, 7);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* The page used up its calls on one desk: another meets Meta's 80001 with
 * the minutes until access returns, says until when, and sends nothing
 * more until then, as Meta asks ("stop making API calls"). */
static void
test_limit_reached_waits (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ConciergeChannel) first = new_desk (fixture);
  g_autoptr(ConciergeChannel) second = new_desk (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gboolean says_when = FALSE;
  guint calls;

  /* Three calls: the first reads the page's own token too. */
  for (guint i = 0; i < 2; i++)
    ask_well (first);

  error = ask_badly (second);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED);
  /* The window is an hour; the first call leaves it in just under. */
  g_assert_cmpuint (concierge_channel_get_retry_after (second), >=, 58 * 60);
  g_assert_cmpuint (concierge_channel_get_retry_after (second), <=, 60 * 60);
  /* The time of day it names, give or take the second the answer took. */
  for (int slack = -2; slack <= 2; slack += 2)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) regain = g_date_time_add_seconds (now, concierge_channel_get_retry_after (second) + slack);
      g_autofree char *at = g_date_time_format (regain, "%H:%M");

      says_when |= strstr (error->message, at) != NULL;
    }
  g_assert_true (says_when);
  g_clear_error (&error);

  calls = graph_calls (fixture);
  g_timeout_add (1500, cancel_cb, cancellable);
  g_assert_null (ask (second, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (graph_calls (fixture), ==, calls);
}

/* Meta's other codes for a limit reached mean the same. */
static void
test_limit_codes (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const codes[] = { "4", "17", "32", "613" };
  g_autoptr(ConciergeChannel) first = new_desk (fixture);

  /* Three calls: the first reads the page's own token too. */
  for (guint i = 0; i < 2; i++)
    ask_well (first);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(ConciergeChannel) desk = new_desk (fixture);
      g_autofree char *body = g_strdup_printf ("{\"code\": %s, \"status\": %s}", codes[i], i % 2 ? "403" : "400");
      g_autoptr(GError) error = NULL;

      test_sandbox_post (fixture->url, "/_sandbox/facebook/limit", body);
      error = ask_badly (desk);
      g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED);
      g_assert_cmpuint (concierge_channel_get_retry_after (desk), >=, 58 * 60);
    }
}

/* OAuthException 190, whatever its subcode: the page needs a new token;
 * 492 says why a new token alone would not help. */
static void
test_token_revoked (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char * const subcodes[] = { "0", "460", "463", "467", "492" };

  for (guint i = 0; i < G_N_ELEMENTS (subcodes); i++)
    {
      g_autoptr(ConciergeChannel) desk = new_desk (fixture);
      g_autofree char *body = g_strdup_printf ("{\"revoked\": true, \"subcode\": %s}", subcodes[i]);
      g_autoptr(GError) error = NULL;

      test_sandbox_post (fixture->url, "/_sandbox/facebook/token", body);
      error = fetch_badly (desk);
      g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
      g_assert_nonnull (strstr (error->message, g_str_equal (subcodes[i], "492") ? "no longer has a role"
                                                                                : "Generate a new one"));
    }
}

/* A permission taken from the token is named. */
static void
test_permission_missing (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConciergeChannel) desk = new_desk (fixture);
  g_autoptr(GError) error = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/facebook/permission",
                     "{\"name\": \"pages_read_engagement\", \"granted\": false}");
  error = fetch_badly (desk);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "“pages_read_engagement”"));
}

/* The page deleted: 100 with subcode 33, for the page itself. */
static void
test_page_deleted (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConciergeChannel) desk = new_desk (fixture);
  g_autoptr(GError) error = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/facebook/page", "{\"deleted\": true}");
  error = fetch_badly (desk);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "cannot find this page any more"));
}

/* Meta's own samples of errors, from its pages, as the channel reads
 * them: the limits hold requests back, 190 asks for a new token. */
static void
test_documented_errors (void)
{
  static const struct
  {
    const char *fixture;
    int         code;
  } samples[] = {
    { "meta-graph-error-80001.json", CONCIERGE_CHANNEL_ERROR_RATE_LIMITED },
    { "meta-graph-error-32.json", CONCIERGE_CHANNEL_ERROR_RATE_LIMITED },
    { "meta-graph-error-190-460.json", CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED },
    { "meta-messenger-error-190.json", CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(ConciergeFacebook) facebook = concierge_facebook_new (session, 1, "https://graph.facebook.com",
                                                                      PAGE_ID, PAGE_TOKEN);
      g_autoptr(JsonNode) answer = test_load_fixture (samples[i].fixture);
      JsonObject *failure = json_object_get_object_member (json_node_get_object (answer), "error");
      g_autoptr(GError) error = concierge_facebook_error_for_answer (facebook, 400, failure, "/" PAGE_ID "/feed");

      g_assert_error (error, CONCIERGE_CHANNEL_ERROR, samples[i].code);
      if (samples[i].code == CONCIERGE_CHANNEL_ERROR_RATE_LIMITED)
        g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (facebook)), >=, 59);
    }
}

/* What Meta's pages and public reports show beside the samples: the
 * Messenger limit, 102 as 190, a permission named in a 100, and Standard
 * Access, which is no missing permission. */
static void
test_error_codes (void)
{
  static const struct
  {
    const char *error;
    const char *path;
    int         code;
    const char *says;
  } answers[] = {
    { "{\"message\": \"(#80006) There have been too many messenger api calls to this Page account.\", "
      "\"code\": 80006}", "/" PAGE_ID "/conversations", CONCIERGE_CHANNEL_ERROR_RATE_LIMITED, "waits until" },
    { "{\"message\": \"Session key invalid.\", \"code\": 102}", "/" PAGE_ID, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
      "Generate a new one" },
    { "{\"message\": \"User associated with the Page access token does not have an appropriate role on the "
      "Page.\", \"code\": 190, \"error_subcode\": 492}", "/" PAGE_ID, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
      "no longer has a role" },
    { "{\"message\": \"(#100) Object does not exist, cannot be loaded due to missing permission or reviewable "
      "feature, or does not support this operation. This endpoint requires the 'pages_read_engagement' "
      "permission or the 'Page Public Content Access' feature\", \"code\": 100}", "/" PAGE_ID "/feed",
      CONCIERGE_CHANNEL_ERROR_REJECTED, "“pages_read_engagement”" },
    { "{\"message\": \"(#200) Cannot message users who are not admins, developers or testers of the app until "
      "pages_messaging permission is reviewed and the app is live.\", \"code\": 200, \"error_subcode\": 2018028}",
      "/" PAGE_ID "/messages", CONCIERGE_CHANNEL_ERROR_REJECTED, "Advanced Access" },
    { "{\"message\": \"Unsupported get request.\", \"code\": 100, \"error_subcode\": 33}",
      "/1234567890123456_9876543210987654", CONCIERGE_CHANNEL_ERROR_REJECTED, "page, post or comment" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(ConciergeFacebook) facebook = concierge_facebook_new (session, 1, "https://graph.facebook.com",
                                                                      PAGE_ID, PAGE_TOKEN);
      g_autoptr(JsonNode) failure = json_from_string (answers[i].error, NULL);
      g_autoptr(GError) error = NULL;

      error = concierge_facebook_error_for_answer (facebook, 400, json_node_get_object (failure), answers[i].path);
      g_assert_error (error, CONCIERGE_CHANNEL_ERROR, answers[i].code);
      g_assert_nonnull (strstr (error->message, answers[i].says));
    }
}

/* The sync */

static void
start_syncing (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  fixture->store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("facebook", "Wellenfunk", "Wellenfunk", fixture->url, PAGE_ID);
  fixture->account = test_add_account (fixture->store, account);
  fixture->sync = concierge_sync_new (fixture->store, NULL);
  g_assert_true (concierge_sync_add_account (fixture->sync, fixture->account, SECRET, &error));
  g_assert_no_error (error);
}

static const char *
wait_for_state (Fixture            *fixture,
                ConciergeSyncState  wanted)
{
  gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;
  gint64 id = concierge_account_get_id (fixture->account);
  const char *message = NULL;

  while (concierge_sync_get_state (fixture->sync, id, &message) != wanted)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  return message;
}

/* Changes the page in the sandbox, syncs, and waits for the state that
 * follows; returns its message. */
static const char *
sync_after (Fixture            *fixture,
            const char         *control,
            const char         *body,
            ConciergeSyncState  wanted)
{
  test_sandbox_post (fixture->url, control, body);
  concierge_sync_poll_now (fixture->sync, concierge_account_get_id (fixture->account));
  return wait_for_state (fixture, wanted);
}

/* A revoked token: the page waits for a new one, and says so. */
static void
test_sync_needs_new_token (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *message;

  start_syncing (fixture);
  wait_for_state (fixture, CONCIERGE_SYNC_IDLE);
  message = sync_after (fixture, "/_sandbox/facebook/token", "{\"revoked\": true, \"subcode\": 463}",
                        CONCIERGE_SYNC_NEEDS_SIGN_IN);
  g_assert_nonnull (strstr (message, "Preferences → Accounts"));
}

/* A permission taken away, and given back; then the page deleted. Each
 * shows in the page's state in its own words. */
static void
test_sync_permission_and_page (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *message;

  start_syncing (fixture);
  wait_for_state (fixture, CONCIERGE_SYNC_IDLE);
  message = sync_after (fixture, "/_sandbox/facebook/permission",
                        "{\"name\": \"pages_read_engagement\", \"granted\": false}", CONCIERGE_SYNC_ERROR);
  g_assert_nonnull (strstr (message, "“pages_read_engagement”"));

  sync_after (fixture, "/_sandbox/facebook/permission", "{\"name\": \"pages_read_engagement\", \"granted\": true}",
              CONCIERGE_SYNC_IDLE);

  message = sync_after (fixture, "/_sandbox/facebook/page", "{\"deleted\": true}", CONCIERGE_SYNC_ERROR);
  g_assert_nonnull (strstr (message, "cannot find this page any more"));
}

/* The page's calls used up elsewhere: the page shows until when it
 * waits, not "Up to date", and not an error. */
static void
test_sync_rate_limited (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ConciergeChannel) first = new_desk (fixture);
  const char *message;

  /* Three calls: the first reads the page's own token too. */
  for (guint i = 0; i < 2; i++)
    ask_well (first);
  start_syncing (fixture);
  message = wait_for_state (fixture, CONCIERGE_SYNC_RATE_LIMITED);
  g_assert_nonnull (strstr (message, "Concierge waits until"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, limit) \
  g_test_add (path, Fixture, limit, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/facebook-ops/documented-errors", test_documented_errors);
  g_test_add_func ("/facebook-ops/error-codes", test_error_codes);
  ADD ("/facebook-ops/limits/slow-down", test_usage_slows_down, "5");
  ADD ("/facebook-ops/limits/reached", test_limit_reached_waits, "3");
  ADD ("/facebook-ops/limits/codes", test_limit_codes, "3");
  ADD ("/facebook-ops/token-revoked", test_token_revoked, NULL);
  ADD ("/facebook-ops/permission-missing", test_permission_missing, NULL);
  ADD ("/facebook-ops/page-deleted", test_page_deleted, NULL);
  ADD ("/facebook-ops/sync/needs-new-token", test_sync_needs_new_token, NULL);
  ADD ("/facebook-ops/sync/permission-and-page", test_sync_permission_and_page, NULL);
  ADD ("/facebook-ops/sync/rate-limited", test_sync_rate_limited, "3");
#undef ADD

  return g_test_run ();
}
