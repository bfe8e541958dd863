/* concierge-sandbox-oauth.c
 *
 * The sandbox's Mastodon sign-in: registering an app, the authorization
 * server's metadata, the page where the person approves or denies, the
 * token endpoint and revocation, as Mastodon serves them through Doorkeeper.
 * None of them needs a bearer token.
 *
 *   POST /api/v1/apps       client_name, redirect_uris, scopes, website
 *   GET  /.well-known/oauth-authorization-server
 *   GET  /oauth/authorize   response_type, client_id, redirect_uri, scope,
 *                           state, code_challenge, code_challenge_method,
 *                           force_login, lang
 *   POST /oauth/authorize   the same and decision=approve or deny
 *   POST /oauth/token       grant_type, code, client_id, client_secret,
 *                           redirect_uri, code_verifier, scope
 *   POST /oauth/revoke      client_id, client_secret, token,
 *                           token_type_hint
 *
 * How each answers, where that comes from (Mastodon's documentation and
 * source, RFC 6749, 7636, 7009 and 8414) and what is the sandbox's own
 * (no sign-in on the page, stricter parameters, --no-pkce) is in
 * tests/sandbox/README.md, "Mastodon: signing in".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "concierge-sandbox.h"

#define OOB_REDIRECT_URI "urn:ietf:wg:oauth:2.0:oob"
#define METADATA_PATH "/.well-known/oauth-authorization-server"

/* The account seed() in concierge-sandbox.c creates: every token is its. */
#define OWN_USERNAME "support"

/* Doorkeeper's default. */
#define CODE_LIFETIME_SECONDS (10 * 60)

/* Mastodon's limit on an application's name. */
#define MAX_NAME_LENGTH 60

/* Doorkeeper's words, which clients may show. */
#define INVALID_CLIENT \
  "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."
#define INVALID_GRANT \
  "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
#define UNSUPPORTED_GRANT_TYPE "The authorization grant type is not supported by the authorization server."
#define UNSUPPORTED_RESPONSE_TYPE "The authorization server does not support this response type."
#define INVALID_SCOPE "The requested scope is invalid, unknown, or malformed."
#define ACCESS_DENIED "The resource owner or authorization server denied the request."
#define UNAUTHORIZED_REVOKE "You are not authorized to revoke this token"

typedef struct
{
  char *id;
  char *name;
  char *website;        /* NULL if none */
  GStrv scopes;
  GStrv redirect_uris;
  char *client_id;
  char *client_secret;
} App;

/* What an authorization code stands for until it is exchanged. */
typedef struct
{
  App    *app;
  char   *redirect_uri;
  char   *scope;
  char   *code_challenge; /* NULL: none, or --no-pkce */
  gint64  expires;        /* monotonic microseconds */
} Grant;

/* What Mastodon 4.3 lists, so that an app asking for a scope Mastodon does
 * not know is refused here as there. */
static const char * const scopes_supported[] = {
  "read", "write", "write:accounts", "write:blocks", "write:bookmarks", "write:conversations",
  "write:favourites", "write:filters", "write:follows", "write:lists", "write:media", "write:mutes",
  "write:notifications", "write:reports", "write:statuses", "read:accounts", "read:blocks",
  "read:bookmarks", "read:favourites", "read:filters", "read:follows", "read:lists", "read:mutes",
  "read:notifications", "read:search", "read:statuses", "follow", "push", "profile", "admin:read",
  "admin:read:accounts", "admin:read:reports", "admin:read:domain_allows", "admin:read:domain_blocks",
  "admin:read:ip_blocks", "admin:read:email_domain_blocks", "admin:read:canonical_email_blocks",
  "admin:write", "admin:write:accounts", "admin:write:reports", "admin:write:domain_allows",
  "admin:write:domain_blocks", "admin:write:ip_blocks", "admin:write:email_domain_blocks",
  "admin:write:canonical_email_blocks", NULL
};

static const char * const authorize_known[] = {
  "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
  "code_challenge_method", "force_login", "lang", NULL
};

static const char * const decide_known[] = {
  "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
  "code_challenge_method", "force_login", "lang", "decision", NULL
};

static struct
{
  gboolean    pkce;
  GPtrArray  *apps;      /* App, every one ever registered */
  GHashTable *grants;    /* code → Grant */
  GHashTable *tokens;    /* token → App, or NULL for --token */
  guint       next_app_id;
} oauth;

/* Secrets */

static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *end = strchr (text, '=');

  if (end != NULL)
    *end = '\0';
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  return text;
}

/* 32 random bytes, 43 characters, as Doorkeeper's secrets and tokens. */
static char *
new_secret (void)
{
  guint8 bytes[32];

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("Cannot make a secret: %s", g_strerror (errno));
  return base64url (bytes, sizeof bytes);
}

/* RFC 7636's S256: BASE64URL(SHA256(verifier)) without padding. */
static char *
s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

static void
grant_free (gpointer data)
{
  Grant *grant = data;

  g_free (grant->redirect_uri);
  g_free (grant->scope);
  g_free (grant->code_challenge);
  g_free (grant);
}

static App *
find_app (const char *client_id)
{
  for (guint i = 0; client_id != NULL && i < oauth.apps->len; i++)
    {
      App *app = g_ptr_array_index (oauth.apps, i);

      if (g_str_equal (app->client_id, client_id))
        return app;
    }
  return NULL;
}

/* Parameters */

/* A parameter, or NULL if absent or empty, as Rails takes a blank one. */
static const char *
param (GHashTable *params,
       const char *name)
{
  const char *value = params ? g_hash_table_lookup (params, name) : NULL;

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static const char *
unknown_parameter (GHashTable         *params,
                   const char * const *known)
{
  GHashTableIter iter;
  gpointer key;

  if (params == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_strv_contains (known, key))
      return key;
  return NULL;
}

/* Split on any whitespace, as Mastodon takes redirect_uris and scopes. */
static GStrv
words (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", " \t\r\n", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

/* Mastodon's default when none are asked for. */
static GStrv
scope_words (const char *text)
{
  g_auto(GStrv) scopes = words (text);

  return scopes[0] != NULL ? g_steal_pointer (&scopes) : words ("read");
}

/* As a form would have it: an array of strings, redirect_uris say, one a
 * line; any other value that is no string as its JSON text. */
static char *
json_parameter_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) lines = NULL;
      guint i;

      for (i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            break;
          g_strv_builder_add (builder, json_node_get_string (element));
        }
      lines = g_strv_builder_end (builder);
      if (i == json_array_get_length (array))
        return g_strjoinv ("\n", lines);
    }

  return json_to_string (node, FALSE);
}

GHashTable *
oauth_decode_json (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *params;
  JsonNode *root;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init_ordered (&iter, json_node_get_object (root));
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      /* Rails takes null as absent. */
      if (!JSON_NODE_HOLDS_NULL (node))
        g_hash_table_insert (params, g_strdup (name), json_parameter_text (node));
    }
  return params;
}

/* The app whose credentials the request carries, from HTTP Basic first as
 * Doorkeeper looks there first, else from client_id and client_secret.
 * NULL if they name no app or the secret is wrong. */
static App *
authenticated_app (SoupServerMessage *msg,
                   GHashTable        *params)
{
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  const char *client_id = param (params, "client_id");
  const char *client_secret = param (params, "client_secret");
  g_autofree char *basic_id = NULL;
  g_autofree char *basic_secret = NULL;
  App *app;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Basic ", strlen ("Basic ")) == 0)
    {
      gsize length;
      g_autofree guchar *decoded = g_base64_decode (authorization + strlen ("Basic "), &length);
      g_autofree char *text = g_strndup ((const char *) decoded, length);
      char *colon = strchr (text, ':');

      /* RFC 6749 has both form-encoded before they are joined. */
      if (colon != NULL)
        {
          *colon = '\0';
          client_id = basic_id = g_uri_unescape_string (text, NULL);
          client_secret = basic_secret = g_uri_unescape_string (colon + 1, NULL);
        }
    }

  app = find_app (client_id);
  return app != NULL && g_strcmp0 (client_secret, app->client_secret) == 0 ? app : NULL;
}

/* Answers */

/* RFC 6749's shape, for the token and revocation endpoints. */
static void
reply_oauth_error (SoupServerMessage *msg,
                   guint              status_code,
                   const char        *error,
                   const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, status_code, builder);
}

/* @title and @body are markup already. */
static void
reply_page (SoupServerMessage *msg,
            guint              status_code,
            const char        *title,
            const char        *body)
{
  char *page = g_strdup_printf ("<!DOCTYPE html>\n"
                                "<html lang=\"en\">\n"
                                "<head>\n"
                                "<meta charset=\"utf-8\">\n"
                                "<title>%s</title>\n"
                                "</head>\n"
                                "<body>\n"
                                "%s"
                                "</body>\n"
                                "</html>\n", title, body);

  soup_server_message_set_status (msg, status_code, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
}

static void
reply_authorization_error (SoupServerMessage *msg,
                           const char        *error,
                           const char        *description)
{
  g_autofree char *escaped = g_markup_escape_text (description, -1);
  g_autofree char *body = g_strdup_printf ("<h1>An error has occurred</h1>\n"
                                           "<p><code id=\"error\">%s</code></p>\n"
                                           "<p id=\"error-description\">%s</p>\n", error, escaped);

  reply_page (msg, 400, "An error has occurred", body);
}

/* Registering an app */

static void
add_strv (JsonBuilder *builder,
          GStrv        strv)
{
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

/* The CredentialApplication of Mastodon 4.4: the deprecated redirect_uri
 * has them all, one a line; vapid_key, deprecated too, is left out. */
static void
add_credential_application (JsonBuilder *builder,
                            App         *app)
{
  g_autofree char *redirect_uri = g_strjoinv ("\n", app->redirect_uris);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, app->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, app->name);
  json_builder_set_member_name (builder, "website");
  if (app->website != NULL)
    json_builder_add_string_value (builder, app->website);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "scopes");
  add_strv (builder, app->scopes);
  json_builder_set_member_name (builder, "redirect_uri");
  json_builder_add_string_value (builder, redirect_uri);
  json_builder_set_member_name (builder, "redirect_uris");
  add_strv (builder, app->redirect_uris);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, app->client_id);
  json_builder_set_member_name (builder, "client_secret");
  json_builder_add_string_value (builder, app->client_secret);
  json_builder_set_member_name (builder, "client_secret_expires_at");
  json_builder_add_int_value (builder, 0);
  json_builder_end_object (builder);
}

/* NULL if Mastodon would take @uri as a redirect URI, else why not, in
 * its words. */
static const char *
redirect_uri_problem (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;

  if (g_str_equal (uri, OOB_REDIRECT_URI))
    return NULL;
  if (g_uri_peek_scheme (uri) == NULL)
    return "Validation failed: Redirect URI must be an absolute URI.";
  if ((parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL)) == NULL)
    return "Validation failed: Redirect URI must be a valid URI.";
  if (g_uri_get_fragment (parsed) != NULL)
    return "Validation failed: Redirect URI cannot contain a fragment.";
  return NULL;
}

static void
register_app (SoupServerMessage *msg,
              GHashTable        *params)
{
  static const char * const known[] = { "client_name", "redirect_uris", "scopes", "website", NULL };
  const char *unknown = unknown_parameter (params, known);
  const char *name = param (params, "client_name");
  g_auto(GStrv) redirect_uris = words (param (params, "redirect_uris"));
  g_auto(GStrv) scopes = scope_words (param (params, "scopes"));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  App *app;

  if (unknown != NULL)
    {
      g_autofree char *error = g_strdup_printf ("Unknown parameter %s", unknown);

      sandbox_reply_error (msg, 422, error);
      return;
    }
  if (name == NULL)
    {
      sandbox_reply_error (msg, 422, "Validation failed: Application name can't be blank");
      return;
    }
  if (g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      sandbox_reply_error (msg, 422, "Validation failed: Application name is too long (maximum is 60 characters)");
      return;
    }
  if (redirect_uris[0] == NULL)
    {
      sandbox_reply_error (msg, 422, "Validation failed: Redirect URI can't be blank");
      return;
    }
  for (guint i = 0; redirect_uris[i] != NULL; i++)
    {
      const char *problem = redirect_uri_problem (redirect_uris[i]);

      if (problem != NULL)
        {
          sandbox_reply_error (msg, 422, problem);
          return;
        }
    }
  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (!g_strv_contains (scopes_supported, scopes[i]))
        {
          sandbox_reply_error (msg, 422, "Validation failed: Scopes doesn't match configured on the server.");
          return;
        }
    }

  app = g_new0 (App, 1);
  app->id = g_strdup_printf ("%u", oauth.next_app_id++);
  app->name = g_strdup (name);
  app->website = g_strdup (param (params, "website"));
  app->scopes = g_steal_pointer (&scopes);
  app->redirect_uris = g_steal_pointer (&redirect_uris);
  app->client_id = new_secret ();
  app->client_secret = new_secret ();
  g_ptr_array_add (oauth.apps, app);

  add_credential_application (builder, app);
  sandbox_reply_json (msg, 200, builder);
}

/* RFC 8414, as Mastodon 4.3 fills it in, on the address the client used. */
static void
get_metadata (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *base = g_strdup_printf ("http://%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const struct
  {
    const char *name;
    const char *path;
  } endpoints[] = {
    { "issuer", "/" },
    { "authorization_endpoint", "/oauth/authorize" },
    { "token_endpoint", "/oauth/token" },
    { "app_registration_endpoint", "/api/v1/apps" },
    { "revocation_endpoint", "/oauth/revoke" },
  };
  const struct
  {
    const char *name;
    const char * const *values;
  } lists[] = {
    { "scopes_supported", scopes_supported },
    { "response_types_supported", (const char * const []) { "code", NULL } },
    { "response_modes_supported", (const char * const []) { "query", "fragment", "form_post", NULL } },
    { "code_challenge_methods_supported", (const char * const []) { "S256", NULL } },
    { "grant_types_supported", (const char * const []) { "authorization_code", "client_credentials", NULL } },
    { "token_endpoint_auth_methods_supported",
      (const char * const []) { "client_secret_basic", "client_secret_post", NULL } },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      g_autofree char *url = g_strconcat (base, endpoints[i].path, NULL);

      json_builder_set_member_name (builder, endpoints[i].name);
      json_builder_add_string_value (builder, url);
    }
  json_builder_set_member_name (builder, "service_documentation");
  json_builder_add_string_value (builder, "https://docs.joinmastodon.org/");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      json_builder_set_member_name (builder, lists[i].name);
      add_strv (builder, (GStrv) lists[i].values);
    }
  json_builder_end_object (builder);
  sandbox_reply_json (msg, 200, builder);
}

/* Authorizing */

/* Whether the authorization request in @params may be shown or decided,
 * checked in Doorkeeper's order; if not, the error page is the answer.
 * @app is the client's then, and @scope the scopes asked for. */
static gboolean
check_authorization (SoupServerMessage  *msg,
                     GHashTable         *params,
                     const char * const *known,
                     App               **app,
                     GStrv              *scope)
{
  const char *unknown = unknown_parameter (params, known);
  const char *response_type = param (params, "response_type");
  const char *redirect_uri = param (params, "redirect_uri");
  const char *challenge = param (params, "code_challenge");
  g_auto(GStrv) scopes = scope_words (param (params, "scope"));

  if (unknown != NULL)
    {
      g_autofree char *description = g_strdup_printf ("Unknown parameter %s.", unknown);

      reply_authorization_error (msg, "invalid_request", description);
      return FALSE;
    }
  if (response_type == NULL)
    {
      reply_authorization_error (msg, "invalid_request", "Missing required parameter: response_type.");
      return FALSE;
    }
  if (param (params, "client_id") == NULL)
    {
      reply_authorization_error (msg, "invalid_request", "Missing required parameter: client_id.");
      return FALSE;
    }
  if ((*app = find_app (param (params, "client_id"))) == NULL)
    {
      reply_authorization_error (msg, "invalid_client", INVALID_CLIENT);
      return FALSE;
    }
  if (redirect_uri == NULL)
    {
      reply_authorization_error (msg, "invalid_request", "Missing required parameter: redirect_uri.");
      return FALSE;
    }
  /* Exactly, the port of a loopback address included. */
  if (!g_strv_contains ((const char * const *) (*app)->redirect_uris, redirect_uri))
    {
      reply_authorization_error (msg, "invalid_redirect_uri", "The redirect URI included is not valid.");
      return FALSE;
    }
  if (!g_str_equal (response_type, "code"))
    {
      reply_authorization_error (msg, "unsupported_response_type", UNSUPPORTED_RESPONSE_TYPE);
      return FALSE;
    }
  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (!g_strv_contains (scopes_supported, scopes[i]) ||
          !g_strv_contains ((const char * const *) (*app)->scopes, scopes[i]))
        {
          reply_authorization_error (msg, "invalid_scope", INVALID_SCOPE);
          return FALSE;
        }
    }
  /* Mastodon takes S256 only; Doorkeeper's default, plain, is not. */
  if (oauth.pkce && challenge != NULL && g_strcmp0 (param (params, "code_challenge_method"), "S256") != 0)
    {
      reply_authorization_error (msg, "invalid_code_challenge_method", "The code challenge method must be S256.");
      return FALSE;
    }

  *scope = g_steal_pointer (&scopes);
  return TRUE;
}

static void
show_authorization (SoupServerMessage *msg,
                    GHashTable        *params)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_auto(GStrv) scopes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *scope = NULL;
  App *app;

  if (!check_authorization (msg, params, authorize_known, &app, &scopes))
    return;

  name = g_markup_escape_text (app->name, -1);
  scope = g_strjoinv (" ", scopes);
  g_string_append_printf (body, "<h1>Authorize %s to use your account @%s?</h1>\n", name, OWN_USERNAME);
  g_string_append_printf (body, "<p>It asks for <code id=\"scope\">%s</code>.</p>\n", scope);
  g_string_append (body, "<form method=\"post\" action=\"/oauth/authorize\">\n");
  /* What came, as it came, so that the decision is checked alike. */
  for (guint i = 0; authorize_known[i] != NULL; i++)
    {
      const char *value = g_hash_table_lookup (params, authorize_known[i]);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;
      escaped = g_markup_escape_text (value, -1);
      g_string_append_printf (body, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", authorize_known[i], escaped);
    }
  g_string_append (body,
                   "<button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>\n"
                   "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n"
                   "</form>\n");

  reply_page (msg, 200, "Authorization required", body->str);
}

static void
append_query (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (url, "%c%s=%s", strchr (url->str, '?') ? '&' : '?', name, escaped);
}

/* To the redirect URI, the state back as it came, if it came. */
static void
reply_redirect (SoupServerMessage *msg,
                GHashTable        *params,
                const char        *name,
                const char        *value,
                const char        *description)
{
  g_autoptr(GString) location = g_string_new (param (params, "redirect_uri"));

  append_query (location, name, value);
  if (description != NULL)
    append_query (location, "error_description", description);
  if (param (params, "state") != NULL)
    append_query (location, "state", param (params, "state"));

  soup_server_message_set_status (msg, 302, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location->str);
}

static void
decide_authorization (SoupServerMessage *msg,
                      GHashTable        *params)
{
  const char *decision = param (params, "decision");
  gboolean oob = g_strcmp0 (param (params, "redirect_uri"), OOB_REDIRECT_URI) == 0;
  g_auto(GStrv) scopes = NULL;
  g_autofree char *code = NULL;
  Grant *grant;
  App *app;

  if (!check_authorization (msg, params, decide_known, &app, &scopes))
    return;

  if (g_strcmp0 (decision, "deny") == 0)
    {
      if (oob)
        reply_page (msg, 200, "Access denied",
                    "<h1>Access denied</h1>\n"
                    "<p><code id=\"error\">access_denied</code></p>\n"
                    "<p id=\"error-description\">You denied the application access to your account.</p>\n");
      else
        reply_redirect (msg, params, "error", "access_denied", ACCESS_DENIED);
      return;
    }
  if (g_strcmp0 (decision, "approve") != 0)
    {
      reply_authorization_error (msg, "invalid_request", "The decision must be approve or deny.");
      return;
    }

  code = new_secret ();
  grant = g_new0 (Grant, 1);
  grant->app = app;
  grant->redirect_uri = g_strdup (param (params, "redirect_uri"));
  grant->scope = g_strjoinv (" ", scopes);
  grant->code_challenge = oauth.pkce ? g_strdup (param (params, "code_challenge")) : NULL;
  grant->expires = g_get_monotonic_time () + CODE_LIFETIME_SECONDS * G_USEC_PER_SEC;
  g_hash_table_insert (oauth.grants, g_strdup (code), grant);

  if (oob)
    {
      g_autofree char *body = g_strdup_printf ("<h1>Authorization code</h1>\n"
                                               "<p>Copy this authorization code and paste it into the application.</p>\n"
                                               "<p><code id=\"authorization-code\">%s</code></p>\n", code);

      reply_page (msg, 200, "Authorization code", body);
    }
  else
    reply_redirect (msg, params, "code", code, NULL);
}

/* Tokens */

static void
exchange_code (SoupServerMessage *msg,
               GHashTable        *params)
{
  static const char * const known[] = { "grant_type", "code", "client_id", "client_secret", "redirect_uri",
                                        "code_verifier", "scope", NULL };
  const char *unknown = unknown_parameter (params, known);
  const char *grant_type = param (params, "grant_type");
  const char *code = param (params, "code");
  const char *redirect_uri = param (params, "redirect_uri");
  const char *verifier = param (params, "code_verifier");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *token = NULL;
  Grant *grant;
  App *app;

  if (unknown != NULL)
    {
      g_autofree char *description = g_strdup_printf ("Unknown parameter %s.", unknown);

      reply_oauth_error (msg, 400, "invalid_request", description);
      return;
    }
  if (grant_type == NULL)
    {
      reply_oauth_error (msg, 400, "invalid_request", "Missing required parameter: grant_type.");
      return;
    }
  if (!g_str_equal (grant_type, "authorization_code"))
    {
      reply_oauth_error (msg, 400, "unsupported_grant_type", UNSUPPORTED_GRANT_TYPE);
      return;
    }
  if ((app = authenticated_app (msg, params)) == NULL)
    {
      reply_oauth_error (msg, 401, "invalid_client", INVALID_CLIENT);
      return;
    }
  if (code == NULL)
    {
      reply_oauth_error (msg, 400, "invalid_request", "Missing required parameter: code.");
      return;
    }
  if (redirect_uri == NULL)
    {
      reply_oauth_error (msg, 400, "invalid_request", "Missing required parameter: redirect_uri.");
      return;
    }

  grant = g_hash_table_lookup (oauth.grants, code);
  if (grant != NULL && g_get_monotonic_time () > grant->expires)
    {
      g_hash_table_remove (oauth.grants, code);
      grant = NULL;
    }
  if (grant == NULL || grant->app != app || !g_str_equal (grant->redirect_uri, redirect_uri))
    {
      reply_oauth_error (msg, 400, "invalid_grant", INVALID_GRANT);
      return;
    }
  if (grant->code_challenge != NULL)
    {
      g_autofree char *challenge = verifier ? s256 (verifier) : NULL;

      if (g_strcmp0 (challenge, grant->code_challenge) != 0)
        {
          reply_oauth_error (msg, 400, "invalid_grant", INVALID_GRANT);
          return;
        }
    }

  /* The scope parameter has no effect on this grant, as on Mastodon. */
  token = new_secret ();
  g_hash_table_insert (oauth.tokens, g_strdup (token), app);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, grant->scope);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (builder);
  g_hash_table_remove (oauth.grants, code);

  /* RFC 6749 5.1: no cache may keep a token. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  sandbox_reply_json (msg, 200, builder);
}

static void
revoke_token (SoupServerMessage *msg,
              GHashTable        *params)
{
  static const char * const known[] = { "client_id", "client_secret", "token", "token_type_hint", NULL };
  const char *unknown = unknown_parameter (params, known);
  const char *token = param (params, "token");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gpointer owner;
  App *app;

  if (unknown != NULL)
    {
      g_autofree char *description = g_strdup_printf ("Unknown parameter %s.", unknown);

      reply_oauth_error (msg, 400, "invalid_request", description);
      return;
    }
  /* Mastodon's documentation has no token at all refused alike. */
  if ((app = authenticated_app (msg, params)) == NULL || token == NULL)
    {
      reply_oauth_error (msg, 403, "unauthorized_client", UNAUTHORIZED_REVOKE);
      return;
    }
  /* One app cannot revoke another's token; the one --token gave belongs to
   * no app, so any may. An unknown token is no error (RFC 7009 2.2). */
  if (g_hash_table_lookup_extended (oauth.tokens, token, NULL, &owner))
    {
      if (owner != NULL && owner != app)
        {
          reply_oauth_error (msg, 403, "unauthorized_client", UNAUTHORIZED_REVOKE);
          return;
        }
      g_hash_table_remove (oauth.tokens, token);
    }

  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, 200, builder);
}

/* As when the person withdraws every app's access in the account's
 * settings: each token, --token's too, stops working. */
void
oauth_revoke_all (void)
{
  g_hash_table_remove_all (oauth.tokens);
}

/* Requests */

void
oauth_init (const char *token,
            gboolean    pkce)
{
  oauth.pkce = pkce;
  oauth.apps = g_ptr_array_new ();
  oauth.grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, grant_free);
  oauth.tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  oauth.next_app_id = 1;
  g_hash_table_insert (oauth.tokens, g_strdup (token), NULL);
}

gboolean
oauth_handles (const char *path)
{
  return g_str_equal (path, "/api/v1/apps") || g_str_equal (path, METADATA_PATH) ||
         g_str_has_prefix (path, "/oauth/");
}

gboolean
oauth_authorization_is_valid (const char *authorization)
{
  return authorization != NULL && g_str_has_prefix (authorization, "Bearer ") &&
         g_hash_table_contains (oauth.tokens, authorization + strlen ("Bearer "));
}

void
oauth_handle (SoupServerMessage *msg,
              const char        *path,
              GHashTable        *params)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean post = g_str_equal (method, "POST");

  /* A body that gave no parameters could not be read: JSON that is no
   * object, or neither a form nor JSON. */
  if (post && params == NULL && soup_server_message_get_request_body (msg)->length > 0)
    reply_oauth_error (msg, 400, "invalid_request", "The request body could not be read.");
  else if (post && g_str_equal (path, "/api/v1/apps"))
    register_app (msg, params);
  else if (g_str_equal (method, "GET") && g_str_equal (path, METADATA_PATH) && oauth.pkce)
    get_metadata (msg);
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/oauth/authorize"))
    show_authorization (msg, params);
  else if (post && g_str_equal (path, "/oauth/authorize"))
    decide_authorization (msg, params);
  else if (post && g_str_equal (path, "/oauth/token"))
    exchange_code (msg, params);
  else if (post && g_str_equal (path, "/oauth/revoke"))
    revoke_token (msg, params);
  else
    sandbox_reply_error (msg, 404, "Record not found");
}
