/* concierge-store-audit.c
 *
 * The audit log: what others must be able to follow, without the data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-store-private.h"

/* The audit log */

static const char * const audit_actions[] = {
  [CONCIERGE_AUDIT_HIDE] = "hide",
  [CONCIERGE_AUDIT_FORGET] = "forget",
  [CONCIERGE_AUDIT_MOVE] = "move",
  [CONCIERGE_AUDIT_REMOVE] = "remove",
  [CONCIERGE_AUDIT_OVERRIDE] = "override",
  [CONCIERGE_AUDIT_PURGE] = "purge",
  [CONCIERGE_AUDIT_UNHIDE] = "unhide",
};

void
concierge_audit_entry_free (ConciergeAuditEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->actor);
  g_free (entry->reason);
  g_free (entry->detail);
  g_free (entry);
}

/* As the user of this desktop, now, in whatever transaction is open. */
gboolean
write_audit (ConciergeStore        *self,
             ConciergeAuditAction   action,
             gint64                 thread_id,
             gint64                 message_id,
             const char            *reason,
             const char            *detail,
             GError               **error)
{
  static const char sql[] =
    "INSERT INTO audit_log (at, actor, action, reason, account_id, thread_id, message_id, detail) "
    "VALUES (?1, ?2, ?3, ?4, (SELECT account_id FROM threads WHERE id = ?5), nullif (?5, 0), nullif (?6, 0), ?7)";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  bind_text (stmt, 2, g_get_user_name ());
  bind_text (stmt, 3, audit_actions[action]);
  bind_text (stmt, 4, reason ? reason : "");
  sqlite3_bind_int64 (stmt, 5, thread_id);
  sqlite3_bind_int64 (stmt, 6, message_id);
  bind_text (stmt, 7, detail ? detail : "");
  return store_step_done (self, stmt, error);
}

static void
log_job (ConciergeStore *self,
         GTask          *task,
         gpointer        data)
{
  ConciergeAuditEntry *entry = data;
  g_autoptr(GError) error = NULL;

  if (!write_audit (self, entry->action, entry->thread_id, 0, entry->reason, entry->detail, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_log_async:
 * @thread_id: the thread it concerns, or 0
 * @reason: why, in the agent's terms: "personal data", "spam"
 * @detail: what, without personal data: the kinds found, never the values
 *
 * Writes an entry of the audit log, as the user of this desktop.
 */
void
concierge_store_log_async (ConciergeStore       *self,
                           ConciergeAuditAction  action,
                           gint64                thread_id,
                           const char           *reason,
                           const char           *detail,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  ConciergeAuditEntry *entry;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (action <= CONCIERGE_AUDIT_UNHIDE);

  entry = g_new0 (ConciergeAuditEntry, 1);
  entry->action = action;
  entry->reason = g_strdup (reason ? reason : "");
  entry->thread_id = thread_id;
  entry->detail = g_strdup (detail ? detail : "");
  store_run (self, concierge_store_log_async, G_PRIORITY_DEFAULT, log_job, entry,
             (GDestroyNotify) concierge_audit_entry_free, cancellable, callback, user_data);
}

gboolean
concierge_store_log_finish (ConciergeStore  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_log_async, error);
}

static void
load_audit_log_job (ConciergeStore *self,
                    GTask          *task,
                    gpointer        data)
{
  static const char sql[] =
    "SELECT a.id, a.at, a.actor, a.action, a.reason, a.account_id, a.thread_id, a.detail, a.message_id, "
    "  EXISTS (SELECT 1 FROM messages m WHERE m.id = a.message_id AND m.taken_down = 'hidden') "
    "FROM audit_log a ORDER BY a.at DESC, a.id DESC";
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) concierge_audit_entry_free);
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
      ConciergeAuditEntry *entry = g_new0 (ConciergeAuditEntry, 1);
      const char *action = (const char *) sqlite3_column_text (stmt, 3);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at = sqlite3_column_int64 (stmt, 1);
      entry->actor = column_dup (stmt, 2);
      for (guint k = 0; k < G_N_ELEMENTS (audit_actions); k++)
        if (g_strcmp0 (action, audit_actions[k]) == 0)
          entry->action = k;
      entry->reason = column_dup (stmt, 4);
      entry->account_id = sqlite3_column_int64 (stmt, 5);
      entry->thread_id = sqlite3_column_int64 (stmt, 6);
      entry->detail = column_dup (stmt, 7);
      entry->message_id = sqlite3_column_int64 (stmt, 8);
      entry->still_hidden = sqlite3_column_int (stmt, 9) != 0;
      g_ptr_array_add (entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the audit log failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_store_load_audit_log_async:
 *
 * Reads the audit log, newest first.
 */
void
concierge_store_load_audit_log_async (ConciergeStore      *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_audit_log_async, G_PRIORITY_DEFAULT, load_audit_log_job, NULL, NULL,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_audit_log_finish:
 *
 * Returns: (transfer full) (element-type ConciergeAuditEntry): the entries
 */
GPtrArray *
concierge_store_load_audit_log_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_audit_log_async, error);
}

/**
 * concierge_audit_action_to_string:
 *
 * Returns: the action as the store keeps it and an export names it, a
 *   word that stays the same in every language: "hide", "forget"…
 */
const char *
concierge_audit_action_to_string (ConciergeAuditAction action)
{
  g_return_val_if_fail (action < G_N_ELEMENTS (audit_actions), "");

  return audit_actions[action];
}

/**
 * concierge_audit_action_describe:
 *
 * Returns: the action as a person reads it in the log, in their language
 */
const char *
concierge_audit_action_describe (ConciergeAuditAction action)
{
  switch (action)
    {
    case CONCIERGE_AUDIT_HIDE:
      return _("Hid a post");
    case CONCIERGE_AUDIT_FORGET:
      return _("Forgot a customer");
    case CONCIERGE_AUDIT_MOVE:
      return _("Moved a conversation to private");
    case CONCIERGE_AUDIT_REMOVE:
      return _("Removed a post");
    case CONCIERGE_AUDIT_OVERRIDE:
      /* Translators: in the audit log: a reply went out although Concierge warned of personal data in it */
      return _("Sent despite the warning");
    case CONCIERGE_AUDIT_PURGE:
      return _("Purged old conversations");
    case CONCIERGE_AUDIT_UNHIDE:
      return _("Showed a hidden post again");
    default:
      g_return_val_if_reached ("");
    }
}

/**
 * concierge_audit_log_to_csv:
 * @entries: (element-type ConciergeAuditEntry): as
 *   concierge_store_load_audit_log_finish() returns them
 * @time_zone: (nullable): for the times; %NULL for this computer's
 *
 * Writes the audit log as a CSV file for a spreadsheet or a reviewer's
 * tool. The header and the What column stay the same in every language, so
 * that a script can read any export; Description says the same in the
 * agent's words. Times carry their offset, so that they mean one moment
 * wherever the file is read.
 *
 * Returns: (transfer full): the file's contents
 */
char *
concierge_audit_log_to_csv (GPtrArray *entries,
                            GTimeZone *time_zone)
{
  static const char * const header[] = {
    "When", "Who", "What", "Description", "Why", "Conversation", "Detail",
  };
  g_autoptr(GTimeZone) local = NULL;
  GString *csv = g_string_new (NULL);

  g_return_val_if_fail (entries != NULL, NULL);

  if (time_zone == NULL)
    time_zone = local = g_time_zone_new_local ();

  concierge_csv_append_row (csv, header, G_N_ELEMENTS (header));
  for (guint i = 0; i < entries->len; i++)
    {
      const ConciergeAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (entry->at);
      g_autoptr(GDateTime) at = utc ? g_date_time_to_timezone (utc, time_zone) : NULL;
      g_autofree char *when = at ? g_date_time_format (at, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
      g_autofree char *conversation = NULL;
      const char *row[G_N_ELEMENTS (header)];

      if (entry->thread_id != 0)
        conversation = g_strdup_printf ("#%" G_GINT64_FORMAT, entry->thread_id);
      row[0] = when;
      row[1] = entry->actor;
      row[2] = concierge_audit_action_to_string (entry->action);
      row[3] = concierge_audit_action_describe (entry->action);
      row[4] = entry->reason;
      row[5] = conversation;
      row[6] = entry->detail;
      concierge_csv_append_row (csv, row, G_N_ELEMENTS (row));
    }

  return g_string_free (csv, FALSE);
}
