/* concierge-telegram-channel.h
 *
 * A Telegram bot as a ConciergeChannel. Nothing outside its file reads the
 * Bot API's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "channels/concierge-channel.h"
#include "model/concierge-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

/* The sync_state stream that holds the next update offset. */
#define CONCIERGE_TELEGRAM_CURSOR_STREAM "updates"
#define CONCIERGE_TELEGRAM_API_URL "https://api.telegram.org"

/* What one update brings: a message for a thread, or nothing the agent
 * needs to see. */
typedef struct
{
  char               *thread_remote_id;
  ConciergeVisibility visibility;
  ConciergeMessage   *message;
} ConciergeTelegramItem;

void   concierge_telegram_item_clear        (ConciergeTelegramItem *item);

gboolean concierge_telegram_read_update     (JsonNode              *update,
                                             gint64                 bot_id,
                                             const char            *bot_username,
                                             gint64                *update_id,
                                             ConciergeTelegramItem *item,
                                             GError               **error);

#define CONCIERGE_TYPE_TELEGRAM (concierge_telegram_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeTelegram, concierge_telegram, CONCIERGE, TELEGRAM, GObject)

ConciergeTelegram *concierge_telegram_new (SoupSession *session,
                                           gint64       account_id,
                                           const char  *api_url,
                                           const char  *bot_token);

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
