/* concierge-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_WINDOW (concierge_window_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeWindow, concierge_window, CONCIERGE, WINDOW, AdwApplicationWindow)

ConciergeWindow *concierge_window_new              (GtkApplication       *application);
void             concierge_window_show_thread        (ConciergeWindow *self,
                                                      gint64           thread_id);
void             concierge_window_present_when_ready (ConciergeWindow    *self);
void             concierge_window_set_store        (ConciergeWindow      *self,
                                                    ConciergeStore       *store);
void             concierge_window_set_sync         (ConciergeWindow      *self,
                                                    ConciergeSync        *sync);
void             concierge_window_show_store_error (ConciergeWindow      *self,
                                                    const GError         *error,
                                                    const char           *path);
void             concierge_window_add_toast        (ConciergeWindow      *self,
                                                    const char           *text);

G_END_DECLS
