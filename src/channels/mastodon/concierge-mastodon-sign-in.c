/* concierge-mastodon-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "channels/concierge-credentials.h"
#include "model/concierge-json.h"
#include "concierge-mastodon.h"
#include "concierge-mastodon-channel-private.h"
#include "concierge-mastodon-sign-in.h"

/* Signing in
 *
 * OAuth 2 by hand rather than with librest's RestOAuth2Proxy: Mastodon
 * wants the app registered before and the token revoked after, which
 * librest has no part in; its proxy keeps a SoupSession of its own, outside
 * the shared one and its no-redirect rule; and the GNOME runtime lacks
 * librest. What is left, an authorize address and two form posts, is
 * short. */

#define SIGN_IN_SCOPES "read:accounts read:notifications read:statuses write:statuses write:conversations"
#define OUT_OF_BAND_URI "urn:ietf:wg:oauth:2.0:oob"

struct _ConciergeMastodonSignIn
{
  GObject            parent_instance;

  ConciergeMastodon *api;            /* the server, without a token until one is issued */
  SoupServer        *loopback;
  char              *redirect_uri;   /* the loopback's */
  char              *client_id;
  char              *client_secret;
  char              *state;
  char              *code_verifier;  /* NULL when the server has no PKCE */
  GTask             *waiting;        /* for the browser to come back */
  GSource           *waiting_cancelled;
  char              *code;           /* came back before anyone waited */
  GError            *code_error;
};

static void concierge_mastodon_sign_in_iface_init (ConciergeSignInInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeMastodonSignIn, concierge_mastodon_sign_in, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_SIGN_IN, concierge_mastodon_sign_in_iface_init))

static void
stop_waiting (ConciergeMastodonSignIn *self)
{
  if (self->waiting_cancelled != NULL)
    {
      g_source_destroy (self->waiting_cancelled);
      g_clear_pointer (&self->waiting_cancelled, g_source_unref);
    }
  g_clear_object (&self->waiting);
}

static void
concierge_mastodon_sign_in_dispose (GObject *object)
{
  ConciergeMastodonSignIn *self = CONCIERGE_MASTODON_SIGN_IN (object);

  if (self->loopback != NULL)
    soup_server_disconnect (self->loopback);
  g_clear_object (&self->loopback);
  stop_waiting (self);

  G_OBJECT_CLASS (concierge_mastodon_sign_in_parent_class)->dispose (object);
}

static void
concierge_mastodon_sign_in_finalize (GObject *object)
{
  ConciergeMastodonSignIn *self = CONCIERGE_MASTODON_SIGN_IN (object);

  g_clear_object (&self->api);
  g_free (self->redirect_uri);
  g_free (self->client_id);
  concierge_credentials_forget (&self->client_secret);
  g_free (self->state);
  concierge_credentials_forget (&self->code_verifier);
  concierge_credentials_forget (&self->code);
  g_clear_error (&self->code_error);

  G_OBJECT_CLASS (concierge_mastodon_sign_in_parent_class)->finalize (object);
}

static void
concierge_mastodon_sign_in_class_init (ConciergeMastodonSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = concierge_mastodon_sign_in_dispose;
  object_class->finalize = concierge_mastodon_sign_in_finalize;
}

static void
concierge_mastodon_sign_in_init (ConciergeMastodonSignIn *self)
{
}

/* Base64url without padding, as PKCE and tokens use it. */
static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  for (char *c = text; *c != '\0'; c++)
    {
      if (*c == '+')
        *c = '-';
      else if (*c == '/')
        *c = '_';
      else if (*c == '=')
        {
          *c = '\0';
          break;
        }
    }
  return text;
}

/* State and verifier must be unguessable, which GRand is not: the
 * kernel's random bytes, without a file to read on the main thread. */
static char *
random_text (void)
{
  guint8 bytes[32];
  gsize got = 0;

  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n < 0 && errno != EINTR)
        g_error ("The kernel gives no random bytes: %s", g_strerror (errno));
      if (n > 0)
        got += n;
    }
  return base64url (bytes, sizeof bytes);
}

/**
 * concierge_mastodon_sign_in_new:
 * @server: what the agent typed: "mastodon.social", or an https:// address
 *
 * Returns: (transfer full): a sign-in on @server, or %NULL with @error set
 *   when @server is no address Concierge may send a sign-in to
 */
ConciergeMastodonSignIn *
concierge_mastodon_sign_in_new (SoupSession  *session,
                                const char   *server,
                                GError      **error)
{
  g_autoptr(ConciergeMastodonSignIn) self = NULL;
  g_autofree char *text = NULL;
  g_autofree char *with_scheme = NULL;
  g_autofree char *server_url = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  text = g_strstrip (g_strdup (server));
  if (text[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the address of your Mastodon server, for example mastodon.social."));
      return NULL;
    }

  /* People type the host, or paste a profile's address. */
  with_scheme = strstr (text, "://") ? g_strdup (text) : g_strconcat ("https://", text, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address. Enter it like mastodon.social."), text);
      return NULL;
    }
  server_url = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                           g_uri_get_port (uri), "", NULL, NULL);
  if (!concierge_credentials_server_url_is_ok (server_url, error))
    return NULL;

  self = g_object_new (CONCIERGE_TYPE_MASTODON_SIGN_IN, NULL);
  self->api = g_object_new (CONCIERGE_TYPE_MASTODON, NULL);
  self->api->session = g_object_ref (session);
  self->api->server_url = g_steal_pointer (&server_url);
  self->api->signing_in = TRUE;
  self->state = random_text ();

  return g_steal_pointer (&self);
}

const char *
concierge_mastodon_sign_in_get_server_url (ConciergeMastodonSignIn *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self), NULL);

  return self->api->server_url;
}

/* Each request of a sign-in is a step: a task of the server's, whose task
 * data is the sign-in's task. */
static void
sign_in_step (GTask                         *task,
              const char                    *method,
              const char                    *path,
              GHashTable                    *form,
              ConciergeMastodonJsonCallback  parse,
              GAsyncReadyCallback            done)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);
  g_autoptr(GTask) step = g_task_new (self->api, g_task_get_cancellable (task), done, g_object_ref (task));

  g_task_set_task_data (step, g_object_ref (task), g_object_unref);
  concierge_mastodon_request_json (step, method, path, NULL, form, NULL, parse);
}

/* A server that cannot be reached gets a sentence, not libsoup's. */
static void
return_sign_in_error (GTask  *task,
                      GError *error)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);

  if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR ||
      (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) cause = error;

      error = g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                           _("Concierge cannot reach %s. Check the address and the network connection."),
                           self->api->server_url);
    }
  g_task_return_error (task, error);
}

static void
loopback_page (SoupServerMessage *msg,
               guint              status,
               const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *page = NULL;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Concierge</title></head>"
                          "<body style=\"font-family: sans-serif; margin: 4em auto; max-width: 32em\">"
                          "<p>%s</p></body></html>\n", escaped);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
  g_steal_pointer (&page);
}

static void exchange_code (GTask *task, const char *code, const char *redirect_uri);

static void
loopback_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  ConciergeMastodonSignIn *self = user_data;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *refused = query ? g_hash_table_lookup (query, "error") : NULL;
  g_autoptr(GTask) waiting = NULL;

  /* Only the browser that the server sent back with our state may end
   * the sign-in; anything else on this computer could knock here. */
  if (!g_str_equal (path, "/callback") || g_strcmp0 (state, self->state) != 0 || (code == NULL && refused == NULL))
    {
      loopback_page (msg, 400, _("This page does not belong to a sign-in that Concierge started."));
      return;
    }

  if (self->code != NULL || self->code_error != NULL)
    {
      loopback_page (msg, 200, _("You can close this page and return to Concierge."));
      return;
    }

  if (code != NULL)
    {
      self->code = g_strdup (code);
      loopback_page (msg, 200, _("Concierge received your sign-in. You can close this page and return to Concierge."));
    }
  else
    {
      self->code_error = g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                              _("Access was not allowed in the browser. Sign in again and "
                                                "choose Authorize."));
      loopback_page (msg, 200, _("Concierge was not allowed access. You can close this page."));
    }

  if (self->waiting == NULL)
    return;

  waiting = g_object_ref (self->waiting);
  stop_waiting (self);
  if (self->code_error != NULL)
    g_task_return_error (waiting, g_error_copy (self->code_error));
  else
    exchange_code (waiting, self->code, self->redirect_uri);
}

static gboolean
start_loopback (ConciergeMastodonSignIn  *self,
                GError                  **error)
{
  GSList *uris;

  if (self->loopback != NULL)
    return TRUE;

  /* A new port each time, so Mastodon, which wants the redirect exactly,
   * gets the app registered again for each sign-in. */
  self->loopback = soup_server_new ("server-header", "Concierge", NULL);
  soup_server_add_handler (self->loopback, NULL, loopback_cb, self, NULL);
  if (!soup_server_listen_local (self->loopback, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      g_clear_object (&self->loopback);
      return FALSE;
    }

  uris = soup_server_get_uris (self->loopback);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/callback", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

static void
app_registered_cb (GTask    *step,
                   JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  const char *id = concierge_json_node_string (root, "client_id");
  const char *secret = concierge_json_node_string (root, "client_secret");

  if (id == NULL || secret == NULL)
    {
      concierge_mastodon_return_unreadable (step);
      return;
    }

  g_free (self->client_id);
  self->client_id = g_strdup (id);
  concierge_credentials_forget (&self->client_secret);
  self->client_secret = g_strdup (secret);
  g_task_return_boolean (step, TRUE);
}

static void
registered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return_sign_in_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
metadata_cb (GTask    *step,
             JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  JsonNode *methods = JSON_NODE_HOLDS_OBJECT (root)
                        ? json_object_get_member (json_node_get_object (root), "code_challenge_methods_supported")
                        : NULL;

  if (methods != NULL && JSON_NODE_HOLDS_ARRAY (methods))
    {
      JsonArray *array = json_node_get_array (methods);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (g_strcmp0 (json_array_get_string_element (array, i), "S256") == 0 && self->code_verifier == NULL)
          self->code_verifier = random_text ();
    }
  g_task_return_boolean (step, TRUE);
}

static void
metadata_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *redirect_uris = NULL;
  GError *error = NULL;

  /* Servers before Mastodon 4.3 have no metadata and no PKCE; that is no
   * reason to stop, but a server out of reach is. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) && error->domain != CONCIERGE_CHANNEL_ERROR)
    {
      return_sign_in_error (task, error);
      return;
    }
  g_clear_error (&error);

  /* Both ways back: the browser to the loopback, or the agent pasting the
   * code the server shows, when the browser cannot reach this computer. */
  redirect_uris = g_strconcat (self->redirect_uri, "\n" OUT_OF_BAND_URI, NULL);
  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "client_name", "Concierge");
  g_hash_table_insert (form, "redirect_uris", redirect_uris);
  g_hash_table_insert (form, "scopes", SIGN_IN_SCOPES);
  sign_in_step (task, SOUP_METHOD_POST, "/api/v1/apps", form, app_registered_cb, registered_cb);
}

/**
 * concierge_mastodon_sign_in_begin_async:
 *
 * Opens the loopback that the browser returns to, asks the server whether
 * it knows PKCE, and registers Concierge as an app with the server. Then
 * concierge_mastodon_sign_in_get_authorize_uri() tells where the browser
 * goes.
 */
void
concierge_mastodon_sign_in_begin_async (ConciergeMastodonSignIn *self,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_sign_in_begin_async);

  if (!start_loopback (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  sign_in_step (task, SOUP_METHOD_GET, "/.well-known/oauth-authorization-server", NULL,
                metadata_cb, metadata_done_cb);
}

gboolean
concierge_mastodon_sign_in_begin_finish (ConciergeMastodonSignIn  *self,
                                         GAsyncResult             *result,
                                         GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
append_parameter (GString    *uri,
                  const char *name,
                  const char *value)
{
  g_string_append_c (uri, strchr (uri->str, '?') ? '&' : '?');
  g_string_append_uri_escaped (uri, name, NULL, FALSE);
  g_string_append_c (uri, '=');
  g_string_append_uri_escaped (uri, value, NULL, FALSE);
}

/**
 * concierge_mastodon_sign_in_get_authorize_uri:
 * @out_of_band: whether the server shows the code for the agent to paste,
 *   instead of sending the browser back to Concierge
 *
 * Returns: (transfer full): the page where the agent allows access
 */
char *
concierge_mastodon_sign_in_get_authorize_uri (ConciergeMastodonSignIn *self,
                                              gboolean                 out_of_band)
{
  GString *uri;

  g_return_val_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self), NULL);
  g_return_val_if_fail (self->client_id != NULL, NULL);

  uri = g_string_new (self->api->server_url);
  g_string_append (uri, "/oauth/authorize");
  append_parameter (uri, "response_type", "code");
  append_parameter (uri, "client_id", self->client_id);
  append_parameter (uri, "redirect_uri", out_of_band ? OUT_OF_BAND_URI : self->redirect_uri);
  append_parameter (uri, "scope", SIGN_IN_SCOPES);
  append_parameter (uri, "state", self->state);
  if (self->code_verifier != NULL)
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize length = sizeof digest;
      g_autofree char *challenge = NULL;

      g_checksum_update (checksum, (const guchar *) self->code_verifier, -1);
      g_checksum_get_digest (checksum, digest, &length);
      challenge = base64url (digest, length);
      append_parameter (uri, "code_challenge", challenge);
      append_parameter (uri, "code_challenge_method", "S256");
    }

  return g_string_free (uri, FALSE);
}

/**
 * concierge_mastodon_sign_in_uses_pkce:
 *
 * Returns: whether the server takes a PKCE challenge, which keeps a code
 *   that another program on this computer catches useless to it
 */
gboolean
concierge_mastodon_sign_in_uses_pkce (ConciergeMastodonSignIn *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self), FALSE);

  return self->code_verifier != NULL;
}

static void
credentials_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ConciergeAccount *account;

  account = g_task_propagate_pointer (G_TASK (result), &error);
  if (account == NULL)
    return_sign_in_error (task, error);
  else
    g_task_return_pointer (task, account, g_object_unref);
}

static void
own_account_cb (GTask    *step,
                JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  const char *id = concierge_json_node_string (root, "id");
  const char *username = concierge_json_node_string (root, "username");
  const char *display_name = concierge_json_node_string (root, "display_name");
  g_autofree char *handle = NULL;
  g_autofree char *name = NULL;

  if (id == NULL || username == NULL)
    {
      concierge_mastodon_return_unreadable (step);
      return;
    }

  handle = g_strdup_printf ("@%s", username);
  name = concierge_channel_clean_text (g_strdup (display_name && display_name[0] ? display_name : username));
  g_task_return_pointer (step, concierge_account_new (CONCIERGE_MASTODON_ID, name, handle, self->api->server_url, id),
                         g_object_unref);
}

static void
token_cb (GTask    *step,
          JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  const char *token = concierge_json_node_string (root, "access_token");

  if (token == NULL || token[0] == '\0')
    {
      concierge_mastodon_return_unreadable (step);
      return;
    }

  concierge_credentials_forget (&self->api->access_token);
  self->api->access_token = g_strdup (token);
  g_task_return_boolean (step, TRUE);
}

static void
token_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      return_sign_in_error (task, error);
      return;
    }

  sign_in_step (task, SOUP_METHOD_GET, "/api/v1/accounts/verify_credentials", NULL,
                own_account_cb, credentials_done_cb);
}

static void
exchange_code (GTask      *task,
               const char *code,
               const char *redirect_uri)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (form, "grant_type", "authorization_code");
  g_hash_table_insert (form, "code", (char *) code);
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "client_secret", self->client_secret);
  g_hash_table_insert (form, "redirect_uri", (char *) redirect_uri);
  g_hash_table_insert (form, "scope", SIGN_IN_SCOPES);
  if (self->code_verifier != NULL)
    g_hash_table_insert (form, "code_verifier", self->code_verifier);
  sign_in_step (task, SOUP_METHOD_POST, "/oauth/token", form, token_cb, token_done_cb);
}

static gboolean
waiting_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  ConciergeMastodonSignIn *self = user_data;
  g_autoptr(GTask) waiting = g_object_ref (self->waiting);

  stop_waiting (self);
  g_task_return_new_error (waiting, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sign-in was cancelled."));
  return G_SOURCE_REMOVE;
}

/**
 * concierge_mastodon_sign_in_complete_async:
 * @pasted: (nullable): what the agent pasted: the code the server showed,
 *   or the address the browser could not open; %NULL waits for the
 *   browser to come back to the loopback
 *
 * Trades the code for a token and asks the server whose account it is.
 */
void
concierge_mastodon_sign_in_complete_async (ConciergeMastodonSignIn *self,
                                           const char              *pasted,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self));
  g_return_if_fail (self->client_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_sign_in_complete_async);

  if (pasted != NULL)
    {
      g_autofree char *text = g_strstrip (g_strdup (pasted));
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);
      g_autoptr(GHashTable) query = NULL;
      const char *code;

      if (text[0] == '\0')
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("Paste the authorization code that the server showed."));
          return;
        }

      /* A browser on another computer cannot open the loopback, but its
       * address bar holds the code. */
      if (uri != NULL && g_uri_get_query (uri) != NULL)
        query = soup_form_decode (g_uri_get_query (uri));
      code = query ? g_hash_table_lookup (query, "code") : NULL;
      if (code != NULL && g_strcmp0 (g_hash_table_lookup (query, "state"), self->state) == 0)
        exchange_code (task, code, self->redirect_uri);
      else if (code != NULL || strpbrk (text, " /?&") != NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                 _("This is not the code of this sign-in. Copy the code the server "
                                   "showed after you chose Authorize."));
      else
        exchange_code (task, text, OUT_OF_BAND_URI);
      return;
    }

  if (self->code_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->code_error));
      return;
    }
  if (self->code != NULL)
    {
      exchange_code (task, self->code, self->redirect_uri);
      return;
    }

  /* Only the latest wait counts. */
  if (self->waiting != NULL)
    {
      g_autoptr(GTask) earlier = g_object_ref (self->waiting);

      stop_waiting (self);
      g_task_return_new_error (earlier, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sign-in was cancelled."));
    }
  self->waiting = g_object_ref (task);
  if (cancellable != NULL)
    {
      self->waiting_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->waiting_cancelled, G_SOURCE_FUNC (waiting_cancelled_cb), self, NULL);
      g_source_attach (self->waiting_cancelled, g_main_context_get_thread_default ());
    }
}

/**
 * concierge_mastodon_sign_in_complete_finish:
 * @secret_json: (out): what the keyring keeps for the account: the token
 *   and the app it was granted to, which revoking needs
 *
 * Returns: (transfer full): the account that signed in, not saved yet
 */
ConciergeAccount *
concierge_mastodon_sign_in_complete_finish (ConciergeMastodonSignIn  *self,
                                            GAsyncResult             *result,
                                            char                    **secret_json,
                                            GError                  **error)
{
  ConciergeAccount *account;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (secret_json != NULL, NULL);

  account = g_task_propagate_pointer (G_TASK (result), error);
  if (account != NULL)
    *secret_json = concierge_credentials_to_json (self->api->access_token, self->client_id, self->client_secret);
  return account;
}

/**
 * concierge_mastodon_sign_in_with_token_async:
 * @token: an access token made on the server, as its Development settings
 *   make one
 *
 * Signs in without the browser: asks the server whose account @token
 * signs in.
 */
void
concierge_mastodon_sign_in_with_token_async (ConciergeMastodonSignIn *self,
                                             const char              *token,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self));
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_sign_in_with_token_async);
  concierge_credentials_forget (&self->api->access_token);
  self->api->access_token = g_strdup (token);
  sign_in_step (task, SOUP_METHOD_GET, "/api/v1/accounts/verify_credentials", NULL,
                own_account_cb, credentials_done_cb);
}

/**
 * concierge_mastodon_sign_in_with_token_finish:
 *
 * Returns: (transfer full): the account that @token signs in, not saved
 *   yet; a token the server refuses is
 *   %CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED
 */
ConciergeAccount *
concierge_mastodon_sign_in_with_token_finish (ConciergeMastodonSignIn  *self,
                                              GAsyncResult             *result,
                                              GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* As any sign-in through the browser */

static void
sign_in_begin_async (ConciergeSignIn     *sign_in,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  concierge_mastodon_sign_in_begin_async (CONCIERGE_MASTODON_SIGN_IN (sign_in), cancellable, callback, user_data);
}

static gboolean
sign_in_begin_finish (ConciergeSignIn  *sign_in,
                      GAsyncResult     *result,
                      GError          **error)
{
  return concierge_mastodon_sign_in_begin_finish (CONCIERGE_MASTODON_SIGN_IN (sign_in), result, error);
}

static char *
sign_in_get_authorize_uri (ConciergeSignIn *sign_in,
                           gboolean         out_of_band)
{
  return concierge_mastodon_sign_in_get_authorize_uri (CONCIERGE_MASTODON_SIGN_IN (sign_in), out_of_band);
}

static void
sign_in_complete_async (ConciergeSignIn     *sign_in,
                        const char          *pasted,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  concierge_mastodon_sign_in_complete_async (CONCIERGE_MASTODON_SIGN_IN (sign_in), pasted, cancellable,
                                             callback, user_data);
}

static ConciergeAccount *
sign_in_complete_finish (ConciergeSignIn  *sign_in,
                         GAsyncResult     *result,
                         char            **secret_json,
                         GError          **error)
{
  return concierge_mastodon_sign_in_complete_finish (CONCIERGE_MASTODON_SIGN_IN (sign_in), result, secret_json,
                                                     error);
}

static void
concierge_mastodon_sign_in_iface_init (ConciergeSignInInterface *iface)
{
  iface->begin_async = sign_in_begin_async;
  iface->begin_finish = sign_in_begin_finish;
  iface->get_authorize_uri = sign_in_get_authorize_uri;
  iface->complete_async = sign_in_complete_async;
  iface->complete_finish = sign_in_complete_finish;
}

/**
 * concierge_mastodon_browser_sign_in_new:
 *
 * As concierge_mastodon_sign_in_new(), for the platform table.
 */
ConciergeSignIn *
concierge_mastodon_browser_sign_in_new (SoupSession  *session,
                                        const char   *server,
                                        GError      **error)
{
  return (ConciergeSignIn *) concierge_mastodon_sign_in_new (session, server, error);
}

/* Whose a token is */

static void
identified_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeAccount *account;
  GError *error = NULL;

  account = concierge_mastodon_sign_in_with_token_finish (CONCIERGE_MASTODON_SIGN_IN (object), result, &error);
  if (account != NULL)
    g_task_return_pointer (task, account, g_object_unref);
  else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                               _("Mastodon does not accept this token. Check that it is complete and "
                                 "was not withdrawn in the account’s settings."));
    }
  else
    g_task_return_error (task, error);
}

/**
 * concierge_mastodon_identify_async:
 * @server: the server, as the agent typed it
 * @token: an access token made on the server
 *
 * Asks the server whose account @token signs in, as a sign-in through
 * the browser learns it.
 */
void
concierge_mastodon_identify_async (SoupSession         *session,
                                   const char          *server,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConciergeMastodonSignIn) sign_in = NULL;
  GError *error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_identify_async);

  /* The sign-in writes the server's address as the browser's sign-in
   * does, so that both find the same account. */
  sign_in = concierge_mastodon_sign_in_new (session, server, &error);
  if (sign_in == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  concierge_mastodon_sign_in_with_token_async (sign_in, token, cancellable, identified_cb,
                                               g_steal_pointer (&task));
}

/**
 * concierge_mastodon_identify_finish:
 * @webhook_url: (out) (optional): always %NULL: Mastodon hands an
 *   account's news to no webhook that keeps Concierge from them
 *
 * Returns: (transfer full): the account, not saved yet
 */
ConciergeAccount *
concierge_mastodon_identify_finish (GAsyncResult  *result,
                                    char         **webhook_url,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (webhook_url != NULL)
    *webhook_url = NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
