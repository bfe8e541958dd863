/* concierge-outbox-sender.c
 *
 * Sends the outbox. Each account sends one entry at a time, oldest first,
 * and reads the outbox again after each, so that what the store says is
 * what happens. What failed is tried again after a backoff or the
 * platform's rate limit; a reply whose attempt may have reached the server
 * is looked for on the platform where it can tell, and otherwise waits
 * for the agent to confirm that it goes again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-sync-private.h"

/* After this many failed attempts a reply waits for the agent's Retry. */
#define MAX_SEND_ATTEMPTS  5

static void
sending_done (AccountSync *account,
              gboolean     next)
{
  account->sending = FALSE;
  if (next || account->send_again)
    sync_send_outbox (account);
}

static gboolean
outbox_retry_cb (gpointer data)
{
  AccountSync *account = data;

  account->outbox_timeout_id = 0;
  account->outbox_wait_until = 0;
  sync_send_outbox (account);
  return G_SOURCE_REMOVE;
}

static void
retry_outbox_in (AccountSync *account,
                 guint        seconds)
{
  account->outbox_wait_until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  g_clear_handle_id (&account->outbox_timeout_id, g_source_remove);
  account->outbox_timeout_id = g_timeout_add_seconds (seconds, outbox_retry_cb, account);
}

typedef struct
{
  AccountSync          *account;
  ConciergeOutboxEntry *entry;
  gboolean              next;
} Sending;

static void
sending_free (Sending *sending)
{
  concierge_outbox_entry_free (sending->entry);
  g_free (sending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sending, sending_free)

static void
state_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Sending) sending = user_data;
  g_autoptr(GError) error = NULL;

  /* A reply's state or an operation's. */
  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not save a reply’s send state: %s", error->message);
    }

  sending_done (sending->account, sending->next);
}

static gboolean
is_reply (Sending *sending)
{
  return sending->entry->operation == CONCIERGE_OUTBOX_REPLY;
}

/* Records @state and goes on with the next entry if @next. */
static void
save_state (Sending            *sending,
            ConciergeSendState  state,
            const char         *error_text,
            gboolean            next)
{
  AccountSync *account = sending->account;

  sending->next = next;
  if (is_reply (sending))
    concierge_store_set_send_state_async (account->sync->store, sending->entry->message_id, state, error_text,
                                          account->cancellable, state_saved_cb, sending);
  else
    concierge_store_set_operation_state_async (account->sync->store, sending->entry->id,
                                               state == CONCIERGE_SEND_UNKNOWN ? CONCIERGE_SEND_FAILED : state,
                                               error_text, account->cancellable, state_saved_cb, sending);
}

static void
completed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Sending) sending = user_data;
  g_autoptr(GError) error = NULL;

  /* A reply sent or an operation done. */
  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not record a sent reply: %s", error->message);
    }

  sending->account->outbox_failures = 0;
  sending_done (sending->account, TRUE);
}

static void
complete (Sending          *sending,
          ConciergeMessage *sent)
{
  AccountSync *account = sending->account;

  if (is_reply (sending))
    concierge_store_complete_send_async (account->sync->store, sending->entry->message_id, sent,
                                         account->cancellable, completed_cb, sending);
  else
    concierge_store_complete_operation_async (account->sync->store, sending->entry->id,
                                              account->cancellable, completed_cb, sending);
}

/* Whether the request may have reached the server before it failed. */
static gboolean
may_have_arrived (const GError *error)
{
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) &&
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) &&
         !g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) &&
         !g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE) &&
         !g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED) &&
         !g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED);
}

/* A private reply to a post that the platform sends once per post: a
 * repeat cannot reach the customer twice. */
static gboolean
repeats_harmlessly (const ConciergeChannelCapabilities *capabilities,
                    const ConciergeOutboxEntry         *entry)
{
  return capabilities->private_reply_once && entry->operation == CONCIERGE_OUTBOX_REPLY &&
         entry->private_reply_to_remote_id != NULL;
}
static void found_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
send_failed (Sending *sending,
             GError  *error)
{
  AccountSync *account = sending->account;
  ConciergeChannelCapabilities capabilities;

  concierge_channel_get_capabilities (account->channel, &capabilities);

  /* Refused as done before: after an attempt whose answer was cut off,
   * that attempt went out. On the first attempt, someone else did it. */
  if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_ALREADY_DONE) &&
      is_reply (sending) && sending->entry->attempts > 1)
    {
      concierge_store_complete_send_unnamed_async (account->sync->store, sending->entry->message_id,
                                                   account->cancellable, completed_cb, sending);
      return;
    }

  if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED) ||
      g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED) ||
      g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_ALREADY_DONE))
    {
      save_state (sending, CONCIERGE_SEND_FAILED, sync_describe_error (error), TRUE);
      return;
    }

  /* Surely not sent: the server refused before it did anything, or never
   * heard of it. It is queued again, with a clean count of attempts. */
  if (!may_have_arrived (error))
    {
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
        sync_set_state (account, CONCIERGE_SYNC_NEEDS_SIGN_IN, sync_describe_error (error));
      else if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED))
        retry_outbox_in (account, MAX (1, concierge_channel_get_retry_after (account->channel)));
      else
        sync_go_offline (account);
      save_state (sending, CONCIERGE_SEND_QUEUED, sync_describe_error (error), FALSE);
      return;
    }

  /* Without an idempotency key, a request that may have arrived is
   * looked for where the platform can tell, and otherwise not sent again
   * unless the agent says so. Hiding or removing twice does no harm. */
  if (!capabilities.has_idempotency && is_reply (sending) && !repeats_harmlessly (&capabilities, sending->entry))
    {
      if (concierge_channel_can_find_sent (account->channel))
        concierge_channel_find_sent_async (account->channel, sending->entry, account->cancellable, found_cb,
                                           sending);
      else
        save_state (sending, CONCIERGE_SEND_UNKNOWN, sync_describe_error (error), TRUE);
      return;
    }

  if (sending->entry->attempts >= MAX_SEND_ATTEMPTS)
    {
      save_state (sending, CONCIERGE_SEND_FAILED, sync_describe_error (error), TRUE);
      return;
    }

  if (sync_is_unreachable (error))
    sync_go_offline (account);
  else
    retry_outbox_in (account, sync_backoff_seconds (account->outbox_failures++));

  save_state (sending, CONCIERGE_SEND_SENDING, sync_describe_error (error), FALSE);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Sending) sending = user_data;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(GError) error = NULL;

  sent = concierge_channel_send_finish (CONCIERGE_CHANNEL (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (sent != NULL)
    complete (g_steal_pointer (&sending), sent);
  else
    send_failed (g_steal_pointer (&sending), error);
}

static void
post_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Sending) sending = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (sending->entry->operation == CONCIERGE_OUTBOX_HIDE)
    done = concierge_channel_hide_finish (CONCIERGE_CHANNEL (object), result, &error);
  else if (sending->entry->operation == CONCIERGE_OUTBOX_UNHIDE)
    done = concierge_channel_unhide_finish (CONCIERGE_CHANNEL (object), result, &error);
  else
    done = concierge_channel_remove_finish (CONCIERGE_CHANNEL (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (done)
    complete (g_steal_pointer (&sending), NULL);
  else
    send_failed (g_steal_pointer (&sending), error);
}

static void
attempt_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Sending) sending = user_data;
  g_autoptr(GError) error = NULL;
  ConciergeOutboxEntry *entry;
  AccountSync *account;

  /* A reply's attempt or an operation's. */
  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Nothing leaves unless the attempt is on record. */
      g_warning ("Could not record a send attempt: %s", error->message);
      account = sending->account;
      retry_outbox_in (account, sync_backoff_seconds (account->outbox_failures++));
      sending_done (account, FALSE);
      return;
    }

  account = sending->account;
  entry = sending->entry;
  entry->attempts++;
  if (entry->operation == CONCIERGE_OUTBOX_HIDE)
    concierge_channel_hide_async (account->channel, entry->post_remote_id, account->cancellable, post_done_cb,
                                  g_steal_pointer (&sending));
  else if (entry->operation == CONCIERGE_OUTBOX_UNHIDE)
    concierge_channel_unhide_async (account->channel, entry->post_remote_id, account->cancellable, post_done_cb,
                                    g_steal_pointer (&sending));
  else if (entry->operation == CONCIERGE_OUTBOX_REMOVE)
    concierge_channel_remove_async (account->channel, entry->post_remote_id, account->cancellable, post_done_cb,
                                    g_steal_pointer (&sending));
  else
    concierge_channel_send_async (account->channel, entry, account->cancellable, sent_cb,
                                  g_steal_pointer (&sending));
}

static void
start_send (Sending *sending)
{
  AccountSync *account = sending->account;

  if (is_reply (sending))
    concierge_store_set_send_state_async (account->sync->store, sending->entry->message_id,
                                          CONCIERGE_SEND_SENDING, NULL, account->cancellable,
                                          attempt_saved_cb, sending);
  else
    concierge_store_set_operation_state_async (account->sync->store, sending->entry->id,
                                               CONCIERGE_SEND_SENDING, NULL, account->cancellable,
                                               attempt_saved_cb, sending);
}

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Sending) sending = user_data;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(GError) error = NULL;

  ConciergeChannelCapabilities capabilities;

  sent = concierge_channel_find_sent_finish (CONCIERGE_CHANNEL (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Without an idempotency key, a reply that was not found may still
   * have arrived, or show up later: the agent decides. */
  concierge_channel_get_capabilities (CONCIERGE_CHANNEL (object), &capabilities);
  if (sent != NULL)
    complete (g_steal_pointer (&sending), sent);
  else if (!capabilities.has_idempotency)
    save_state (g_steal_pointer (&sending), CONCIERGE_SEND_UNKNOWN,
                error ? sync_describe_error (error)
                      : _("Concierge cannot tell whether this reply reached the customer."),
                TRUE);
  else if (error == NULL)
    start_send (g_steal_pointer (&sending));
  else
    send_failed (g_steal_pointer (&sending), error);
}

static void
outbox_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AccountSync *account = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeChannelCapabilities capabilities;
  Sending *sending;

  entries = concierge_store_load_outbox_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (entries == NULL)
    {
      g_warning ("Could not read the outbox: %s", error->message);
      sending_done (account, FALSE);
      return;
    }

  sending = g_new0 (Sending, 1);
  sending->account = account;
  for (guint i = 0; i < entries->len && sending->entry == NULL; i++)
    {
      ConciergeOutboxEntry *entry = g_ptr_array_index (entries, i);

      if ((entry->state == CONCIERGE_SEND_QUEUED || entry->state == CONCIERGE_SEND_SENDING) && !entry->waiting)
        sending->entry = g_ptr_array_steal_index (entries, i);
    }

  if (sending->entry == NULL)
    {
      sending_free (sending);
      sending_done (account, FALSE);
      return;
    }

  concierge_channel_get_capabilities (account->channel, &capabilities);

  /* An attempt began before and its outcome is unknown: a crash, a restart,
   * or a connection lost after the request left. */
  if (!is_reply (sending) || repeats_harmlessly (&capabilities, sending->entry))
    start_send (sending);
  else if (sending->entry->attempts > 0 &&
           (capabilities.has_idempotency || concierge_channel_can_find_sent (account->channel)))
    concierge_channel_find_sent_async (account->channel, sending->entry, account->cancellable, found_cb, sending);
  else if (sending->entry->attempts > 0)
    save_state (sending, CONCIERGE_SEND_UNKNOWN,
                _("Concierge cannot tell whether this reply reached the customer."), TRUE);
  else
    start_send (sending);
}

void
sync_send_outbox (AccountSync *account)
{
  if (account->sending)
    {
      account->send_again = TRUE;
      return;
    }

  if (account->channel == NULL || !account->fetched ||
      account->state == CONCIERGE_SYNC_OFFLINE || account->state == CONCIERGE_SYNC_NEEDS_SIGN_IN)
    return;

  /* A retry that waits, for a rate limit or a backoff, is not hurried by
   * the next poll; its timer comes. */
  if (account->outbox_timeout_id != 0 && g_get_monotonic_time () < account->outbox_wait_until)
    return;

  account->sending = TRUE;
  account->send_again = FALSE;
  g_clear_handle_id (&account->outbox_timeout_id, g_source_remove);
  concierge_store_load_outbox_async (account->sync->store, account->account_id, account->cancellable,
                                     outbox_loaded_cb, account);
}

/* The agent asked: no timer is waited for. */
void
sync_send_outbox_now (AccountSync *account)
{
  g_clear_handle_id (&account->outbox_timeout_id, g_source_remove);
  account->outbox_wait_until = 0;
  sync_send_outbox (account);
}
