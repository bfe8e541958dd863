/* concierge-mastodon-request.c
 *
 * Every request to the Mastodon API goes through here: the token, the
 * answer's status in words, and Mastodon's rate limits.
 *
 * Mastodon throttles several ways at once (300 requests per token and 1,500
 * per account in 5 minutes, 300 requests that page per account in 15
 * minutes, 300 new statuses per account in 3 hours) and names in its
 * X-RateLimit-* headers the throttle closest to its limit. Its 429 has no
 * Retry-After: X-RateLimit-Reset says when the window ends. So requests
 * are paced from those headers, and one that finds the limit used up waits
 * for the reset before it goes out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "channels/concierge-paced-send.h"
#include "concierge-mastodon-channel-private.h"

/* Below this share of the limit, the requests left are spread over the
 * time left. */
#define PACE_BELOW_DIVISOR 4
/* Requests kept back from the budget the headers name, for the throttles
 * they do not name: Mastodon has three that count most requests. */
#define HELD_BACK 2
/* For a server that names no limit. */
#define PACE_BELOW_DEFAULT 20
/* A request waits this long past the reset, for clocks that differ a
 * little. */
#define RESET_MARGIN_USEC (250 * 1000)
/* A 429 that says nothing of when to come back. */
#define DEFAULT_RETRY_AFTER 60
/* The longest window Mastodon has, that of new statuses. */
#define MAX_RETRY_AFTER (3 * 60 * 60 + 60)


typedef struct
{
  GTask                         *task;
  SoupMessage                   *message;
  ConciergeMastodonJsonCallback  callback;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->task);
  g_object_unref (request->message);
  g_free (request);
}

static gint64
date_time_to_usec (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

/* X-RateLimit-Reset, an ISO 8601 time with microseconds, in microseconds
 * since the epoch; 0 when absent or unreadable. */
static gint64
reset_time (SoupMessageHeaders *headers)
{
  const char *reset = soup_message_headers_get_one (headers, "X-RateLimit-Reset");
  g_autoptr(GDateTime) time = NULL;

  if (reset == NULL || (time = g_date_time_new_from_iso8601 (reset, NULL)) == NULL)
    return 0;
  return date_time_to_usec (time);
}

/* Retry-After in microseconds since the epoch: seconds to wait, or an HTTP
 * date (RFC 9110, section 10.2.3); 0 when absent or unreadable. */
static gint64
retry_after_time (SoupMessageHeaders *headers)
{
  const char *retry = soup_message_headers_get_one (headers, "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  char *end = NULL;
  guint64 seconds;

  if (retry == NULL)
    return 0;
  seconds = g_ascii_strtoull (retry, &end, 10);
  if (end != retry && *end == '\0')
    return g_get_real_time () + (gint64) MIN (seconds, MAX_RETRY_AFTER) * G_USEC_PER_SEC;
  if ((date = soup_date_time_new_from_http_string (retry)) == NULL)
    return 0;
  return date_time_to_usec (date);
}

static guint
seconds_until (gint64 time)
{
  gint64 wait = time - g_get_real_time ();

  return (guint) CLAMP ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1, MAX_RETRY_AFTER);
}

static gboolean
is_new_status (SoupMessage *message)
{
  return g_str_equal (soup_message_get_method (message), SOUP_METHOD_POST) &&
         g_str_equal (g_uri_get_path (soup_message_get_uri (message)), "/api/v1/statuses");
}

/* Mastodon tells how many requests are left until when, of the throttle
 * closest to its limit. When few are left, the next request waits its
 * share of the time, so that a fetch of many pages slows down rather than
 * meet a 429. The last few are kept back: a throttle the headers do not
 * name (that of requests that page, say) may stand as low, and after the
 * named one's reset the next answer names it. */
static void
note_rate_limit (ConciergeMastodon *self,
                 SoupMessage       *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *remaining_text = soup_message_headers_get_one (headers, "X-RateLimit-Remaining");
  const char *limit_text = soup_message_headers_get_one (headers, "X-RateLimit-Limit");
  gint64 reset = reset_time (headers);
  gint64 now = g_get_real_time ();
  guint64 remaining, limit, pace_below;

  /* The answer to a new status may name the limit of new statuses, which
   * says nothing of other requests. */
  if (remaining_text == NULL || reset <= now || is_new_status (message))
    return;

  remaining = g_ascii_strtoull (remaining_text, NULL, 10);
  limit = limit_text ? g_ascii_strtoull (limit_text, NULL, 10) : 0;
  pace_below = limit > 0 ? MAX (limit / PACE_BELOW_DIVISOR, HELD_BACK + 1) : PACE_BELOW_DEFAULT;

  if (remaining <= HELD_BACK)
    self->not_before = MAX (self->not_before, reset + RESET_MARGIN_USEC);
  else if (remaining < pace_below)
    self->not_before = MAX (self->not_before, now + (reset - now) / (gint64) (remaining - HELD_BACK + 1));
  else
    {
      self->retry_after = 0;
      return;
    }
  self->retry_after = seconds_until (self->not_before);
}

static char *
local_time_of_day (gint64 time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%H:%M");
}

/* Mastodon's 429 has no Retry-After, only the end of the window in
 * X-RateLimit-Reset. A 429 with a Retry-After, as seconds or as an HTTP
 * date, came from a proxy in front of it, whose word counts. */
static GError *
rate_limited (ConciergeMastodon *self,
              SoupMessage       *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  gint64 until = retry_after_time (headers);
  g_autofree char *at = NULL;

  if (until == 0)
    until = reset_time (headers);
  /* A reset already past still means a second's wait; none at all, a
   * minute's. */
  if (until == 0)
    until = g_get_real_time () + DEFAULT_RETRY_AFTER * G_USEC_PER_SEC;
  self->retry_after = seconds_until (until);

  /* New statuses have a limit of their own, 300 in 3 hours, which holds
   * back posts only: reading goes on. */
  if (is_new_status (message))
    {
      at = local_time_of_day (until + RESET_MARGIN_USEC);
      return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED,
                          _("Mastodon takes no more posts from this account for now; it allows 300 in 3 "
                            "hours. Concierge sends this reply at %s."), at);
    }
  self->not_before = MAX (self->not_before, until + RESET_MARGIN_USEC);
  return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED,
                      _("Mastodon asks to wait %u seconds before the next request."), self->retry_after);
}

static GError *
error_for_status (ConciergeMastodon *self,
                  SoupMessage       *message)
{
  guint status = soup_message_get_status (message);

  if (self->signing_in && status == 404)
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                        _("%s does not answer like a Mastodon server. Check the address."), self->server_url);
  if (self->signing_in && status >= 400 && status < 500 && status != 429)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                _("The server did not accept the sign-in. Start it again."));
  if (status == SOUP_STATUS_UNAUTHORIZED)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                _("Mastodon no longer accepts this account’s sign-in. Sign in again."));
  if (status == 429)
    return rate_limited (self, message);
  if (status == 422)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                _("Mastodon refused the post, for example because it is too long."));
  if (status == 404)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                _("The post this answers no longer exists on Mastodon."));
  if (status >= 400 && status < 500)
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                        _("Mastodon refused the request (%u)."), status);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                        _("Mastodon answered with an error (%u)."), status);
  return NULL;
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = concierge_channel_parse_json_finish (result, &error);
  if (root == NULL)
    g_task_return_error (request->task, error);
  else
    request->callback (request->task, root);
  request_free (request);
}

static void
received_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  ConciergeMastodon *self = g_task_get_source_object (request->task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL || (error = error_for_status (self, request->message)) != NULL)
    {
      g_task_return_error (request->task, error);
      request_free (request);
      return;
    }
  note_rate_limit (self, request->message);

  /* Each answer replaces the last one's, so a callback reads its own. */
  g_object_set_data_full (G_OBJECT (request->task), CONCIERGE_MASTODON_LINK_KEY,
                          g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (request->message),
                                                                  "Link")),
                          g_free);

  concierge_channel_parse_json_async (bytes, g_task_get_cancellable (request->task), parsed_cb, request);
}

/* Holds @request back until the pace allows it. */
static void
send_paced (Request *request)
{
  ConciergeMastodon *self = g_task_get_source_object (request->task);

  concierge_send_and_read_when (self->session, request->message, self->not_before,
                                g_task_get_cancellable (request->task), received_cb, request);
}

/**
 * concierge_mastodon_request_json:
 * @task: whose source object is the #ConciergeMastodon asked through
 * @form: (nullable): parameters of a POST, form-encoded
 * @idempotency_key: (nullable): makes a repeat of the request harmless
 * @callback: gets the answer's JSON; errors go to @task
 */
void
concierge_mastodon_request_json (GTask                         *task,
                                 const char                    *method,
                                 const char                    *path,
                                 const char                    *query,
                                 GHashTable                    *form,
                                 const char                    *idempotency_key,
                                 ConciergeMastodonJsonCallback  callback)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  g_autofree char *url = g_strdup_printf ("%s%s%s%s", self->server_url, path, query ? "?" : "", query ? query : "");
  SoupMessage *message;
  Request *request;

  message = form ? soup_message_new_from_encoded_form (method, url, soup_form_encode_hash (form))
                 : soup_message_new (method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("“%s” is not a server address."), self->server_url);
      return;
    }

  if (self->access_token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->access_token);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    }
  /* A redirect could carry the token to another host; the API has none. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (idempotency_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Idempotency-Key", idempotency_key);

  request = g_new0 (Request, 1);
  request->task = g_object_ref (task);
  request->message = message;
  request->callback = callback;
  send_paced (request);
}

/**
 * concierge_mastodon_link_target:
 * @task: whose last answer may have had a Link header
 * @rel: the relation, such as "next" or "prev"
 *
 * Returns: (nullable): the address of the @rel link in that header
 *   (RFC 8288), as it came
 */
char *
concierge_mastodon_link_target (GTask      *task,
                                const char *rel)
{
  const char *p = g_object_get_data (G_OBJECT (task), CONCIERGE_MASTODON_LINK_KEY);
  g_autofree char *quoted = g_strdup_printf ("rel=\"%s\"", rel);
  g_autofree char *bare = g_strdup_printf ("rel=%s", rel);

  while (p != NULL && (p = strchr (p, '<')) != NULL)
    {
      const char *close = strchr (p, '>');
      const char *end;
      g_autofree char *params = NULL;

      if (close == NULL)
        return NULL;
      end = strchr (close, ',');
      params = end ? g_strndup (close + 1, end - close - 1) : g_strdup (close + 1);
      if (strstr (params, quoted) != NULL || strstr (params, bare) != NULL)
        return g_strndup (p + 1, close - p - 1);
      p = end;
    }
  return NULL;
}

/**
 * concierge_mastodon_next_page:
 * @task: whose last answer may have had a Link header
 * @path: (out): the next page's path
 * @query: (out): its query, or %NULL
 *
 * Mastodon pages with a Link header whose "next" holds the query for the
 * page before. A link to another server is not followed: the token would
 * go with it.
 *
 * Returns: whether there is a next page on this server
 */
gboolean
concierge_mastodon_next_page (GTask  *task,
                              char  **path,
                              char  **query)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  g_autofree char *target = concierge_mastodon_link_target (task, "next");
  g_autoptr(GUri) next = target ? g_uri_parse (target, G_URI_FLAGS_ENCODED, NULL) : NULL;
  g_autoptr(GUri) server = g_uri_parse (self->server_url, G_URI_FLAGS_ENCODED, NULL);

  if (next == NULL || server == NULL ||
      g_strcmp0 (g_uri_get_scheme (next), g_uri_get_scheme (server)) != 0 ||
      g_ascii_strcasecmp (g_uri_get_host (next) ?: "", g_uri_get_host (server) ?: "") != 0 ||
      g_uri_get_port (next) != g_uri_get_port (server))
    return FALSE;

  *path = g_strdup (g_uri_get_path (next));
  *query = g_strdup (g_uri_get_query (next));
  return TRUE;
}
