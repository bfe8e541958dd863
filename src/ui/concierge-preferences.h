/* concierge-preferences.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_PREFERENCES (concierge_preferences_get_type ())

G_DECLARE_FINAL_TYPE (ConciergePreferences, concierge_preferences, CONCIERGE, PREFERENCES, AdwPreferencesWindow)

GtkWindow *concierge_preferences_new (GtkWindow      *parent,
                                      ConciergeStore *store,
                                      ConciergeSync  *sync);
void       concierge_preferences_sign_in_again (ConciergePreferences *self,
                                                gint64                account_id);

G_END_DECLS
