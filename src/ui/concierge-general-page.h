/* concierge-general-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONCIERGE_TYPE_GENERAL_PAGE (concierge_general_page_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeGeneralPage, concierge_general_page, CONCIERGE, GENERAL_PAGE, AdwPreferencesPage)

ConciergeGeneralPage *concierge_general_page_new (GSettings *settings);

G_END_DECLS
