/* concierge-forget-progress.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_FORGET_PROGRESS (concierge_forget_progress_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeForgetProgress, concierge_forget_progress, CONCIERGE, FORGET_PROGRESS, GtkWidget)

void concierge_forget_progress_start (ConciergeForgetProgress *self,
                                      const char              *name);
void concierge_forget_progress_set_step (ConciergeForgetProgress *self,
                                         ConciergeEraseStep       step,
                                         double                   fraction);

G_END_DECLS
