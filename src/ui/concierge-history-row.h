/* concierge-history-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

GtkWidget *concierge_history_row_new       (void);
void       concierge_history_row_update    (GtkWidget       *row,
                                            ConciergeThread *thread,
                                            gint64           now,
                                            gint64           open_thread_id);
void       concierge_history_row_mark_open (GtkWidget       *row,
                                            gint64           open_thread_id);

G_END_DECLS
