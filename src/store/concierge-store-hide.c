/* concierge-store-hide.c
 *
 * Hiding a customer's post for a reason, and showing it again. Both are
 * outbox operations, so that they survive a restart and go out once;
 * completing them marks the post and writes the audit log
 * (concierge_store_complete_operation_async()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-store-private.h"

/* As the audit log keeps them. */
static const char * const hide_reasons[] = {
  [CONCIERGE_HIDE_PERSONAL_DATA] = "personal data",
  [CONCIERGE_HIDE_SPAM] = "spam",
  [CONCIERGE_HIDE_ABUSE] = "abuse",
};

const char *
concierge_hide_reason_to_string (ConciergeHideReason reason)
{
  g_return_val_if_fail (reason < G_N_ELEMENTS (hide_reasons), NULL);

  return hide_reasons[reason];
}

gboolean
concierge_hide_reason_from_string (const char          *text,
                                   ConciergeHideReason *reason)
{
  for (guint k = 0; k < G_N_ELEMENTS (hide_reasons); k++)
    if (g_strcmp0 (text, hide_reasons[k]) == 0)
      {
        *reason = k;
        return TRUE;
      }
  return FALSE;
}

typedef struct
{
  gint64                   message_id;
  ConciergeOutboxOperation operation;
  const char              *reason; /* static; NULL to show again */
  gint64                   thread_id;
} Hiding;

/* Only a customer's public post that the platform knows, hidden or not as
 * the operation needs, and with nothing else on its way for it. A hide or
 * show of its own that the platform refused makes way for the next. */
static gboolean
check_post (ConciergeStore  *self,
            Hiding          *hiding,
            GError         **error)
{
  static const char sql[] =
    "SELECT m.direction = 'in' AND m.remote_id IS NOT NULL AND t.visibility = 'public', "
    "  m.taken_down, EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.operation != 'reply' "
    "    AND (o.state IS NOT 'failed' OR o.move_id IS NOT NULL)), "
    "  m.thread_id "
    "FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ?";
  gboolean found, public_post = FALSE, pending = FALSE;
  g_autofree char *taken_down = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, hiding->message_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      public_post = sqlite3_column_int (stmt, 0) != 0;
      taken_down = column_dup (stmt, 1);
      pending = sqlite3_column_int (stmt, 2) != 0;
      hiding->thread_id = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);

  if (!found || !public_post)
    g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                         _("Only a customer’s public post can be hidden."));
  else if (pending)
    g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                         _("Concierge is still hiding or showing this post."));
  else if (hiding->operation == CONCIERGE_OUTBOX_HIDE && taken_down != NULL)
    g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                         _("This post is hidden already."));
  else if (hiding->operation == CONCIERGE_OUTBOX_UNHIDE && g_strcmp0 (taken_down, "hidden") != 0)
    g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                         _("This post is not hidden."));
  else
    return TRUE;
  return FALSE;
}

static gboolean
write_hiding (ConciergeStore  *self,
              gpointer         data,
              StoreChanges    *changes,
              GError         **error)
{
  static const char sql[] =
    "INSERT INTO outbox (account_id, thread_id, message_id, operation, payload, idempotency_key, created_at, "
    "                    state) "
    "SELECT t.account_id, t.id, m.id, ?2, json_object ('visibility', 'public', 'thread', t.remote_id, "
    "  'post', m.remote_id, 'reason', ?3), lower (hex (randomblob (16))), ?4, 'queued' "
    "FROM messages m JOIN threads t ON t.id = m.thread_id WHERE m.id = ?1";
  static const char failed_sql[] =
    "DELETE FROM outbox WHERE message_id = ? AND operation IN ('hide', 'unhide') AND state = 'failed' "
    "AND move_id IS NULL";
  Hiding *hiding = data;
  sqlite3_stmt *stmt;

  if (!check_post (self, hiding, error) || !(stmt = store_prepare (self, failed_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, hiding->message_id);
  if (!store_step_done (self, stmt, error) || !(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, hiding->message_id);
  bind_text (stmt, 2, outbox_operations[hiding->operation]);
  bind_text (stmt, 3, hiding->reason);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (!store_step_done (self, stmt, error))
    return FALSE;

  store_changes_add_thread (changes, hiding->thread_id);
  return TRUE;
}

static void
queue_hiding_job (ConciergeStore *self,
                  GTask          *task,
                  gpointer        data)
{
  store_write_task (self, task, write_hiding, data);
}

static void
queue_hiding (ConciergeStore           *self,
              gpointer                  source_tag,
              gint64                    message_id,
              ConciergeOutboxOperation  operation,
              const char               *reason,
              GCancellable             *cancellable,
              GAsyncReadyCallback       callback,
              gpointer                  user_data)
{
  Hiding *hiding = g_new0 (Hiding, 1);

  hiding->message_id = message_id;
  hiding->operation = operation;
  hiding->reason = reason;
  store_run (self, source_tag, G_PRIORITY_DEFAULT, queue_hiding_job, hiding, g_free, cancellable, callback,
             user_data);
}

/**
 * concierge_store_queue_hide_async:
 * @message_id: a customer's post in a public thread
 * @reason: why; the audit log and the thread show it
 *
 * Queues hiding the post on the platform. Once the platform hid it, the
 * post shows as hidden with its reason, and the audit log has it.
 */
void
concierge_store_queue_hide_async (ConciergeStore      *self,
                                  gint64               message_id,
                                  ConciergeHideReason  reason,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (reason < G_N_ELEMENTS (hide_reasons));

  queue_hiding (self, concierge_store_queue_hide_async, message_id, CONCIERGE_OUTBOX_HIDE, hide_reasons[reason],
                cancellable, callback, user_data);
}

gboolean
concierge_store_queue_hide_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_queue_hide_async, error);
}

/**
 * concierge_store_queue_unhide_async:
 * @message_id: a hidden post
 *
 * Queues showing a hidden post again. The audit log names the reason it
 * was hidden for.
 */
void
concierge_store_queue_unhide_async (ConciergeStore      *self,
                                    gint64               message_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  queue_hiding (self, concierge_store_queue_unhide_async, message_id, CONCIERGE_OUTBOX_UNHIDE, NULL,
                cancellable, callback, user_data);
}

gboolean
concierge_store_queue_unhide_finish (ConciergeStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_queue_unhide_async, error);
}
