/* concierge-saved-replies-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_SAVED_REPLIES_PAGE (concierge_saved_replies_page_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeSavedRepliesPage, concierge_saved_replies_page, CONCIERGE, SAVED_REPLIES_PAGE,
                      AdwPreferencesPage)

ConciergeSavedRepliesPage *concierge_saved_replies_page_new (ConciergeStore *store);

G_END_DECLS
