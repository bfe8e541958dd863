/* concierge-store-privacy.c
 *
 * Personal data: scanning customers' messages on the worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* Personal data */

/**
 * concierge_store_set_scanner:
 * @scanner: (nullable): finds personal data; it runs on the store's worker
 *   thread, so it and @user_data must be safe to use there
 *
 * Customers' messages are scanned as they are ingested from then on. The
 * ones ingested before wait for concierge_store_scan_async().
 */
void
concierge_store_set_scanner (ConciergeStore        *self,
                             ConciergeStoreScanner  scanner,
                             gpointer               user_data,
                             GDestroyNotify         destroy)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_set_hook (self, concierge_store_set_scanner, &self->worker->scanner, G_CALLBACK (scanner), user_data,
                  destroy);
}

/* Customer messages scanned per transaction: other jobs, such as the
 * agent opening a thread, wait for one batch at most. */
#define SCAN_BATCH 500

/* Customer messages never scanned, and the threads they are in. */
typedef struct
{
  GArray     *ids;
  GPtrArray  *bodies;
  GArray     *thread_ids;
  GHashTable *threads;   /* touched by the batches so far */
} ScanBatch;

static gboolean
write_scan (ConciergeStore  *self,
            gpointer         data,
            StoreChanges    *changes,
            GError         **error)
{
  static const char update_sql[] =
    "UPDATE messages SET personal_data = ?, personal_data_kinds = ? WHERE id = ?";
  ScanBatch *batch = data;

  for (guint k = 0; k < batch->ids->len; k++)
    {
      g_autofree char *spans = NULL;
      const char *body = g_ptr_array_index (batch->bodies, k);
      guint kinds = ((ConciergeStoreScanner) self->worker->scanner.func) (body ? body : "", &spans,
                                                                        self->worker->scanner.data);
      gint64 thread_id = g_array_index (batch->thread_ids, gint64, k);
      sqlite3_stmt *stmt;

      if (!(stmt = store_prepare (self, update_sql, error)))
        return FALSE;
      bind_text (stmt, 1, spans ? spans : "");
      sqlite3_bind_int64 (stmt, 2, kinds);
      sqlite3_bind_int64 (stmt, 3, g_array_index (batch->ids, gint64, k));
      if (!store_step_done (self, stmt, error))
        return FALSE;
      g_hash_table_add (batch->threads, g_memdup2 (&thread_id, sizeof thread_id));
    }
  return TRUE;
}

/* The threads' kinds follow in their own transaction: a thread whose
 * messages span two batches is summed once both are in. */
static gboolean
write_thread_kinds (ConciergeStore  *self,
                    gpointer         data,
                    StoreChanges    *changes,
                    GError         **error)
{
  GHashTable *threads = data;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, threads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!update_thread_personal_data (self, *(gint64 *) key, error))
        return FALSE;
      if (sqlite3_changes (store_db (self)) > 0)
        store_changes_add_thread (changes, *(gint64 *) key);
    }
  return TRUE;
}

static gboolean
scan_batch (ConciergeStore  *self,
            GHashTable      *threads,
            gboolean        *more,
            GError         **error)
{
  static const char select_sql[] =
    "SELECT id, thread_id, body FROM messages WHERE personal_data IS NULL AND direction = 'in' "
    "ORDER BY id LIMIT " G_STRINGIFY (SCAN_BATCH);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) thread_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ScanBatch batch = { ids, bodies, thread_ids, threads };
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, select_sql, error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0), thread_id = sqlite3_column_int64 (stmt, 1);

      g_array_append_val (ids, id);
      g_array_append_val (thread_ids, thread_id);
      g_ptr_array_add (bodies, column_dup (stmt, 2));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return FALSE;
    }
  *more = ids->len == SCAN_BATCH;
  if (ids->len == 0)
    return TRUE;

  if (!store_write (self, write_scan, &batch, error))
    return FALSE;
  if (!*more)
    {
      if (!store_write (self, write_thread_kinds, threads, error))
        return FALSE;
      g_hash_table_remove_all (threads);
    }
  return TRUE;
}

typedef struct
{
  GHashTable *threads;   /* touched by the batches so far */
  gboolean    again;
} ScanState;

static void
scan_state_free (gpointer data)
{
  ScanState *state = data;

  g_hash_table_unref (state->threads);
  g_free (state);
}

static void
scan_job (ConciergeStore *self,
          GTask          *task,
          gpointer        data)
{
  ScanState *state = data;
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;

  if (self->worker->scanner.func == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Scanning again starts by forgetting every result. */
  if (state->again)
    {
      state->again = FALSE;
      if (!store_exec (self, "UPDATE messages SET personal_data = NULL WHERE direction = 'in'", &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (!scan_batch (self, state->threads, &more, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!more)
    g_task_return_boolean (task, TRUE);
  else
    /* The next batch waits behind whatever came in meanwhile, such as the
     * agent opening a thread. */
    g_async_queue_push (self->worker->queue, g_object_ref (task));
}

/**
 * concierge_store_scan_async:
 * @again: whether to scan every customer message anew, as after the
 *   company's allowed data changed; otherwise only those never scanned
 *
 * Scans in batches with the scanner that concierge_store_set_scanner()
 * set, between the other jobs; the threads whose personal data changed
 * are announced as they change.
 */
void
concierge_store_scan_async (ConciergeStore      *self,
                            gboolean             again,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ScanState *state;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  state = g_new0 (ScanState, 1);
  state->threads = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  state->again = again;
  store_run (self, concierge_store_scan_async, G_PRIORITY_LOW, scan_job, state, scan_state_free,
             cancellable, callback, user_data);
}

gboolean
concierge_store_scan_finish (ConciergeStore  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_scan_async, error);
}
