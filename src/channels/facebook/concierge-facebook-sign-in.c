/* concierge-facebook-sign-in.c
 *
 * A page signs in with a token the agent pastes: a System User's token,
 * which does not expire, or a page's own token. Asked for itself ("/me"),
 * a page token answers with its page, a System User's with the System
 * User, whose pages /me/accounts lists.
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

/* A System User's token names the pages the System User was given. */
static void
pages_cb (GTask    *task,
          JsonNode *root)
{
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *data = answer ? json_object_get_member (answer, "data") : NULL;
  JsonArray *pages = data && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  if (pages == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }
  if (json_array_get_length (pages) == 0)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("This token reaches no Facebook page. In Meta Business Suite, give the "
                                 "System User the page, then generate the token again."));
      return;
    }
  if (json_array_get_length (pages) == 1)
    {
      page_cb (task, json_array_get_element (pages, 0));
      return;
    }

  for (guint i = 0; i < json_array_get_length (pages); i++)
    {
      const char *name = concierge_json_node_string (json_array_get_element (pages, i), "name");
      const char *id = concierge_json_node_string (json_array_get_element (pages, i), "id");

      g_string_append_printf (names, "%s%s (%s)", i > 0 ? ", " : "", name ? name : "", id ? id : "");
    }
  /* One account is one page, and the token the keyring keeps for it
   * should reach that page only. */
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                           _("This token reaches several pages: %s. Give the System User only the page "
                             "Concierge answers on, or use a System User for each page."), names->str);
}

static void
return_identified (GTask            *task,
                   ConciergeAccount *account,
                   GError           *error)
{
  if (account != NULL)
    g_task_return_pointer (task, account, g_object_unref);
  else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
    {
      g_error_free (error);
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                               _("Facebook does not accept this token. Copy it again from Meta Business "
                                 "Suite."));
    }
  else
    g_task_return_error (task, error);
}

static void
identified_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ConciergeAccount *account = g_task_propagate_pointer (G_TASK (result), &error);

  return_identified (task, account, error);
}

/* A person's token, as a System User's, knows no page fields: Meta
 * answers (#100) for the "category" asked for, and the pages come from
 * /me/accounts instead. */
static void
asked_me_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeAccount *account;
  g_autoptr(GTask) asking = NULL;
  g_autoptr(GHashTable) params = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  account = g_task_propagate_pointer (G_TASK (result), &error);
  if (account != NULL || !g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
    {
      return_identified (task, account, error);
      return;
    }
  g_clear_error (&error);

  cancellable = g_task_get_cancellable (task);
  asking = g_task_new (object, cancellable, identified_cb, g_steal_pointer (&task));
  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (char *) "fields", (char *) "id,name");
  concierge_facebook_request_json (asking, SOUP_METHOD_GET, "/me/accounts", params, NULL, pages_cb);
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
  asking = g_task_new (facebook, cancellable, asked_me_cb, g_steal_pointer (&task));
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
