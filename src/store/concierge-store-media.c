/* concierge-store-media.c
 *
 * Images kept for offline reading, and messages deleted on the platforms.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* Images and deleted messages */

void
concierge_image_download_free (ConciergeImageDownload *download)
{
  g_free (download->source);
  g_free (download);
}

gpointer
store_download_from_row (sqlite3_stmt *stmt)
{
  ConciergeImageDownload *download = g_new0 (ConciergeImageDownload, 1);

  download->image_id = sqlite3_column_int64 (stmt, 0);
  download->account_id = sqlite3_column_int64 (stmt, 1);
  download->source = column_dup (stmt, 2);
  return download;
}

static void
load_image_downloads_job (ConciergeStore *self,
                          GTask          *task,
                          gpointer        data)
{
  /* Newest first: those are the ones the agent is about to read. */
  static const char sql[] =
    "SELECT g.id, t.account_id, g.source FROM images g "
    "JOIN messages m ON m.id = g.message_id JOIN threads t ON t.id = m.thread_id "
    "WHERE g.data IS NULL AND g.attempts < " G_STRINGIFY (IMAGE_ATTEMPTS) " "
    "ORDER BY g.id DESC LIMIT ?";
  GError *error = NULL;
  GPtrArray *downloads;

  downloads = collect_rows (self, sql, *(guint *) data, store_download_from_row,
                            (GDestroyNotify) concierge_image_download_free, &error);
  if (downloads == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, downloads, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_store_load_image_downloads_async:
 * @limit: how many to return at most
 *
 * Finds the images whose bytes the cache does not hold yet, and which were
 * not given up on.
 */
void
concierge_store_load_image_downloads_async (ConciergeStore      *self,
                                            guint                limit,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_image_downloads_async, G_PRIORITY_LOW,
             load_image_downloads_job, g_memdup2 (&limit, sizeof limit), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_image_downloads_finish:
 *
 * Returns: (transfer container) (element-type ConciergeImageDownload): the
 *   downloads, newest image first
 */
GPtrArray *
concierge_store_load_image_downloads_finish (ConciergeStore  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_image_downloads_async, error);
}

/* An image's bytes as downloaded, or NULL for a download that failed. */
typedef struct
{
  gint64   image_id;
  GBytes  *data;
  gboolean file;      /* one of the files table, not an image */
} ImageBytes;

static void
image_bytes_free (gpointer data)
{
  ImageBytes *image = data;

  g_clear_pointer (&image->data, g_bytes_unref);
  g_free (image);
}

static void
save_image_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  static const char images_sql[] =
    "UPDATE images SET data = ?, attempts = attempts + 1 WHERE id = ? AND data IS NULL "
    "RETURNING (SELECT thread_id FROM messages WHERE id = images.message_id)";
  static const char files_sql[] =
    "UPDATE files SET data = ?, attempts = attempts + 1 WHERE id = ? AND data IS NULL "
    "RETURNING (SELECT thread_id FROM messages WHERE id = files.message_id)";
  ImageBytes *image = data;
  const char *sql = image->file ? files_sql : images_sql;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  gint64 thread_id = 0;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (image->data != NULL)
    sqlite3_bind_blob64 (stmt, 1, g_bytes_get_data (image->data, NULL), g_bytes_get_size (image->data),
                         SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, image->image_id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      thread_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Saving an image failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The conversation shows the image, or that it will not come. */
  if (thread_id != 0)
    store_notify_thread (self, thread_id);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_save_image_async:
 * @data: (nullable): the image's bytes, or %NULL for an attempt that failed
 *
 * Keeps an image for offline reading, or counts a failed download.
 */
static void
save_bytes (ConciergeStore      *self,
            gpointer             source_tag,
            gint64               id,
            gboolean             file,
            GBytes              *data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  ImageBytes *image = g_new0 (ImageBytes, 1);

  image->image_id = id;
  image->file = file;
  image->data = data ? g_bytes_ref (data) : NULL;
  store_run (self, source_tag, G_PRIORITY_LOW, save_image_job, image,
             image_bytes_free, cancellable, callback, user_data);
}

void
concierge_store_save_image_async (ConciergeStore      *self,
                                  gint64               image_id,
                                  GBytes              *data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  save_bytes (self, concierge_store_save_image_async, image_id, FALSE, data, cancellable, callback, user_data);
}

/**
 * concierge_store_save_file_async:
 * @file_id: the attachment's id in the store
 * @data: (nullable): the file's bytes, or %NULL for an attempt that failed
 *
 * Keeps a message's file for offline reading, or counts a failed download.
 */
void
concierge_store_save_file_async (ConciergeStore      *self,
                                 gint64               file_id,
                                 GBytes              *data,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  save_bytes (self, concierge_store_save_file_async, file_id, TRUE, data, cancellable, callback, user_data);
}

gboolean
concierge_store_save_file_finish (ConciergeStore  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_save_file_async, error);
}

gboolean
concierge_store_save_image_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_save_image_async, error);
}

static void
load_image_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  static const char images_sql[] = "SELECT data FROM images WHERE id = ? AND data IS NOT NULL";
  static const char files_sql[] = "SELECT data FROM files WHERE id = ? AND data IS NOT NULL";
  gint64 image_id = ((gint64 *) data)[0];
  const char *sql = ((gint64 *) data)[1] ? files_sql : images_sql;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sqlite3_bind_int64 (stmt, 1, image_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (&error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                 "No cached image %" G_GINT64_FORMAT, image_id);
  else
    set_sqlite_error (&error, store_db (self), rc, "Reading an image failed");
  sqlite3_reset (stmt);

  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
concierge_store_load_image_async (ConciergeStore      *self,
                                  gint64               image_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  gint64 ids[2] = { image_id, FALSE };

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_image_async, G_PRIORITY_DEFAULT, load_image_job,
             g_memdup2 (ids, sizeof ids), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_file_async:
 * @file_id: the attachment's id in the store
 *
 * Reads the bytes of a message's file that the cache keeps.
 */
void
concierge_store_load_file_async (ConciergeStore      *self,
                                 gint64               file_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  gint64 ids[2] = { file_id, TRUE };

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_file_async, G_PRIORITY_DEFAULT, load_image_job,
             g_memdup2 (ids, sizeof ids), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_file_finish:
 *
 * Returns: (transfer full): the file's bytes as the platform sent them
 */
GBytes *
concierge_store_load_file_finish (ConciergeStore  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_file_async, error);
}

/**
 * concierge_store_load_image_finish:
 *
 * Returns: (transfer full): the image's bytes as the platform sent them
 */
GBytes *
concierge_store_load_image_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_image_async, error);
}

/* Messages of a thread that their authors deleted on the platform. */
typedef struct
{
  gint64  thread_id;
  GStrv   remote_ids;
} DeletedMessages;

static void
deleted_messages_free (gpointer data)
{
  DeletedMessages *deleted = data;

  g_strfreev (deleted->remote_ids);
  g_free (deleted);
}

static gboolean
write_deleted (ConciergeStore  *self,
               gpointer         data,
               StoreChanges    *changes,
               GError         **error)
{
  static const char sql[] =
    "UPDATE messages SET deleted_at = ? WHERE thread_id = ? AND remote_id = ? AND deleted_at IS NULL";
  DeletedMessages *deleted = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; deleted->remote_ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt;

      if (!(stmt = store_prepare (self, sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, now);
      sqlite3_bind_int64 (stmt, 2, deleted->thread_id);
      bind_text (stmt, 3, deleted->remote_ids[i]);
      if (!store_step_done (self, stmt, error))
        return FALSE;
      if (sqlite3_changes (store_db (self)) > 0)
        store_changes_add_thread (changes, deleted->thread_id);
    }

  return TRUE;
}

static void
mark_deleted_job (ConciergeStore *self,
                  GTask          *task,
                  gpointer        data)
{
  store_write_task (self, task, write_deleted, data);
}

/**
 * concierge_store_mark_deleted_async:
 * @remote_ids: the messages' ids on the platform
 *
 * Marks messages of a thread that their authors deleted on the platform.
 * The cache keeps them for the agent.
 */
void
concierge_store_mark_deleted_async (ConciergeStore      *self,
                                    gint64               thread_id,
                                    const char * const  *remote_ids,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  DeletedMessages *deleted;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (remote_ids != NULL);

  deleted = g_new0 (DeletedMessages, 1);
  deleted->thread_id = thread_id;
  deleted->remote_ids = g_strdupv ((char **) remote_ids);
  store_run (self, concierge_store_mark_deleted_async, G_PRIORITY_DEFAULT, mark_deleted_job, deleted,
             deleted_messages_free, cancellable, callback, user_data);
}

gboolean
concierge_store_mark_deleted_finish (ConciergeStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_mark_deleted_async, error);
}
