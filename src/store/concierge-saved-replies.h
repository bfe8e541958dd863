/* concierge-saved-replies.h
 *
 * The file a team shares its saved replies in:
 *
 *   { "format": "concierge-saved-replies", "version": 1,
 *     "replies": [ { "title": …, "text": …, "language": "de" | "en",
 *                    "address": "formal" | "informal" }, … ] }
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

#define CONCIERGE_SAVED_REPLIES_FORMAT  "concierge-saved-replies"
#define CONCIERGE_SAVED_REPLIES_VERSION 1

/* What a file may hold at most. */
#define CONCIERGE_SAVED_REPLIES_MAX      10000 /* replies */
#define CONCIERGE_SAVED_REPLY_MAX_LENGTH 10000 /* characters of a title or a text */
#define CONCIERGE_SAVED_REPLIES_MAX_FILE (64 * 1024 * 1024) /* bytes */

char      *concierge_saved_replies_to_json      (GPtrArray            *replies);
GPtrArray *concierge_saved_replies_from_json    (const char           *data,
                                                 gsize                 length,
                                                 GError              **error);

void       concierge_saved_replies_read_async   (GFile                *file,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray *concierge_saved_replies_read_finish  (GAsyncResult         *result,
                                                 GError              **error);
void       concierge_saved_replies_write_async  (GFile                *file,
                                                 GPtrArray            *replies,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean   concierge_saved_replies_write_finish (GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
