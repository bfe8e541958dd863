/* concierge-store-private-reply.c
 *
 * A move's private message as a private reply to the customer's public
 * post, where the platform answers a post privately (Facebook): which
 * post it answers, and a reply that the platform has but never named,
 * because the answer to the request was cut off and the repeat was
 * refused as one too many.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* The customer's post a move answers privately: their latest with
 * personal data, or else their latest. The move dialog asks the channel
 * about the same post. */
gboolean
find_post_to_answer (ConciergeStore  *self,
                     gint64           thread_id,
                     char           **remote_id,
                     GError         **error)
{
  static const char sql[] =
    "SELECT remote_id FROM messages WHERE thread_id = ? AND direction = 'in' AND remote_id IS NOT NULL "
    "AND deleted_at IS NULL ORDER BY personal_data_kinds != 0 DESC, created_at DESC, id DESC LIMIT 1";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *remote_id = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
write_sent_unnamed (ConciergeStore  *self,
                    gpointer         data,
                    StoreChanges    *changes,
                    GError         **error)
{
  static const char thread_sql[] = "SELECT thread_id FROM messages WHERE id = ? AND send_state IS NOT NULL";
  static const char sent_sql[] = "UPDATE messages SET send_state = 'sent' WHERE id = ?";
  static const char outbox_sql[] = "DELETE FROM outbox WHERE message_id = ? AND operation = 'reply'";
  gint64 message_id = *(gint64 *) data;
  gint64 thread_id = 0;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, thread_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    thread_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (thread_id == 0)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "No queued message %" G_GINT64_FORMAT, message_id);
      return FALSE;
    }

  if (!store_run_each (self, (const char * const[]) { sent_sql, outbox_sql }, 2, message_id, 0, error) ||
      !update_thread_summary (self, thread_id, FALSE, error))
    return FALSE;
  store_changes_add_thread (changes, thread_id);
  return TRUE;
}

static void
complete_send_unnamed_job (ConciergeStore *self,
                           GTask          *task,
                           gpointer        data)
{
  store_write_task (self, task, write_sent_unnamed, data);
}

/**
 * concierge_store_complete_send_unnamed_async:
 * @message_id: a queued reply
 *
 * Marks a queued reply as sent whose platform id Concierge never learnt:
 * a private reply whose answer was cut off, and whose repeat the platform
 * refused because the post has its one private reply. Its outbox entry
 * goes; the platform's copy comes with the next sync.
 */
void
concierge_store_complete_send_unnamed_async (ConciergeStore      *self,
                                             gint64               message_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_complete_send_unnamed_async, G_PRIORITY_DEFAULT, complete_send_unnamed_job,
             g_memdup2 (&message_id, sizeof message_id), g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_complete_send_unnamed_finish (ConciergeStore  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_complete_send_unnamed_async, error);
}
