/* concierge-sandbox-throttle.c
 *
 * Mastodon's rate limits, as its server applies them (the sources are in
 * tests/sandbox/README.md, "Mastodon: rate limits"):
 *
 *   - 1,500 API requests per account in 5 minutes, whatever the token;
 *   - 300 API requests per token in 5 minutes;
 *   - 300 API requests per address in 5 minutes without a token;
 *   - 300 requests per account in 15 minutes that page (max_id, min_id,
 *     since_id or page among the parameters);
 *   - 300 new statuses per account in 3 hours.
 *
 * Windows start on multiples of their period since the epoch. Every answer
 * to an API request carries X-RateLimit-Limit, -Remaining and -Reset (ISO
 * 8601) of the throttle closest to its limit; a request over a limit is
 * answered 429 {"error": "Too many requests"} with those headers and
 * Remaining 0, and no Retry-After.
 *
 * --rate-limit N and --rate-period-s S scale all of them, for tests that
 * cannot wait five minutes: N stands for 300 (so the account's limit is
 * 5 N) and S for 5 minutes (so paging counts over 3 S and new statuses over
 * 36 S). Mastodon's own figures are the default.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "concierge-sandbox.h"

#define MASTODON_LIMIT    300
#define MASTODON_PERIOD_S (5 * 60)

typedef enum
{
  BY_ACCOUNT,
  BY_TOKEN,
  BY_ADDRESS,
  BY_ACCOUNT_PAGING,
} ThrottleKind;

typedef struct
{
  ThrottleKind kind;
  guint        limit_times;    /* the limit, in units of --rate-limit */
  guint        period_times;   /* the period, in units of --rate-period-s */
  GHashTable  *counts;         /* discriminator → Window */
} Throttle;

typedef struct
{
  gint64 window;   /* start of the window / period */
  guint  count;
} Window;

/* In the order Mastodon's config/initializers/rack_attack.rb defines
 * them: the first one over its limit stops the count. */
static Throttle throttles[] = {
  { BY_ACCOUNT, 5, 1, NULL },
  { BY_TOKEN, 1, 1, NULL },
  { BY_ADDRESS, 1, 1, NULL },
  { BY_ACCOUNT_PAGING, 1, 3, NULL },
};

/* app/lib/rate_limiter.rb's family of statuses. */
static Throttle statuses = { BY_ACCOUNT, 1, 36, NULL };

static guint rate_limit = MASTODON_LIMIT;
static guint rate_period_s = MASTODON_PERIOD_S;

void
throttle_init (guint limit,
               guint period_s)
{
  rate_limit = limit > 0 ? limit : MASTODON_LIMIT;
  rate_period_s = period_s > 0 ? period_s : MASTODON_PERIOD_S;

  for (guint i = 0; i < G_N_ELEMENTS (throttles); i++)
    throttles[i].counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  statuses.counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static guint
limit_of (const Throttle *throttle)
{
  return rate_limit * throttle->limit_times;
}

static gint64
period_of (const Throttle *throttle)
{
  return (gint64) rate_period_s * throttle->period_times;
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The count in the current window, which starts at zero each period. */
static Window *
window_of (Throttle   *throttle,
           const char *discriminator)
{
  gint64 current = now_s () / period_of (throttle);
  Window *window = g_hash_table_lookup (throttle->counts, discriminator);

  if (window == NULL)
    {
      window = g_new0 (Window, 1);
      g_hash_table_insert (throttle->counts, g_strdup (discriminator), window);
    }
  if (window->window != current)
    {
      window->window = current;
      window->count = 0;
    }
  return window;
}

static char *
reset_of (const Throttle *throttle)
{
  gint64 period = period_of (throttle);
  g_autoptr(GDateTime) reset = g_date_time_new_from_unix_utc ((now_s () / period + 1) * period);

  return g_date_time_format (reset, "%Y-%m-%dT%H:%M:%S.000000Z");
}

static void
set_headers (SoupServerMessage *msg,
             const Throttle    *throttle,
             guint              remaining)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *limit = g_strdup_printf ("%u", limit_of (throttle));
  g_autofree char *left = g_strdup_printf ("%u", remaining);
  g_autofree char *reset = reset_of (throttle);

  soup_message_headers_replace (headers, "X-RateLimit-Limit", limit);
  soup_message_headers_replace (headers, "X-RateLimit-Remaining", left);
  soup_message_headers_replace (headers, "X-RateLimit-Reset", reset);
}

static gboolean
is_paging (GHashTable *query)
{
  static const char * const names[] = { "page", "max_id", "min_id", "since_id" };

  for (guint i = 0; query != NULL && i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_hash_table_lookup (query, names[i]);

      if (value != NULL && value[0] != '\0')
        return TRUE;
    }
  return FALSE;
}

/* Who the throttle counts the request for, or NULL if it does not apply.
 * Every token here is the support account's. */
static const char *
discriminator_of (const Throttle *throttle,
                  const char     *token,
                  GHashTable     *query)
{
  switch (throttle->kind)
    {
    case BY_ACCOUNT:
      return token ? "support" : NULL;
    case BY_TOKEN:
      return token;
    case BY_ADDRESS:
      return token ? NULL : "127.0.0.1";
    case BY_ACCOUNT_PAGING:
      return token && is_paging (query) ? "support" : NULL;
    default:
      g_assert_not_reached ();
    }
}

static void
reply_too_many (SoupServerMessage *msg,
                const Throttle    *throttle)
{
  set_headers (msg, throttle, 0);
  sandbox_reply_error (msg, 429, "Too many requests");
}

gboolean
throttle_admit (SoupServerMessage *msg,
                const char        *token,
                GHashTable        *query)
{
  const Throttle *closest = NULL;
  guint closest_left = G_MAXUINT;

  for (guint i = 0; i < G_N_ELEMENTS (throttles); i++)
    {
      Throttle *throttle = &throttles[i];
      const char *discriminator = discriminator_of (throttle, token, query);
      Window *window;

      if (discriminator == NULL)
        continue;

      /* Refused requests count too. */
      window = window_of (throttle, discriminator);
      window->count++;
      if (window->count > limit_of (throttle))
        {
          reply_too_many (msg, throttle);
          return FALSE;
        }
      if (limit_of (throttle) - window->count < closest_left)
        {
          closest = throttle;
          closest_left = limit_of (throttle) - window->count;
        }
    }

  if (closest != NULL)
    set_headers (msg, closest, closest_left);
  return TRUE;
}

gboolean
throttle_record_status (SoupServerMessage *msg)
{
  Window *window = window_of (&statuses, "support");
  const char *shown;
  guint left;

  if (window->count >= limit_of (&statuses))
    {
      reply_too_many (msg, &statuses);
      return FALSE;
    }
  window->count++;

  /* The headers name the new statuses' limit unless the request throttle
   * is closer to its own. */
  left = limit_of (&statuses) - window->count;
  shown = soup_message_headers_get_one (soup_server_message_get_response_headers (msg), "X-RateLimit-Remaining");
  if (shown == NULL || g_ascii_strtoull (shown, NULL, 10) >= left)
    set_headers (msg, &statuses, left);
  return TRUE;
}

void
throttle_reply_fault (SoupServerMessage *msg,
                      Fault             *fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  reply_too_many (msg, &throttles[BY_TOKEN]);
  if (fault->reset_after >= 0)
    {
      g_autoptr(GDateTime) reset = g_date_time_new_from_unix_utc (now_s () + fault->reset_after);
      g_autofree char *text = g_date_time_format (reset, "%Y-%m-%dT%H:%M:%S.000000Z");

      soup_message_headers_replace (headers, "X-RateLimit-Reset", text);
    }

  /* Mastodon sends none; a proxy in front of it may. */
  if (fault->retry_after_given && fault->retry_after_http_date)
    {
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (now_s () + fault->retry_after);
      g_autofree char *text = soup_date_time_to_string (date, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Retry-After", text);
    }
  else if (fault->retry_after_given)
    {
      g_autofree char *text = g_strdup_printf ("%u", fault->retry_after);

      soup_message_headers_replace (headers, "Retry-After", text);
    }
}
