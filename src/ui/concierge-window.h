/* concierge-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "concierge-application.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_WINDOW (concierge_window_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeWindow, concierge_window, CONCIERGE, WINDOW, AdwApplicationWindow)

ConciergeWindow *concierge_window_new (ConciergeApplication *application);

G_END_DECLS
