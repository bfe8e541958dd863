/* concierge-telegram-update.h
 *
 * The Bot API's updates and messages as the project's messages, and which
 * of them are the agent's business.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

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

char             *concierge_telegram_person_name        (JsonObject  *user);
ConciergeMessage *concierge_telegram_message_from_json  (JsonObject  *object,
                                                         gint64       bot_id,
                                                         GError     **error);

G_END_DECLS
