/* concierge-sandbox-facebook.c
 *
 * The sandbox's subset of Meta's Graph API, served next to Mastodon when
 * the sandbox was started with --facebook-token: the page "Wellenfunk"
 * (id 104700000000001), the Facebook page of the ISP whose Telegram bot
 * the sandbox also plays. Every path starts with a version, as
 * /v24.0/me; the page token comes as "Authorization: Bearer" or as the
 * access_token parameter.
 *
 *   GET /vX/me, /vX/PAGE-ID     fields (id, name, category)
 *
 * The feed and comments (concierge-sandbox-facebook-feed.c) and Messenger
 * (concierge-sandbox-facebook-messenger.c) are served by files of their
 * own; rate limits, revoked tokens, withdrawn permissions and a deleted
 * page by concierge-sandbox-facebook-ops.c. How each call answers and the source of each behaviour are in
 * tests/sandbox/README.md, "Facebook: the Graph API". Faults match the
 * path with its version, as /v24.0/104700000000001/feed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-sandbox-facebook.h"

static struct
{
  char   *token;
  gint64  next_trace;
} facebook;

gboolean
facebook_enabled (void)
{
  return facebook.token != NULL;
}

void
facebook_init (const char *token,
               gboolean    personal_data)
{
  facebook.token = g_strdup (token);
  facebook_feed_seed (personal_data);
  facebook_messenger_seed (personal_data);
}

/* Whether @path names a Graph API version first, as "/v24.0/me". */
gboolean
facebook_handles (const char *path)
{
  const char *p = path;

  if (!g_str_has_prefix (p, "/v") || !g_ascii_isdigit (p[2]))
    return FALSE;
  for (p += 2; g_ascii_isdigit (*p); p++)
    ;
  if (*p++ != '.' || !g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return *p == '/' || *p == '\0';
}

char *
facebook_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S+0000");
}

const char *
facebook_param (GraphRequest *request,
                const char   *name)
{
  return g_hash_table_lookup (request->params, name);
}

static void
record (GraphRequest *request,
        gboolean      token_ok)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *graph_path = g_strjoinv ("/", request->segments);
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  sandbox_record_request (builder, request->msg);
  json_builder_set_member_name (builder, "graph_path");
  json_builder_add_string_value (builder, graph_path);
  json_builder_set_member_name (builder, "query");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, request->params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "token_ok");
  json_builder_add_boolean_value (builder, token_ok);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, soup_server_message_get_status (request->msg));
  json_builder_end_object (builder);
  sandbox_write_record (builder);
}

void
facebook_reply_json (GraphRequest *request,
                     JsonBuilder  *builder)
{
  sandbox_reply_json (request->msg, 200, builder);
}

void
facebook_reply_error (GraphRequest *request,
                      guint         status,
                      const char   *type,
                      int           code,
                      int           subcode,
                      const char   *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *trace = g_strdup_printf ("A%010" G_GINT64_FORMAT "sandbox", ++facebook.next_trace);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, code);
  if (subcode != 0)
    {
      json_builder_set_member_name (builder, "error_subcode");
      json_builder_add_int_value (builder, subcode);
    }
  json_builder_set_member_name (builder, "fbtrace_id");
  json_builder_add_string_value (builder, trace);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  sandbox_reply_json (request->msg, status, builder);
}

/* Parameters come in the query, a form or a JSON body alike. */
static GHashTable *
read_params (SoupServerMessage *msg,
             GHashTable        *query)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (params, g_strdup (key), g_strdup (value));
    }

  if (g_bytes_get_size (bytes) == 0)
    return params;

  if (g_strcmp0 (type, "application/x-www-form-urlencoded") == 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_autoptr(GHashTable) form = soup_form_decode (text);

      g_hash_table_iter_init (&iter, form);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (params, g_strdup (key), g_strdup (value));
    }
  else if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObjectIter members;
      const char *name;
      JsonNode *member;

      if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        return params;
      json_object_iter_init (&members, json_node_get_object (json_parser_get_root (parser)));
      while (json_object_iter_next (&members, &name, &member))
        g_hash_table_replace (params, g_strdup (name),
                              JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING
                                ? g_strdup (json_node_get_string (member))
                                : json_to_string (member, FALSE));
    }
  return params;
}

static gboolean
token_matches (SoupServerMessage *msg,
               GHashTable        *params)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    return g_str_equal (authorization + strlen ("Bearer "), facebook.token);
  return g_strcmp0 (g_hash_table_lookup (params, "access_token"), facebook.token) == 0;
}

static gboolean
has_token (SoupServerMessage *msg,
           GHashTable        *params)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization") != NULL ||
         g_hash_table_contains (params, "access_token");
}

/* The page itself, at /me or its id. A page has no "email" or such of a
 * person; a field it lacks is error 100, as Meta answers. */
static void
reply_page (GraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *fields = facebook_param (request, "fields");
  g_auto(GStrv) names = g_strsplit (fields ? fields : "id,name", ",", -1);

  json_builder_begin_object (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = g_str_equal (names[i], "id") ? FACEBOOK_PAGE_ID
                          : g_str_equal (names[i], "name") ? FACEBOOK_PAGE_NAME
                          : g_str_equal (names[i], "category") ? "Internet Company"
                          : NULL;

      if (value == NULL)
        {
          g_autofree char *message = g_strdup_printf ("(#100) Tried accessing nonexisting field (%s) on node "
                                                      "type (Page)", names[i]);

          facebook_reply_error (request, 400, "OAuthException", 100, 0, message);
          return;
        }
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

static void
reply_unknown (GraphRequest *request)
{
  g_autofree char *message = NULL;

  message = g_strdup_printf ("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due "
                             "to missing permissions, or does not support this operation. Please read the "
                             "Graph API documentation at https://developers.facebook.com/docs/graph-api",
                             g_str_equal (request->method, "GET") ? "get" : "post",
                             request->segments[0] ? request->segments[0] : "");
  facebook_reply_error (request, 400, "GraphMethodException", 100, 33, message);
}

static void
serve (GraphRequest *request)
{
  guint n = g_strv_length (request->segments);

  if (n == 1 && g_str_equal (request->method, "GET") &&
      (g_str_equal (request->segments[0], "me") || g_str_equal (request->segments[0], FACEBOOK_PAGE_ID)))
    reply_page (request);
  else if (!facebook_feed_handle (request) && !facebook_messenger_handle (request))
    reply_unknown (request);
}

void
facebook_handle (SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query)
{
  const char *after_version = strchr (path + 1, '/');
  g_autoptr(GHashTable) params = read_params (msg, query);
  g_auto(GStrv) segments = g_strsplit (after_version ? after_version + 1 : "", "/", -1);
  GraphRequest request = { msg, soup_server_message_get_method (msg), segments, params, NULL };
  gboolean token_ok = token_matches (msg, params);

  if (token_ok)
    request.fault = sandbox_take_fault (request.method, path);
  if (request.fault != NULL && g_str_equal (request.fault->kind, "drop-before"))
    {
      record (&request, token_ok);
      sandbox_drop_connection (msg);
      return;
    }

  /* developers.facebook.com/docs/graph-api/guides/error-handling:
   * a missing or wrong token is OAuthException 190 (or 2500 when none
   * came at all). */
  if (!has_token (msg, params))
    facebook_reply_error (&request, 400, "OAuthException", 2500, 0,
                          "An active access token must be used to query information about the current user.");
  else if (!token_ok)
    facebook_reply_error (&request, 400, "OAuthException", 190, 0,
                          "Invalid OAuth access token - Cannot parse access token");
  else if (request.fault != NULL && g_str_equal (request.fault->kind, "500"))
    facebook_reply_error (&request, 500, "FacebookApiException", 2, 0,
                          "An unexpected error has occurred. Please retry your request later.");
  else if (!facebook_refuse (&request))
    serve (&request);

  /* Meta sends the usage with every answer to a call with a token. */
  if (token_ok)
    facebook_set_usage_headers (&request);
  record (&request, token_ok);
  sandbox_finish_fault (msg, request.fault, FALSE);
}

/* /_sandbox/facebook/…, for tests. */
gboolean
facebook_control (SoupServerMessage *msg,
                  const char        *path)
{
  if (!g_str_has_prefix (path, "/_sandbox/facebook/") || !facebook_enabled ())
    return FALSE;
  if (facebook_ops_control (msg, path) || facebook_feed_control (msg, path) ||
      facebook_messenger_control (msg, path))
    return TRUE;
  soup_server_message_set_status (msg, 404, NULL);
  return TRUE;
}
