/* concierge-response-times-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONCIERGE_TYPE_RESPONSE_TIMES_PAGE (concierge_response_times_page_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeResponseTimesPage, concierge_response_times_page, CONCIERGE, RESPONSE_TIMES_PAGE,
                      AdwPreferencesPage)

ConciergeResponseTimesPage *concierge_response_times_page_new (GSettings *settings);

G_END_DECLS
