/* concierge-sync-private.h
 *
 * What the parts of the sync share: each account's state, the sync's own,
 * and how a failure is judged and told. Only the sync's own files include
 * this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "concierge-sync.h"

G_BEGIN_DECLS

typedef struct
{
  ConciergeSync      *sync;      /* not a reference: the sync owns this */
  gint64              account_id;
  ConciergeAccount   *account;
  ConciergeChannel   *channel;
  GSocketConnectable *connectable;
  GCancellable       *cancellable;
  char               *cursor;
  char               *fetched_cursor;     /* the cursor once the fetched batch is in */
  ConciergeSyncState  state;
  char               *message;
  guint               timeout_id;
  guint               failures;
  guint               outbox_timeout_id;
  guint               outbox_failures;
  gint64              outbox_wait_until;  /* monotonic µs; a retry waits until then */
  gint64              fetch_began;        /* monotonic µs */
  guint               cursor_loaded : 1;
  guint               busy : 1;
  guint               fetched : 1;
  guint               sending : 1;
  guint               send_again : 1;
  guint               waiting_for_key : 1;
} AccountSync;

struct _ConciergeSync
{
  GObject          parent_instance;

  ConciergeStore  *store;
  GNetworkMonitor *monitor;
  SoupSession     *session;
  GHashTable      *accounts;   /* account id → AccountSync */
  gboolean         active;
  guint            first_sync_threads;
  /* The accounts the agent says have their platform's permission to
   * answer after its standard reply window (gint64 ids). */
  GArray          *extended_reply_accounts;
  gint64           document_limit;   /* bytes; 0: no documents */
  /* A monitor a test gave is asked even about loopback servers. */
  gboolean         ask_monitor_always;
  GCancellable    *cancellable;
  gboolean         downloading;
  gboolean         download_again;

  /* The tombstone key, while the store has none */
  guint            key_retry_id;
  gboolean         key_loading;
  gboolean         key_unlock_next;
};

/* concierge-sync.c */
void        sync_set_state       (AccountSync        *account,
                                  ConciergeSyncState  state,
                                  const char         *message);
void        sync_go_offline      (AccountSync        *account);
guint       sync_backoff_seconds (guint               failures);
gboolean    sync_is_unreachable  (const GError       *error);
const char *sync_describe_error  (const GError       *error);

/* concierge-image-downloader.c */
void        sync_download_images (ConciergeSync      *self);

/* concierge-outbox-sender.c */
void        sync_send_outbox     (AccountSync        *account);
void        sync_send_outbox_now (AccountSync        *account);

G_END_DECLS
