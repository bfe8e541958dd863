/* concierge-sync.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "concierge-channel.h"
#include "concierge-platform.h"
#include "concierge-sync-private.h"
#include "concierge-tombstone-key.h"
#include "secrets/concierge-secrets.h"

/* Every 30 s while someone works in the window, every 5 min otherwise. */
#define ACTIVE_INTERVAL_S  30
#define IDLE_INTERVAL_S    300
#define OFFLINE_PROBE_S    30
#define MAX_BACKOFF_S      300
/* How often the keyring is asked again for the tombstone key, without
 * asking the person to unlock it. */
#define KEY_RETRY_S        30
/* The least time from one long poll to the next. */
#define LONG_POLL_SPACING_MS 1000

G_DEFINE_FINAL_TYPE (ConciergeSync, concierge_sync, G_TYPE_OBJECT)

enum {
  STATE_CHANGED,
  ACCOUNTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void poll_account (AccountSync *account);
static void load_key (ConciergeSync *self,
                      gboolean       unlock);

static void
account_sync_free (gpointer data)
{
  AccountSync *account = data;

  g_cancellable_cancel (account->cancellable);
  g_clear_handle_id (&account->timeout_id, g_source_remove);
  g_clear_handle_id (&account->outbox_timeout_id, g_source_remove);
  g_clear_object (&account->cancellable);
  g_clear_object (&account->channel);
  g_clear_object (&account->account);
  g_clear_object (&account->connectable);
  g_free (account->cursor);
  g_free (account->fetched_cursor);
  g_free (account->message);
  g_free (account);
}

void
sync_set_state (AccountSync        *account,
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

/* A long poll that came back at once, as from a proxy or an emulator of
 * the platform that ignores the poll's timeout, must not make the next one
 * follow at once: that would ask as fast as the network allows. */
static void
schedule_long_poll (AccountSync *account,
                    guint        seconds)
{
  gint64 since_ms = (g_get_monotonic_time () - account->fetch_began) / 1000;

  if (seconds > 0 || since_ms >= LONG_POLL_SPACING_MS)
    {
      schedule (account, seconds);
      return;
    }
  g_clear_handle_id (&account->timeout_id, g_source_remove);
  account->timeout_id = g_timeout_add ((guint) (LONG_POLL_SPACING_MS - since_ms), poll_timeout_cb, account);
}

/* Exponential, capped, and spread out so that many desktops that failed
 * together do not come back together. */
guint
sync_backoff_seconds (guint failures)
{
  guint base = MIN (MAX_BACKOFF_S, 5u << MIN (failures, 8u));

  return MAX (1, (guint) (base * g_random_double_range (0.8, 1.2)));
}

gboolean
sync_is_unreachable (const GError *error)
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

void
sync_go_offline (AccountSync *account)
{
  sync_set_state (account, CONCIERGE_SYNC_OFFLINE, _("Offline — showing cached conversations"));
  schedule (account, OFFLINE_PROBE_S);
}

static guint
interval (AccountSync *account)
{
  return account->sync->active ? ACTIVE_INTERVAL_S : IDLE_INTERVAL_S;
}

/* Connections fail in GIO's and libsoup's words; the agent reads ours. */
const char *
sync_describe_error (const GError *error)
{
  if (error->domain == CONCIERGE_CHANNEL_ERROR)
    return error->message;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return _("The server took too long to answer.");
  if (error->domain == G_TLS_ERROR)
    return _("The server’s identity could not be verified, so Concierge sent nothing to it.");
  if (error->domain == G_IO_ERROR || error->domain == SOUP_SESSION_ERROR)
    return _("The connection to the server broke off.");
  return error->message;
}

static void
ingested_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AccountSync *account = user_data;
  g_autoptr(GError) error = NULL;
  ConciergeChannelCapabilities capabilities;

  /* Cancelled means the account is gone, and so is @account. */
  if (!concierge_store_ingest_finish (CONCIERGE_STORE (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Until the batch is in, the cursor stays where it was: the next fetch
   * brings the same messages again, and nothing is lost. */
  account->busy = FALSE;
  if (error != NULL)
    g_clear_pointer (&account->fetched_cursor, g_free);
  else
    {
      g_free (account->cursor);
      account->cursor = g_steal_pointer (&account->fetched_cursor);
    }

  /* The fetch went well, so the outbox may go; only the new messages wait,
   * without fetching them again and again, until the key is there. */
  if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY))
    {
      account->fetched = TRUE;
      account->waiting_for_key = TRUE;
      /* The keyring may have been unlocked since it was last asked; its
       * answer says whether the account waits. */
      if (concierge_store_has_tombstone_key (account->sync->store))
        poll_account (account);
      else
        load_key (account->sync, FALSE);
      sync_send_outbox (account);
      return;
    }

  if (error != NULL)
    {
      sync_set_state (account, CONCIERGE_SYNC_ERROR, error->message);
      schedule (account, sync_backoff_seconds (account->failures++));
      return;
    }

  account->failures = 0;
  account->fetched = TRUE;
  sync_set_state (account, CONCIERGE_SYNC_IDLE, NULL);
  concierge_channel_get_capabilities (account->channel, &capabilities);
  if (capabilities.long_polling)
    schedule_long_poll (account, concierge_channel_get_retry_after (account->channel));
  else if (concierge_channel_has_more (account->channel))
    schedule (account, concierge_channel_get_retry_after (account->channel));
  else
    schedule (account, MAX (interval (account), concierge_channel_get_retry_after (account->channel)));

  /* Replies wait until the account has synced once, so the channel knows
   * its own id and limits, and until it is reachable. */
  sync_send_outbox (account);
  sync_download_images (account->sync);
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

  ingest = concierge_channel_fetch_finish (CONCIERGE_CHANNEL (object), result, &cursor, &error);
  if (ingest == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      account->busy = FALSE;
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
        sync_set_state (account, CONCIERGE_SYNC_NEEDS_SIGN_IN, error->message);
      /* Polling again would only take the updates from the other reader,
       * or fail again: it waits for the agent's Try Again. */
      else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_CONFLICT))
        sync_set_state (account, CONCIERGE_SYNC_ERROR, error->message);
      /* Nothing is wrong, but the agent learns why nothing new comes
       * until when. */
      else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED))
        {
          sync_set_state (account, CONCIERGE_SYNC_RATE_LIMITED, error->message);
          schedule (account, MAX (1, concierge_channel_get_retry_after (account->channel)));
        }
      else if (sync_is_unreachable (error))
        sync_go_offline (account);
      else
        {
          sync_set_state (account, CONCIERGE_SYNC_ERROR, sync_describe_error (error));
          schedule (account, sync_backoff_seconds (account->failures++));
        }
      return;
    }

  g_free (account->fetched_cursor);
  account->fetched_cursor = g_steal_pointer (&cursor);
  concierge_store_ingest_async (account->sync->store, ingest, account->cancellable, ingested_cb, account);
}

static void
fetch (AccountSync *account)
{
  ConciergeChannelCapabilities capabilities;

  /* A long poll is open all the time; the account shows as syncing only
   * until the first one answered. */
  concierge_channel_get_capabilities (account->channel, &capabilities);
  if (!capabilities.long_polling || !account->fetched || account->state != CONCIERGE_SYNC_IDLE)
    sync_set_state (account, CONCIERGE_SYNC_SYNCING, NULL);
  account->fetch_began = g_get_monotonic_time ();
  concierge_channel_fetch_async (account->channel, account->cursor, account->cancellable, fetched_cb, account);
}

/* A server on this machine is always within reach, whatever the network
 * monitor thinks of the network; self-hosted tests and the demo use one. */
static gboolean
is_loopback (GSocketConnectable *connectable)
{
  const char *host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable));
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address == NULL)
    return g_ascii_strcasecmp (host, "localhost") == 0;
  return g_inet_address_get_is_loopback (address);
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
      sync_go_offline (account);
      return;
    }

  fetch (account);
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
  if (account->busy || account->channel == NULL || account->state == CONCIERGE_SYNC_NEEDS_SIGN_IN)
    return;

  /* Fetching again would only bring the same messages to wait again. */
  if (account->waiting_for_key && !concierge_store_has_tombstone_key (account->sync->store))
    return;
  account->waiting_for_key = FALSE;
  account->busy = TRUE;
  g_clear_handle_id (&account->timeout_id, g_source_remove);

  /* A restart goes on from the saved cursor: no gap, no duplicate. */
  if (!account->cursor_loaded)
    {
      concierge_store_load_cursor_async (account->sync->store, account->account_id,
                                         concierge_channel_get_cursor_stream (account->channel),
                                         account->cancellable,
                                         cursor_loaded_cb, account);
      return;
    }

  if (!account->sync->ask_monitor_always && is_loopback (account->connectable))
    fetch (account);
  else
    g_network_monitor_can_reach_async (account->sync->monitor, account->connectable,
                                       account->cancellable, reached_cb, account);
}

/* The tombstone key. Without it only ingesting waits: reading, searching
 * and sending go on. It is asked for when sync starts, when a batch meets
 * a store without it, every KEY_RETRY_S while it is missing, and when the
 * agent asks to try again, which alone may make the keyring ask to be
 * unlocked. */

static char *
describe_key_problem (const GError *error)
{
  if (g_error_matches (error, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_LOCKED))
    return g_strdup (_("Keyring locked — new messages wait until it is unlocked"));
  if (g_error_matches (error, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_NO_KEYRING))
    return g_strdup (_("No keyring is running — new messages wait until one is started"));
  /* Translators: %s says what went wrong with the keyring */
  return g_strdup_printf (_("New messages wait for the keyring. %s"), error->message);
}

static gboolean
key_retry_cb (gpointer data)
{
  ConciergeSync *self = data;

  self->key_retry_id = 0;
  load_key (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
key_loaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ConciergeSync *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean unlock_next;
  GHashTableIter iter;
  gpointer value;

  /* Cancelled means the sync is gone. */
  if (!concierge_tombstone_key_load_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->key_loading = FALSE;
  unlock_next = self->key_unlock_next;
  self->key_unlock_next = FALSE;

  /* The keys may have come another way meanwhile. */
  if (error != NULL && !concierge_store_has_tombstone_key (self->store))
    {
      g_autofree char *problem = describe_key_problem (error);

      /* The agent asked while a quiet attempt was under way. */
      if (unlock_next)
        {
          load_key (self, TRUE);
          return;
        }

      g_hash_table_iter_init (&iter, self->accounts);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((AccountSync *) value)->waiting_for_key)
          sync_set_state (value, CONCIERGE_SYNC_WAITING_FOR_KEY, problem);
      g_clear_handle_id (&self->key_retry_id, g_source_remove);
      self->key_retry_id = g_timeout_add_seconds (KEY_RETRY_S, key_retry_cb, self);
      return;
    }

  g_clear_handle_id (&self->key_retry_id, g_source_remove);
  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((AccountSync *) value)->waiting_for_key)
      poll_account (value);
}

static void
load_key (ConciergeSync *self,
          gboolean       unlock)
{
  if (self->key_loading)
    {
      self->key_unlock_next |= unlock;
      return;
    }

  self->key_loading = TRUE;
  g_clear_handle_id (&self->key_retry_id, g_source_remove);
  concierge_tombstone_key_load_async (self->store, unlock, self->cancellable, key_loaded_cb, self);
}

/**
 * concierge_sync_load_tombstone_key:
 *
 * Asks the keyring for the profile's tombstone key, and hands it to the
 * store; see concierge_tombstone_key_load_async(). Fetched messages wait
 * for it. Until the keyring gives it, the accounts whose messages wait say
 * why, and the keyring is asked again every so often, never prompting.
 */
void
concierge_sync_load_tombstone_key (ConciergeSync *self)
{
  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  if (!concierge_store_has_tombstone_key (self->store))
    load_key (self, FALSE);
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

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->key_retry_id, g_source_remove);
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
  g_object_unref (self->cancellable);

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

  /**
   * ConciergeSync::accounts-changed:
   *
   * An account was added or removed.
   */
  signals[ACCOUNTS_CHANGED] =
    g_signal_new ("accounts-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
concierge_sync_init (ConciergeSync *self)
{
  self->accounts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, account_sync_free);
  self->active = TRUE;
  self->cancellable = g_cancellable_new ();

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
 *   reached; tests pass their own, which is asked about every server. %NULL
 *   means the system's, and a server on this machine is then always
 *   reachable.
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
  self->ask_monitor_always = monitor != NULL;
  g_signal_connect_swapped (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);

  return self;
}

/* @channel: (transfer full) (nullable): none while the account cannot sync */
static AccountSync *
track_account (ConciergeSync    *self,
               ConciergeAccount *account,
               ConciergeChannel *channel)
{
  AccountSync *sync = g_new0 (AccountSync, 1);
  gint64 id = concierge_account_get_id (account);

  sync->sync = self;
  sync->account_id = id;
  sync->account = g_object_ref (account);
  sync->cancellable = g_cancellable_new ();
  sync->channel = channel;
  g_hash_table_replace (self->accounts, g_memdup2 (&id, sizeof id), sync);
  g_signal_emit (self, signals[ACCOUNTS_CHANGED], 0);

  return sync;
}

/**
 * concierge_sync_add_account:
 * @secret_json: the account's secret from the keyring; held in memory only,
 *   never written anywhere
 *
 * Starts syncing an account at once, and sends what its outbox holds.
 *
 * Returns: %FALSE with @error set when Concierge cannot sync this account's
 *   platform
 */
gboolean
concierge_sync_add_account (ConciergeSync     *self,
                            ConciergeAccount  *account,
                            const char        *secret_json,
                            GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ConciergeChannel) channel = NULL;

  g_return_val_if_fail (CONCIERGE_IS_SYNC (self), FALSE);
  g_return_val_if_fail (CONCIERGE_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (secret_json != NULL, FALSE);

  channel = concierge_platform_new_channel (self->session, account, secret_json, &local_error);
  if (g_error_matches (local_error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (channel == NULL)
    {
      sync_set_state (track_account (self, account, NULL), CONCIERGE_SYNC_NEEDS_SIGN_IN, local_error->message);
      return TRUE;
    }

  concierge_sync_add_channel (self, account, channel);
  return TRUE;
}

/**
 * concierge_sync_add_channel:
 * @channel: the account's channel, made already
 *
 * Starts syncing an account through @channel. concierge_sync_add_account()
 * makes the channel from the platform and the secret; tests bring their own.
 */
void
concierge_sync_add_channel (ConciergeSync    *self,
                            ConciergeAccount *account,
                            ConciergeChannel *channel)
{
  g_autoptr(GError) error = NULL;
  AccountSync *sync;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));
  g_return_if_fail (CONCIERGE_IS_CHANNEL (channel));

  concierge_channel_set_first_sync_threads (channel, self->first_sync_threads);
  sync = track_account (self, account, g_object_ref (channel));
  sync->connectable = g_network_address_parse_uri (concierge_account_get_server_url (account), 443, &error);
  if (sync->connectable == NULL)
    {
      sync_set_state (sync, CONCIERGE_SYNC_ERROR, error->message);
      return;
    }

  poll_account (sync);
}

/**
 * concierge_sync_remove_account:
 *
 * Stops syncing an account; what is in flight is cancelled, and its
 * outbox stays in the store.
 */
void
concierge_sync_remove_account (ConciergeSync *self,
                               gint64         account_id)
{
  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  if (g_hash_table_remove (self->accounts, &account_id))
    g_signal_emit (self, signals[ACCOUNTS_CHANGED], 0);
}

static int
compare_accounts (gconstpointer a,
                  gconstpointer b)
{
  gint64 id_a = concierge_account_get_id (*(ConciergeAccount **) a);
  gint64 id_b = concierge_account_get_id (*(ConciergeAccount **) b);

  return (id_a > id_b) - (id_a < id_b);
}

/**
 * concierge_sync_list_accounts:
 *
 * Returns: (transfer container) (element-type ConciergeAccount): the
 *   accounts being synced, in the order they were added to the store
 */
GPtrArray *
concierge_sync_list_accounts (ConciergeSync *self)
{
  GPtrArray *accounts;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CONCIERGE_IS_SYNC (self), NULL);

  accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (accounts, g_object_ref (((AccountSync *) value)->account));
  g_ptr_array_sort (accounts, compare_accounts);

  return accounts;
}

/**
 * concierge_sync_report_problem:
 * @message: what went wrong, in words for the agent
 *
 * Shows an account whose sync cannot start, for example because the
 * keyring is missing, in the accounts' states.
 */
void
concierge_sync_report_problem (ConciergeSync    *self,
                               ConciergeAccount *account,
                               const char       *message)
{
  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));

  sync_set_state (track_account (self, account, NULL), CONCIERGE_SYNC_ERROR, message);
}

/**
 * concierge_sync_has_account:
 */
gboolean
concierge_sync_has_account (ConciergeSync *self,
                            gint64         account_id)
{
  g_return_val_if_fail (CONCIERGE_IS_SYNC (self), FALSE);

  return g_hash_table_contains (self->accounts, &account_id);
}

/**
 * concierge_sync_get_channel:
 *
 * Returns: (transfer none) (nullable): the account's channel, for its
 *   capabilities
 */
ConciergeChannel *
concierge_sync_get_channel (ConciergeSync *self,
                            gint64         account_id)
{
  AccountSync *account;

  g_return_val_if_fail (CONCIERGE_IS_SYNC (self), NULL);

  account = g_hash_table_lookup (self->accounts, &account_id);
  return account ? account->channel : NULL;
}

/**
 * concierge_sync_set_first_sync_threads:
 * @threads: how many earlier threads the first sync of an account reads;
 *   0 for each platform's own bound
 *
 * Holds for the accounts synced already too; one that has synced once
 * reads no history again.
 */
void
concierge_sync_set_first_sync_threads (ConciergeSync *self,
                                       guint          threads)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  self->first_sync_threads = threads;
  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountSync *account = value;

      if (account->channel != NULL)
        concierge_channel_set_first_sync_threads (account->channel, threads);
    }
}

/**
 * concierge_sync_set_document_download_limit:
 * @megabytes: the largest document downloaded for offline reading, in
 *   megabytes as getFile counts them (2^20 bytes); 0 for none, as until
 *   this is called
 *
 * Telegram serves bots files of at most 20 MB; a larger limit counts as 20.
 */
void
concierge_sync_set_document_download_limit (ConciergeSync *self,
                                             guint          megabytes)
{
  gint64 limit;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  limit = (gint64) MIN (megabytes, 20u) * 1024 * 1024;
  if (limit == self->document_limit)
    return;
  self->document_limit = limit;
  /* Documents the old limit left out may come in now. */
  if (g_hash_table_size (self->accounts) > 0)
    sync_download_images (self);
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
  GHashTableIter iter;
  gpointer value;
  gboolean returning;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  returning = active && !self->active;
  self->active = active;
  if (!returning)
    return;

  /* Someone is back at the window: what the slow polls may have missed
   * comes in now, not minutes later. */
  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountSync *account = value;

      if (account->state == CONCIERGE_SYNC_IDLE)
        poll_account (account);
    }
}

void
concierge_sync_poll_now (ConciergeSync *self,
                         gint64         account_id)
{
  AccountSync *account;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  account = g_hash_table_lookup (self->accounts, &account_id);
  if (account == NULL)
    return;

  /* An account that could not start goes, so that its owner reads the
   * keyring again and adds it afresh. */
  if (account->channel == NULL)
    {
      concierge_sync_remove_account (self, account_id);
      return;
    }

  /* The agent asks: whatever stopped sync, it is worth one more try. For
   * the key, that may mean unlocking the keyring. */
  if (account->state == CONCIERGE_SYNC_NEEDS_SIGN_IN)
    account->state = CONCIERGE_SYNC_IDLE;
  if (account->waiting_for_key && !concierge_store_has_tombstone_key (self->store))
    load_key (self, TRUE);
  poll_account (account);
  sync_send_outbox_now (account);
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

static void
marked_read_on_platform_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Only the platform's own unread mark is at stake; the next open of the
   * thread tries again. */
  if (!concierge_channel_mark_read_finish (CONCIERGE_CHANNEL (object), result, &error))
    g_debug ("Marking a thread read on its platform failed: %s", error->message);
}

static void
marked_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!concierge_store_mark_read_finish (CONCIERGE_STORE (object), result, &error))
    g_warning ("Could not mark a thread read: %s", error->message);
}

/**
 * concierge_sync_mark_read:
 *
 * Marks a thread read in the cache and, where the platform keeps a read
 * state, on the platform.
 */
void
concierge_sync_mark_read (ConciergeSync   *self,
                          ConciergeThread *thread)
{
  gint64 account_id;
  AccountSync *account;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (CONCIERGE_IS_THREAD (thread));

  concierge_store_mark_read_async (self->store, concierge_thread_get_id (thread), NULL, marked_read_cb, NULL);

  account_id = concierge_thread_get_account_id (thread);
  account = g_hash_table_lookup (self->accounts, &account_id);
  if (account != NULL && account->channel != NULL && account->state != CONCIERGE_SYNC_OFFLINE)
    concierge_channel_mark_read_async (account->channel, concierge_thread_get_remote_id (thread),
                                       account->cancellable, marked_read_on_platform_cb, NULL);
}
