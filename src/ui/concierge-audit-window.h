/* concierge-audit-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_AUDIT_WINDOW (concierge_audit_window_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeAuditWindow, concierge_audit_window, CONCIERGE, AUDIT_WINDOW, AdwWindow)

GtkWindow *concierge_audit_window_new    (GtkWindow            *parent,
                                          ConciergeStore       *store,
                                          ConciergeSync        *sync);
void       concierge_audit_window_reload (ConciergeAuditWindow *self);

G_END_DECLS
