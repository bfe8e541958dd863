/* concierge-store-files.c
 *
 * The files in messages: written with their messages, read back with
 * their threads, and the ones to download for offline reading.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* An edit may bring files; those the cache has keep their bytes. */
gboolean
store_ingest_files (ConciergeStore    *self,
                    gint64             message_id,
                    ConciergeMessage  *message,
                    GError           **error)
{
  static const char sql[] =
    "INSERT INTO files (message_id, position, kind, source, name, mime_type, size, duration) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, position) DO NOTHING";

  for (guint i = 0; message->attachments != NULL && i < message->attachments->len; i++)
    {
      ConciergeAttachment *file = g_ptr_array_index (message->attachments, i);
      sqlite3_stmt *stmt;

      if (!(stmt = store_prepare (self, sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, concierge_attachment_kind_to_string (file->kind));
      bind_text (stmt, 4, file->source);
      bind_text (stmt, 5, file->name);
      bind_text (stmt, 6, file->mime_type);
      sqlite3_bind_int64 (stmt, 7, file->size);
      sqlite3_bind_int64 (stmt, 8, file->duration);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* Gives the thread's messages, found by their ids, their files. */
gboolean
store_add_files (ConciergeStore  *self,
                 gint64           thread_id,
                 GHashTable      *by_id,
                 GError         **error)
{
  static const char sql[] =
    "SELECT f.message_id, f.id, f.kind, f.source, f.name, f.mime_type, f.size, f.duration, "
    "f.data IS NOT NULL, f.attempts >= " G_STRINGIFY (IMAGE_ATTEMPTS) " "
    "FROM files f JOIN messages m ON m.id = f.message_id "
    "WHERE m.thread_id = ? ORDER BY f.message_id, f.position";
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, thread_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 message_id = sqlite3_column_int64 (stmt, 0);
      ConciergeMessage *message = g_hash_table_lookup (by_id, &message_id);
      ConciergeAttachmentKind kind = CONCIERGE_ATTACHMENT_DOCUMENT;
      g_autoptr(ConciergeAttachment) file = NULL;

      concierge_attachment_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &kind);
      file = concierge_attachment_new (kind, (const char *) sqlite3_column_text (stmt, 3),
                                       (const char *) sqlite3_column_text (stmt, 4),
                                       (const char *) sqlite3_column_text (stmt, 5),
                                       sqlite3_column_int64 (stmt, 6), sqlite3_column_int64 (stmt, 7));
      file->id = sqlite3_column_int64 (stmt, 1);
      file->cached = sqlite3_column_int (stmt, 8);
      file->failed = !file->cached && sqlite3_column_int (stmt, 9);
      if (message != NULL)
        concierge_message_add_attachment (message, file);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint  limit;
  gint64 max_bytes;
} FileDownloads;

static void
load_file_downloads_job (ConciergeStore *self,
                         GTask          *task,
                         gpointer        data)
{
  /* Documents only: what the agent opens to read. A file whose size the
   * platform did not say is not asked for, since it may be of any size. */
  static const char sql[] =
    "SELECT f.id, t.account_id, f.source FROM files f "
    "JOIN messages m ON m.id = f.message_id JOIN threads t ON t.id = m.thread_id "
    "WHERE f.data IS NULL AND f.attempts < " G_STRINGIFY (IMAGE_ATTEMPTS) " "
    "AND f.kind = 'document' AND f.size > 0 AND f.size <= ? "
    "ORDER BY f.id DESC LIMIT ?";
  FileDownloads *query = data;
  g_autoptr(GPtrArray) downloads = g_ptr_array_new_with_free_func ((GDestroyNotify) concierge_image_download_free);
  GError *error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  sqlite3_bind_int64 (stmt, 1, query->max_bytes);
  sqlite3_bind_int (stmt, 2, query->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (downloads, store_download_from_row (stmt));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the cache failed");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&downloads), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_store_load_file_downloads_async:
 * @limit: how many to return at most
 * @max_bytes: the largest file to download
 *
 * Finds the documents whose bytes the cache does not hold yet, not larger
 * than @max_bytes, and which were not given up on.
 */
void
concierge_store_load_file_downloads_async (ConciergeStore      *self,
                                           guint                limit,
                                           gint64               max_bytes,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  FileDownloads *query;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  query = g_new0 (FileDownloads, 1);
  query->limit = limit;
  query->max_bytes = max_bytes;
  store_run (self, concierge_store_load_file_downloads_async, G_PRIORITY_LOW,
             load_file_downloads_job, query, g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_file_downloads_finish:
 *
 * Returns: (transfer container) (element-type ConciergeImageDownload): the
 *   downloads, newest file first, each with the file's id as its image_id
 */
GPtrArray *
concierge_store_load_file_downloads_finish (ConciergeStore  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_file_downloads_async, error);
}
