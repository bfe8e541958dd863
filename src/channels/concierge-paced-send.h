/* concierge-paced-send.h
 *
 * Sending a request no earlier than a platform's pace allows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

void concierge_send_and_read_when (SoupSession         *session,
                                   SoupMessage         *message,
                                   gint64               not_before,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);

G_END_DECLS
