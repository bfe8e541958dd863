/* concierge-sync.h
 *
 * Keeps every account's conversations coming in: polling, backing off,
 * waiting out rate limits, and pausing while the server cannot be reached.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

typedef enum
{
  CONCIERGE_SYNC_IDLE,
  CONCIERGE_SYNC_SYNCING,
  CONCIERGE_SYNC_OFFLINE,
  CONCIERGE_SYNC_NEEDS_SIGN_IN,
  CONCIERGE_SYNC_ERROR,
} ConciergeSyncState;

#define CONCIERGE_TYPE_SYNC (concierge_sync_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeSync, concierge_sync, CONCIERGE, SYNC, GObject)

ConciergeSync      *concierge_sync_new         (ConciergeStore   *store,
                                                GNetworkMonitor  *monitor);
void                concierge_sync_add_account (ConciergeSync    *self,
                                                ConciergeAccount *account,
                                                const char       *own_remote_id,
                                                const char       *access_token);
void                concierge_sync_set_active  (ConciergeSync    *self,
                                                gboolean          active);
void                concierge_sync_poll_now    (ConciergeSync    *self,
                                                gint64            account_id);
ConciergeSyncState  concierge_sync_get_state   (ConciergeSync    *self,
                                                gint64            account_id,
                                                const char      **message);

G_END_DECLS
