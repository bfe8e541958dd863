/* concierge-privacy-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_PRIVACY_PAGE (concierge_privacy_page_get_type ())

G_DECLARE_FINAL_TYPE (ConciergePrivacyPage, concierge_privacy_page, CONCIERGE, PRIVACY_PAGE, AdwPreferencesPage)

ConciergePrivacyPage *concierge_privacy_page_new (ConciergeStore *store,
                                                  GSettings      *settings);

G_END_DECLS
