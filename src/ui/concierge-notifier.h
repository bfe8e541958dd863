/* concierge-notifier.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_NOTIFIER (concierge_notifier_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeNotifier, concierge_notifier, CONCIERGE, NOTIFIER, GObject)

ConciergeNotifier *concierge_notifier_new   (GApplication   *application,
                                             ConciergeStore *store,
                                             GSettings      *settings);
void               concierge_notifier_check (ConciergeNotifier *self);

G_END_DECLS
