/* concierge-telegram-channel.h
 *
 * A Telegram bot as a ConciergeChannel. Nothing outside this folder reads
 * the Bot API's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "channels/concierge-channel.h"
#include "channels/concierge-credentials.h"
#include "model/concierge-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

/* The sync_state stream that holds the next update offset. */
#define CONCIERGE_TELEGRAM_CURSOR_STREAM "updates"
#define CONCIERGE_TELEGRAM_API_URL "https://api.telegram.org"

#define CONCIERGE_TYPE_TELEGRAM (concierge_telegram_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeTelegram, concierge_telegram, CONCIERGE, TELEGRAM, GObject)

ConciergeTelegram *concierge_telegram_new (SoupSession *session,
                                           gint64       account_id,
                                           const char  *api_url,
                                           const char  *bot_token);
ConciergeChannel  *concierge_telegram_new_for_account (SoupSession                *session,
                                                       ConciergeAccount           *account,
                                                       const ConciergeCredentials *credentials);

G_END_DECLS
