/* concierge-sync-outbox.c
 *
 * What the agent puts into the outbox through the sync: replies, private
 * messages and moves to private, and the Retry or the confirmation that
 * something goes again. Each goes out as soon as the store has it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-sync-private.h"

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeSync *self = g_task_get_source_object (task);
  g_autoptr(ConciergeOutboxEntry) entry = NULL;
  GError *error = NULL;
  AccountSync *account;

  if (g_async_result_is_tagged (result, concierge_store_queue_private_async))
    entry = concierge_store_queue_private_finish (CONCIERGE_STORE (object), result, &error);
  else
    entry = concierge_store_queue_reply_finish (CONCIERGE_STORE (object), result, &error);
  if (entry == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  account = g_hash_table_lookup (self->accounts, &entry->account_id);
  if (account != NULL)
    sync_send_outbox (account);
  /* The thread it went into, which for a private message may be new. */
  g_task_return_int (task, entry->thread_id);
}

typedef void (*StoreQueueFunc) (ConciergeStore *, gint64, const char *, GCancellable *, GAsyncReadyCallback,
                                gpointer);

static void
queue (ConciergeSync       *self,
       gpointer             source_tag,
       StoreQueueFunc       store_queue,
       gint64               thread_id,
       const char          *text,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  store_queue (self->store, thread_id, text, cancellable, queued_cb, task);
}

/**
 * concierge_sync_queue_reply_async:
 *
 * Puts a reply to the thread's customer into the outbox, and sends it as
 * soon as the account can. The callback runs once the reply is safely in
 * the store, not when it is sent; its message shows how sending goes.
 */
void
concierge_sync_queue_reply_async (ConciergeSync       *self,
                                  gint64               thread_id,
                                  const char          *text,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (text != NULL);

  queue (self, concierge_sync_queue_reply_async, concierge_store_queue_reply_async, thread_id, text,
         cancellable, callback, user_data);
}

gboolean
concierge_sync_queue_reply_finish (ConciergeSync  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) >= 0;
}

/**
 * concierge_sync_queue_private_async:
 * @public_thread_id: the public thread whose customer it reaches
 *
 * Puts a private message to the customer of a public thread into the
 * outbox, in their private thread, which it starts if need be, and sends
 * it as soon as the account can.
 */
void
concierge_sync_queue_private_async (ConciergeSync       *self,
                                    gint64               public_thread_id,
                                    const char          *text,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (text != NULL);

  queue (self, concierge_sync_queue_private_async, concierge_store_queue_private_async, public_thread_id, text,
         cancellable, callback, user_data);
}

/**
 * concierge_sync_queue_private_finish:
 *
 * Returns: the private thread's id, or 0 with @error set
 */
gint64
concierge_sync_queue_private_finish (ConciergeSync  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}

static void
requeued_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeSync *self = g_task_get_source_object (task);
  gint64 account_id = GPOINTER_TO_SIZE (g_task_get_task_data (task));
  AccountSync *account;
  GError *error = NULL;

  /* A resend, a retried move, or one that goes on publicly. */
  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  account = g_hash_table_lookup (self->accounts, &account_id);
  if (account != NULL)
    sync_send_outbox_now (account);
  g_task_return_boolean (task, TRUE);
}

/* For a change to the outbox that the agent asked for: once the store has
 * it, requeued_cb sends @account_id's outbox without waiting. */
static GTask *
requeue_task_new (ConciergeSync       *self,
                  gpointer             source_tag,
                  gint64               account_id,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) account_id), NULL);
  return task;
}

/**
 * concierge_sync_resend_async:
 *
 * The agent's Retry, or their confirmation that a reply whose delivery is
 * unknown shall go again.
 */
void
concierge_sync_resend_async (ConciergeSync       *self,
                             gint64               account_id,
                             gint64               message_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  task = requeue_task_new (self, concierge_sync_resend_async, account_id, cancellable, callback, user_data);
  concierge_store_set_send_state_async (self->store, message_id, CONCIERGE_SEND_QUEUED, NULL,
                                        cancellable, requeued_cb, task);
}

gboolean
concierge_sync_resend_finish (ConciergeSync  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
move_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeSync *self = g_task_get_source_object (task);
  ConciergeMove *move;
  AccountSync *account;
  GError *error = NULL;

  move = concierge_store_start_move_finish (CONCIERGE_STORE (object), result, &error);
  if (move == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  account = g_hash_table_lookup (self->accounts, &move->account_id);
  if (account != NULL)
    sync_send_outbox_now (account);
  g_task_return_pointer (task, move, (GDestroyNotify) concierge_move_free);
}

/**
 * concierge_sync_start_move_async:
 *
 * Moves a public conversation to a private one, as
 * concierge_store_start_move_async() describes, and sends its steps as
 * soon as the account can, one after the other.
 */
void
concierge_sync_start_move_async (ConciergeSync       *self,
                                 gint64               public_thread_id,
                                 const char          *private_text,
                                 const char          *public_text,
                                 ConciergePostAction  post_action,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_sync_start_move_async);
  concierge_store_start_move_async (self->store, public_thread_id, private_text, public_text, post_action,
                                    cancellable, move_started_cb, task);
}

/**
 * concierge_sync_start_move_finish:
 *
 * Returns: (transfer full): the move, once it is safely in the outbox
 */
ConciergeMove *
concierge_sync_start_move_finish (ConciergeSync  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * concierge_sync_retry_move_async:
 *
 * The agent's Retry on a move's failed step.
 */
void
concierge_sync_retry_move_async (ConciergeSync       *self,
                                 gint64               account_id,
                                 gint64               move_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  task = requeue_task_new (self, concierge_sync_retry_move_async, account_id, cancellable, callback, user_data);
  concierge_store_retry_move_async (self->store, move_id, cancellable, requeued_cb, task);
}

/**
 * concierge_sync_move_publicly_async:
 *
 * The agent's choice when the customer cannot be written to privately:
 * see concierge_store_move_publicly_async(). The public reply goes out as
 * soon as the account can.
 */
void
concierge_sync_move_publicly_async (ConciergeSync       *self,
                                    gint64               account_id,
                                    gint64               move_id,
                                    const char          *public_text,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  task = requeue_task_new (self, concierge_sync_move_publicly_async, account_id, cancellable, callback, user_data);
  concierge_store_move_publicly_async (self->store, move_id, public_text, cancellable, requeued_cb, task);
}

gboolean
concierge_sync_move_publicly_finish (ConciergeSync  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
concierge_sync_retry_move_finish (ConciergeSync  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * concierge_sync_hide_async:
 * @reason: the agent's reason, which the audit log and the thread show
 *
 * Hides a customer's post through the outbox: see
 * concierge_store_queue_hide_async(). It goes out as soon as the account
 * can.
 */
void
concierge_sync_hide_async (ConciergeSync       *self,
                           gint64               account_id,
                           gint64               message_id,
                           ConciergeHideReason  reason,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  task = requeue_task_new (self, concierge_sync_hide_async, account_id, cancellable, callback, user_data);
  concierge_store_queue_hide_async (self->store, message_id, reason, cancellable, requeued_cb, task);
}

/**
 * concierge_sync_unhide_async:
 *
 * Shows a hidden post again through the outbox: see
 * concierge_store_queue_unhide_async().
 */
void
concierge_sync_unhide_async (ConciergeSync       *self,
                             gint64               account_id,
                             gint64               message_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));

  task = requeue_task_new (self, concierge_sync_unhide_async, account_id, cancellable, callback, user_data);
  concierge_store_queue_unhide_async (self->store, message_id, cancellable, requeued_cb, task);
}

/**
 * concierge_sync_hide_finish:
 *
 * Finishes concierge_sync_hide_async() and concierge_sync_unhide_async().
 */
gboolean
concierge_sync_hide_finish (ConciergeSync  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
