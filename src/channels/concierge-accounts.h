/* concierge-accounts.h
 *
 * Adding and removing accounts: the account in the store and its secret in
 * the keyring always together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

gboolean          concierge_accounts_server_url_is_ok (const char        *url,
                                                       GError           **error);
char             *concierge_accounts_secret_json   (const char           *token);

void              concierge_accounts_add_async     (ConciergeStore       *store,
                                                    ConciergeAccount     *account,
                                                    const char           *token,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
ConciergeAccount *concierge_accounts_add_finish    (GAsyncResult         *result,
                                                    GError              **error);

void              concierge_accounts_remove_async  (ConciergeStore       *store,
                                                    gint64                account_id,
                                                    gboolean              keep_conversations,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean          concierge_accounts_remove_finish (GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
