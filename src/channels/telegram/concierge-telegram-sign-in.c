/* concierge-telegram-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-json.h"
#include "concierge-telegram-channel-private.h"
#include "concierge-telegram-sign-in.h"
#include "concierge-telegram-update.h"

void
concierge_telegram_bot_free (ConciergeTelegramBot *bot)
{
  if (bot == NULL)
    return;

  g_free (bot->username);
  g_free (bot->name);
  g_free (bot->webhook_url);
  g_free (bot);
}

static void
webhook_info_cb (GTask    *task,
                 JsonNode *result)
{
  ConciergeTelegramBot *bot = g_task_get_task_data (task);
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
  ConciergeTelegramBot *bot = g_task_get_task_data (task);
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

/**
 * concierge_telegram_check_async:
 *
 * Asks Telegram who the bot is, with getMe, and whether a webhook takes
 * its updates, which would keep getUpdates from working.
 */
void
concierge_telegram_check_async (ConciergeTelegram   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_TELEGRAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_telegram_check_async);
  g_task_set_task_data (task, g_new0 (ConciergeTelegramBot, 1), (GDestroyNotify) concierge_telegram_bot_free);
  concierge_telegram_call_method (task, "getMe", concierge_telegram_parameters_new (NULL), check_me_cb);
}

/**
 * concierge_telegram_check_finish:
 *
 * Returns: (transfer full): the bot, or %NULL with @error set; a wrong
 *   token is %CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED
 */
ConciergeTelegramBot *
concierge_telegram_check_finish (ConciergeTelegram  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  ConciergeTelegramBot *bot, *copy;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  bot = g_task_get_task_data (G_TASK (result));
  copy = g_new0 (ConciergeTelegramBot, 1);
  copy->id = bot->id;
  copy->username = g_strdup (bot->username);
  copy->name = g_strdup (bot->name);
  copy->webhook_url = g_strdup (bot->webhook_url);
  return copy;
}

static void
webhook_deleted_cb (GTask    *task,
                    JsonNode *result)
{
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_telegram_delete_webhook_async:
 *
 * Removes the bot's webhook, so that Concierge can read its updates. The
 * updates waiting for the webhook are kept.
 */
void
concierge_telegram_delete_webhook_async (ConciergeTelegram   *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_TELEGRAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_telegram_delete_webhook_async);
  concierge_telegram_call_method (task, "deleteWebhook", concierge_telegram_parameters_new (NULL), webhook_deleted_cb);
}

gboolean
concierge_telegram_delete_webhook_finish (ConciergeTelegram  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
