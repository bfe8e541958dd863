/* concierge-store-accounts.c
 *
 * Accounts: adding, signing out and removing them, and their sync cursors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-store-private.h"

/* Accounts */

/* Only an account that does not know its remote user's id yet learns it,
 * once. Where another account of the profile has that id already, the same
 * one added twice before ids were kept, OR IGNORE leaves this one as it is
 * rather than break the uniqueness of accounts. */
gboolean
store_identify_account (ConciergeStore  *self,
                        gint64           account_id,
                        const char      *remote_user_id,
                        GError         **error)
{
  static const char sql[] =
    "UPDATE OR IGNORE accounts SET remote_user_id = ?2 WHERE id = ?1 AND remote_user_id = ''";
  sqlite3_stmt *stmt = store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, remote_user_id);
  return store_step_done (self, stmt, error);
}

typedef struct
{
  ConciergeAccount *account;
  gboolean          renewed;  /* written by the worker before the task returns */
} AddAccount;

static void
add_account_free (gpointer data)
{
  AddAccount *adding = data;

  g_object_unref (adding->account);
  g_free (adding);
}

static void
add_account_job (ConciergeStore *self,
                 GTask          *task,
                 gpointer        data)
{
  static const char known_sql[] =
    "SELECT EXISTS (SELECT 1 FROM accounts WHERE platform = ? AND server_url = ? AND remote_user_id = ?)";
  static const char sql[] =
    "INSERT INTO accounts (platform, display_name, handle, server_url, remote_user_id) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (platform, server_url, remote_user_id) "
    "DO UPDATE SET display_name = excluded.display_name, handle = excluded.handle, signed_out = 0 "
    "RETURNING id";
  AddAccount *adding = data;
  ConciergeAccount *account = adding->account;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  ConciergeAccount *result;
  int rc;

  if (!(stmt = store_prepare (self, known_sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bind_text (stmt, 1, account->platform);
  bind_text (stmt, 2, account->server_url);
  bind_text (stmt, 3, account->remote_user_id);
  rc = sqlite3_step (stmt);
  adding->renewed = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  bind_text (stmt, 1, account->platform);
  bind_text (stmt, 2, account->display_name);
  bind_text (stmt, 3, account->handle);
  bind_text (stmt, 4, account->server_url);
  bind_text (stmt, 5, account->remote_user_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (&error, store_db (self), rc, "Saving the account failed");
      sqlite3_reset (stmt);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = concierge_account_new (account->platform, account->display_name, account->handle,
                                  account->server_url, account->remote_user_id);
  result->id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  g_task_return_pointer (task, result, g_object_unref);
}

/**
 * concierge_store_add_account_async:
 *
 * Saves @account, or renews the one with the same platform, server and
 * remote user: it takes the new name and handle, and is no longer signed
 * out. The result is a copy that carries the account's id.
 */
void
concierge_store_add_account_async (ConciergeStore      *self,
                                   ConciergeAccount    *account,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  AddAccount *adding;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));

  adding = g_new0 (AddAccount, 1);
  adding->account = g_object_ref (account);
  store_run (self, concierge_store_add_account_async, G_PRIORITY_DEFAULT,
             add_account_job, adding, add_account_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_add_account_finish:
 * @renewed: (out) (optional): whether the account was there already
 */
ConciergeAccount *
concierge_store_add_account_finish (ConciergeStore  *self,
                                    GAsyncResult    *result,
                                    gboolean        *renewed,
                                    GError         **error)
{
  StoreJob *job;

  if (!store_result_is_from (self, result, concierge_store_add_account_async))
    return NULL;

  job = g_task_get_task_data (G_TASK (result));
  if (renewed != NULL)
    *renewed = ((AddAccount *) job->data)->renewed;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_accounts_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  static const char sql[] =
    "SELECT id, platform, display_name, handle, server_url, remote_user_id, signed_out "
    "FROM accounts ORDER BY id";
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConciergeAccount *account = concierge_account_new_empty ();

      account->id = sqlite3_column_int64 (stmt, 0);
      account->platform = column_dup (stmt, 1);
      account->display_name = column_dup (stmt, 2);
      account->handle = column_dup (stmt, 3);
      account->server_url = column_dup (stmt, 4);
      account->remote_user_id = column_dup (stmt, 5);
      account->signed_out = sqlite3_column_int (stmt, 6) != 0;
      g_ptr_array_add (accounts, account);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the accounts failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&accounts), (GDestroyNotify) g_ptr_array_unref);
}

void
concierge_store_load_accounts_async (ConciergeStore      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_accounts_async, G_PRIORITY_DEFAULT,
             load_accounts_job, NULL, NULL,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_accounts_finish:
 *
 * Returns: (transfer container) (element-type ConciergeAccount): the accounts
 */
GPtrArray *
concierge_store_load_accounts_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_accounts_async, error);
}

/* Removing an account and signing it out are one statement on its row. */
typedef struct
{
  gint64      account_id;
  const char *sql;
} AccountJob;

static void
account_job (ConciergeStore *self,
             GTask          *task,
             gpointer        data)
{
  AccountJob *job = data;
  g_autoptr(GError) error = NULL;
  int changed = store_change_row (self, job->sql, job->account_id, &error);

  if (changed < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (changed == 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, job->account_id);

      g_task_return_new_error (task, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                               _("There is no account %s."), id);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static AccountJob *
account_job_new (gint64      account_id,
                 const char *sql)
{
  AccountJob *job = g_new0 (AccountJob, 1);

  job->account_id = account_id;
  job->sql = sql;
  return job;
}

/**
 * concierge_store_sign_out_account_async:
 *
 * Keeps an account's cached conversations readable while the account
 * itself is no longer synced.
 */
void
concierge_store_sign_out_account_async (ConciergeStore      *self,
                                        gint64               account_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_sign_out_account_async, G_PRIORITY_DEFAULT, account_job,
             account_job_new (account_id, "UPDATE accounts SET signed_out = 1 WHERE id = ?"), g_free,
             cancellable, callback, user_data);
}

gboolean
concierge_store_sign_out_account_finish (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_sign_out_account_async, error);
}

/**
 * concierge_store_remove_account_async:
 *
 * Removes the account and, with it, its cached threads, messages, outbox
 * entries and sync cursors. Its secret is the caller's to clear.
 */
void
concierge_store_remove_account_async (ConciergeStore      *self,
                                      gint64               account_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_remove_account_async, G_PRIORITY_DEFAULT, account_job,
             account_job_new (account_id, "DELETE FROM accounts WHERE id = ?"), g_free,
             cancellable, callback, user_data);
}

gboolean
concierge_store_remove_account_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_remove_account_async, error);
}

static void
count_waiting_replies_job (ConciergeStore *self,
                           GTask          *task,
                           gpointer        data)
{
  /* A reply leaves the outbox when the platform confirms it, so every
   * state it can have there means the customer may not have it: queued
   * never left, sending may not have arrived, failed did not and waits
   * for Try Again, and unknown waits for Concierge to ask the platform.
   * Hiding or removing a customer's post is no reply and is not counted. */
  static const char sql[] =
    "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id "
    "WHERE o.account_id = ? AND o.operation = 'reply' "
    "AND m.send_state IN ('queued', 'sending', 'failed', 'unknown')";
  gint64 *account_id = data;
  g_autoptr(GError) error = NULL;
  gint64 count;

  if (!store_count (self, sql, *account_id, &count, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, count);
}

/**
 * concierge_store_count_waiting_replies_async:
 *
 * Counts the account's replies that the outbox still holds: removing the
 * account deletes them.
 */
void
concierge_store_count_waiting_replies_async (ConciergeStore      *self,
                                             gint64               account_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_count_waiting_replies_async, G_PRIORITY_DEFAULT, count_waiting_replies_job,
             g_memdup2 (&account_id, sizeof account_id), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_count_waiting_replies_finish:
 *
 * Returns: how many replies wait, or -1 with @error set
 */
gssize
concierge_store_count_waiting_replies_finish (ConciergeStore  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  return store_finish_int (self, result, concierge_store_count_waiting_replies_async, error);
}

typedef struct
{
  gint64 account_id;
  gint64 since;
} PostsSince;

static void
count_posts_since_job (ConciergeStore *self,
                       GTask          *task,
                       gpointer        data)
{
  /* What the platform counts is every post made, so a post deleted since
   * still counts; one that failed was never made. Replies on their way
   * will be made soon. */
  static const char sql[] =
    "SELECT count(*) FROM messages m JOIN threads t ON t.id = m.thread_id "
    "WHERE t.account_id = ? AND m.direction = 'out' AND m.created_at >= ? AND m.send_state != 'failed'";
  PostsSince *posts = data;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, posts->account_id);
  sqlite3_bind_int64 (stmt, 2, posts->since);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    g_task_return_int (task, sqlite3_column_int64 (stmt, 0));
  else
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the cache failed");
      g_task_return_error (task, g_steal_pointer (&error));
    }
  sqlite3_reset (stmt);
}

/**
 * concierge_store_count_posts_since_async:
 * @since: in seconds since the epoch
 *
 * Counts the account's own messages made since @since, sent or on their
 * way, wherever they were written: what a platform that limits posts in a
 * window counts.
 */
void
concierge_store_count_posts_since_async (ConciergeStore      *self,
                                         gint64               account_id,
                                         gint64               since,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  PostsSince *posts;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  posts = g_new0 (PostsSince, 1);
  posts->account_id = account_id;
  posts->since = since;
  store_run (self, concierge_store_count_posts_since_async, G_PRIORITY_DEFAULT, count_posts_since_job,
             posts, g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_count_posts_since_finish:
 *
 * Returns: how many posts, or -1 with @error set
 */
gssize
concierge_store_count_posts_since_finish (ConciergeStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return store_finish_int (self, result, concierge_store_count_posts_since_async, error);
}

typedef struct
{
  gint64  account_id;
  char   *remote_user_id;
} IdentifyAccount;

static void
identify_account_free (gpointer data)
{
  IdentifyAccount *job = data;

  g_free (job->remote_user_id);
  g_free (job);
}

static void
identify_account_job (ConciergeStore *self,
                      GTask          *task,
                      gpointer        data)
{
  IdentifyAccount *job = data;
  g_autoptr(GError) error = NULL;

  if (!store_identify_account (self, job->account_id, job->remote_user_id, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_identify_account_async:
 * @remote_user_id: whose the account is on the platform
 *
 * Gives an account added with a token alone the id of its remote user, as
 * a sync does when it learns it. An account that knows its id keeps it.
 */
void
concierge_store_identify_account_async (ConciergeStore      *self,
                                        gint64               account_id,
                                        const char          *remote_user_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  IdentifyAccount *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (remote_user_id != NULL && remote_user_id[0] != '\0');

  job = g_new0 (IdentifyAccount, 1);
  job->account_id = account_id;
  job->remote_user_id = g_strdup (remote_user_id);
  store_run (self, concierge_store_identify_account_async, G_PRIORITY_DEFAULT, identify_account_job,
             job, identify_account_free, cancellable, callback, user_data);
}

gboolean
concierge_store_identify_account_finish (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_identify_account_async, error);
}

typedef struct
{
  gint64  account_id;
  char   *stream;
} CursorJob;

static void
cursor_job_free (gpointer data)
{
  CursorJob *job = data;

  g_free (job->stream);
  g_free (job);
}

static void
load_cursor_job (ConciergeStore *self,
                 GTask          *task,
                 gpointer        data)
{
  static const char sql[] = "SELECT cursor FROM sync_state WHERE account_id = ? AND stream = ?";
  CursorJob *job = data;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  char *cursor = NULL;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, job->account_id);
  bind_text (stmt, 2, job->stream);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cursor = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  g_task_return_pointer (task, cursor, g_free);
}

void
concierge_store_load_cursor_async (ConciergeStore      *self,
                                   gint64               account_id,
                                   const char          *stream,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CursorJob *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (stream != NULL);

  job = g_new0 (CursorJob, 1);
  job->account_id = account_id;
  job->stream = g_strdup (stream);
  store_run (self, concierge_store_load_cursor_async, G_PRIORITY_DEFAULT, load_cursor_job, job,
             cursor_job_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_cursor_finish:
 *
 * Returns: (nullable): the saved cursor, or %NULL before the first fetch
 */
char *
concierge_store_load_cursor_finish (ConciergeStore  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_cursor_async, error);
}
