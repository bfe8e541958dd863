/* concierge-forget-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_FORGET_DIALOG (concierge_forget_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeForgetDialog, concierge_forget_dialog, CONCIERGE, FORGET_DIALOG, AdwMessageDialog)

ConciergeForgetDialog *concierge_forget_dialog_new (GtkWindow                     *parent,
                                                    const char                    *name,
                                                    const ConciergeContactSummary *summary);

G_END_DECLS
