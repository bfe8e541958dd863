/* concierge-move-progress.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_MOVE_PROGRESS (concierge_move_progress_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMoveProgress, concierge_move_progress, CONCIERGE, MOVE_PROGRESS, GtkWidget)

void concierge_move_progress_set_move (ConciergeMoveProgress *self,
                                       const ConciergeMove   *move,
                                       const char            *platform,
                                       gint64                 shown_thread_id);

G_END_DECLS
