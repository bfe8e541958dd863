/* concierge-hide-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_HIDE_DIALOG (concierge_hide_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeHideDialog, concierge_hide_dialog, CONCIERGE, HIDE_DIALOG, AdwMessageDialog)

ConciergeHideDialog *concierge_hide_dialog_new        (GtkWindow           *parent,
                                                       gint64               message_id);
gint64               concierge_hide_dialog_get_message_id (ConciergeHideDialog *self);
gboolean             concierge_hide_dialog_get_reason (ConciergeHideDialog *self,
                                                       ConciergeHideReason *reason);

G_END_DECLS
