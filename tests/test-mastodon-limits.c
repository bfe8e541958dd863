/* test-mastodon-limits.c
 *
 * Mastodon's rate limits, against the sandbox throttling as Mastodon does:
 * a 429 without Retry-After, X-RateLimit-Reset as when to come back, and a
 * fetch of many pages that slows down rather than meet the limit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "channels/mastodon/concierge-mastodon-channel.h"

#include "test-util.h"

#define TOKEN "sandbox-token-for-the-limits-test"

typedef struct
{
  GSubprocess *sandbox;
  char        *url;
  char        *dir;
  char        *record;
  SoupSession *session;
} Fixture;

/* A test names more options of the sandbox as its data, separated by
 * spaces. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(GStrv) options = g_strsplit (data ? data : "", " ", -1);
  g_autoptr(GError) error = NULL;
  const char *args[7] = { NULL };

  fixture->dir = g_dir_make_tmp ("concierge-limits-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  g_assert_cmpuint (g_strv_length (options), <=, 6);
  for (guint i = 0; options[i] != NULL && options[i][0] != '\0'; i++)
    args[i] = options[i];
  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--reply-delay-ms", "100",
                                         "--record", fixture->record,
                                         args[0], args[1], args[2], args[3], args[4], args[5], NULL);
  fixture->session = g_object_new (SOUP_TYPE_SESSION, "max-conns", 64, "max-conns-per-host", 16, NULL);
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
  g_free (fixture->url);
}

static ConciergeMastodon *
new_channel (Fixture *fixture)
{
  return concierge_mastodon_new (fixture->session, 1, fixture->url, "1", TOKEN);
}

static ConciergeIngest *
fetch (ConciergeMastodon  *mastodon,
       GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_channel_fetch_async (CONCIERGE_CHANNEL (mastodon), NULL, NULL, test_got_result, &result);
  return concierge_channel_fetch_finish (CONCIERGE_CHANNEL (mastodon), test_wait_result (&result), NULL, error);
}

static guint
count_in_record (Fixture    *fixture,
                 const char *text)
{
  g_autofree char *record = NULL;

  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  return test_count_occurrences (record, text);
}

/* Mastodon's 429 says when to come back only in X-RateLimit-Reset; the
 * next request waits until then. */
static void
test_429_waits_for_the_reset (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autoptr(ConciergeIngest) ingest = NULL;
  g_autoptr(GError) error = NULL;
  gint64 refused_at;

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/api/v1/notifications\", \"kind\": \"429\", \"reset_after\": 3}");
  refused_at = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_null (fetch (mastodon, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (mastodon)), >=, 2);
  g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (mastodon)), <=, 4);

  /* Even asked at once, the next request goes out after the reset. */
  ingest = fetch (mastodon, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ingest);
  g_assert_cmpint (g_get_real_time () / G_USEC_PER_SEC, >=, refused_at + 3);
  g_assert_cmpuint (count_in_record (fixture, "\"status\":429"), ==, 1);
}

/* A proxy in front of Mastodon may add a Retry-After, which may be an HTTP
 * date. */
static void
test_retry_after_as_a_date (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autoptr(GError) error = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/api/v1/notifications\", \"kind\": \"429\", \"reset_after\": 1, "
                     "\"retry_after\": 30, \"retry_after_format\": \"http-date\"}");
  g_assert_null (fetch (mastodon, &error));
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED);
  g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (mastodon)), >=, 28);
  g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (mastodon)), <=, 31);
}

/* The first sync of a busy account reads many pages, one a fetch, one
 * fetch after the other as the sync runs them; against windows a second
 * long it slows down and never meets a 429. */
static void
test_busy_fetch_stays_under_the_limit (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autofree char *cursor = NULL;
  guint messages = 0, fetches = 0;

  do
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(ConciergeIngest) ingest = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *next = NULL;

      concierge_channel_fetch_async (CONCIERGE_CHANNEL (mastodon), cursor, NULL, test_got_result, &result);
      ingest = concierge_channel_fetch_finish (CONCIERGE_CHANNEL (mastodon), test_wait_result (&result),
                                               &next, &error);
      g_assert_no_error (error);
      g_assert_nonnull (ingest);
      messages += concierge_ingest_get_size (ingest);
      if (next != NULL)
        {
          g_free (cursor);
          cursor = g_steal_pointer (&next);
        }
      g_assert_cmpuint (++fetches, <, 200);
    }
  while (concierge_channel_has_more (CONCIERGE_CHANNEL (mastodon)));

  /* The seeded mentions, beyond the throttle of requests that page. */
  g_assert_cmpuint (count_in_record (fixture, "\"max_id\""), >, 20);
  g_assert_cmpuint (messages, >=, 1000);
  g_assert_cmpuint (count_in_record (fixture, "\"status\":429"), ==, 0);
}

/* Mastodon takes 300 new statuses of an account in 3 hours; a reply
 * refused for that says so and when it goes out. */
static void
test_refused_post_says_when (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConciergeMastodon) mastodon = new_channel (fixture);
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(ConciergeIngest) ingest = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *at = NULL;
  ConciergeOutboxEntry entry = {
    .text = (char *) "Wir melden uns morgen.",
    .visibility = CONCIERGE_VISIBILITY_PUBLIC,
    .idempotency_key = (char *) "limits-1",
  };

  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/api/v1/statuses\", \"method\": \"POST\", \"kind\": \"429\", "
                     "\"reset_after\": 5400}");
  until = g_date_time_new_now_local ();
  concierge_channel_send_async (CONCIERGE_CHANNEL (mastodon), &entry, NULL, test_got_result, &result);
  message = concierge_channel_send_finish (CONCIERGE_CHANNEL (mastodon), test_wait_result (&result), &error);
  g_assert_null (message);
  g_assert_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "300 in 3 hours"));

  /* The reset is 90 minutes on; a second's difference may turn the
   * minute. */
  {
    g_autoptr(GDateTime) at_reset = g_date_time_add_seconds (until, 5400);
    g_autoptr(GDateTime) just_after = g_date_time_add_seconds (until, 5402);
    g_autofree char *one = g_date_time_format (at_reset, "%H:%M");
    g_autofree char *other = g_date_time_format (just_after, "%H:%M");

    g_assert_true (strstr (error->message, one) != NULL || strstr (error->message, other) != NULL);
  }
  g_assert_cmpuint (concierge_channel_get_retry_after (CONCIERGE_CHANNEL (mastodon)), >=, 5398);
  g_clear_error (&error);

  /* That limit holds back posts only: reading goes on at once. */
  ingest = fetch (mastodon, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ingest);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, options) \
  g_test_add (path, Fixture, options, fixture_set_up, func, fixture_tear_down)
  ADD ("/mastodon-limits/429-waits-for-the-reset", test_429_waits_for_the_reset, NULL);
  ADD ("/mastodon-limits/retry-after-as-a-date", test_retry_after_as_a_date, NULL);
  ADD ("/mastodon-limits/busy-fetch-stays-under-the-limit", test_busy_fetch_stays_under_the_limit,
       "--seed-mentions 1000 --rate-limit 20 --rate-period-s 1");
  ADD ("/mastodon-limits/refused-post-says-when", test_refused_post_says_when, NULL);
#undef ADD

  return g_test_run ();
}
