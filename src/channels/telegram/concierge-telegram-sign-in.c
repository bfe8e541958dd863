/* concierge-telegram-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-credentials.h"
#include "model/concierge-json.h"
#include "concierge-telegram.h"
#include "concierge-telegram-channel-private.h"
#include "concierge-telegram-sign-in.h"
#include "concierge-telegram-update.h"

/* Who a token belongs to, and where its updates go. */
typedef struct
{
  gint64  id;
  char   *username;
  char   *name;
  char   *webhook_url;  /* NULL when none is set */
} Bot;

static void
bot_free (Bot *bot)
{
  if (bot == NULL)
    return;

  g_free (bot->username);
  g_free (bot->name);
  g_free (bot->webhook_url);
  g_free (bot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Bot, bot_free)

static void
webhook_info_cb (GTask    *task,
                 JsonNode *result)
{
  Bot *bot = g_task_get_task_data (task);
  JsonObject *info = result && JSON_NODE_HOLDS_OBJECT (result) ? json_node_get_object (result) : NULL;
  const char *url = concierge_json_string (info, "url");

  bot->webhook_url = url && url[0] ? g_strdup (url) : NULL;
  g_task_return_boolean (task, TRUE);
}

static void
check_me_cb (GTask    *task,
             JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  Bot *bot = g_task_get_task_data (task);
  JsonObject *me = result && JSON_NODE_HOLDS_OBJECT (result) ? json_node_get_object (result) : NULL;

  if (concierge_json_int (me, "id") == 0 || concierge_json_string (me, "username") == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent an answer Concierge cannot read."));
      return;
    }

  bot->id = self->bot_id = concierge_json_int (me, "id");
  bot->username = g_strdup (concierge_json_string (me, "username"));
  g_free (self->bot_username);
  self->bot_username = g_strdup (bot->username);
  bot->name = concierge_telegram_person_name (me);
  concierge_telegram_call_method (task, "getWebhookInfo", concierge_telegram_parameters_new (NULL), webhook_info_cb);
}

/* Asks Telegram who the bot is, with getMe, and whether a webhook takes
 * its updates, which would keep getUpdates from working. */
static void
check_async (ConciergeTelegram   *self,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, check_async);
  g_task_set_task_data (task, g_new0 (Bot, 1), (GDestroyNotify) bot_free);
  concierge_telegram_call_method (task, "getMe", concierge_telegram_parameters_new (NULL), check_me_cb);
}

/* Returns the bot; a wrong token is %CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED. */
static Bot *
check_finish (ConciergeTelegram  *self,
              GAsyncResult       *result,
              GError            **error)
{
  Bot *bot, *copy;

  g_assert (g_task_is_valid (result, self));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  bot = g_task_get_task_data (G_TASK (result));
  copy = g_new0 (Bot, 1);
  copy->id = bot->id;
  copy->username = g_strdup (bot->username);
  copy->name = g_strdup (bot->name);
  copy->webhook_url = g_strdup (bot->webhook_url);
  return copy;
}

/* Whose a token is */

typedef struct
{
  char *server_url;
  char *webhook_url;
} Identifying;

static void
identifying_free (Identifying *identifying)
{
  g_free (identifying->server_url);
  g_free (identifying->webhook_url);
  g_free (identifying);
}

static void
bot_identified_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Identifying *identifying = g_task_get_task_data (task);
  g_autoptr(Bot) bot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *handle = NULL;
  g_autofree char *bot_id = NULL;

  bot = check_finish (CONCIERGE_TELEGRAM (object), result, &error);
  if (bot == NULL)
    {
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
        g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                 _("Telegram does not know this token. Copy it again from @BotFather."));
      else if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR ||
               (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED))
        g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                                 _("Concierge cannot reach %s. Check the address and the network connection."),
                                 identifying->server_url);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  identifying->webhook_url = g_strdup (bot->webhook_url);
  handle = g_strdup_printf ("@%s", bot->username);
  bot_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot->id);
  g_task_return_pointer (task,
                         concierge_account_new (CONCIERGE_TELEGRAM_ID, bot->name, handle, identifying->server_url,
                                                bot_id),
                         g_object_unref);
}

/**
 * concierge_telegram_identify_async:
 * @server: the Bot API's address
 * @token: a bot's token
 *
 * Asks Telegram whose bot @token is, and whether a webhook takes its
 * updates.
 */
void
concierge_telegram_identify_async (SoupSession         *session,
                                   const char          *server,
                                   const char          *token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConciergeTelegram) telegram = NULL;
  Identifying *identifying;
  GError *error = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_telegram_identify_async);

  if (!concierge_credentials_server_url_is_ok (server, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  identifying = g_new0 (Identifying, 1);
  identifying->server_url = g_strdup (server);
  g_task_set_task_data (task, identifying, (GDestroyNotify) identifying_free);
  telegram = concierge_telegram_new (session, 0, server, token);
  check_async (telegram, cancellable, bot_identified_cb, g_steal_pointer (&task));
}

/**
 * concierge_telegram_identify_finish:
 * @webhook_url: (out) (optional): where Telegram sends the bot's updates
 *   instead, or %NULL when no webhook takes them
 *
 * Returns: (transfer full): the bot's account, not saved yet; a token
 *   Telegram does not know is %CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED
 */
ConciergeAccount *
concierge_telegram_identify_finish (GAsyncResult  *result,
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

/* Removing a webhook */

static void
webhook_removed_cb (GTask    *task,
                    JsonNode *result)
{
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_telegram_remove_webhook_async:
 *
 * Removes the bot's webhook, so that Concierge can read its updates. The
 * updates waiting for the webhook are kept.
 */
void
concierge_telegram_remove_webhook_async (SoupSession         *session,
                                         const char          *server,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(ConciergeTelegram) telegram = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (server != NULL);
  g_return_if_fail (token != NULL);

  telegram = concierge_telegram_new (session, 0, server, token);
  task = g_task_new (telegram, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_telegram_remove_webhook_async);
  concierge_telegram_call_method (task, "deleteWebhook", concierge_telegram_parameters_new (NULL),
                                  webhook_removed_cb);
}

gboolean
concierge_telegram_remove_webhook_finish (GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, concierge_telegram_remove_webhook_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
