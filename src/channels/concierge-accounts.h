/* concierge-accounts.h
 *
 * Adding and removing accounts: the account in the store and its secret in
 * the keyring always together.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

void              concierge_accounts_identify_async (SoupSession         *session,
                                                     const char          *platform,
                                                     const char          *server,
                                                     const char          *token,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
ConciergeAccount *concierge_accounts_identify_finish (GAsyncResult        *result,
                                                     char               **webhook_url,
                                                     GError             **error);
void              concierge_accounts_remove_webhook_async  (SoupSession         *session,
                                                            const char          *platform,
                                                            const char          *server,
                                                            const char          *token,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean          concierge_accounts_remove_webhook_finish (GAsyncResult        *result,
                                                            GError             **error);

void              concierge_accounts_add_async     (ConciergeStore       *store,
                                                    ConciergeAccount     *account,
                                                    const char           *secret_json,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
ConciergeAccount *concierge_accounts_add_finish    (GAsyncResult         *result,
                                                    gboolean             *renewed,
                                                    GError              **error);

void              concierge_accounts_remove_async  (ConciergeStore       *store,
                                                    SoupSession          *session,
                                                    ConciergeAccount     *account,
                                                    gboolean              keep_conversations,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean          concierge_accounts_remove_finish (GAsyncResult         *result,
                                                    char                **not_revoked,
                                                    GError              **error);

G_END_DECLS
