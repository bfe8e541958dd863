/* concierge-facebook-sign-in.c
 *
 * A page signs in with a token the agent pastes: a System User's page
 * token, which does not expire. Asked for itself ("/me"), a page token
 * answers with its page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-credentials.h"
#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"
#include "concierge-facebook-sign-in.h"

static void
page_cb (GTask    *task,
         JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  JsonObject *page = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *id = concierge_json_string (page, "id");
  const char *name = concierge_json_string (page, "name");

  if (id == NULL || name == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }

  g_task_return_pointer (task, concierge_account_new (CONCIERGE_FACEBOOK_ID, name, name, self->api_url, id),
                         g_object_unref);
}

static void
identified_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeAccount *account;
  GError *error = NULL;

  account = g_task_propagate_pointer (G_TASK (result), &error);
  if (account != NULL)
    {
      g_task_return_pointer (task, account, g_object_unref);
      return;
    }

  /* A person's token knows no page fields: Meta answers (#100) for the
   * "category" asked for. */
  if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("This token is not a page’s. Generate a page token for the System User in "
                                 "Meta Business Suite."));
    }
  else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                               _("Facebook does not accept this token. Copy it again from Meta Business "
                                 "Suite."));
    }
  else
    g_task_return_error (task, error);
}

/**
 * concierge_facebook_identify_async:
 * @server: the Graph API's address
 * @token: a page token
 *
 * Asks Facebook which page @token is for.
 */
void
concierge_facebook_identify_async (SoupSession         *session,
                                   const char          *server,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) asking = NULL;
  g_autoptr(ConciergeFacebook) facebook = NULL;
  g_autoptr(GHashTable) params = NULL;
  GError *error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_facebook_identify_async);

  if (!concierge_credentials_server_url_is_ok (server, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  facebook = concierge_facebook_new (session, 0, server, NULL, token);
  asking = g_task_new (facebook, cancellable, identified_cb, g_steal_pointer (&task));
  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *) "fields", (char *) "id,name,category");
  concierge_facebook_request_json (asking, SOUP_METHOD_GET, "/me", params, NULL, page_cb);
}

/**
 * concierge_facebook_identify_finish:
 * @webhook_url: (out) (optional): always %NULL: a page's webhooks do not
 *   take its comments and messages away from the Graph API
 *
 * Returns: (transfer full): the page's account, not saved yet
 */
ConciergeAccount *
concierge_facebook_identify_finish (GAsyncResult  *result,
                                    char         **webhook_url,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (webhook_url != NULL)
    *webhook_url = NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}
