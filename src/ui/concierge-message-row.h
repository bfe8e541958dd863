/* concierge-message-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_MESSAGE_ROW (concierge_message_row_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMessageRow, concierge_message_row, CONCIERGE, MESSAGE_ROW, GtkWidget)

void     concierge_message_row_set_message (ConciergeMessageRow *self,
                                            ConciergeMessage    *message,
                                            ConciergeMessage    *before,
                                            const char          *customer_name);
void     concierge_message_row_set_images  (ConciergeMessageRow *self,
                                            GPtrArray           *images,
                                            ConciergeStore      *store,
                                            GHashTable          *textures,
                                            GCancellable        *cancellable);
void     concierge_message_row_set_attachments (ConciergeMessageRow *self,
                                                GPtrArray           *attachments,
                                                ConciergeStore      *store);
gboolean concierge_message_row_shows_same  (ConciergeMessage    *a,
                                            ConciergeMessage    *b);
void     concierge_message_row_set_moderation (ConciergeMessageRow *self,
                                               ConciergeMessage    *message,
                                               gboolean             can_hide,
                                               const char          *platform);
char    *concierge_hide_reason_describe    (const char          *reason);

G_END_DECLS
