/* concierge-sync.h
 *
 * Keeps every account's conversations coming in: polling, backing off,
 * waiting out rate limits, and pausing while the server cannot be reached.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "channels/concierge-channel.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

typedef enum
{
  CONCIERGE_SYNC_IDLE,
  CONCIERGE_SYNC_SYNCING,
  CONCIERGE_SYNC_OFFLINE,
  CONCIERGE_SYNC_NEEDS_SIGN_IN,
  CONCIERGE_SYNC_ERROR,
  /* Fetched messages wait for the tombstone key from the keyring */
  CONCIERGE_SYNC_WAITING_FOR_KEY,
  /* The platform takes no requests until the time the message names */
  CONCIERGE_SYNC_RATE_LIMITED,
} ConciergeSyncState;

#define CONCIERGE_TYPE_SYNC (concierge_sync_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeSync, concierge_sync, CONCIERGE, SYNC, GObject)

ConciergeSync      *concierge_sync_new         (ConciergeStore   *store,
                                                GNetworkMonitor  *monitor);
gboolean            concierge_sync_add_account (ConciergeSync    *self,
                                                ConciergeAccount *account,
                                                const char       *secret_json,
                                                GError          **error);
void                concierge_sync_add_channel (ConciergeSync    *self,
                                                ConciergeAccount *account,
                                                ConciergeChannel *channel);
void                concierge_sync_remove_account (ConciergeSync *self,
                                                gint64            account_id);
GPtrArray          *concierge_sync_list_accounts (ConciergeSync  *self);
void                concierge_sync_report_problem (ConciergeSync *self,
                                                ConciergeAccount *account,
                                                const char       *message);
gboolean            concierge_sync_has_account (ConciergeSync    *self,
                                                gint64            account_id);
ConciergeChannel   *concierge_sync_get_channel (ConciergeSync    *self,
                                                gint64            account_id);
void                concierge_sync_set_first_sync_threads (ConciergeSync *self,
                                                           guint          threads);
void                concierge_sync_set_extended_reply_accounts (ConciergeSync *self,
                                                                const gint64  *account_ids,
                                                                gsize          n_accounts);
void                concierge_sync_set_document_download_limit (ConciergeSync *self,
                                                                guint          megabytes);
void                concierge_sync_set_active  (ConciergeSync    *self,
                                                gboolean          active);
void                concierge_sync_load_tombstone_key (ConciergeSync *self);
void                concierge_sync_poll_now    (ConciergeSync    *self,
                                                gint64            account_id);
ConciergeSyncState  concierge_sync_get_state   (ConciergeSync    *self,
                                                gint64            account_id,
                                                const char      **message);

void                concierge_sync_queue_reply_async  (ConciergeSync       *self,
                                                       gint64               thread_id,
                                                       const char          *text,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            concierge_sync_queue_reply_finish (ConciergeSync       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                concierge_sync_queue_private_async  (ConciergeSync     *self,
                                                        gint64             public_thread_id,
                                                        const char        *text,
                                                        GCancellable      *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer           user_data);
gint64              concierge_sync_queue_private_finish (ConciergeSync     *self,
                                                        GAsyncResult      *result,
                                                        GError           **error);
void                concierge_sync_resend_async       (ConciergeSync       *self,
                                                       gint64               account_id,
                                                       gint64               message_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            concierge_sync_resend_finish      (ConciergeSync       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                concierge_sync_start_move_async   (ConciergeSync       *self,
                                                       gint64               public_thread_id,
                                                       const char          *private_text,
                                                       const char          *public_text,
                                                       ConciergePostAction  post_action,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ConciergeMove      *concierge_sync_start_move_finish  (ConciergeSync       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                concierge_sync_retry_move_async   (ConciergeSync       *self,
                                                       gint64               account_id,
                                                       gint64               move_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
void                concierge_sync_move_publicly_async (ConciergeSync      *self,
                                                       gint64               account_id,
                                                       gint64               move_id,
                                                       const char          *public_text,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            concierge_sync_move_publicly_finish (ConciergeSync     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
gboolean            concierge_sync_retry_move_finish  (ConciergeSync       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                concierge_sync_hide_async         (ConciergeSync       *self,
                                                       gint64               account_id,
                                                       gint64               message_id,
                                                       ConciergeHideReason  reason,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
void                concierge_sync_unhide_async       (ConciergeSync       *self,
                                                       gint64               account_id,
                                                       gint64               message_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            concierge_sync_hide_finish        (ConciergeSync       *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void                concierge_sync_mark_read          (ConciergeSync       *self,
                                                       ConciergeThread     *thread);
void                concierge_sync_check_deleted_async  (ConciergeSync     *self,
                                                         ConciergeThread   *thread,
                                                         GCancellable      *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer           user_data);
gboolean            concierge_sync_check_deleted_finish (ConciergeSync     *self,
                                                         GAsyncResult      *result,
                                                         GError           **error);

G_END_DECLS
