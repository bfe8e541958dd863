/* concierge-facebook-sign-in.h
 *
 * Whose a page token is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

void              concierge_facebook_identify_async  (SoupSession         *session,
                                                      const char          *server,
                                                      const char          *token,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
ConciergeAccount *concierge_facebook_identify_finish (GAsyncResult        *result,
                                                      char               **webhook_url,
                                                      GError             **error);

G_END_DECLS
