/* concierge-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "concierge-credentials.h"

/**
 * concierge_credentials_forget:
 * @secret: (inout) (nullable): a secret, overwritten before it is freed
 */
void
concierge_credentials_forget (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
concierge_credentials_free (ConciergeCredentials *credentials)
{
  if (credentials == NULL)
    return;

  concierge_credentials_forget (&credentials->access_token);
  g_free (credentials->client_id);
  concierge_credentials_forget (&credentials->client_secret);
  g_free (credentials);
}

/**
 * concierge_credentials_from_json:
 * @json: an account's secret from the keyring; "{}" when it has none
 * @members: the members the account's platform keeps
 *
 * Returns: (transfer full) (nullable): the credentials, or %NULL when
 *   @json holds no access token
 */
ConciergeCredentials *
concierge_credentials_from_json (const char                  *json,
                                 ConciergeCredentialsMembers  members)
{
  g_autoptr(JsonNode) root = NULL;
  ConciergeCredentials *credentials;
  JsonObject *object;
  const char *token;

  g_return_val_if_fail (json != NULL, NULL);

  root = json_from_string (json, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  token = json_object_get_string_member_with_default (object, "access_token", NULL);
  if (token == NULL || token[0] == '\0')
    return NULL;

  credentials = g_new0 (ConciergeCredentials, 1);
  credentials->access_token = g_strdup (token);
  if (members & CONCIERGE_CREDENTIALS_CLIENT)
    {
      credentials->client_id = g_strdup (json_object_get_string_member_with_default (object, "client_id", NULL));
      credentials->client_secret =
        g_strdup (json_object_get_string_member_with_default (object, "client_secret", NULL));
    }
  return credentials;
}

/**
 * concierge_credentials_to_json:
 * @client_id: (nullable): the app @token was granted to, where the
 *   platform revokes a token only for that app
 * @client_secret: (nullable): that app's secret
 *
 * Returns: the secret the keyring keeps for an account with @token
 */
char *
concierge_credentials_to_json (const char *token,
                               const char *client_id,
                               const char *client_secret)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (token != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, token);
  if (client_id != NULL && client_secret != NULL)
    {
      json_builder_set_member_name (builder, "client_id");
      json_builder_add_string_value (builder, client_id);
      json_builder_set_member_name (builder, "client_secret");
      json_builder_add_string_value (builder, client_secret);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/**
 * concierge_credentials_server_url_is_ok:
 *
 * Accepts https:// addresses, and http:// only for this computer's loopback
 * addresses, for self-hosted testing: a token must never cross a network in
 * the clear.
 */
gboolean
concierge_credentials_server_url_is_ok (const char  *url,
                                        GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (host != NULL && host[0] != '\0' && g_strcmp0 (scheme, "https") == 0)
    return TRUE;

  if (host != NULL && g_strcmp0 (scheme, "http") == 0)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

      if (address != NULL && g_inet_address_get_is_loopback (address))
        return TRUE;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an https:// address. Plain http:// is accepted only for this "
                 "computer (127.0.0.1 or ::1)."), url);
  return FALSE;
}
