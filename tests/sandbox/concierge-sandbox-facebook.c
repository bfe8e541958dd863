/* concierge-sandbox-facebook.c
 *
 * The sandbox's subset of Meta's Graph API, served next to Mastodon when
 * the sandbox was started with --facebook-token: the page "Wellenfunk"
 * (id 104700000000001), the Facebook page of the ISP whose Telegram bot
 * the sandbox also plays. Every path starts with a version, as
 * /v25.0/me; the page token comes as "Authorization: Bearer" or as the
 * access_token parameter.
 *
 *   GET /vX/me, /vX/PAGE-ID     fields (id, name, category; access_token
 *                               for the System User)
 *   GET /vX/me/accounts         the System User's pages, with their tokens
 *
 * The feed and comments (concierge-sandbox-facebook-feed.c) and Messenger
 * (concierge-sandbox-facebook-messenger.c) are served by files of their
 * own; rate limits, revoked tokens, withdrawn permissions and a deleted
 * page by concierge-sandbox-facebook-ops.c. How each call answers and the source of each behaviour are in
 * tests/sandbox/README.md, "Facebook: the Graph API". Faults match the
 * path with its version, as /v25.0/104700000000001/feed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-sandbox-facebook.h"

#define SYSTEM_USER_ID "100090000000001"
#define SYSTEM_USER_NAME "Concierge"

static struct
{
  char   *token;
  char   *system_token;  /* a System User's, who was given the page */
  gint64  next_trace;
} facebook;

gboolean
facebook_enabled (void)
{
  return facebook.token != NULL;
}

void
facebook_init (const char *token,
               const char *system_token,
               gboolean    personal_data)
{
  facebook.token = g_strdup (token);
  facebook.system_token = g_strdup (system_token);
  facebook_feed_seed (personal_data);
  facebook_messenger_seed (personal_data);
}

/* Whether @path names a Graph API version first, as "/v25.0/me". */
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

static const char *
given_token (SoupServerMessage *msg,
             GHashTable        *params)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    return authorization + strlen ("Bearer ");
  return g_hash_table_lookup (params, "access_token");
}

static gboolean
has_token (SoupServerMessage *msg,
           GHashTable        *params)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization") != NULL ||
         g_hash_table_contains (params, "access_token");
}

/* A node with the string fields @members holds (name, value, …, NULL),
 * answering the "fields" asked for. A value of NULL is a field the caller
 * may not read, which Meta leaves out; a field the node lacks is error
 * 100, as Meta answers. Every node has an "id". */
static void
reply_node (GraphRequest *request,
            const char   *node_type,
            const char   *first_name,
            ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHashTable) members = g_hash_table_new (g_str_hash, g_str_equal);
  const char *fields = facebook_param (request, "fields");
  g_auto(GStrv) names = g_strsplit (fields ? fields : "id,name", ",", -1);
  const char *name;
  va_list args;

  va_start (args, first_name);
  for (name = first_name; name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (members, (char *) name, va_arg (args, char *));
  va_end (args);

  json_builder_begin_object (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      gpointer value;

      if (!g_hash_table_lookup_extended (members, names[i], NULL, &value))
        {
          g_autofree char *message = g_strdup_printf ("(#100) Tried accessing nonexisting field (%s) on node "
                                                      "type (%s)", names[i], node_type);

          facebook_reply_error (request, 400, "OAuthException", 100, 0, message);
          return;
        }
      if (value == NULL)
        continue;
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_string_value (builder, value);
    }
  /* Meta names a node's id whether it was asked for or not. */
  if (!g_strv_contains ((const char * const *) names, "id"))
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, g_hash_table_lookup (members, "id"));
    }
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

/* The page itself, at /me or its id. Only a person with a task on the
 * page reads its token; for others, the page token included, the field
 * is left out. */
static void
reply_page (GraphRequest *request,
            gboolean      as_system_user)
{
  reply_node (request, "Page", "id", FACEBOOK_PAGE_ID, "name", FACEBOOK_PAGE_NAME, "category", "Internet Company",
              "access_token", as_system_user ? facebook.token : NULL, NULL);
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

/* The System User, asked for itself, and the pages it was given. */
static void
reply_system_user (GraphRequest *request)
{
  reply_node (request, "User", "id", SYSTEM_USER_ID, "name", SYSTEM_USER_NAME, NULL);
}

static void
reply_accounts (GraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, FACEBOOK_PAGE_ID);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, FACEBOOK_PAGE_NAME);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, facebook.token);
  json_builder_set_member_name (builder, "tasks");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "MODERATE");
  json_builder_add_string_value (builder, "MESSAGING");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "paging");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cursors");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "before");
  json_builder_add_string_value (builder, "QVFIUnBhZ2Ux");
  json_builder_set_member_name (builder, "after");
  json_builder_add_string_value (builder, "QVFIUnBhZ2Ux");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

static void
serve_system_user (GraphRequest *request)
{
  guint n = g_strv_length (request->segments);
  gboolean get = g_str_equal (request->method, "GET");

  if (n == 1 && get && g_str_equal (request->segments[0], "me"))
    reply_system_user (request);
  else if (n == 2 && get && g_str_equal (request->segments[0], "me") && g_str_equal (request->segments[1], "accounts"))
    reply_accounts (request);
  else if (n == 1 && get && g_str_equal (request->segments[0], FACEBOOK_PAGE_ID))
    reply_page (request, TRUE);
  else
    facebook_reply_error (request, 400, "OAuthException", 210, 0, "(#210) This call requires a Page access token.");
}

static void
serve (GraphRequest *request)
{
  guint n = g_strv_length (request->segments);

  if (n == 1 && g_str_equal (request->method, "GET") &&
      (g_str_equal (request->segments[0], "me") || g_str_equal (request->segments[0], FACEBOOK_PAGE_ID)))
    reply_page (request, FALSE);
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
  const char *token = given_token (msg, params);
  gboolean system_user = facebook.system_token != NULL && g_strcmp0 (token, facebook.system_token) == 0;
  gboolean token_ok = g_strcmp0 (token, facebook.token) == 0 || system_user;

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
  else if (facebook_refuse (&request))
    ;
  else if (system_user)
    serve_system_user (&request);
  else
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
