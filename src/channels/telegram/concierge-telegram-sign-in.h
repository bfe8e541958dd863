/* concierge-telegram-sign-in.h
 *
 * Signing a bot in by its token: whose bot the token is, and whether a
 * webhook takes its updates, which keeps Concierge from reading them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

void              concierge_telegram_identify_async        (SoupSession          *session,
                                                            const char           *server,
                                                            const char           *token,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
ConciergeAccount *concierge_telegram_identify_finish       (GAsyncResult         *result,
                                                            char                **webhook_url,
                                                            GError              **error);
void              concierge_telegram_remove_webhook_async  (SoupSession          *session,
                                                            const char           *server,
                                                            const char           *token,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean          concierge_telegram_remove_webhook_finish (GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
