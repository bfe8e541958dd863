/* concierge-store-saved-replies.c
 *
 * Saved replies: the texts an agent answers with often.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "concierge-store-private.h"

/* Saved replies */

static gpointer
saved_reply_from_row (sqlite3_stmt *stmt)
{
  ConciergeSavedReply *reply = concierge_saved_reply_new ((const char *) sqlite3_column_text (stmt, 1),
                                                          (const char *) sqlite3_column_text (stmt, 2),
                                                          CONCIERGE_LANGUAGE_UNKNOWN,
                                                          CONCIERGE_ADDRESS_UNKNOWN);

  reply->id = sqlite3_column_int64 (stmt, 0);
  concierge_language_from_string ((const char *) sqlite3_column_text (stmt, 3), &reply->language);
  concierge_address_from_string ((const char *) sqlite3_column_text (stmt, 4), &reply->address);
  reply->updated_at = sqlite3_column_int64 (stmt, 5);
  return reply;
}

typedef struct
{
  char                *key;
  ConciergeSavedReply *reply;
} TitleKey;

static int
compare_title_keys (gconstpointer a,
                    gconstpointer b)
{
  const TitleKey *first = a, *second = b;
  int order = strcmp (first->key, second->key);

  return order != 0 ? order : (first->reply->id > second->reply->id) - (first->reply->id < second->reply->id);
}

/* By title as people read it: in the language's order, whatever the case.
 * SQLite's NOCASE knows only ASCII, and would put "Überweisung" after
 * "Zahlung". */
static void
sort_by_title (GPtrArray *replies)
{
  g_autoptr(GArray) keys = g_array_sized_new (FALSE, FALSE, sizeof (TitleKey), replies->len);

  for (guint i = 0; i < replies->len; i++)
    {
      ConciergeSavedReply *reply = g_ptr_array_index (replies, i);
      g_autofree char *folded = g_utf8_casefold (reply->title, -1);
      TitleKey key = { g_utf8_collate_key (folded, -1), reply };

      g_array_append_val (keys, key);
    }
  g_array_sort (keys, compare_title_keys);

  for (guint i = 0; i < keys->len; i++)
    {
      TitleKey *key = &g_array_index (keys, TitleKey, i);

      replies->pdata[i] = key->reply;
      g_free (key->key);
    }
}

static void
load_saved_replies_job (ConciergeStore *self,
                        GTask          *task,
                        gpointer        data)
{
  static const char sql[] =
    "SELECT id, title, text, language, address, updated_at FROM saved_replies";
  GError *error = NULL;
  GPtrArray *replies;

  replies = collect_rows (self, sql, 0, saved_reply_from_row, g_object_unref, &error);
  if (replies == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  sort_by_title (replies);
  g_task_return_pointer (task, replies, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_store_load_saved_replies_async:
 *
 * Reads every saved reply, ordered by title whatever its case.
 */
void
concierge_store_load_saved_replies_async (ConciergeStore      *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_saved_replies_async, G_PRIORITY_DEFAULT, load_saved_replies_job,
             NULL, NULL, cancellable, callback, user_data);
}

/**
 * concierge_store_load_saved_replies_finish:
 *
 * Returns: (transfer container) (element-type ConciergeSavedReply): the
 *   saved replies, by title
 */
GPtrArray *
concierge_store_load_saved_replies_finish (ConciergeStore  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_saved_replies_async, error);
}

/* What the table's checks would refuse, refused in words. */
static gboolean
check_saved_reply (ConciergeSavedReply  *reply,
                   GError              **error)
{
  if (reply->title[0] == '\0' || reply->text[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A saved reply needs a title and a text."));
      return FALSE;
    }
  if (concierge_language_to_string (reply->language) == NULL ||
      concierge_address_to_string (reply->address) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A saved reply needs a language and a form of address."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_saved_reply (ConciergeStore       *self,
                    ConciergeSavedReply  *reply,
                    gint64                now,
                    gint64               *id,
                    GError              **error)
{
  static const char sql[] =
    "INSERT INTO saved_replies (title, text, language, address, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  bind_text (stmt, 1, reply->title);
  bind_text (stmt, 2, reply->text);
  bind_text (stmt, 3, concierge_language_to_string (reply->language));
  bind_text (stmt, 4, concierge_address_to_string (reply->address));
  sqlite3_bind_int64 (stmt, 5, now);
  if (!store_step_done (self, stmt, error))
    return FALSE;

  *id = sqlite3_last_insert_rowid (store_db (self));
  return TRUE;
}

static void
save_saved_reply_job (ConciergeStore *self,
                      GTask          *task,
                      gpointer        data)
{
  static const char update_sql[] =
    "UPDATE saved_replies SET title = ?, text = ?, language = ?, address = ?, updated_at = ? WHERE id = ?";
  ConciergeSavedReply *reply = data;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id = reply->id;
  sqlite3_stmt *stmt;

  if (!check_saved_reply (reply, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (id == 0)
    {
      if (!insert_saved_reply (self, reply, now, &id, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      if (!(stmt = store_prepare (self, update_sql, &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      bind_text (stmt, 1, reply->title);
      bind_text (stmt, 2, reply->text);
      bind_text (stmt, 3, concierge_language_to_string (reply->language));
      bind_text (stmt, 4, concierge_address_to_string (reply->address));
      sqlite3_bind_int64 (stmt, 5, now);
      sqlite3_bind_int64 (stmt, 6, id);
      if (!store_step_done (self, stmt, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (sqlite3_changes (store_db (self)) == 0)
        {
          g_task_return_new_error (task, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                                   _("The saved reply “%s” was deleted meanwhile."), reply->title);
          return;
        }
    }

  store_notify_change (self, SAVED_REPLIES_CHANGED, 0);
  g_task_return_int (task, id);
}

/**
 * concierge_store_save_saved_reply_async:
 * @reply: a new reply, whose id is 0, or one the store keeps
 *
 * Adds @reply, or writes its changes. It needs a title, a text, a
 * language and a form of address.
 */
void
concierge_store_save_saved_reply_async (ConciergeStore      *self,
                                        ConciergeSavedReply *reply,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY (reply));

  /* The worker's own copy, which the caller may go on changing. */
  store_run (self, concierge_store_save_saved_reply_async, G_PRIORITY_DEFAULT, save_saved_reply_job,
             concierge_saved_reply_copy (reply), g_object_unref, cancellable, callback, user_data);
}

/**
 * concierge_store_save_saved_reply_finish:
 *
 * Returns: the reply's id, which a new reply got now; 0 with @error set
 */
gint64
concierge_store_save_saved_reply_finish (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  gssize id = store_finish_int (self, result, concierge_store_save_saved_reply_async, error);

  return id > 0 ? id : 0;
}

static void
delete_saved_reply_job (ConciergeStore *self,
                        GTask          *task,
                        gpointer        data)
{
  static const char sql[] = "DELETE FROM saved_replies WHERE id = ?";
  gint64 reply_id = *(gint64 *) data;
  g_autoptr(GError) error = NULL;
  int changed = store_change_row (self, sql, reply_id, &error);

  if (changed < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (changed == 0)
    g_task_return_new_error (task, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                             "No saved reply %" G_GINT64_FORMAT, reply_id);
  else
    {
      store_notify_change (self, SAVED_REPLIES_CHANGED, 0);
      g_task_return_boolean (task, TRUE);
    }
}

void
concierge_store_delete_saved_reply_async (ConciergeStore      *self,
                                          gint64               reply_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_delete_saved_reply_async, G_PRIORITY_DEFAULT, delete_saved_reply_job,
             g_memdup2 (&reply_id, sizeof reply_id), g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_delete_saved_reply_finish (ConciergeStore  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_delete_saved_reply_async, error);
}

/* Replies from a team's file, and how many of them were new. */
typedef struct
{
  GPtrArray *replies;
  guint      added;
} ReplyImport;

static void
reply_import_free (gpointer data)
{
  ReplyImport *import = data;

  g_ptr_array_unref (import->replies);
  g_free (import);
}

static gboolean
write_reply_import (ConciergeStore  *self,
                    gpointer         data,
                    StoreChanges    *changes,
                    GError         **error)
{
  static const char exists_sql[] = "SELECT 1 FROM saved_replies WHERE title = ? AND text = ?";
  ReplyImport *import = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* A reply twice in the file is added once, too: the first is found. */
  for (guint i = 0; i < import->replies->len; i++)
    {
      ConciergeSavedReply *reply = g_ptr_array_index (import->replies, i);
      sqlite3_stmt *stmt;
      gint64 id;
      int rc;

      if (!(stmt = store_prepare (self, exists_sql, error)))
        return FALSE;
      bind_text (stmt, 1, reply->title);
      bind_text (stmt, 2, reply->text);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_ROW)
        continue;
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, store_db (self), rc, "Reading the saved replies failed");
          return FALSE;
        }

      if (!insert_saved_reply (self, reply, now, &id, error))
        return FALSE;
      import->added++;
    }

  changes->saved_replies = import->added > 0;
  return TRUE;
}

static void
import_saved_replies_job (ConciergeStore *self,
                          GTask          *task,
                          gpointer        data)
{
  ReplyImport *import = data;
  GError *error = NULL;

  for (guint i = 0; i < import->replies->len; i++)
    if (!check_saved_reply (g_ptr_array_index (import->replies, i), &error))
      {
        g_task_return_error (task, error);
        return;
      }

  if (!store_write (self, write_reply_import, import, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, import->added);
}

/**
 * concierge_store_import_saved_replies_async:
 * @replies: (element-type ConciergeSavedReply): replies to add, as a
 *   team's file brings them; their ids do not count
 *
 * Adds @replies in one transaction: all of them, or none. A reply whose
 * title and text equal one already kept is skipped.
 */
void
concierge_store_import_saved_replies_async (ConciergeStore      *self,
                                            GPtrArray           *replies,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  ReplyImport *import;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (replies != NULL);

  import = g_new0 (ReplyImport, 1);
  import->replies = g_ptr_array_new_full (replies->len, g_object_unref);
  for (guint i = 0; i < replies->len; i++)
    g_ptr_array_add (import->replies, concierge_saved_reply_copy (g_ptr_array_index (replies, i)));
  store_run (self, concierge_store_import_saved_replies_async, G_PRIORITY_DEFAULT, import_saved_replies_job,
             import, reply_import_free, cancellable, callback, user_data);
}

/**
 * concierge_store_import_saved_replies_finish:
 *
 * Returns: how many replies were added, or -1 with @error set
 */
int
concierge_store_import_saved_replies_finish (ConciergeStore  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return store_finish_int (self, result, concierge_store_import_saved_replies_async, error);
}
