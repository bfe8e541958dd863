/* concierge-facebook-request.c
 *
 * Every request to the Graph API goes through here: the version, the
 * page token, Meta's errors in words, and Meta's rate limits.
 *
 * Meta counts a page's calls in several ways at once and says how close
 * each is to its limit in the X-App-Usage, X-Page-Usage and
 * X-Business-Use-Case-Usage headers, as percentages; at 100 it refuses
 * calls with one of the codes 4, 17, 32, 613 or 80001 until the time the
 * business use case header names. The Conversations API allows about two
 * calls a second per page on top of that. So requests go out at most two
 * a second, slow down as the usage nears its limit, and stop until the
 * named time once it is reached.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "channels/concierge-paced-send.h"
#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"

/* The Conversations API's two calls a second per page. */
#define MIN_INTERVAL_USEC (G_USEC_PER_SEC / 2)
/* Above this usage, requests are spread out more and more ... */
#define SLOW_DOWN_PERCENT 75
/* ... up to this long apart just below the limit. */
#define SLOWEST_INTERVAL_USEC (30 * G_USEC_PER_SEC)
/* A limit reached that names no time to wait. */
#define DEFAULT_RETRY_AFTER 60
#define MAX_RETRY_AFTER (24 * 60 * 60)

typedef struct
{
  GTask                         *task;
  SoupMessage                   *message;
  char                          *path;
  ConciergeFacebookJsonCallback  callback;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->task);
  g_object_unref (request->message);
  g_free (request->path);
  g_free (request);
}

/* Usage */

/* The highest percentage in a usage object, as {"call_count": 28,
 * "total_time": 25, "total_cputime": 25}. */
static gint64
highest_usage (JsonObject *usage)
{
  static const char * const counts[] = { "call_count", "total_time", "total_cputime", "acc_id_util_pct" };
  gint64 highest = 0;

  for (guint i = 0; usage != NULL && i < G_N_ELEMENTS (counts); i++)
    highest = MAX (highest, concierge_json_int (usage, counts[i]));
  return highest;
}

static JsonNode *
parse_header (SoupMessageHeaders *headers,
              const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);

  if (value == NULL)
    return NULL;
  return json_from_string (value, NULL);
}

/* X-Business-Use-Case-Usage maps a business id to a list of use cases,
 * each with its percentages and, once throttled, the minutes until
 * access returns. */
static void
read_business_usage (SoupMessageHeaders *headers,
                     gint64             *percent,
                     gint64             *regain_minutes)
{
  g_autoptr(JsonNode) root = parse_header (headers, "X-Business-Use-Case-Usage");
  JsonObjectIter iter;
  const char *business;
  JsonNode *cases;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &business, &cases))
    {
      JsonArray *list;

      if (!JSON_NODE_HOLDS_ARRAY (cases))
        continue;
      list = json_node_get_array (cases);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *element = json_array_get_element (list, i);
          JsonObject *use_case = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

          if (use_case == NULL)
            continue;
          *percent = MAX (*percent, highest_usage (use_case));
          *regain_minutes = MAX (*regain_minutes, concierge_json_int (use_case, "estimated_time_to_regain_access"));
        }
    }
}

static guint
seconds_until (gint64 time)
{
  gint64 wait = time - g_get_real_time ();

  return (guint) CLAMP ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, 1, MAX_RETRY_AFTER);
}

/* Sets the earliest time of the next request from an answer's usage
 * headers; returns the minutes Meta named until access returns. */
static gint64
note_usage (ConciergeFacebook *self,
            SoupMessage       *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  g_autoptr(JsonNode) app = parse_header (headers, "X-App-Usage");
  g_autoptr(JsonNode) page = parse_header (headers, "X-Page-Usage");
  gint64 percent = 0, regain_minutes = 0, now = g_get_real_time (), interval = MIN_INTERVAL_USEC;

  if (app != NULL && JSON_NODE_HOLDS_OBJECT (app))
    percent = MAX (percent, highest_usage (json_node_get_object (app)));
  if (page != NULL && JSON_NODE_HOLDS_OBJECT (page))
    percent = MAX (percent, highest_usage (json_node_get_object (page)));
  read_business_usage (headers, &percent, &regain_minutes);

  if (regain_minutes > 0)
    interval = MIN (regain_minutes * 60, MAX_RETRY_AFTER) * G_USEC_PER_SEC;
  else if (percent >= 100)
    interval = DEFAULT_RETRY_AFTER * G_USEC_PER_SEC;
  else if (percent > SLOW_DOWN_PERCENT)
    interval = MAX (interval, SLOWEST_INTERVAL_USEC * (percent - SLOW_DOWN_PERCENT) / (100 - SLOW_DOWN_PERCENT));

  self->not_before = MAX (self->not_before, now + interval);
  self->retry_after = interval > MIN_INTERVAL_USEC ? seconds_until (self->not_before) : 0;
  return regain_minutes;
}

/* Errors */

static char *
local_time_of_day (gint64 time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%H:%M");
}

/* Meta names the permission a call lacks in its message, as in "(#200)
 * Requires pages_messaging permission to manage the object". */
static char *
missing_permission (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\b((pages|instagram|business|read)_[a-z_]+|human_agent)\\b",
                                         G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (text != NULL && g_regex_match (regex, text, 0, &match))
    return g_match_info_fetch (match, 1);
  return NULL;
}

static GError *
rate_limited (ConciergeFacebook *self)
{
  g_autofree char *at = NULL;

  if (self->not_before <= g_get_real_time () + MIN_INTERVAL_USEC)
    self->not_before = g_get_real_time () + DEFAULT_RETRY_AFTER * G_USEC_PER_SEC;
  self->retry_after = seconds_until (self->not_before);
  at = local_time_of_day (self->not_before);
  return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED,
                      _("Facebook’s rate limit for this page is reached. Concierge waits until %s."), at);
}

/* Error 100 with subcode 33: the object "does not exist, cannot be loaded
 * due to missing permissions, or does not support this operation". */
static const char *
gone_message (void)
{
  return _("Facebook cannot find this page, post or comment. It may have been deleted, or the token belongs to "
           "another page.");
}

/**
 * concierge_facebook_error_is_gone:
 *
 * Returns: whether @error says that the object asked for does not exist
 *   (any more)
 */
gboolean
concierge_facebook_error_is_gone (const GError *error)
{
  return g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED) &&
         g_strcmp0 (error->message, gone_message ()) == 0;
}


/* Whether @path asks for the page itself or one of its edges, as
 * "/PAGE-ID" or "/PAGE-ID/feed", rather than a post or comment. */
static gboolean
names_the_page (ConciergeFacebook *self,
                const char        *path)
{
  gsize length = self->page_id ? strlen (self->page_id) : 0;

  return length > 0 && path[0] == '/' && strncmp (path + 1, self->page_id, length) == 0 &&
         (path[length + 1] == '\0' || path[length + 1] == '/');
}

/* A permission the token lacks, as Meta answers it with code 10, 200 to
 * 299, or 100 where it cannot tell a missing permission from a missing
 * object (developers.facebook.com/docs/graph-api/guides/error-handling). */
static GError *
permission_error (const char *text)
{
  g_autofree char *permission = missing_permission (text);

  if (permission != NULL)
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                        _("The page’s token lacks the permission “%s”. Add it to the System User’s "
                          "token in Meta Business Suite and paste the new token."), permission);
  return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                              _("The page’s token lacks a permission for this. Check the permissions of "
                                "the System User’s token in Meta Business Suite."));
}

/* OAuthException 190, or 102, by its subcode. */
static GError *
token_error (gint64 subcode)
{
  /* 492: the System User lost its tasks on the page; its token comes
   * back to life once the page is assigned to it again. */
  if (subcode == 492)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                _("The System User whose token this is no longer has a role on this page. "
                                  "Assign the page to it again in Meta Business Suite, with the tasks "
                                  "Moderate and Messaging."));
  return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                              _("Facebook no longer accepts this page’s token: it was revoked or has "
                                "expired. Generate a new one and add it in Preferences → Accounts."));
}

/**
 * concierge_facebook_error_for_answer:
 * @status: the answer's HTTP status, which Meta's docs leave open: the
 *   code in @error decides
 * @error: the answer's "error" object
 * @path: the Graph path asked for, as "/PAGE-ID/feed"
 *
 * Returns: (transfer full): the error in the agent's words; a limit also
 *   holds back the next requests
 */
GError *
concierge_facebook_error_for_answer (ConciergeFacebook *self,
                                     guint              status,
                                     JsonObject        *error,
                                     const char        *path)
{
  gint64 code = concierge_json_int (error, "code");
  gint64 subcode = concierge_json_int (error, "error_subcode");
  const char *text = concierge_json_string (error, "message");
  g_autofree char *permission = NULL;

  if (subcode == 2018278)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                _("Facebook no longer lets the page answer this customer: their last message "
                                  "is more than 24 hours old. The customer has to write first."));
  /* developers.facebook.com/docs/messenger-platform/error-codes */
  if (subcode == 2018028)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                _("Facebook lets the page message only people with a role on its Meta app "
                                  "until the app has Advanced Access to “pages_messaging”."));

  switch (code)
    {
    /* developers.facebook.com/docs/graph-api/overview/rate-limiting:
     * 80001 for a page's calls, 80006 for its Messenger calls. */
    case 4:
    case 17:
    case 32:
    case 341:
    case 613:
    case 80001:
    case 80006:
      return rate_limited (self);
    case 102:
    case 190:
      return token_error (subcode);
    case 551:
      return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                  _("This person cannot be reached on Messenger right now."));
    case 10900:
      return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_ALREADY_DONE,
                                  _("Facebook allows one private reply per comment, and this comment has had "
                                    "its private reply."));
    case 10902:
    case 10903:
      return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                  _("Facebook no longer allows a private reply to this comment: that is possible "
                                    "only within 7 days of the comment."));
    case 100:
      if (subcode == 33 && names_the_page (self, path))
        return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                    _("Facebook cannot find this page any more. It may have been deleted or "
                                      "unpublished."));
      if (subcode == 33)
        return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED, gone_message ());
      if ((permission = missing_permission (text)) != NULL)
        return permission_error (text);
      break;
    case 1:
    case 2:
      return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                                  _("Facebook is having trouble right now. Concierge tries again soon."));
    default:
      break;
    }

  if (code == 10 || (code >= 200 && code <= 299))
    return permission_error (text);

  if (status >= 500)
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                        _("Facebook answered with an error (%u)."), status);
  /* Meta's own words are English, and better than none. */
  return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                      _("Facebook refused the request: %s"), text ? text : "");
}

/* Answers */

void
concierge_facebook_return_unreadable (GTask *task)
{
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("Facebook’s answer could not be read."));
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  ConciergeFacebook *self = g_task_get_source_object (request->task);
  guint status = soup_message_get_status (request->message);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  JsonObject *failure;

  root = concierge_channel_parse_json_finish (result, &error);
  if (root == NULL)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (request->task, error);
      else
        {
          g_error_free (error);
          g_task_return_new_error (request->task, CONCIERGE_CHANNEL_ERROR,
                                   status >= 500 ? CONCIERGE_CHANNEL_ERROR_FAILED : CONCIERGE_CHANNEL_ERROR_REJECTED,
                                   _("Facebook answered with an error (%u)."), status);
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (root) &&
           (failure = concierge_json_object (json_node_get_object (root), "error")) != NULL)
    g_task_return_error (request->task, concierge_facebook_error_for_answer (self, status, failure, request->path));
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_new_error (request->task, CONCIERGE_CHANNEL_ERROR,
                             status >= 500 ? CONCIERGE_CHANNEL_ERROR_FAILED : CONCIERGE_CHANNEL_ERROR_REJECTED,
                             _("Facebook answered with an error (%u)."), status);
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
  ConciergeFacebook *self = g_task_get_source_object (request->task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (request->task, error);
      request_free (request);
      return;
    }
  note_usage (self, request->message);

  /* Meta answers errors with JSON too, and every status with its words. */
  concierge_channel_parse_json_async (bytes, g_task_get_cancellable (request->task), parsed_cb, request);
}

/* Pacing */

static void
send_paced (Request *request)
{
  ConciergeFacebook *self = g_task_get_source_object (request->task);
  gint64 not_before = self->not_before;

  /* Held until the answer's headers say more. */
  self->not_before = MAX (not_before, g_get_real_time ()) + MIN_INTERVAL_USEC;
  concierge_send_and_read_when (self->session, request->message, not_before, g_task_get_cancellable (request->task),
                                received_cb, request);
}

static SoupMessage *
new_message (ConciergeFacebook *self,
             const char        *method,
             const char        *path,
             GHashTable        *params,
             JsonNode          *body)
{
  g_autofree char *url = g_strdup_printf ("%s/%s%s", self->api_url, CONCIERGE_FACEBOOK_GRAPH_VERSION, path);
  SoupMessage *message;

  if (body != NULL)
    {
      g_autofree char *json = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&json), strlen (json));

      message = soup_message_new (method, url);
      if (message != NULL)
        soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  else if (params != NULL && g_str_equal (method, SOUP_METHOD_POST))
    message = soup_message_new_from_encoded_form (method, url, soup_form_encode_hash (params));
  else if (params != NULL)
    {
      g_autofree char *query = soup_form_encode_hash (params);
      g_autofree char *with_query = g_strdup_printf ("%s?%s", url, query);

      message = soup_message_new (method, with_query);
    }
  else
    message = soup_message_new (method, url);
  return message;
}

static void
send_json_request (GTask                         *task,
                   const char                    *token,
                   const char                    *method,
                   const char                    *path,
                   GHashTable                    *params,
                   JsonNode                      *body,
                   ConciergeFacebookJsonCallback  callback)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  g_autofree char *authorization = NULL;
  SoupMessage *message;
  Request *request;

  message = new_message (self, method, path, params, body);
  if (message == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("“%s” is not a server address."), self->api_url);
      return;
    }

  /* In a header, the token stays out of addresses that proxies log. */
  authorization = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  /* A redirect could carry the token to another host. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  request = g_new0 (Request, 1);
  request->task = g_object_ref (task);
  request->message = message;
  request->path = g_strdup (path);
  request->callback = callback;
  send_paced (request);
}

/* The page's own token */

/* A request that waits for the page's token. */
typedef struct
{
  GTask                         *task;
  char                          *method;
  char                          *path;
  GHashTable                    *params;
  JsonNode                      *body;
  ConciergeFacebookJsonCallback  callback;
} Deferred;

static void
deferred_free (Deferred *deferred)
{
  g_object_unref (deferred->task);
  g_free (deferred->method);
  g_free (deferred->path);
  g_clear_pointer (&deferred->params, g_hash_table_unref);
  g_clear_pointer (&deferred->body, json_node_unref);
  g_free (deferred);
}

static GHashTable *
copy_params (GHashTable *params)
{
  GHashTable *copy;
  GHashTableIter iter;
  gpointer key, value;

  if (params == NULL)
    return NULL;

  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static void
page_token_cb (GTask    *task,
               JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  const char *page_token = concierge_json_node_string (root, "access_token");

  /* A page token asked for the page's token has none to give: it is
   * the page's token itself. */
  concierge_facebook_forget_token (&self->page_token);
  self->page_token = g_strdup (page_token ? page_token : self->token);
  g_task_return_boolean (task, TRUE);
}

static void
page_token_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergeFacebook *self = CONCIERGE_FACEBOOK (object);
  Deferred *deferred = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Only a page refuses to give its token to itself; a wrong token,
       * the network or a cancellation ends the request. */
      if (!g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
        {
          g_task_return_error (deferred->task, error);
          deferred_free (deferred);
          return;
        }
      g_error_free (error);
      if (self->page_token == NULL)
        self->page_token = g_strdup (self->token);
    }

  send_json_request (deferred->task, self->page_token, deferred->method, deferred->path, deferred->params,
                     deferred->body, deferred->callback);
  deferred_free (deferred);
}

/* The token Meta Business Suite generates for a System User is the
 * person's, which the Messenger and comment calls refuse: they take the
 * page's own token, which the System User may read from the page. It
 * never expires either, and stays in memory only. */
static void
read_page_token (GTask                         *task,
                 const char                    *method,
                 const char                    *path,
                 GHashTable                    *params,
                 JsonNode                      *body,
                 ConciergeFacebookJsonCallback  callback)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  g_autoptr(GTask) reading = NULL;
  g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *page_path = g_strdup_printf ("/%s", self->page_id);
  Deferred *deferred = g_new0 (Deferred, 1);

  deferred->task = g_object_ref (task);
  deferred->method = g_strdup (method);
  deferred->path = g_strdup (path);
  deferred->params = copy_params (params);
  deferred->body = body ? json_node_ref (body) : NULL;
  deferred->callback = callback;

  reading = g_task_new (self, g_task_get_cancellable (task), page_token_read_cb, deferred);
  g_task_set_source_tag (reading, read_page_token);
  g_hash_table_insert (fields, (char *) "fields", (char *) "access_token");
  send_json_request (reading, self->token, SOUP_METHOD_GET, page_path, fields, NULL, page_token_cb);
}

void
concierge_facebook_forget_token (char **token)
{
  if (*token != NULL)
    memset (*token, 0, strlen (*token));
  g_clear_pointer (token, g_free);
}

/**
 * concierge_facebook_request_json:
 * @task: whose source object is the #ConciergeFacebook asked through
 * @path: the Graph path after the version, as "/PAGE-ID/feed"
 * @params: (nullable): the query of a GET, the form of a POST
 * @body: (nullable): a POST's JSON body, instead of @params
 * @callback: gets the answer's JSON; errors go to @task
 */
void
concierge_facebook_request_json (GTask                         *task,
                                 const char                    *method,
                                 const char                    *path,
                                 GHashTable                    *params,
                                 JsonNode                      *body,
                                 ConciergeFacebookJsonCallback  callback)
{
  ConciergeFacebook *self = g_task_get_source_object (task);

  /* While a token is checked, it asks for itself, "/me". */
  if (self->page_token == NULL && !g_str_equal (self->page_id, "me"))
    read_page_token (task, method, path, params, body, callback);
  else
    send_json_request (task, self->page_token ? self->page_token : self->token, method, path, params, body,
                       callback);
}

/**
 * concierge_facebook_next_cursor:
 * @answer: a list as the Graph API answers it, with "data" and "paging"
 *
 * Returns: (nullable): the cursor of the next page, or %NULL on the last
 */
const char *
concierge_facebook_next_cursor (JsonObject *answer)
{
  JsonObject *paging = concierge_json_object (answer, "paging");

  /* Meta leaves "next" out on the last page, while "cursors" stays. */
  if (paging == NULL || concierge_json_string (paging, "next") == NULL)
    return NULL;
  return concierge_json_string (concierge_json_object (paging, "cursors"), "after");
}

/**
 * concierge_facebook_parse_time:
 * @time: (nullable): as the Graph API writes times, "2024-05-02T09:14:03+0000"
 *
 * Returns: Unix time, or 0 when @time is missing or unreadable
 */
gint64
concierge_facebook_parse_time (const char *time)
{
  g_autoptr(GDateTime) date = NULL;

  if (time == NULL || (date = g_date_time_new_from_iso8601 (time, NULL)) == NULL)
    return 0;
  return g_date_time_to_unix (date);
}
