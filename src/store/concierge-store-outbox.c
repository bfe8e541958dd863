/* concierge-store-outbox.c
 *
 * The outbox: replies and private messages are rows here before they
 * are requests, so that each survives a crash and is sent once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-reply-text.h"
#include "concierge-store-private.h"

/* The outbox: a reply is a row here before it is a request, so that it
 * survives a crash at any moment and is sent once. */

void
concierge_outbox_entry_free (ConciergeOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->idempotency_key);
  g_free (entry->text);
  g_free (entry->thread_remote_id);
  g_free (entry->in_reply_to_remote_id);
  g_free (entry->recipient_remote_id);
  g_free (entry->recipient_handle);
  g_free (entry->post_remote_id);
  g_free (entry->private_reply_to_remote_id);
  g_free (entry->last_error);
  g_free (entry);
}

const char * const outbox_operations[] = {
  [CONCIERGE_OUTBOX_REPLY] = "reply",
  [CONCIERGE_OUTBOX_HIDE] = "hide",
  [CONCIERGE_OUTBOX_REMOVE] = "remove",
  [CONCIERGE_OUTBOX_UNHIDE] = "unhide",
};

/* A reply's state is its message's; an operation on a customer's post
 * keeps its own. An entry of a move waits for the earlier ones. */
#define OUTBOX_COLUMNS                                                                  \
  "o.account_id, o.thread_id, o.message_id, o.idempotency_key, "                        \
  "json_extract (o.payload, '$.visibility'), json_extract (o.payload, '$.text'), "      \
  "json_extract (o.payload, '$.thread'), json_extract (o.payload, '$.in_reply_to'), "   \
  "json_extract (o.payload, '$.recipient_id'), json_extract (o.payload, '$.recipient_handle'), " \
  "CASE o.operation WHEN 'reply' THEN m.send_state ELSE o.state END, "                  \
  "o.attempts, o.last_error, o.created_at, o.id, o.operation, o.move_id, "             \
  "o.move_id IS NOT NULL AND EXISTS (SELECT 1 FROM outbox p WHERE p.move_id = o.move_id AND p.id < o.id), " \
  "json_extract (o.payload, '$.post'), json_extract (o.payload, '$.audience'), "       \
  "json_extract (o.payload, '$.private_reply_to') "                                     \
  "FROM outbox o JOIN messages m ON m.id = o.message_id "

static ConciergeOutboxEntry *
outbox_entry_from_row (sqlite3_stmt *stmt)
{
  ConciergeOutboxEntry *entry = g_new0 (ConciergeOutboxEntry, 1);

  entry->account_id = sqlite3_column_int64 (stmt, 0);
  entry->thread_id = sqlite3_column_int64 (stmt, 1);
  entry->message_id = sqlite3_column_int64 (stmt, 2);
  entry->idempotency_key = column_dup (stmt, 3);
  concierge_visibility_from_string ((const char *) sqlite3_column_text (stmt, 4), &entry->visibility);
  entry->text = column_dup (stmt, 5);
  entry->thread_remote_id = column_dup (stmt, 6);
  entry->in_reply_to_remote_id = column_dup (stmt, 7);
  entry->recipient_remote_id = column_dup (stmt, 8);
  entry->recipient_handle = column_dup (stmt, 9);
  concierge_send_state_from_string ((const char *) sqlite3_column_text (stmt, 10), &entry->state);
  entry->attempts = sqlite3_column_int (stmt, 11);
  entry->last_error = column_dup (stmt, 12);
  entry->created_at = sqlite3_column_int64 (stmt, 13);
  entry->id = sqlite3_column_int64 (stmt, 14);
  for (guint k = 0; k < G_N_ELEMENTS (outbox_operations); k++)
    if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 15), outbox_operations[k]) == 0)
      entry->operation = k;
  entry->move_id = sqlite3_column_int64 (stmt, 16);
  entry->waiting = sqlite3_column_int (stmt, 17);
  entry->post_remote_id = column_dup (stmt, 18);
  /* An entry queued before audiences were kept reaches whom its
   * visibility says. */
  concierge_audience_from_string ((const char *) sqlite3_column_text (stmt, 19), &entry->audience);
  entry->audience = concierge_audience_or_visibility (entry->audience, entry->visibility);
  entry->private_reply_to_remote_id = column_dup (stmt, 20);

  return entry;
}

static ConciergeOutboxEntry *
store_load_outbox_entry (ConciergeStore  *self,
                         gint64           message_id,
                         GError         **error)
{
  static const char sql[] = "SELECT " OUTBOX_COLUMNS "WHERE o.message_id = ? AND o.operation = 'reply'";
  ConciergeOutboxEntry *entry = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    entry = outbox_entry_from_row (stmt);
  else
    g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                 "No outbox entry for message %" G_GINT64_FORMAT, message_id);
  sqlite3_reset (stmt);

  return entry;
}

void
target_clear (Target *target)
{
  g_free (target->visibility);
  g_free (target->audience);
  g_free (target->thread_remote_id);
  g_free (target->in_reply_to);
  g_free (target->recipient_id);
  g_free (target->recipient_handle);
  g_free (target->private_reply_to);
}

/* Never wider than the thread: a private one's replies are direct, and
 * one the platform named no audience for reaches whom its visibility
 * says. */
static void
target_settle_audience (Target *target)
{
  ConciergeVisibility visibility = CONCIERGE_VISIBILITY_PRIVATE;
  ConciergeAudience audience = CONCIERGE_AUDIENCE_UNKNOWN;

  concierge_visibility_from_string (target->visibility, &visibility);
  concierge_audience_from_string (target->audience, &audience);
  g_free (target->audience);
  target->audience = g_strdup (concierge_audience_to_string (concierge_audience_or_visibility (audience,
                                                                                              visibility)));
}

gboolean
load_target (ConciergeStore  *self,
             gint64           thread_id,
             Target          *target,
             GError         **error)
{
  static const char thread_sql[] =
    "SELECT account_id, visibility, remote_id, contact_id, audience FROM threads WHERE id = ?";
  /* The reply answers the customer's latest message, or failing that the
   * thread's latest message that the platform knows, and reaches whom
   * that message reached. */
  static const char target_sql[] =
    "SELECT m.remote_id, i.remote_id, i.handle, m.audience FROM messages m "
    "LEFT JOIN identities i ON i.id = m.author_identity_id "
    "WHERE m.thread_id = ? AND m.remote_id IS NOT NULL "
    "ORDER BY m.direction = 'in' DESC, m.created_at DESC, m.id DESC LIMIT 1";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, thread_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      target->account_id = sqlite3_column_int64 (stmt, 0);
      target->visibility = column_dup (stmt, 1);
      target->thread_remote_id = column_dup (stmt, 2);
      target->contact_id = sqlite3_column_int64 (stmt, 3);
      target->audience = column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (target->visibility == NULL)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "No thread %" G_GINT64_FORMAT, thread_id);
      return FALSE;
    }
  if (target->thread_remote_id != NULL && g_str_has_prefix (target->thread_remote_id, PENDING_PREFIX))
    g_clear_pointer (&target->thread_remote_id, g_free);

  if (!(stmt = store_prepare (self, target_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      target->in_reply_to = column_dup (stmt, 0);
      target->recipient_id = column_dup (stmt, 1);
      target->recipient_handle = column_dup (stmt, 2);
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        {
          g_free (target->audience);
          target->audience = column_dup (stmt, 3);
        }
    }
  sqlite3_reset (stmt);
  target_settle_audience (target);

  /* A thread Concierge started has no customer message yet: the customer's
   * identity on the account's platform is whom it reaches. */
  if (target->recipient_id == NULL && target->contact_id != 0)
    {
      static const char identity_sql[] =
        "SELECT i.remote_id, i.handle FROM identities i JOIN accounts a ON a.id = ?2 "
        "WHERE i.contact_id = ?1 AND i.platform = a.platform AND i.server_url = a.server_url "
        "ORDER BY i.id LIMIT 1";

      if (!(stmt = store_prepare (self, identity_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, target->contact_id);
      sqlite3_bind_int64 (stmt, 2, target->account_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          target->recipient_id = column_dup (stmt, 0);
          target->recipient_handle = column_dup (stmt, 1);
        }
      sqlite3_reset (stmt);
    }
  return TRUE;
}

/* Inside a transaction: the queued message and its outbox entry. */
gboolean
write_queued (ConciergeStore  *self,
              gint64           thread_id,
              const Target    *target,
              const char      *text,
              gint64           move_id,
              gint64          *message_id,
              GError         **error)
{
  static const char message_sql[] =
    "INSERT INTO messages (id, thread_id, direction, body, created_at, send_state, visibility, audience) "
    "VALUES (?, ?, 'out', ?, ?, 'queued', ?, ?)";
  static const char outbox_sql[] =
    "INSERT INTO outbox (account_id, thread_id, message_id, operation, payload, idempotency_key, created_at, "
    "                    move_id) "
    "VALUES (?1, ?2, ?3, 'reply', json_object ('text', ?4, 'visibility', ?5, 'thread', ?6, "
    "'in_reply_to', ?7, 'recipient_id', ?8, 'recipient_handle', ?9, 'audience', ?13, "
    "'private_reply_to', ?14), ?10, ?11, "
    "nullif (?12, 0))";
  g_autofree char *key = g_uuid_string_random ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  sqlite3_stmt *stmt;

  if (!next_message_id (self, now, message_id, error) ||
      !(stmt = store_prepare (self, message_sql, error)))
    return FALSE;
  if (*message_id != 0)
    sqlite3_bind_int64 (stmt, 1, *message_id);
  sqlite3_bind_int64 (stmt, 2, thread_id);
  bind_text (stmt, 3, text);
  sqlite3_bind_int64 (stmt, 4, now);
  bind_text (stmt, 5, target->visibility);
  bind_text (stmt, 6, target->audience);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  *message_id = sqlite3_last_insert_rowid (store_db (self));

  if (!(stmt = store_prepare (self, outbox_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target->account_id);
  sqlite3_bind_int64 (stmt, 2, thread_id);
  sqlite3_bind_int64 (stmt, 3, *message_id);
  bind_text (stmt, 4, text);
  bind_text (stmt, 5, target->visibility);
  bind_text (stmt, 6, target->thread_remote_id);
  bind_text (stmt, 7, target->in_reply_to);
  bind_text (stmt, 8, target->recipient_id);
  bind_text (stmt, 9, target->recipient_handle);
  bind_text (stmt, 10, key);
  sqlite3_bind_int64 (stmt, 11, now);
  sqlite3_bind_int64 (stmt, 12, move_id);
  bind_text (stmt, 13, target->audience);
  bind_text (stmt, 14, target->private_reply_to);
  return store_step_done (self, stmt, error) && update_thread_summary (self, thread_id, FALSE, error);
}

/* A reply, or a private message to the customer of a public thread, on
 * its way into the outbox. */
typedef struct
{
  gint64  thread_id;  /* the thread it answers */
  char   *text;
  Target  target;     /* where it goes */
  Target  public;     /* for a private message, the public thread's */
  gint64  private_id; /* for a private message, its thread */
  gint64  message_id; /* once written */
} QueuedMessage;

static void
queued_message_free (gpointer data)
{
  QueuedMessage *queued = data;

  g_free (queued->text);
  target_clear (&queued->target);
  target_clear (&queued->public);
  g_free (queued);
}

static gboolean
write_reply (ConciergeStore  *self,
             gpointer         data,
             StoreChanges    *changes,
             GError         **error)
{
  QueuedMessage *queued = data;

  if (!write_queued (self, queued->thread_id, &queued->target, queued->text, 0, &queued->message_id, error))
    return FALSE;
  store_changes_add_thread (changes, queued->thread_id);
  return TRUE;
}

static void
queue_reply_job (ConciergeStore *self,
                 GTask          *task,
                 gpointer        data)
{
  QueuedMessage *queued = data;
  GError *error = NULL;

  if (!load_target (self, queued->thread_id, &queued->target, &error) ||
      !store_write (self, write_reply, queued, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, store_load_outbox_entry (self, queued->message_id, NULL),
                         (GDestroyNotify) concierge_outbox_entry_free);
}

static void
run_queue_job (ConciergeStore      *self,
               gpointer             source_tag,
               StoreJobFunc         func,
               gint64               thread_id,
               const char          *text,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  QueuedMessage *queued = g_new0 (QueuedMessage, 1);

  queued->thread_id = thread_id;
  queued->text = g_strdup (text);
  store_run (self, source_tag, G_PRIORITY_DEFAULT, func, queued, queued_message_free,
             cancellable, callback, user_data);
}

/* Inside a transaction: the customer of a public thread, privately, in
 * the private thread on the same account if there is one, otherwise in a
 * new one that waits for the platform to name it. The public thread links
 * to it. */
gboolean
open_private_thread (ConciergeStore  *self,
                     gint64           public_thread_id,
                     const Target    *public,
                     gint64          *private_id,
                     Target          *private,
                     GError         **error)
{
  static const char private_sql[] =
    "SELECT id FROM threads WHERE account_id = ? AND contact_id = ? AND visibility = 'private' "
    "ORDER BY last_activity_at DESC, id DESC LIMIT 1";
  static const char new_sql[] =
    "INSERT INTO threads (account_id, contact_id, visibility, remote_id, last_activity_at) "
    "VALUES (?, ?, 'private', ?, ?)";
  static const char link_sql[] = "UPDATE threads SET moved_to_id = ? WHERE id = ?";
  sqlite3_stmt *stmt;

  if (public->contact_id == 0 || public->recipient_id == NULL)
    {
      g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                           _("Concierge does not know who wrote this conversation, so it cannot write to them "
                             "privately."));
      return FALSE;
    }

  *private_id = 0;
  if (!(stmt = store_prepare (self, private_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, public->account_id);
  sqlite3_bind_int64 (stmt, 2, public->contact_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *private_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (*private_id == 0)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *remote_id = g_strconcat (PENDING_PREFIX, uuid, NULL);

      if (!(stmt = store_prepare (self, new_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, public->account_id);
      sqlite3_bind_int64 (stmt, 2, public->contact_id);
      bind_text (stmt, 3, remote_id);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      if (!store_step_done (self, stmt, error))
        return FALSE;
      *private_id = sqlite3_last_insert_rowid (store_db (self));
    }

  if (!load_target (self, *private_id, private, error))
    return FALSE;
  if (private->recipient_id == NULL)
    {
      private->recipient_id = g_strdup (public->recipient_id);
      private->recipient_handle = g_strdup (public->recipient_handle);
    }

  if (!(stmt = store_prepare (self, link_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *private_id);
  sqlite3_bind_int64 (stmt, 2, public_thread_id);
  return store_step_done (self, stmt, error);
}

static gboolean
write_private (ConciergeStore  *self,
               gpointer         data,
               StoreChanges    *changes,
               GError         **error)
{
  QueuedMessage *queued = data;

  if (!open_private_thread (self, queued->thread_id, &queued->public, &queued->private_id, &queued->target,
                            error) ||
      !write_queued (self, queued->private_id, &queued->target, queued->text, 0, &queued->message_id, error))
    return FALSE;
  store_changes_add_thread (changes, queued->private_id);
  store_changes_add_thread (changes, queued->thread_id);
  return TRUE;
}

static void
queue_private_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  QueuedMessage *queued = data;
  GError *error = NULL;

  if (!load_target (self, queued->thread_id, &queued->public, &error) ||
      !store_write (self, write_private, queued, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, store_load_outbox_entry (self, queued->message_id, NULL),
                         (GDestroyNotify) concierge_outbox_entry_free);
}

/**
 * concierge_store_queue_private_async:
 * @public_thread_id: the public thread whose customer it reaches
 *
 * Writes a private message to the customer of a public thread: in their
 * private thread on the same account, or in a new one that the channel
 * names once the platform has it. The public thread links to the private
 * one. The entry's thread id tells which it is.
 */
void
concierge_store_queue_private_async (ConciergeStore      *self,
                                     gint64               public_thread_id,
                                     const char          *text,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (text != NULL);

  run_queue_job (self, concierge_store_queue_private_async, queue_private_job, public_thread_id, text,
                 cancellable, callback, user_data);
}

/**
 * concierge_store_queue_private_finish:
 *
 * Returns: (transfer full): the queued entry
 */
ConciergeOutboxEntry *
concierge_store_queue_private_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_queue_private_async, error);
}

/**
 * concierge_store_queue_reply_async:
 *
 * Writes a reply to the thread's customer as a queued message and an outbox
 * entry with a new idempotency key, in one transaction. Only then may a
 * channel send it.
 */
void
concierge_store_queue_reply_async (ConciergeStore      *self,
                                   gint64               thread_id,
                                   const char          *text,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (text != NULL);

  run_queue_job (self, concierge_store_queue_reply_async, queue_reply_job, thread_id, text,
                 cancellable, callback, user_data);
}

/**
 * concierge_store_queue_reply_finish:
 *
 * Returns: (transfer full): the queued entry
 */
ConciergeOutboxEntry *
concierge_store_queue_reply_finish (ConciergeStore  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_queue_reply_async, error);
}

static void
load_outbox_job (ConciergeStore *self,
                 GTask          *task,
                 gpointer        data)
{
  static const char sql[] = "SELECT " OUTBOX_COLUMNS "WHERE o.account_id = ? ORDER BY o.id";
  gint64 account_id = *(gint64 *) data;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) concierge_outbox_entry_free);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, outbox_entry_from_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the outbox failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
}

void
concierge_store_load_outbox_async (ConciergeStore      *self,
                                   gint64               account_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_outbox_async, G_PRIORITY_DEFAULT, load_outbox_job,
             g_memdup2 (&account_id, sizeof account_id), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_outbox_finish:
 *
 * Returns: (transfer full) (element-type ConciergeOutboxEntry): the
 *   account's entries, oldest first
 */
GPtrArray *
concierge_store_load_outbox_finish (ConciergeStore  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_outbox_async, error);
}

static gboolean
message_thread_id (ConciergeStore  *self,
                   gint64           message_id,
                   gint64          *thread_id,
                   GError         **error)
{
  static const char sql[] = "SELECT thread_id FROM messages WHERE id = ?";
  sqlite3_stmt *stmt;
  gboolean found;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    *thread_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (!found)
    g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                 "No message %" G_GINT64_FORMAT, message_id);
  return found;
}

/* Where a queued reply stands, and the thread it is in. */
typedef struct
{
  gint64              message_id;
  ConciergeSendState  state;
  char               *error_text;
  gint64              thread_id;
} SendState;

static void
send_state_free (gpointer data)
{
  SendState *send = data;

  g_free (send->error_text);
  g_free (send);
}

static gboolean
write_send_state (ConciergeStore  *self,
                  gpointer         data,
                  StoreChanges    *changes,
                  GError         **error)
{
  static const char message_sql[] = "UPDATE messages SET send_state = ? WHERE id = ?";
  /* An attempt counts when it starts, before its request leaves, so that a
   * crash in mid-request shows after the restart. A failed attempt that
   * waits to be tried again stays "sending", with its error. Queueing again
   * is the agent's decision and starts the count anew. */
  static const char outbox_sql[] =
    "UPDATE outbox SET attempts = CASE WHEN ?1 = 'sending' AND ?2 IS NULL THEN attempts + 1 "
    "                                  WHEN ?1 = 'queued' THEN 0 ELSE attempts END, "
    "  last_error = ?2 WHERE message_id = ?3 AND operation = 'reply'";
  SendState *send = data;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, message_sql, error)))
    return FALSE;
  bind_text (stmt, 1, concierge_send_state_to_string (send->state));
  sqlite3_bind_int64 (stmt, 2, send->message_id);
  if (!store_step_done (self, stmt, error) ||
      !(stmt = store_prepare (self, outbox_sql, error)))
    return FALSE;
  bind_text (stmt, 1, concierge_send_state_to_string (send->state));
  bind_text (stmt, 2, send->error_text);
  sqlite3_bind_int64 (stmt, 3, send->message_id);
  if (!store_step_done (self, stmt, error))
    return FALSE;

  store_changes_add_thread (changes, send->thread_id);
  return TRUE;
}

static void
set_send_state_job (ConciergeStore *self,
                    GTask          *task,
                    gpointer        data)
{
  SendState *send = data;
  GError *error = NULL;

  if (!message_thread_id (self, send->message_id, &send->thread_id, &error))
    g_task_return_error (task, error);
  else
    store_write_task (self, task, write_send_state, send);
}

/**
 * concierge_store_set_send_state_async:
 * @error_text: (nullable): why it failed, in words for the agent
 *
 * Records where a queued reply stands. "sending" is written before the
 * request leaves.
 */
void
concierge_store_set_send_state_async (ConciergeStore      *self,
                                      gint64               message_id,
                                      ConciergeSendState   state,
                                      const char          *error_text,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  SendState *send;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (state != CONCIERGE_SEND_SENT);

  send = g_new0 (SendState, 1);
  send->message_id = message_id;
  send->state = state;
  send->error_text = g_strdup (error_text);
  store_run (self, concierge_store_set_send_state_async, G_PRIORITY_DEFAULT, set_send_state_job, send,
             send_state_free, cancellable, callback, user_data);
}

gboolean
concierge_store_set_send_state_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_set_send_state_async, error);
}

/* Moves what a pending thread holds into @into, and drops it: the
 * platform's own thread for the same conversation was there first. */
static gboolean
merge_pending_thread (ConciergeStore  *self,
                      gint64           pending,
                      gint64           into,
                      const char      *sent_remote_id,
                      GError         **error)
{
  static const char drop_copy_sql[] =
    "DELETE FROM messages WHERE thread_id = ?1 AND remote_id = ?3 "
    "AND EXISTS (SELECT 1 FROM messages WHERE thread_id = ?2 AND remote_id = ?3)";
  static const char move_sql[] = "UPDATE messages SET thread_id = ?2 WHERE thread_id = ?1";
  static const char outbox_sql[] = "UPDATE outbox SET thread_id = ?2 WHERE thread_id = ?1";
  static const char links_sql[] = "UPDATE threads SET moved_to_id = ?2 WHERE moved_to_id = ?1";
  static const char moves_sql[] = "UPDATE moves SET private_thread_id = ?2 WHERE private_thread_id = ?1";
  static const char drop_sql[] = "DELETE FROM threads WHERE id = ?1";
  const char * const steps[] = { drop_copy_sql, move_sql, outbox_sql, links_sql, moves_sql, drop_sql };

  for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
    {
      sqlite3_stmt *stmt = store_prepare (self, steps[k], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, pending);
      if (k < G_N_ELEMENTS (steps) - 1)
        sqlite3_bind_int64 (stmt, 2, into);
      if (k == 0)
        bind_text (stmt, 3, sent_remote_id);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }
  return update_thread_summary (self, into, FALSE, error) && update_thread_personal_data (self, into, error);
}

/* A private thread that Concierge started takes the platform's name for
 * it once a message in it was sent: from the channel, or from the thread a
 * sync already put the sent message into. @thread_id follows a merge. */
static gboolean
name_pending_thread (ConciergeStore    *self,
                     gint64            *thread_id,
                     ConciergeMessage  *sent,
                     GError           **error)
{
  static const char pending_sql[] =
    "SELECT account_id FROM threads WHERE id = ? AND remote_id >= '" PENDING_PREFIX "' "
    "AND remote_id < '" PENDING_END "'";
  static const char named_sql[] = "SELECT id FROM threads WHERE account_id = ? AND remote_id = ? AND id != ?";
  /* Through the account's private threads, each asked by the unique
   * (thread, remote id) index: messages have no index by remote id alone. */
  static const char synced_sql[] =
    "SELECT t.id FROM threads t WHERE t.account_id = ?1 AND t.visibility = 'private' AND t.id != ?3 "
    "AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.remote_id = ?2) LIMIT 1";
  static const char rename_sql[] = "UPDATE threads SET remote_id = ? WHERE id = ?";
  const char *name = concierge_message_get_thread_remote_id (sent);
  const char *remote_id = concierge_message_get_remote_id (sent);
  gint64 account_id = 0, into = 0;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, pending_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *thread_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    account_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (account_id == 0)
    return TRUE;

  if (!(stmt = store_prepare (self, name ? named_sql : synced_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, name ? name : remote_id);
  sqlite3_bind_int64 (stmt, 3, *thread_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    into = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (into != 0)
    {
      if (!merge_pending_thread (self, *thread_id, into, remote_id, error))
        return FALSE;
      *thread_id = into;
      return TRUE;
    }
  if (name == NULL)
    return TRUE;

  if (!(stmt = store_prepare (self, rename_sql, error)))
    return FALSE;
  bind_text (stmt, 1, name);
  sqlite3_bind_int64 (stmt, 2, *thread_id);
  return store_step_done (self, stmt, error);
}

/* A queued reply as the platform now has it, and the thread it is in. */
typedef struct
{
  gint64            message_id;
  ConciergeMessage *sent;
  gint64            thread_id;
} SentReply;

static void
sent_reply_free (gpointer data)
{
  SentReply *reply = data;

  g_object_unref (reply->sent);
  g_free (reply);
}

static gboolean
write_sent_reply (ConciergeStore  *self,
                  gpointer         data,
                  StoreChanges    *changes,
                  GError         **error)
{
  static const char known_sql[] =
    "SELECT id FROM messages WHERE thread_id = ? AND remote_id = ? AND id != ?";
  static const char delete_sql[] = "DELETE FROM messages WHERE id = ?";
  static const char sent_sql[] =
    "UPDATE messages SET remote_id = ?, body = ?, send_state = 'sent' WHERE id = ?";
  static const char outbox_sql[] = "DELETE FROM outbox WHERE message_id = ? AND operation = 'reply'";
  /* What the sync brought was this Concierge's reply, not one from elsewhere. */
  static const char ours_sql[] = "UPDATE messages SET sent_elsewhere = 0 WHERE thread_id = ? AND remote_id = ?";
  SentReply *reply = data;
  sqlite3_stmt *stmt;
  gboolean known;

  if (!(stmt = store_prepare (self, known_sql, error)))
    return FALSE;

  /* A sync may have brought the sent status in already; then the queued
   * copy goes, and the thread holds the reply once. */
  sqlite3_bind_int64 (stmt, 1, reply->thread_id);
  bind_text (stmt, 2, concierge_message_get_remote_id (reply->sent));
  sqlite3_bind_int64 (stmt, 3, reply->message_id);
  known = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  if (!(stmt = store_prepare (self, known ? delete_sql : sent_sql, error)))
    return FALSE;
  if (known)
    sqlite3_bind_int64 (stmt, 1, reply->message_id);
  else
    {
      bind_text (stmt, 1, concierge_message_get_remote_id (reply->sent));
      bind_text (stmt, 2, concierge_message_get_body (reply->sent));
      sqlite3_bind_int64 (stmt, 3, reply->message_id);
    }
  if (!store_step_done (self, stmt, error))
    return FALSE;
  if (known)
    {
      if (!(stmt = store_prepare (self, ours_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, reply->thread_id);
      bind_text (stmt, 2, concierge_message_get_remote_id (reply->sent));
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }
  if (!(stmt = store_prepare (self, outbox_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, reply->message_id);
  if (!store_step_done (self, stmt, error) ||
      !update_thread_summary (self, reply->thread_id, FALSE, error) ||
      !name_pending_thread (self, &reply->thread_id, reply->sent, error))
    return FALSE;

  store_changes_add_thread (changes, reply->thread_id);
  return TRUE;
}

static void
complete_send_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  SentReply *reply = data;
  GError *error = NULL;

  if (!message_thread_id (self, reply->message_id, &reply->thread_id, &error))
    g_task_return_error (task, error);
  else
    store_write_task (self, task, write_sent_reply, reply);
}

/**
 * concierge_store_complete_send_async:
 * @sent: the message as the platform now has it
 *
 * Marks a queued reply as sent, with its platform id, and empties its
 * outbox entry.
 */
void
concierge_store_complete_send_async (ConciergeStore      *self,
                                     gint64               message_id,
                                     ConciergeMessage    *sent,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  SentReply *reply;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (CONCIERGE_IS_MESSAGE (sent));
  g_return_if_fail (concierge_message_get_remote_id (sent) != NULL);

  reply = g_new0 (SentReply, 1);
  reply->message_id = message_id;
  reply->sent = g_object_ref (sent);
  store_run (self, concierge_store_complete_send_async, G_PRIORITY_DEFAULT, complete_send_job, reply,
             sent_reply_free, cancellable, callback, user_data);
}

gboolean
concierge_store_complete_send_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_complete_send_async, error);
}

/* A reply about to go out, and since when the same text to another
 * customer counts. */
typedef struct
{
  gint64  thread_id;
  char   *text;
  gint64  since;
} SentElsewhere;

static void
sent_elsewhere_free (gpointer data)
{
  SentElsewhere *search = data;

  g_free (search->text);
  g_free (search);
}

static void
find_sent_elsewhere_job (ConciergeStore *self,
                         GTask          *task,
                         gpointer        data)
{
  static const char sql[] =
    "SELECT m.body FROM messages m JOIN threads t ON t.id = m.thread_id "
    "WHERE m.direction = 'out' AND m.created_at >= ? "
    "AND t.contact_id IS NOT (SELECT contact_id FROM threads WHERE id = ?)";
  SentElsewhere *search = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *wanted = concierge_reply_normalize (search->text);
  gboolean found = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sqlite3_bind_int64 (stmt, 1, search->since);
  sqlite3_bind_int64 (stmt, 2, search->thread_id);
  while (!found && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *sent = concierge_reply_normalize ((const char *) sqlite3_column_text (stmt, 0));

      found = g_str_equal (sent, wanted);
    }
  sqlite3_reset (stmt);

  if (!found && rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the sent replies failed");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, found);
}

/**
 * concierge_store_find_sent_elsewhere_async:
 * @thread_id: the thread the reply is for
 * @since: the start of the day, in Unix time
 *
 * Looks for the same text, apart from case, spacing and mentions, among
 * the replies that went to other customers since @since.
 */
void
concierge_store_find_sent_elsewhere_async (ConciergeStore      *self,
                                           gint64               thread_id,
                                           const char          *text,
                                           gint64               since,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  SentElsewhere *search;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (text != NULL);

  search = g_new0 (SentElsewhere, 1);
  search->thread_id = thread_id;
  search->text = g_strdup (text);
  search->since = since;
  store_run (self, concierge_store_find_sent_elsewhere_async, G_PRIORITY_DEFAULT, find_sent_elsewhere_job,
             search, sent_elsewhere_free, cancellable, callback, user_data);
}

/**
 * concierge_store_find_sent_elsewhere_finish:
 *
 * Returns: whether the same text went to another customer, %FALSE also
 *   with @error set
 */
gboolean
concierge_store_find_sent_elsewhere_finish (ConciergeStore  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_find_sent_elsewhere_async, error);
}
