/* concierge-accounts-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_ACCOUNTS_PAGE (concierge_accounts_page_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeAccountsPage, concierge_accounts_page, CONCIERGE, ACCOUNTS_PAGE, AdwPreferencesPage)

ConciergeAccountsPage *concierge_accounts_page_new           (ConciergeStore        *store,
                                                              ConciergeSync         *sync);
void                   concierge_accounts_page_sign_in_again (ConciergeAccountsPage *self,
                                                              gint64                 account_id);

G_END_DECLS
