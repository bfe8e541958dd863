/* concierge-telegram-channel-private.h
 *
 * What checking a token shares with the channel: the check calls the Bot
 * API through a channel of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-telegram-channel.h"

G_BEGIN_DECLS

typedef enum
{
  PRIVACY_MODE_UNKNOWN,
  PRIVACY_MODE_ON,
  PRIVACY_MODE_OFF,
} ConciergeTelegramPrivacyMode;

struct _ConciergeTelegram
{
  GObject      parent_instance;

  SoupSession *session;
  gint64       account_id;
  char        *api_url;
  char        *bot_token;   /* part of every request URL: never logged */
  gint64       bot_id;
  char        *bot_username;
  guint        retry_after;
  /* The last fetch worked: the next may wait on the server. After a start
   * or a failure it answers at once, so the account shows its state. */
  gboolean     long_poll;
  /* chat id → whether the bot may delete the others' messages there */
  GHashTable  *chat_rights;
  ConciergeTelegramPrivacyMode privacy_mode;
};

typedef void (*ConciergeTelegramResultCallback) (GTask *task, JsonNode *result);

void      concierge_telegram_call_method    (GTask                           *task,
                                             const char                      *method,
                                             JsonNode                        *parameters,
                                             ConciergeTelegramResultCallback  callback);
JsonNode *concierge_telegram_parameters_new (const char                      *first_name,
                                             ...);

void      concierge_telegram_note_update    (ConciergeTelegram               *self,
                                             JsonObject                      *update);
gboolean  concierge_telegram_take_me        (GTask                           *task,
                                             JsonNode                        *result);
void      concierge_telegram_chats_init_iface (ConciergeChannelInterface     *iface);

G_END_DECLS
