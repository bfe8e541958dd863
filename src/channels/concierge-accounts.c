/* concierge-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "concierge-accounts.h"
#include "concierge-channel.h"
#include "concierge-platform.h"
#include "secrets/concierge-secrets.h"

/* Whose a token is */

typedef struct
{
  const ConciergePlatform *platform;
  char                    *webhook_url;
} Identifying;

static void
identifying_free (Identifying *identifying)
{
  g_free (identifying->webhook_url);
  g_free (identifying);
}

static void
identified_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Identifying *identifying = g_task_get_task_data (task);
  ConciergeAccount *account;
  GError *error = NULL;

  account = identifying->platform->identify_finish (result, &identifying->webhook_url, &error);
  if (account == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, account, g_object_unref);
}

/**
 * concierge_accounts_identify_async:
 * @platform: a platform's id
 * @server: the server, or the address of the platform's API
 * @token: an access token, or a bot's token
 *
 * Asks the platform whose @token is, as a sign-in through the browser
 * learns it: an account added by its token alone then has the id that
 * tells it from others, and adding it again finds it.
 */
void
concierge_accounts_identify_async (SoupSession         *session,
                                   const char          *platform,
                                   const char          *server,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Identifying *identifying;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (platform != NULL);
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_accounts_identify_async);

  identifying = g_new0 (Identifying, 1);
  identifying->platform = concierge_platform_lookup (platform);
  g_task_set_task_data (task, identifying, (GDestroyNotify) identifying_free);
  if (identifying->platform == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                               _("This version of Concierge cannot sync %s accounts yet."), platform);
      return;
    }

  identifying->platform->identify_async (session, server, token, cancellable, identified_cb,
                                         g_steal_pointer (&task));
}

/**
 * concierge_accounts_identify_finish:
 * @webhook_url: (out) (optional): where a webhook takes the account's news,
 *   which Concierge then cannot read; %NULL when none does
 *
 * Returns: (transfer full): the account @token signs in, with its remote
 *   user id, name and handle, not saved yet
 */
ConciergeAccount *
concierge_accounts_identify_finish (GAsyncResult  *result,
                                    char         **webhook_url,
                                    GError       **error)
{
  ConciergeAccount *account;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  account = g_task_propagate_pointer (G_TASK (result), error);
  if (account != NULL && webhook_url != NULL)
    *webhook_url = g_strdup (((Identifying *) g_task_get_task_data (G_TASK (result)))->webhook_url);
  return account;
}

static void
webhook_removed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const ConciergePlatform *platform = g_task_get_task_data (task);
  GError *error = NULL;

  if (!platform->remove_webhook_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * concierge_accounts_remove_webhook_async:
 * @platform: a platform's id
 *
 * Removes the webhook that concierge_accounts_identify_finish() found, so
 * that Concierge can read the account's news. The news waiting for the
 * webhook are kept.
 */
void
concierge_accounts_remove_webhook_async (SoupSession         *session,
                                         const char          *platform,
                                         const char          *server,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const ConciergePlatform *found;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (platform != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_accounts_remove_webhook_async);

  found = concierge_platform_lookup (platform);
  if (found == NULL || found->remove_webhook_async == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                               _("This platform cannot do that."));
      return;
    }

  g_task_set_task_data (task, (gpointer) found, NULL);
  found->remove_webhook_async (session, server, token, cancellable, webhook_removed_cb, g_steal_pointer (&task));
}

gboolean
concierge_accounts_remove_webhook_finish (GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Adding */

typedef struct
{
  ConciergeStore   *store;
  ConciergeAccount *saved;
  gboolean          renewed;
  char             *secret;
  GError           *error;
} Adding;

static void
adding_free (Adding *adding)
{
  g_object_unref (adding->store);
  g_clear_object (&adding->saved);
  memset (adding->secret, 0, strlen (adding->secret));
  g_free (adding->secret);
  g_clear_error (&adding->error);
  g_free (adding);
}

static void
undone_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Adding *adding = g_task_get_task_data (task);

  concierge_store_remove_account_finish (CONCIERGE_STORE (object), result, NULL);
  g_task_return_error (task, g_steal_pointer (&adding->error));
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Adding *adding = g_task_get_task_data (task);

  /* An account without its secret would only fail later: a new one goes
   * again. One that was there already stays, with its conversations and
   * its earlier secret. */
  if (!concierge_secrets_store_finish (result, &adding->error))
    {
      if (adding->renewed)
        {
          g_task_return_error (task, g_steal_pointer (&adding->error));
          return;
        }
      concierge_store_remove_account_async (adding->store, concierge_account_get_id (adding->saved), NULL,
                                            undone_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_object_ref (adding->saved), g_object_unref);
}

static void
account_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Adding *adding = g_task_get_task_data (task);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *label = NULL;
  GError *error = NULL;

  adding->saved = concierge_store_add_account_finish (CONCIERGE_STORE (object), result, &adding->renewed, &error);
  if (adding->saved == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  uri = g_uri_parse (concierge_account_get_server_url (adding->saved), G_URI_FLAGS_NONE, NULL);
  /* Translators: how the keyring lists an account's secret: platform and server */
  label = g_strdup_printf (_("Concierge: %s account on %s"), concierge_account_get_platform (adding->saved),
                           uri ? g_uri_get_host (uri) : concierge_account_get_server_url (adding->saved));
  concierge_secrets_store_async (concierge_store_get_profile_id (adding->store),
                                 concierge_account_get_id (adding->saved),
                                 concierge_account_get_platform (adding->saved), label, adding->secret,
                                 CONCIERGE_SECRETS_DEFAULT, g_task_get_cancellable (task),
                                 secret_stored_cb, g_object_ref (task));
}

/**
 * concierge_accounts_add_async:
 * @account: the account to save; an account with the same platform, server
 *   and remote user is renewed instead
 * @secret_json: goes to the keyring only; see
 *   concierge_credentials_to_json()
 *
 * Saves the account and then its secret; when the keyring refuses, a new
 * account goes again.
 */
void
concierge_accounts_add_async (ConciergeStore      *store,
                              ConciergeAccount    *account,
                              const char          *secret_json,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Adding *adding;

  g_return_if_fail (CONCIERGE_IS_STORE (store));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));
  g_return_if_fail (secret_json != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_accounts_add_async);
  adding = g_new0 (Adding, 1);
  adding->store = g_object_ref (store);
  adding->secret = g_strdup (secret_json);
  g_task_set_task_data (task, adding, (GDestroyNotify) adding_free);

  concierge_store_add_account_async (store, account, cancellable, account_saved_cb, g_steal_pointer (&task));
}

/**
 * concierge_accounts_add_finish:
 * @renewed: (out) (optional): whether the account was there already, so
 *   that the new secret replaced its earlier one
 *
 * Returns: (transfer full): the saved account, with its id
 */
ConciergeAccount *
concierge_accounts_add_finish (GAsyncResult  *result,
                               gboolean      *renewed,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (renewed != NULL)
    *renewed = ((Adding *) g_task_get_task_data (G_TASK (result)))->renewed;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removing */

typedef struct
{
  ConciergeStore   *store;
  SoupSession      *session;
  ConciergeAccount *account;
  gboolean          keep_conversations;
  char             *not_revoked;
} Removing;

static void
removing_free (Removing *removing)
{
  g_object_unref (removing->store);
  g_object_unref (removing->session);
  g_object_unref (removing->account);
  g_free (removing->not_revoked);
  g_free (removing);
}

static void
account_gone_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Removing *removing = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done;

  done = removing->keep_conversations
           ? concierge_store_sign_out_account_finish (CONCIERGE_STORE (object), result, &error)
           : concierge_store_remove_account_finish (CONCIERGE_STORE (object), result, &error);
  if (!done)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
secret_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Removing *removing = g_task_get_task_data (task);
  gint64 account_id = concierge_account_get_id (removing->account);
  GError *error = NULL;

  /* The secret goes before the account: an account whose removal stops
   * half way must not leave a token behind. */
  if (!concierge_secrets_clear_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (removing->keep_conversations)
    concierge_store_sign_out_account_async (removing->store, account_id, NULL,
                                            account_gone_cb, g_steal_pointer (&task));
  else
    concierge_store_remove_account_async (removing->store, account_id, NULL,
                                          account_gone_cb, g_steal_pointer (&task));
}

static void
clear_secret (GTask *task)
{
  Removing *removing = g_task_get_task_data (task);

  concierge_secrets_clear_async (concierge_store_get_profile_id (removing->store),
                                 concierge_account_get_id (removing->account), g_task_get_cancellable (task),
                                 secret_cleared_cb, task);
}

static void
revoked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Removing *removing = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Removing goes on: the agent learns that the server may still accept
   * the token, and where to withdraw it. */
  if (concierge_channel_revoke_finish (CONCIERGE_CHANNEL (object), result, &error))
    ;
  else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED))
    removing->not_revoked = g_strdup (error->message);
  else
    /* Translators: %s says why */
    removing->not_revoked = g_strdup_printf (_("Concierge could not withdraw its access on the server (%s). "
                                               "Withdraw it in the account’s settings there."), error->message);
  clear_secret (task);
}

static void
secret_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Removing *removing = g_task_get_task_data (task);
  g_autoptr(ConciergeChannel) channel = NULL;
  g_autofree char *secret = NULL;

  /* Without a secret there is nothing to revoke; clearing tells about a
   * keyring that does not answer. */
  secret = concierge_secrets_lookup_finish (result, NULL);
  if (secret != NULL)
    channel = concierge_platform_new_channel (removing->session, removing->account, secret, NULL);
  if (secret != NULL)
    memset (secret, 0, strlen (secret));

  if (channel == NULL)
    {
      clear_secret (task);
      return;
    }

  concierge_channel_revoke_async (channel, g_task_get_cancellable (task), revoked_cb, task);
}

/**
 * concierge_accounts_remove_async:
 * @session: for revoking the token
 * @keep_conversations: whether the account's cached conversations stay
 *   readable; otherwise they go with it
 *
 * Revokes the account's token where the platform allows it, deletes its
 * secret, then the account, or keeps it signed out with its
 * conversations.
 */
void
concierge_accounts_remove_async (ConciergeStore      *store,
                                 SoupSession         *session,
                                 ConciergeAccount    *account,
                                 gboolean             keep_conversations,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Removing *removing;

  g_return_if_fail (CONCIERGE_IS_STORE (store));
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_accounts_remove_async);
  removing = g_new0 (Removing, 1);
  removing->store = g_object_ref (store);
  removing->session = g_object_ref (session);
  removing->account = g_object_ref (account);
  removing->keep_conversations = keep_conversations;
  g_task_set_task_data (task, removing, (GDestroyNotify) removing_free);

  concierge_secrets_lookup_async (concierge_store_get_profile_id (store), concierge_account_get_id (account),
                                  cancellable, secret_found_cb, task);
}

/**
 * concierge_accounts_remove_finish:
 * @not_revoked: (out) (optional): why the platform may still accept the
 *   account's token, or %NULL when it was revoked or there was none
 */
gboolean
concierge_accounts_remove_finish (GAsyncResult  *result,
                                  char         **not_revoked,
                                  GError       **error)
{
  Removing *removing;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  removing = g_task_get_task_data (G_TASK (result));
  if (not_revoked != NULL)
    *not_revoked = g_strdup (removing->not_revoked);
  return g_task_propagate_boolean (G_TASK (result), error);
}
