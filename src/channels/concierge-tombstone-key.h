/* concierge-tombstone-key.h
 *
 * The key of a profile's tombstones, which keep forgotten customers from
 * coming back with the next sync. It lives in the keyring only: it moves
 * there from the database of an earlier version, and a new profile gets
 * one made at random. The store holds it in memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

void     concierge_tombstone_key_load_async  (ConciergeStore       *store,
                                              gboolean              unlock,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean concierge_tombstone_key_load_finish (GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
