/* concierge-store-threads.c
 *
 * Threads: reading them and their messages, their status, and the
 * counts of the inbox's views.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* Loading model objects from rows */

#define THREAD_COLUMNS                                                              \
  "t.id, t.account_id, t.contact_id, c.name, a.platform, t.visibility, t.remote_id, " \
  "t.snippet, t.status, t.snooze_until, t.waiting_since, t.first_response_at, "      \
  "t.last_activity_at, t.unread, t.moved_to_id, t.personal_data, t.last_incoming_at, " \
  "EXISTS (SELECT 1 FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id "             \
  "        WHERE tt.thread_id = t.id AND g.name = 'complaint'), t.audience "          \
  "FROM threads t JOIN accounts a ON a.id = t.account_id "                           \
  "LEFT JOIN contacts c ON c.id = t.contact_id "

static ConciergeThread *
thread_from_row (sqlite3_stmt *stmt)
{
  ConciergeThread *thread = concierge_thread_new_empty ();

  thread->id = sqlite3_column_int64 (stmt, 0);
  thread->account_id = sqlite3_column_int64 (stmt, 1);
  thread->contact_id = sqlite3_column_int64 (stmt, 2);
  thread->contact_name = column_dup (stmt, 3);
  thread->platform = column_dup (stmt, 4);
  concierge_visibility_from_string ((const char *) sqlite3_column_text (stmt, 5), &thread->visibility);
  thread->remote_id = column_dup (stmt, 6);
  thread->snippet = column_dup (stmt, 7);
  concierge_thread_status_from_string ((const char *) sqlite3_column_text (stmt, 8), &thread->status);
  thread->snooze_until = sqlite3_column_int64 (stmt, 9);
  thread->waiting_since = sqlite3_column_int64 (stmt, 10);
  thread->first_response_at = sqlite3_column_int64 (stmt, 11);
  thread->last_activity_at = sqlite3_column_int64 (stmt, 12);
  thread->unread = sqlite3_column_int (stmt, 13) != 0;
  thread->moved_to_id = sqlite3_column_int64 (stmt, 14);
  thread->personal_data = (guint) sqlite3_column_int64 (stmt, 15);
  thread->last_incoming_at = sqlite3_column_int64 (stmt, 16);
  thread->complaint = sqlite3_column_int (stmt, 17) != 0;
  concierge_audience_from_string ((const char *) sqlite3_column_text (stmt, 18), &thread->audience);

  return thread;
}

ConciergeIdentity *
identity_from_row (sqlite3_stmt *stmt,
                   int           first)
{
  ConciergeIdentity *identity = concierge_identity_new_empty ();

  identity->id = sqlite3_column_int64 (stmt, first);
  identity->contact_id = sqlite3_column_int64 (stmt, first + 1);
  identity->platform = column_dup (stmt, first + 2);
  identity->server_url = column_dup (stmt, first + 3);
  identity->remote_id = column_dup (stmt, first + 4);
  identity->handle = column_dup (stmt, first + 5);
  identity->display_name = column_dup (stmt, first + 6);

  return identity;
}

ConciergeMessage *
message_from_row (sqlite3_stmt *stmt)
{
  ConciergeMessage *message = concierge_message_new_empty ();

  message->id = sqlite3_column_int64 (stmt, 0);
  message->thread_id = sqlite3_column_int64 (stmt, 1);
  message->remote_id = column_dup (stmt, 2);
  concierge_direction_from_string ((const char *) sqlite3_column_text (stmt, 3), &message->direction);
  message->body = column_dup (stmt, 4);
  message->created_at = sqlite3_column_int64 (stmt, 5);
  message->edited_at = sqlite3_column_int64 (stmt, 6);
  concierge_send_state_from_string ((const char *) sqlite3_column_text (stmt, 7), &message->send_state);
  concierge_visibility_from_string ((const char *) sqlite3_column_text (stmt, 8), &message->visibility);
  if (sqlite3_column_type (stmt, 9) != SQLITE_NULL)
    message->author = identity_from_row (stmt, 9);
  message->send_error = column_dup (stmt, 16);
  message->content_warning = column_dup (stmt, 17);
  message->personal_data = column_dup (stmt, 18);
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 19), "hidden") == 0)
    message->taken_down = CONCIERGE_TAKEN_DOWN_HIDDEN;
  else if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 19), "removed") == 0)
    message->taken_down = CONCIERGE_TAKEN_DOWN_REMOVED;
  message->deleted_at = sqlite3_column_int64 (stmt, 20);
  concierge_audience_from_string ((const char *) sqlite3_column_text (stmt, 21), &message->audience);
  message->sent_elsewhere = sqlite3_column_int (stmt, 22) != 0;
  message->hidden_reason = column_dup (stmt, 23);
  message->moderation_error = column_dup (stmt, 24);

  return message;
}

ConciergeThread *
store_load_thread (ConciergeStore  *self,
                   gint64           id,
                   GError         **error)
{
  static const char sql[] = "SELECT " THREAD_COLUMNS "WHERE t.id = ?";
  sqlite3_stmt *stmt = store_prepare (self, sql, error);
  ConciergeThread *thread = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      thread = thread_from_row (stmt);
      store_add_row_facts (self, thread);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                 "No thread %" G_GINT64_FORMAT, id);
  else
    set_sqlite_error (error, store_db (self), rc, "Reading a thread failed");
  sqlite3_reset (stmt);

  return thread;
}

/* Thread status */

typedef struct
{
  gint64                thread_id;
  ConciergeThreadStatus status;
  gint64                snooze_until;
} StatusChange;

static void
set_thread_status_job (ConciergeStore *self,
                       GTask          *task,
                       gpointer        data)
{
  static const char sql[] = "UPDATE threads SET status = ?, snooze_until = ? WHERE id = ?";
  StatusChange *change = data;
  g_autoptr(GHashTable) touched = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  bind_text (stmt, 1, concierge_thread_status_to_string (change->status));
  bind_time (stmt, 2, change->status == CONCIERGE_THREAD_SNOOZED ? change->snooze_until : 0);
  sqlite3_bind_int64 (stmt, 3, change->thread_id);
  if (!store_step_done (self, stmt, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (sqlite3_changes (store_db (self)) == 0)
    {
      g_task_return_new_error (task, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                               "No thread %" G_GINT64_FORMAT, change->thread_id);
      return;
    }

  g_hash_table_add (touched, &change->thread_id);
  store_notify_threads (self, touched);
  g_task_return_boolean (task, TRUE);
}

void
concierge_store_set_thread_status_async (ConciergeStore        *self,
                                         gint64                 thread_id,
                                         ConciergeThreadStatus  status,
                                         gint64                 snooze_until,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data)
{
  StatusChange *change;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  change = g_new0 (StatusChange, 1);
  change->thread_id = thread_id;
  change->status = status;
  change->snooze_until = snooze_until;

  store_run (self, concierge_store_set_thread_status_async, G_PRIORITY_DEFAULT,
             set_thread_status_job, change, g_free,
             cancellable, callback, user_data);
}

gboolean
concierge_store_set_thread_status_finish (ConciergeStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_set_thread_status_async, error);
}

void
concierge_view_counts_free (ConciergeViewCounts *counts)
{
  if (counts == NULL)
    return;
  g_clear_pointer (&counts->accounts, g_array_unref);
  g_free (counts);
}

static void
count_views_job (ConciergeStore *self,
                 GTask          *task,
                 gpointer        data)
{
  /* One pass over the threads, in the status index's order. */
  static const char totals_sql[] =
    "SELECT total (status IN ('open', 'pending')), "
    "  total (status IN ('open', 'pending') AND visibility = 'public'), "
    "  total (status IN ('open', 'pending') AND visibility = 'private'), "
    "  total (status IN ('open', 'pending') AND visibility = 'public' AND personal_data != 0), "
    "  total (status = 'snoozed'), total (status = 'resolved') FROM threads";
  static const char accounts_sql[] =
    "SELECT a.id, count (t.id) FROM accounts a "
    "LEFT JOIN threads t ON t.account_id = a.id AND t.status IN ('open', 'pending') "
    "WHERE NOT a.signed_out GROUP BY a.id ORDER BY a.id";
  g_autoptr(ConciergeViewCounts) counts = g_new0 (ConciergeViewCounts, 1);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  counts->accounts = g_array_new (FALSE, FALSE, sizeof (ConciergeAccountCount));
  if (!(stmt = store_prepare (self, totals_sql, &error)))
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      counts->open = sqlite3_column_int (stmt, 0);
      counts->public_open = sqlite3_column_int (stmt, 1);
      counts->private_open = sqlite3_column_int (stmt, 2);
      counts->flagged = sqlite3_column_int (stmt, 3);
      counts->snoozed = sqlite3_column_int (stmt, 4);
      counts->resolved = sqlite3_column_int (stmt, 5);
    }
  sqlite3_reset (stmt);

  if (!(stmt = store_prepare (self, accounts_sql, &error)))
    goto fail;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      ConciergeAccountCount count = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int (stmt, 1) };

      g_array_append_val (counts->accounts, count);
    }
  sqlite3_reset (stmt);

  g_task_return_pointer (task, g_steal_pointer (&counts), (GDestroyNotify) concierge_view_counts_free);
  return;

fail:
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * concierge_store_count_views_async:
 *
 * Counts the threads of each inbox view: open, public, private, with
 * personal data in public, snoozed, resolved, and open per account.
 */
void
concierge_store_count_views_async (ConciergeStore      *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_count_views_async, G_PRIORITY_LOW, count_views_job, NULL, NULL,
             cancellable, callback, user_data);
}

ConciergeViewCounts *
concierge_store_count_views_finish (ConciergeStore  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_count_views_async, error);
}

/* The threads whose snooze ended by a time, and how many those were. */
typedef struct
{
  gint64 now;
  guint  woken;
} Wakeup;

static gboolean
write_wake_snoozed (ConciergeStore  *self,
                    gpointer         data,
                    StoreChanges    *changes,
                    GError         **error)
{
  static const char select_sql[] =
    "SELECT id FROM threads WHERE status = 'snoozed' AND snooze_until <= ?";
  static const char wake_sql[] =
    "UPDATE threads SET status = 'open', snooze_until = NULL WHERE status = 'snoozed' AND snooze_until <= ?";
  Wakeup *wakeup = data;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, select_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, wakeup->now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    store_changes_add_thread (changes, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  if (!(stmt = store_prepare (self, wake_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, wakeup->now);
  if (!store_step_done (self, stmt, error))
    return FALSE;

  wakeup->woken = g_hash_table_size (changes->threads);
  return TRUE;
}

static void
wake_snoozed_job (ConciergeStore *self,
                  GTask          *task,
                  gpointer        data)
{
  GError *error = NULL;

  if (!store_write (self, write_wake_snoozed, data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, ((Wakeup *) data)->woken);
}

/**
 * concierge_store_wake_snoozed_async:
 * @now: Unix time
 *
 * Opens again the threads whose snooze ended by @now.
 */
void
concierge_store_wake_snoozed_async (ConciergeStore      *self,
                                    gint64               now,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Wakeup *wakeup;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  wakeup = g_new0 (Wakeup, 1);
  wakeup->now = now;
  store_run (self, concierge_store_wake_snoozed_async, G_PRIORITY_DEFAULT, wake_snoozed_job,
             wakeup, g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_wake_snoozed_finish:
 *
 * Returns: how many threads woke, or -1 with @error set
 */
int
concierge_store_wake_snoozed_finish (ConciergeStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return store_finish_int (self, result, concierge_store_wake_snoozed_async, error);
}

static void
load_threads_job (ConciergeStore *self,
                  GTask          *task,
                  gpointer        data)
{
  GArray *ids = data;
  g_autoptr(GPtrArray) threads = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;
      ConciergeThread *thread = store_load_thread (self, g_array_index (ids, gint64, i), &error);

      if (thread != NULL)
        g_ptr_array_add (threads, thread);
      else if (!g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&threads), (GDestroyNotify) g_ptr_array_unref);
}

GArray *
id_array_new (const gint64 *ids,
              guint         n_ids)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);

  g_array_append_vals (array, ids, n_ids);
  return array;
}

/**
 * concierge_store_load_threads_async:
 *
 * Loads the threads with these ids, in this order. Ids that no longer exist
 * are left out. The result arrives at @io_priority on the caller's main
 * context: below the frame clock's priority, frames are drawn first.
 */
void
concierge_store_load_threads_async (ConciergeStore      *self,
                                    const gint64        *ids,
                                    guint                n_ids,
                                    int                  io_priority,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  store_run (self, concierge_store_load_threads_async, io_priority,
             load_threads_job, id_array_new (ids, n_ids), (GDestroyNotify) g_array_unref,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_threads_finish:
 *
 * Returns: (transfer container) (element-type ConciergeThread): the threads
 */
GPtrArray *
concierge_store_load_threads_finish (ConciergeStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_threads_async, error);
}

/* Messages and contacts */

/* The rows that @stmt, prepared and bound, reads. */
GPtrArray *
read_rows (ConciergeStore  *self,
           sqlite3_stmt    *stmt,
           gpointer       (*from_row) (sqlite3_stmt *),
           GDestroyNotify   free_row,
           GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/* The rows of @sql, whose one parameter, if it has one, is @id. */
GPtrArray *
collect_rows (ConciergeStore  *self,
              const char      *sql,
              gint64           id,
              gpointer       (*from_row) (sqlite3_stmt *),
              GDestroyNotify   free_row,
              GError         **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return NULL;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  return read_rows (self, stmt, from_row, free_row, error);
}

/* Returns @rows, objects, to @task, or else @error. */
void
return_rows (GTask     *task,
             GPtrArray *rows,
             GError    *error)
{
  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

/* By time; a note written in the same second as a message follows it. */
static int
compare_by_time (gconstpointer a,
                 gconstpointer b)
{
  ConciergeMessage *x = *(ConciergeMessage **) a;
  ConciergeMessage *y = *(ConciergeMessage **) b;

  if (x->created_at != y->created_at)
    return x->created_at < y->created_at ? -1 : 1;
  if (x->note != y->note)
    return x->note ? 1 : -1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* The thread's internal notes stand among its messages. */
static gboolean
add_notes (ConciergeStore  *self,
           gint64           thread_id,
           GPtrArray       *messages,
           GError         **error)
{
  static const char sql[] = "SELECT id, body, created_at FROM notes WHERE thread_id = ?";
  sqlite3_stmt *stmt;
  gboolean any = FALSE;
  int rc;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, thread_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConciergeMessage *note = concierge_message_new_empty ();

      note->id = sqlite3_column_int64 (stmt, 0);
      note->thread_id = thread_id;
      note->direction = CONCIERGE_DIRECTION_OUT;
      note->body = column_dup (stmt, 1);
      note->created_at = sqlite3_column_int64 (stmt, 2);
      note->note = TRUE;
      g_ptr_array_add (messages, note);
      any = TRUE;
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the notes failed");
      return FALSE;
    }
  if (any)
    g_ptr_array_sort (messages, compare_by_time);
  return TRUE;
}

static void
load_messages_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  static const char sql[] =
    "SELECT " MESSAGE_COLUMNS "WHERE m.thread_id = ? ORDER BY m.created_at, m.id";
  static const char images_sql[] =
    "SELECT g.message_id, g.id, g.source, g.description, g.width, g.height, "
    "g.data IS NOT NULL, g.attempts "
    "FROM images g JOIN messages m ON m.id = g.message_id "
    "WHERE m.thread_id = ? ORDER BY g.message_id, g.position";
  gint64 thread_id = *(gint64 *) data;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(messages = collect_rows (self, sql, thread_id, (gpointer) message_from_row, g_object_unref, &error)) ||
      !(stmt = store_prepare (self, images_sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);

      g_hash_table_insert (by_id, &message->id, message);
    }

  sqlite3_bind_int64 (stmt, 1, thread_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 message_id = sqlite3_column_int64 (stmt, 0);
      ConciergeMessage *message = g_hash_table_lookup (by_id, &message_id);
      g_autoptr(ConciergeImage) image = concierge_image_new_empty ();

      image->id = sqlite3_column_int64 (stmt, 1);
      image->source = column_dup (stmt, 2);
      image->description = column_dup (stmt, 3);
      image->width = sqlite3_column_int (stmt, 4);
      image->height = sqlite3_column_int (stmt, 5);
      if (sqlite3_column_int (stmt, 6))
        image->state = CONCIERGE_IMAGE_CACHED;
      else if (sqlite3_column_int (stmt, 7) >= IMAGE_ATTEMPTS)
        image->state = CONCIERGE_IMAGE_FAILED;
      if (message != NULL)
        concierge_message_add_image (message, image);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE || !store_add_files (self, thread_id, by_id, &error) ||
      !add_notes (self, thread_id, messages, &error))
    {
      if (error == NULL)
        set_sqlite_error (&error, store_db (self), rc, "Reading the cache failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&messages), (GDestroyNotify) g_ptr_array_unref);
}

void
concierge_store_load_messages_async (ConciergeStore      *self,
                                     gint64               thread_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_messages_async, G_PRIORITY_DEFAULT,
             load_messages_job, g_memdup2 (&thread_id, sizeof thread_id), g_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_messages_finish:
 *
 * Returns: (transfer container) (element-type ConciergeMessage): the thread's
 *   messages, oldest first
 */
GPtrArray *
concierge_store_load_messages_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_messages_async, error);
}

static void
load_contact_threads_job (ConciergeStore *self,
                          GTask          *task,
                          gpointer        data)
{
  static const char sql[] =
    "SELECT " THREAD_COLUMNS "WHERE t.contact_id = ? ORDER BY t.last_activity_at DESC, t.id DESC";
  GError *error = NULL;
  GPtrArray *threads = collect_rows (self, sql, *(gint64 *) data, (gpointer) thread_from_row, g_object_unref,
                                     &error);

  return_rows (task, threads, error);
}

void
concierge_store_load_contact_threads_async (ConciergeStore      *self,
                                            gint64               contact_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_contact_threads_async, G_PRIORITY_DEFAULT,
             load_contact_threads_job, g_memdup2 (&contact_id, sizeof contact_id), g_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_contact_threads_finish:
 *
 * Returns: (transfer container) (element-type ConciergeThread): the
 *   customer's threads on every channel, newest first
 */
GPtrArray *
concierge_store_load_contact_threads_finish (ConciergeStore  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_contact_threads_async, error);
}

static void
mark_read_job (ConciergeStore *self,
               GTask          *task,
               gpointer        data)
{
  static const char sql[] = "UPDATE threads SET unread = 0 WHERE id = ? AND unread = 1";
  gint64 thread_id = *(gint64 *) data;
  g_autoptr(GError) error = NULL;
  int changed = store_change_row (self, sql, thread_id, &error);

  if (changed < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (changed > 0)
    store_notify_thread (self, thread_id);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_mark_read_async:
 *
 * Marks a thread as read by the agent.
 */
void
concierge_store_mark_read_async (ConciergeStore      *self,
                                 gint64               thread_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_mark_read_async, G_PRIORITY_DEFAULT, mark_read_job,
             g_memdup2 (&thread_id, sizeof thread_id), g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_mark_read_finish (ConciergeStore  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_mark_read_async, error);
}
