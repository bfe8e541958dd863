/* concierge-sync-deletions.c
 *
 * Asks the platform whether customers deleted their messages, and marks
 * those in the cache.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-sync-private.h"

/* A thread's newest customer messages that are checked for deletion. */
#define DELETION_CHECK_MAX 40

static void
deleted_marked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
deleted_found_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeSync *self = g_task_get_source_object (task);
  ConciergeThread *thread = g_task_get_task_data (task);
  g_auto(GStrv) deleted = NULL;
  GError *error = NULL;

  deleted = concierge_channel_find_deleted_finish (CONCIERGE_CHANNEL (object), result, &error);
  if (deleted == NULL)
    {
      /* Platforms that never tell have nothing to mark. */
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED))
        {
          g_error_free (error);
          g_task_return_boolean (task, TRUE);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  if (deleted[0] == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  concierge_store_mark_deleted_async (self->store, concierge_thread_get_id (thread),
                                      (const char * const *) deleted, g_task_get_cancellable (task),
                                      deleted_marked_cb, g_object_ref (task));
}

static void
deletion_messages_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeSync *self = g_task_get_source_object (task);
  ConciergeThread *thread = g_task_get_task_data (task);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) remote_ids = NULL;
  gint64 account_id = concierge_thread_get_account_id (thread);
  AccountSync *account;
  GError *error = NULL;
  guint asked = 0;

  messages = concierge_store_load_messages_finish (CONCIERGE_STORE (object), result, &error);
  if (messages == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = messages->len; i > 0 && asked < DELETION_CHECK_MAX; i--)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i - 1);

      if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN &&
          concierge_message_get_remote_id (message) != NULL &&
          concierge_message_get_deleted_at (message) == 0)
        {
          g_strv_builder_add (builder, concierge_message_get_remote_id (message));
          asked++;
        }
    }
  remote_ids = g_strv_builder_end (builder);

  account = g_hash_table_lookup (self->accounts, &account_id);
  if (remote_ids[0] == NULL || account == NULL || account->channel == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  concierge_channel_find_deleted_async (account->channel, (const char * const *) remote_ids,
                                        g_task_get_cancellable (task), deleted_found_cb, g_object_ref (task));
}

/**
 * concierge_sync_check_deleted_async:
 *
 * Asks the platform whether customers deleted messages of @thread, and
 * marks those in the cache. Nothing happens while the account is offline
 * or on platforms that never tell.
 */
void
concierge_sync_check_deleted_async (ConciergeSync       *self,
                                    ConciergeThread     *thread,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 account_id;
  AccountSync *account;

  g_return_if_fail (CONCIERGE_IS_SYNC (self));
  g_return_if_fail (CONCIERGE_IS_THREAD (thread));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_sync_check_deleted_async);
  g_task_set_task_data (task, g_object_ref (thread), g_object_unref);

  account_id = concierge_thread_get_account_id (thread);
  account = g_hash_table_lookup (self->accounts, &account_id);
  if (account == NULL || account->state == CONCIERGE_SYNC_OFFLINE ||
      account->state == CONCIERGE_SYNC_NEEDS_SIGN_IN)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  concierge_store_load_messages_async (self->store, concierge_thread_get_id (thread), cancellable,
                                       deletion_messages_cb, g_steal_pointer (&task));
}

gboolean
concierge_sync_check_deleted_finish (ConciergeSync  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
