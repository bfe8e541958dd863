/* concierge-sandbox-facebook-ops.c
 *
 * What keeps a page from being served: Meta's rate limits, a token that
 * was revoked, a permission taken away, a page that was deleted. The
 * core asks here before it serves a request with the right token, and
 * sets the usage headers from here after it. Sources for each behaviour
 * are in tests/sandbox/README.md, "Facebook: limits, tokens, permissions".
 *
 * For tests (Sandbox only), POST with a JSON body:
 *   /_sandbox/facebook/limit        {"code": 4|17|32|613|80001, "status": 400|403}
 *                                   {"reset": true} forgets the calls made
 *   /_sandbox/facebook/token        {"revoked": true, "subcode": 460|463|467|492}
 *   /_sandbox/facebook/permission   {"name": "pages_messaging", "granted": false}
 *   /_sandbox/facebook/page         {"deleted": true}
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "concierge-sandbox-facebook.h"

/* Meta's formula gives a page 4800 calls per engaged user in its window;
 * the sandbox's page has one engaged user and the window is an hour. */
#define DEFAULT_CALL_LIMIT 4800
#define DEFAULT_WINDOW_S   3600

typedef enum
{
  USE_CASE_PAGES,
  USE_CASE_MESSENGER,
  N_USE_CASES
} UseCase;

static const char * const use_case_names[] = { "pages", "messenger" };

static struct
{
  guint       call_limit;
  guint       window_s;
  /* Per use case, the times (µs) of the calls in the window, oldest first */
  GQueue      calls[N_USE_CASES];
  int         limit_code;   /* 0: 80001 or 80006 by use case */
  guint       limit_status;
  gboolean    revoked;
  int         revoked_subcode;
  gboolean    deleted;
  GHashTable *withdrawn;    /* permission names taken away */
} ops;

void
facebook_limits_init (int call_limit,
                      int window_s)
{
  ops.call_limit = call_limit > 0 ? (guint) call_limit : DEFAULT_CALL_LIMIT;
  ops.window_s = window_s > 0 ? (guint) window_s : DEFAULT_WINDOW_S;
  ops.limit_status = 400;
  ops.withdrawn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < N_USE_CASES; i++)
    g_queue_init (&ops.calls[i]);
}

/* Conversations and their messages, and the Send API, count as
 * Messenger's; everything else as the page's. */
static UseCase
use_case_of (GraphRequest *request)
{
  const char *first = request->segments[0] ? request->segments[0] : "";
  const char *edge = first[0] ? request->segments[1] : NULL;

  if (g_str_has_prefix (first, "t_") || g_str_has_prefix (first, "m_") ||
      g_strcmp0 (edge, "conversations") == 0 || g_strcmp0 (edge, "messages") == 0)
    return USE_CASE_MESSENGER;
  return USE_CASE_PAGES;
}

static void
forget_old_calls (GQueue *calls,
                  gint64  now)
{
  gint64 oldest = now - (gint64) ops.window_s * G_USEC_PER_SEC;

  while (!g_queue_is_empty (calls) && *(gint64 *) g_queue_peek_head (calls) <= oldest)
    g_free (g_queue_pop_head (calls));
}

static guint
percent_of (UseCase use_case)
{
  return MIN (100, g_queue_get_length (&ops.calls[use_case]) * 100 / ops.call_limit);
}

/* Minutes until enough calls left the window for the next one. */
static gint64
minutes_to_regain (UseCase use_case)
{
  GQueue *calls = &ops.calls[use_case];
  guint over = g_queue_get_length (calls) + 1 - ops.call_limit;
  gint64 *frees_up, wait;

  if (g_queue_get_length (calls) < ops.call_limit)
    return 0;
  frees_up = g_queue_peek_nth (calls, MIN (over, g_queue_get_length (calls)) - 1);
  wait = *frees_up + (gint64) ops.window_s * G_USEC_PER_SEC - g_get_real_time ();
  return MAX (1, (wait + 60 * G_USEC_PER_SEC - 1) / (60 * G_USEC_PER_SEC));
}

/**
 * facebook_set_usage_headers:
 *
 * X-Business-Use-Case-Usage for a page token's call, as the
 * rate-limiting page shows it, and X-App-Usage, which counts an app's
 * calls with app and user tokens, so a page token's hardly move it.
 */
void
facebook_set_usage_headers (GraphRequest *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (request->msg);
  UseCase use_case = use_case_of (request);
  guint percent = percent_of (use_case);
  g_autofree char *business = NULL;

  business = g_strdup_printf ("{\"%s\":[{\"type\":\"%s\",\"call_count\":%u,\"total_cputime\":%u,"
                              "\"total_time\":%u,\"estimated_time_to_regain_access\":%" G_GINT64_FORMAT "}]}",
                              FACEBOOK_PAGE_ID, use_case_names[use_case], percent, percent / 2, percent / 2,
                              minutes_to_regain (use_case));
  soup_message_headers_replace (headers, "X-App-Usage", "{\"call_count\":1,\"total_time\":1,\"total_cputime\":1}");
  soup_message_headers_replace (headers, "X-Business-Use-Case-Usage", business);
}

static void
reply_limit_reached (GraphRequest *request,
                     UseCase       use_case)
{
  int code = ops.limit_code ? ops.limit_code : use_case == USE_CASE_MESSENGER ? 80006 : 80001;
  const char *message;

  switch (code)
    {
    case 4:
      message = "(#4) Application request limit reached";
      break;
    case 17:
      message = "(#17) User request limit reached";
      break;
    case 32:
      message = "(#32) Page request limit reached";
      break;
    case 613:
      message = "(#613) Calls to this api have exceeded the rate limit.";
      break;
    case 80006:
      message = "(#80006) There have been too many messenger api calls to this Page account. Wait a bit and "
                "try again. For more info, please refer to "
                "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.";
      break;
    default:
      message = "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For "
                "more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.";
      break;
    }
  facebook_reply_error (request, ops.limit_status, "OAuthException", code, 0, message);
}

static void
reply_revoked (GraphRequest *request)
{
  const char *message;

  switch (ops.revoked_subcode)
    {
    case 460:
      message = "Error validating access token: The session has been invalidated because the user changed "
                "their password or Facebook has changed the session for security reasons.";
      break;
    case 463:
      message = "Error validating access token: Session has expired.";
      break;
    case 492:
      message = "User associated with the Page access token does not have an appropriate role on the Page.";
      break;
    default:
      message = "Error validating access token: The session is invalid because the user logged out.";
      break;
    }
  facebook_reply_error (request, 400, "OAuthException", 190, ops.revoked_subcode, message);
}

/* The permissions a call needs, from Meta's reference of each: the Page
 * node and its feed, comments, Conversations and the Send API. */
static const char * const *
permissions_for (GraphRequest *request)
{
  static const char * const page[] = { "pages_read_engagement", NULL };
  static const char * const read_content[] = { "pages_read_engagement", "pages_read_user_content", NULL };
  static const char * const moderate[] = { "pages_read_engagement", "pages_manage_engagement", NULL };
  static const char * const comment[] = { "pages_manage_engagement", NULL };
  static const char * const conversations[] = { "pages_manage_metadata", "pages_read_engagement",
                                                "pages_messaging", NULL };
  static const char * const send[] = { "pages_messaging", NULL };
  const char *first = request->segments[0] ? request->segments[0] : "";
  const char *edge = first[0] ? request->segments[1] : NULL;
  gboolean get = g_str_equal (request->method, "GET");
  gboolean is_page = g_str_equal (first, "me") || g_str_equal (first, FACEBOOK_PAGE_ID);

  if (edge == NULL && is_page)
    return page;
  /* Hiding a comment is a POST to the comment itself. */
  if (edge == NULL && !get)
    return moderate;
  if (edge == NULL)
    return g_str_has_prefix (first, "t_") || g_str_has_prefix (first, "m_") ? conversations : read_content;
  if (g_str_equal (edge, "messages"))
    return is_page && !get ? send : conversations;
  if (g_str_equal (edge, "conversations"))
    return conversations;
  if (g_str_equal (edge, "comments") && !get)
    return comment;
  return read_content;
}

/* Reads name their permission in a (#10), writes in a (#200), as Meta
 * answers them. */
static gboolean
reply_if_permission_missing (GraphRequest *request)
{
  const char * const *needed = permissions_for (request);
  g_autofree char *message = NULL;

  for (guint i = 0; needed[i] != NULL; i++)
    {
      if (!g_hash_table_contains (ops.withdrawn, needed[i]))
        continue;
      if (g_str_equal (request->method, "GET"))
        {
          message = g_strdup_printf ("(#10) This endpoint requires the '%s' permission or the 'Page Public "
                                     "Content Access' feature or the 'Page Public Metadata Access' feature.",
                                     needed[i]);
          facebook_reply_error (request, 400, "OAuthException", 10, 0, message);
        }
      else
        {
          message = g_strdup_printf ("(#200) Requires permission: %s or User associated with the Page access "
                                     "token does not have an appropriate role on the Page.", needed[i]);
          facebook_reply_error (request, 403, "OAuthException", 200, 0, message);
        }
      return TRUE;
    }
  return FALSE;
}

/**
 * facebook_refuse:
 *
 * Counts a call with the page's token and answers it when something keeps
 * it from being served.
 *
 * Returns: TRUE if it answered
 */
gboolean
facebook_refuse (GraphRequest *request)
{
  UseCase use_case = use_case_of (request);
  gint64 now = g_get_real_time ();
  gboolean over;

  if (ops.revoked)
    {
      reply_revoked (request);
      return TRUE;
    }

  /* Calls made at the limit count too: "Continuing to make calls will
   * continue to increase your call count". */
  forget_old_calls (&ops.calls[use_case], now);
  over = g_queue_get_length (&ops.calls[use_case]) >= ops.call_limit;
  g_queue_push_tail (&ops.calls[use_case], g_memdup2 (&now, sizeof now));
  if (over)
    {
      reply_limit_reached (request, use_case);
      return TRUE;
    }

  if (ops.deleted)
    {
      g_autofree char *message = g_strdup_printf ("Unsupported %s request. Object with ID '%s' does not exist, "
                                                  "cannot be loaded due to missing permissions, or does not "
                                                  "support this operation. Please read the Graph API "
                                                  "documentation at https://developers.facebook.com/docs/graph-api",
                                                  g_str_equal (request->method, "GET") ? "get" : "post",
                                                  g_str_equal (request->segments[0], "me") ? FACEBOOK_PAGE_ID
                                                                                           : request->segments[0]);

      facebook_reply_error (request, 400, "GraphMethodException", 100, 33, message);
      return TRUE;
    }

  return reply_if_permission_missing (request);
}

static GHashTable *
control_body (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  GHashTable *body = oauth_decode_json (bytes);

  return body ? body : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
is_true (GHashTable *body,
         const char *name)
{
  return g_strcmp0 (g_hash_table_lookup (body, name), "true") == 0;
}

static int
number (GHashTable *body,
        const char *name)
{
  const char *text = g_hash_table_lookup (body, name);

  return text ? atoi (text) : 0;
}

gboolean
facebook_ops_control (SoupServerMessage *msg,
                      const char        *path)
{
  g_autoptr(GHashTable) body = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    return FALSE;

  body = control_body (msg);
  if (g_str_equal (path, "/_sandbox/facebook/limit"))
    {
      if (is_true (body, "reset"))
        for (guint i = 0; i < N_USE_CASES; i++)
          g_queue_clear_full (&ops.calls[i], g_free);
      if (g_hash_table_contains (body, "code"))
        ops.limit_code = number (body, "code");
      if (g_hash_table_contains (body, "status"))
        ops.limit_status = number (body, "status") == 403 ? 403 : 400;
    }
  else if (g_str_equal (path, "/_sandbox/facebook/token"))
    {
      ops.revoked = is_true (body, "revoked");
      ops.revoked_subcode = number (body, "subcode");
    }
  else if (g_str_equal (path, "/_sandbox/facebook/permission") && g_hash_table_contains (body, "name"))
    {
      if (is_true (body, "granted"))
        g_hash_table_remove (ops.withdrawn, g_hash_table_lookup (body, "name"));
      else
        g_hash_table_add (ops.withdrawn, g_strdup (g_hash_table_lookup (body, "name")));
    }
  else if (g_str_equal (path, "/_sandbox/facebook/page"))
    ops.deleted = is_true (body, "deleted");
  else
    return FALSE;

  soup_server_message_set_status (msg, 204, NULL);
  return TRUE;
}
