/* concierge-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "concierge-mastodon.h"
#include "concierge-sync.h"

/* Every 30 s while someone works in the window, every 5 min otherwise. */
#define ACTIVE_INTERVAL_S  30
#define IDLE_INTERVAL_S    300
#define OFFLINE_PROBE_S    30
#define MAX_BACKOFF_S      300

typedef struct
{
  ConciergeSync      *sync;      /* not a reference: the sync owns this */
  gint64              account_id;
  ConciergeMastodon  *channel;
  GSocketConnectable *connectable;
  GCancellable       *cancellable;
  char               *cursor;
  ConciergeSyncState  state;
  char               *message;
  guint               timeout_id;
  guint               failures;
  guint               cursor_loaded : 1;
  guint               busy : 1;
} AccountSync;

struct _ConciergeSync
{
  GObject          parent_instance;

  ConciergeStore  *store;
  GNetworkMonitor *monitor;
  SoupSession     *session;
  GHashTable      *accounts;   /* account id → AccountSync */
  gboolean         active;
};

G_DEFINE_FINAL_TYPE (ConciergeSync, concierge_sync, G_TYPE_OBJECT)

enum {
  STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void poll_account (AccountSync *account);

static void
account_sync_free (gpointer data)
{
  AccountSync *account = data;

  g_cancellable_cancel (account->cancellable);
  g_clear_handle_id (&account->timeout_id, g_source_remove);
  g_clear_object (&account->cancellable);
  g_clear_object (&account->channel);
  g_clear_object (&account->connectable);
  g_free (account->cursor);
  g_free (account->message);
  g_free (account);
}

static void
set_state (AccountSync        *account,
           ConciergeSyncState  state,
           const char         *message)
{
  if (account->state == state && g_strcmp0 (account->message, message) == 0)
    return;

  account->state = state;
  g_free (account->message);
  account->message = g_strdup (message);
  g_signal_emit (account->sync, signals[STATE_CHANGED], 0, account->account_id);
}

static gboolean
poll_timeout_cb (gpointer data)
{
  AccountSync *account = data;

  account->timeout_id = 0;
  poll_account (account);
  return G_SOURCE_REMOVE;
}

static void
schedule (AccountSync *account,
          guint        seconds)
{
  g_clear_handle_id (&account->timeout_id, g_source_remove);
  account->timeout_id = g_timeout_add_seconds (seconds, poll_timeout_cb, account);
}

/* Exponential, capped, and spread out so that many desktops that failed
 * together do not come back together. */
static guint
backoff_seconds (guint failures)
{
  guint base = MIN (MAX_BACKOFF_S, 5u << MIN (failures, 8u));

  return MAX (1, (guint) (base * g_random_double_range (0.8, 1.2)));
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
}

static void
go_offline (AccountSync *account)
{
  set_state (account, CONCIERGE_SYNC_OFFLINE, _("Offline — showing cached conversations"));
  schedule (account, OFFLINE_PROBE_S);
}

static guint
interval (AccountSync *account)
{
  return account->sync->active ? ACTIVE_INTERVAL_S : IDLE_INTERVAL_S;
}

static void
ingested_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AccountSync *account = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled means the account is gone, and so is @account. */
  if (!concierge_store_ingest_finish (CONCIERGE_STORE (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  account->busy = FALSE;
  if (error != NULL)
    {
      set_state (account, CONCIERGE_SYNC_ERROR, error->message);
      schedule (account, backoff_seconds (account->failures++));
      return;
    }

  account->failures = 0;
  set_state (account, CONCIERGE_SYNC_IDLE, NULL);
  schedule (account, interval (account));
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AccountSync *account = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  ConciergeIngest *ingest;

  ingest = concierge_mastodon_fetch_finish (CONCIERGE_MASTODON (object), result, &cursor, &error);
  if (ingest == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      account->busy = FALSE;
      if (g_error_matches (error, CONCIERGE_MASTODON_ERROR, CONCIERGE_MASTODON_ERROR_UNAUTHORIZED))
        set_state (account, CONCIERGE_SYNC_NEEDS_SIGN_IN, error->message);
      else if (g_error_matches (error, CONCIERGE_MASTODON_ERROR, CONCIERGE_MASTODON_ERROR_RATE_LIMITED))
        {
          set_state (account, CONCIERGE_SYNC_IDLE, NULL);
          schedule (account, MAX (1, concierge_mastodon_get_retry_after (account->channel)));
        }
      else if (is_unreachable (error))
        go_offline (account);
      else
        {
          set_state (account, CONCIERGE_SYNC_ERROR, error->message);
          schedule (account, backoff_seconds (account->failures++));
        }
      return;
    }

  g_free (account->cursor);
  account->cursor = g_steal_pointer (&cursor);
  concierge_store_ingest_async (account->sync->store, ingest, account->cancellable, ingested_cb, account);
}

static void
reached_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AccountSync *account = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      account->busy = FALSE;
      go_offline (account);
      return;
    }

  set_state (account, CONCIERGE_SYNC_SYNCING, NULL);
  concierge_mastodon_fetch_async (account->channel, account->cursor, account->cancellable, fetched_cb, account);
}

static void
cursor_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AccountSync *account = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  cursor = concierge_store_load_cursor_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  account->cursor = g_steal_pointer (&cursor);
  account->cursor_loaded = TRUE;
  account->busy = FALSE;
  poll_account (account);
}

static void
poll_account (AccountSync *account)
{
  if (account->busy || account->state == CONCIERGE_SYNC_NEEDS_SIGN_IN)
    return;
  account->busy = TRUE;
  g_clear_handle_id (&account->timeout_id, g_source_remove);

  /* A restart goes on from the saved cursor: no gap, no duplicate. */
  if (!account->cursor_loaded)
    {
      concierge_store_load_cursor_async (account->sync->store, account->account_id,
                                         CONCIERGE_MASTODON_CURSOR_STREAM, account->cancellable,
                                         cursor_loaded_cb, account);
      return;
    }

  g_network_monitor_can_reach_async (account->sync->monitor, account->connectable,
                                     account->cancellable, reached_cb, account);
}

static void
network_changed_cb (ConciergeSync *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountSync *account = value;

      if (account->state == CONCIERGE_SYNC_OFFLINE)
        poll_account (account);
    }
}

static void
concierge_sync_dispose (GObject *object)
{
  ConciergeSync *self = CONCIERGE_SYNC (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_hash_table_remove_all (self->accounts);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (concierge_sync_parent_class)->dispose (object);
}

static void
concierge_sync_finalize (GObject *object)
{
  ConciergeSync *self = CONCIERGE_SYNC (object);

  g_hash_table_unref (self->accounts);

  G_OBJECT_CLASS (concierge_sync_parent_class)->finalize (object);
}

static void
concierge_sync_class_init (ConciergeSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = concierge_sync_dispose;
  object_class->finalize = concierge_sync_finalize;

  /**
   * ConciergeSync::state-changed:
   * @account_id: the account whose state changed
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
concierge_sync_init (ConciergeSync *self)
{
  self->accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, account_sync_free);
  self->active = TRUE;

  /* One session for every account. libsoup allows two connections per
   * host unless told otherwise, and a long poll or a held response would
   * then block every other request to that host. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "max-conns", 64,
                                "max-conns-per-host", 16,
                                "timeout", 60,
                                NULL);
}

/**
 * concierge_sync_new:
 * @monitor: (nullable): the network monitor to ask whether a server can be
 *   reached; tests pass their own, %NULL means the system's
 */
ConciergeSync *
concierge_sync_new (ConciergeStore  *store,
                    GNetworkMonitor *monitor)
{
  ConciergeSync *self;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);
  g_return_val_if_fail (!monitor || G_IS_NETWORK_MONITOR (monitor), NULL);

  self = g_object_new (CONCIERGE_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  self->monitor = g_object_ref (monitor ? monitor : g_network_monitor_get_default ());
  g_signal_connect_swapped (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);

  return self;
}

/**
 * concierge_sync_add_account:
 * @own_remote_id: the account's own id on its server
 * @access_token: held in memory only, never written anywhere
 *
 * Starts syncing a Mastodon account at once.
 */
void
concierge_sync_add_account (ConciergeSync    *self,
                            ConciergeAccount *account,
                            const char       *own_remote_id,
                            const char       *access_token)
{
  g_autoptr(GError) error = NULL;
  AccountSync *sync;
  gint64 id;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));
  g_return_if_fail (access_token != NULL);

  id = concierge_account_get_id (account);
  sync = g_new0 (AccountSync, 1);
  sync->sync = self;
  sync->account_id = id;
  sync->cancellable = g_cancellable_new ();
  sync->channel = concierge_mastodon_new (self->session, id, concierge_account_get_server_url (account),
                                          own_remote_id, access_token);
  sync->connectable = g_network_address_parse_uri (concierge_account_get_server_url (account), 443, &error);
  g_hash_table_replace (self->accounts, g_memdup2 (&id, sizeof id), sync);

  if (sync->connectable == NULL)
    {
      set_state (sync, CONCIERGE_SYNC_ERROR, error->message);
      return;
    }

  poll_account (sync);
}

/**
 * concierge_sync_set_active:
 * @active: whether someone works in the window
 *
 * Polls every 30 s while active, every 5 minutes otherwise.
 */
void
concierge_sync_set_active (ConciergeSync *self,
                           gboolean       active)
{
  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  self->active = active;
}

void
concierge_sync_poll_now (ConciergeSync *self,
                         gint64         account_id)
{
  AccountSync *account;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  account = g_hash_table_lookup (self->accounts, &account_id);
  if (account != NULL)
    poll_account (account);
}

ConciergeSyncState
concierge_sync_get_state (ConciergeSync  *self,
                          gint64          account_id,
                          const char    **message)
{
  AccountSync *account;

  g_return_val_if_fail (CONCIERGE_IS_SYNC (self), CONCIERGE_SYNC_ERROR);

  account = g_hash_table_lookup (self->accounts, &account_id);
  if (message != NULL)
    *message = account ? account->message : NULL;
  return account ? account->state : CONCIERGE_SYNC_ERROR;
}
