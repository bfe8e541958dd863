/* concierge-store-notes.c
 *
 * Internal notes and the agent's drafts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* A note or a draft, and its thread. */
typedef struct
{
  gint64  thread_id;
  char   *text;
} ThreadText;

static void
thread_text_free (gpointer data)
{
  ThreadText *text = data;

  g_free (text->text);
  g_free (text);
}

static ThreadText *
thread_text_new (gint64      thread_id,
                 const char *text)
{
  ThreadText *thread_text = g_new0 (ThreadText, 1);

  thread_text->thread_id = thread_id;
  thread_text->text = g_strdup (text);
  return thread_text;
}

void
run_statement (ConciergeStore *self,
               GTask          *task,
               sqlite3_stmt   *stmt,
               gint64          notify_thread_id)
{
  g_autoptr(GError) error = NULL;

  if (!store_step_done (self, stmt, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (notify_thread_id != 0)
    store_notify_thread (self, notify_thread_id);
  g_task_return_boolean (task, TRUE);
}

static void
add_note_job (ConciergeStore *self,
              GTask          *task,
              gpointer        data)
{
  static const char sql[] = "INSERT INTO notes (thread_id, author, body, created_at) VALUES (?, '', ?, ?)";
  ThreadText *note = data;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, note->thread_id);
  bind_text (stmt, 2, note->text);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  run_statement (self, task, stmt, note->thread_id);
}

/**
 * concierge_store_add_note_async:
 * @text: the note, for the team only
 *
 * Adds an internal note to a thread. It stands among the messages and is
 * never sent.
 */
void
concierge_store_add_note_async (ConciergeStore      *self,
                                gint64               thread_id,
                                const char          *text,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (text != NULL);

  store_run (self, concierge_store_add_note_async, G_PRIORITY_DEFAULT, add_note_job,
             thread_text_new (thread_id, text), thread_text_free, cancellable, callback, user_data);
}

gboolean
concierge_store_add_note_finish (ConciergeStore  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_add_note_async, error);
}

static void
save_draft_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  static const char save_sql[] =
    "INSERT INTO drafts (thread_id, text, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (thread_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at";
  static const char delete_sql[] = "DELETE FROM drafts WHERE thread_id = ?";
  ThreadText *draft = data;
  g_autoptr(GError) error = NULL;
  gboolean empty = draft->text == NULL || draft->text[0] == '\0';
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, empty ? delete_sql : save_sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, draft->thread_id);
  if (!empty)
    {
      bind_text (stmt, 2, draft->text);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
    }
  run_statement (self, task, stmt, 0);
}

/**
 * concierge_store_save_draft_async:
 * @text: (nullable): what the agent wrote so far; empty or %NULL removes
 *   the draft
 *
 * Keeps the reply the agent started in a thread, across restarts.
 */
void
concierge_store_save_draft_async (ConciergeStore      *self,
                                  gint64               thread_id,
                                  const char          *text,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_save_draft_async, G_PRIORITY_DEFAULT, save_draft_job,
             thread_text_new (thread_id, text), thread_text_free, cancellable, callback, user_data);
}

gboolean
concierge_store_save_draft_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_save_draft_async, error);
}

static void
load_draft_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  static const char sql[] = "SELECT text FROM drafts WHERE thread_id = ?";
  gint64 thread_id = *(gint64 *) data;
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, thread_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    text = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading a draft failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, text ? text : g_strdup (""), g_free);
}

void
concierge_store_load_draft_async (ConciergeStore      *self,
                                  gint64               thread_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_draft_async, G_PRIORITY_DEFAULT, load_draft_job,
             g_memdup2 (&thread_id, sizeof thread_id), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_draft_finish:
 *
 * Returns: (transfer full): the draft; empty for none
 */
char *
concierge_store_load_draft_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_draft_async, error);
}
