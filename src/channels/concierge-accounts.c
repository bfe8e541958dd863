/* concierge-accounts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "concierge-accounts.h"
#include "concierge-channel.h"
#include "concierge-credentials.h"
#include "mastodon/concierge-mastodon-sign-in.h"
#include "telegram/concierge-telegram-sign-in.h"
#include "secrets/concierge-secrets.h"

/* Whose a token is */

static void
mastodon_identified_cb (GObject      *object,
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

static void
bot_identified_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConciergeTelegramBot) bot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *handle = NULL;
  g_autofree char *bot_id = NULL;
  const char *server_url = g_task_get_task_data (task);

  bot = concierge_telegram_check_finish (CONCIERGE_TELEGRAM (object), result, &error);
  if (bot == NULL)
    {
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
        g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                 _("Telegram does not know this token. Copy it again from @BotFather."));
      else if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR ||
               (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED))
        g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                                 _("Concierge cannot reach %s. Check the address and the network connection."),
                                 server_url);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  handle = g_strdup_printf ("@%s", bot->username);
  bot_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot->id);
  g_task_return_pointer (task, concierge_account_new ("telegram", bot->name, handle, server_url, bot_id),
                         g_object_unref);
}

/**
 * concierge_accounts_identify_async:
 * @platform: "mastodon" or "telegram"
 * @server: the Mastodon server, or Telegram's Bot API address
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
  g_autoptr(ConciergeMastodonSignIn) sign_in = NULL;
  g_autoptr(ConciergeTelegram) telegram = NULL;
  GError *error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (platform != NULL);
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_accounts_identify_async);

  if (g_str_equal (platform, "telegram"))
    {
      if (!concierge_credentials_server_url_is_ok (server, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_task_set_task_data (task, g_strdup (server), g_free);
      telegram = concierge_telegram_new (session, 0, server, token);
      concierge_telegram_check_async (telegram, cancellable, bot_identified_cb, g_steal_pointer (&task));
      return;
    }

  if (!g_str_equal (platform, "mastodon"))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                               _("This version of Concierge cannot sync %s accounts yet."), platform);
      return;
    }

  /* The sign-in writes the server's address as the browser's sign-in
   * does, so that both find the same account. */
  sign_in = concierge_mastodon_sign_in_new (session, server, &error);
  if (sign_in == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  concierge_mastodon_sign_in_with_token_async (sign_in, token, cancellable, mastodon_identified_cb,
                                               g_steal_pointer (&task));
}

/**
 * concierge_accounts_identify_finish:
 *
 * Returns: (transfer full): the account @token signs in, with its remote
 *   user id, name and handle, not saved yet
 */
ConciergeAccount *
concierge_accounts_identify_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
    channel = concierge_channel_new_for_account (removing->session, removing->account, secret, NULL);
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
