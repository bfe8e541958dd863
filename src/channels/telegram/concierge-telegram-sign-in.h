/* concierge-telegram-sign-in.h
 *
 * Checking a bot's token before it is added: who the bot is, and whether
 * a webhook takes its updates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-telegram-channel.h"

G_BEGIN_DECLS

/* Who a token belongs to, and where its updates go. */
typedef struct
{
  gint64  id;
  char   *username;
  char   *name;
  char   *webhook_url;  /* NULL when none is set */
} ConciergeTelegramBot;

void                  concierge_telegram_bot_free              (ConciergeTelegramBot *bot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeTelegramBot, concierge_telegram_bot_free)

void                  concierge_telegram_check_async           (ConciergeTelegram    *self,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
ConciergeTelegramBot *concierge_telegram_check_finish          (ConciergeTelegram    *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);
void                  concierge_telegram_delete_webhook_async  (ConciergeTelegram    *self,
                                                                GCancellable         *cancellable,
                                                                GAsyncReadyCallback   callback,
                                                                gpointer              user_data);
gboolean              concierge_telegram_delete_webhook_finish (ConciergeTelegram    *self,
                                                                GAsyncResult         *result,
                                                                GError              **error);

G_END_DECLS
