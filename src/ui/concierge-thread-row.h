/* concierge-thread-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "model/concierge-model.h"
#include "concierge-ui.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_THREAD_ROW (concierge_thread_row_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeThreadRow, concierge_thread_row, CONCIERGE, THREAD_ROW, GtkWidget)

GtkWidget *concierge_thread_row_new        (void);
gboolean   concierge_thread_row_is_loaded  (ConciergeThreadRow *self);
void       concierge_thread_row_set_thread (ConciergeThreadRow *self,
                                            ConciergeThread    *thread,
                                            gint64              now);
void       concierge_thread_row_set_reply_window (ConciergeThreadRow *self,
                                                  guint               seconds);


G_END_DECLS
