/* concierge-attachment-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "model/concierge-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

GtkWidget *concierge_attachment_row_new          (ConciergeAttachment *attachment,
                                                  ConciergeStore      *store);
void       concierge_attachment_row_delete_copies (void);

G_END_DECLS
