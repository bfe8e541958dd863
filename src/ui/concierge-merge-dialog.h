/* concierge-merge-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_MERGE_DIALOG (concierge_merge_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMergeDialog, concierge_merge_dialog, CONCIERGE, MERGE_DIALOG, AdwMessageDialog)

ConciergeMergeDialog *concierge_merge_dialog_new        (GtkWindow            *parent,
                                                         ConciergeStore       *store,
                                                         ConciergeContact     *contact);
ConciergeContact     *concierge_merge_dialog_ref_chosen (ConciergeMergeDialog *self);

GtkWidget            *concierge_merge_candidate_new     (ConciergeContact     *contact,
                                                         const char           *reason);

G_END_DECLS
