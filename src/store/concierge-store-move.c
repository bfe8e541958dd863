/* concierge-store-move.c
 *
 * Moving a public conversation to a private one, step by step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-store-private.h"

/* Moving a public conversation to a private one */

static const char * const post_actions[] = {
  [CONCIERGE_POST_KEEP] = "keep",
  [CONCIERGE_POST_HIDE] = "hide",
  [CONCIERGE_POST_REMOVE] = "remove",
};

void
concierge_move_free (ConciergeMove *move)
{
  if (move == NULL)
    return;

  for (guint k = 0; k < CONCIERGE_MOVE_N_STEPS; k++)
    g_free (move->errors[k]);
  g_free (move);
}

gboolean
concierge_move_is_done (const ConciergeMove *move)
{
  for (guint k = 0; k < CONCIERGE_MOVE_N_STEPS; k++)
    if (move->states[k] != CONCIERGE_STEP_NONE && move->states[k] != CONCIERGE_STEP_DONE)
      return FALSE;
  return TRUE;
}

static ConciergeStepState
step_state_of_message (sqlite3_stmt *stmt,
                       int           column)
{
  ConciergeSendState state;

  /* A sync brought the sent message in first, and the queued copy went. */
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL ||
      !concierge_send_state_from_string ((const char *) sqlite3_column_text (stmt, column), &state))
    return CONCIERGE_STEP_DONE;

  switch (state)
    {
    case CONCIERGE_SEND_QUEUED:
      return CONCIERGE_STEP_WAITING;
    case CONCIERGE_SEND_SENDING:
      return CONCIERGE_STEP_SENDING;
    case CONCIERGE_SEND_FAILED:
      return CONCIERGE_STEP_FAILED;
    case CONCIERGE_SEND_UNKNOWN:
      return CONCIERGE_STEP_UNKNOWN;
    case CONCIERGE_SEND_SENT:
    default:
      return CONCIERGE_STEP_DONE;
    }
}

#define MOVE_COLUMNS                                                                              \
  "SELECT mv.id, t.account_id, mv.public_thread_id, mv.private_thread_id, mv.post_action, "       \
  "  mv.reaches_privately, pm.send_state, po.last_error, qm.send_state, qo.last_error, "          \
  "  (SELECT count(*) FROM outbox WHERE move_id = mv.id AND operation != 'reply'), "              \
  "  (SELECT count(*) FROM outbox WHERE move_id = mv.id AND operation != 'reply' AND state = 'failed'), " \
  "  (SELECT count(*) FROM outbox WHERE move_id = mv.id AND operation != 'reply' AND state = 'sending'), " \
  "  (SELECT last_error FROM outbox WHERE move_id = mv.id AND operation != 'reply' "               \
  "   AND last_error IS NOT NULL ORDER BY id LIMIT 1), mv.answers_publicly "                        \
  "FROM moves mv JOIN threads t ON t.id = mv.public_thread_id "                                     \
  "LEFT JOIN messages pm ON pm.id = mv.private_message_id "                                        \
  "LEFT JOIN outbox po ON po.message_id = pm.id AND po.operation = 'reply' "                       \
  "LEFT JOIN messages qm ON qm.id = mv.public_message_id "                                         \
  "LEFT JOIN outbox qo ON qo.message_id = qm.id AND qo.operation = 'reply' "

static ConciergeMove *
move_from_row (sqlite3_stmt *stmt)
{
  ConciergeMove *move = g_new0 (ConciergeMove, 1);
  const char *post_action = (const char *) sqlite3_column_text (stmt, 4);
  ConciergeStepState *states = move->states;
  gint64 posts, failed, sending;

  move->id = sqlite3_column_int64 (stmt, 0);
  move->account_id = sqlite3_column_int64 (stmt, 1);
  move->public_thread_id = sqlite3_column_int64 (stmt, 2);
  move->private_thread_id = sqlite3_column_int64 (stmt, 3);
  for (guint k = 0; k < G_N_ELEMENTS (post_actions); k++)
    if (g_strcmp0 (post_action, post_actions[k]) == 0)
      move->post_action = k;

  if (sqlite3_column_int (stmt, 5))
    {
      states[CONCIERGE_MOVE_PRIVATE_MESSAGE] = step_state_of_message (stmt, 6);
      move->errors[CONCIERGE_MOVE_PRIVATE_MESSAGE] = column_dup (stmt, 7);
    }
  if (sqlite3_column_int (stmt, 14))
    {
      states[CONCIERGE_MOVE_PUBLIC_REPLY] = step_state_of_message (stmt, 8);
      move->errors[CONCIERGE_MOVE_PUBLIC_REPLY] = column_dup (stmt, 9);
    }

  posts = sqlite3_column_int64 (stmt, 10);
  failed = sqlite3_column_int64 (stmt, 11);
  sending = sqlite3_column_int64 (stmt, 12);
  if (move->post_action == CONCIERGE_POST_KEEP)
    states[CONCIERGE_MOVE_POST] = CONCIERGE_STEP_NONE;
  else if (posts == 0)
    states[CONCIERGE_MOVE_POST] = CONCIERGE_STEP_DONE;
  else
    {
      states[CONCIERGE_MOVE_POST] = failed > 0 ? CONCIERGE_STEP_FAILED
                                    : sending > 0 ? CONCIERGE_STEP_SENDING : CONCIERGE_STEP_WAITING;
      move->errors[CONCIERGE_MOVE_POST] = column_dup (stmt, 13);
    }

  return move;
}

static ConciergeMove *
store_load_move (ConciergeStore  *self,
                 gint64           move_id,
                 gint64           thread_id,
                 GError         **error)
{
  static const char by_id_sql[] = MOVE_COLUMNS "WHERE mv.id = ?";
  /* The latest move of a thread, from either side. */
  static const char by_thread_sql[] =
    MOVE_COLUMNS "WHERE mv.id = (SELECT max (id) FROM ("
    "  SELECT id FROM moves WHERE public_thread_id = ?1 UNION ALL "
    "  SELECT id FROM moves WHERE private_thread_id = ?1))";
  ConciergeMove *move = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, move_id ? by_id_sql : by_thread_sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, move_id ? move_id : thread_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    move = move_from_row (stmt);
  sqlite3_reset (stmt);

  if (move == NULL)
    g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND, "No move");
  return move;
}

/* A move as the agent asked for it, and what queueing it made. */
typedef struct
{
  gint64              public_thread_id;
  char               *private_text;
  char               *public_text;
  ConciergePostAction post_action;
  Target              public;
  Target              private;
  gint64              private_id;
  gint64              move_id;     /* once queued */
} MoveRequest;

static void
move_request_free (gpointer data)
{
  MoveRequest *request = data;

  g_free (request->private_text);
  g_free (request->public_text);
  target_clear (&request->public);
  target_clear (&request->private);
  g_free (request);
}

/* Every message of the customer's in the thread that holds personal data,
 * after the public reply. A move that finds none keeps the posts. */
static gboolean
queue_post_steps (ConciergeStore  *self,
                  MoveRequest     *request,
                  gint64           now,
                  GError         **error)
{
  static const char posts_sql[] =
    "INSERT INTO outbox (account_id, thread_id, message_id, operation, payload, idempotency_key, created_at, "
    "                    move_id, state) "
    "SELECT ?1, m.thread_id, m.id, ?2, json_object ('visibility', 'public', 'thread', ?3, 'post', m.remote_id), "
    "       lower (hex (randomblob (16))), ?4, ?5, 'queued' "
    "FROM messages m WHERE m.thread_id = ?6 AND m.direction = 'in' AND m.personal_data_kinds != 0 "
    "AND m.remote_id IS NOT NULL ORDER BY m.id";
  static const char keep_sql[] = "UPDATE moves SET post_action = 'keep' WHERE id = ?";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, posts_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, request->public.account_id);
  bind_text (stmt, 2, outbox_operations[request->post_action == CONCIERGE_POST_HIDE ? CONCIERGE_OUTBOX_HIDE
                                                                                    : CONCIERGE_OUTBOX_REMOVE]);
  bind_text (stmt, 3, request->public.thread_remote_id);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, request->move_id);
  sqlite3_bind_int64 (stmt, 6, request->public_thread_id);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (store_db (self)) > 0)
    return TRUE;

  if (!(stmt = store_prepare (self, keep_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, request->move_id);
  return store_step_done (self, stmt, error);
}

static gboolean
write_move (ConciergeStore  *self,
            gpointer         data,
            StoreChanges    *changes,
            GError         **error)
{
  static const char move_sql[] =
    "INSERT INTO moves (public_thread_id, reaches_privately, post_action, created_at, answers_publicly) "
    "VALUES (?, ?, ?, ?, ?)";
  static const char steps_sql[] =
    "UPDATE moves SET private_thread_id = nullif (?2, 0), private_message_id = nullif (?3, 0), "
    "public_message_id = ?4 WHERE id = ?1";
  MoveRequest *request = data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 private_message_id = 0, public_message_id = 0;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, move_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, request->public_thread_id);
  sqlite3_bind_int (stmt, 2, request->private_text != NULL);
  bind_text (stmt, 3, post_actions[request->post_action]);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int (stmt, 5, request->public_text != NULL);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  request->move_id = sqlite3_last_insert_rowid (store_db (self));

  /* In this order, which is the order they go out in. */
  if (request->private_text != NULL &&
      (!open_private_thread (self, request->public_thread_id, &request->public, &request->private_id,
                             &request->private, error) ||
       !find_post_to_answer (self, request->public_thread_id, &request->private.private_reply_to, error) ||
       !write_queued (self, request->private_id, &request->private, request->private_text, request->move_id,
                      &private_message_id, error)))
    return FALSE;
  if ((request->public_text != NULL &&
       !write_queued (self, request->public_thread_id, &request->public, request->public_text, request->move_id,
                      &public_message_id, error)) ||
      (request->post_action != CONCIERGE_POST_KEEP && !queue_post_steps (self, request, now, error)))
    return FALSE;

  if (!(stmt = store_prepare (self, steps_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, request->move_id);
  sqlite3_bind_int64 (stmt, 2, request->private_id);
  sqlite3_bind_int64 (stmt, 3, private_message_id);
  if (public_message_id != 0)
    sqlite3_bind_int64 (stmt, 4, public_message_id);
  else
    sqlite3_bind_null (stmt, 4);
  if (!store_step_done (self, stmt, error) ||
      !write_audit (self, CONCIERGE_AUDIT_MOVE, request->public_thread_id, 0, "personal data",
                    request->private_text ? "" : "no private channel", error))
    return FALSE;

  store_changes_add_thread (changes, request->public_thread_id);
  if (request->private_id != 0)
    store_changes_add_thread (changes, request->private_id);
  return TRUE;
}

static void
start_move_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  MoveRequest *request = data;
  GError *error = NULL;

  if (load_target (self, request->public_thread_id, &request->public, &error) &&
      g_strcmp0 (request->public.visibility, "public") != 0)
    g_set_error_literal (&error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                         _("This conversation is private already."));
  if (error == NULL)
    store_write (self, write_move, request, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store_load_move (self, request->move_id, 0, NULL),
                           (GDestroyNotify) concierge_move_free);
}

/**
 * concierge_store_start_move_async:
 * @public_thread_id: the public thread to move
 * @private_text: (nullable): the private message to the customer, or %NULL
 *   where the account cannot write to them privately
 * @public_text: (nullable): the public reply, which must hold no personal
 *   data; %NULL for none, where the private message is a reply to the
 *   customer's post
 * @post_action: what happens to the customer's posts that hold personal
 *   data
 *
 * Queues the steps of a move in one transaction, in the order they go out:
 * the private message, in the customer's private thread, which the public
 * thread links to; the public reply; then hiding or removing each of the
 * customer's posts in the thread that holds personal data. Each step waits
 * for the one before it. The move is logged.
 */
void
concierge_store_start_move_async (ConciergeStore      *self,
                                  gint64               public_thread_id,
                                  const char          *private_text,
                                  const char          *public_text,
                                  ConciergePostAction  post_action,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  MoveRequest *request;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (public_text != NULL || private_text != NULL);
  g_return_if_fail (post_action <= CONCIERGE_POST_REMOVE);

  request = g_new0 (MoveRequest, 1);
  request->public_thread_id = public_thread_id;
  request->private_text = g_strdup (private_text);
  request->public_text = g_strdup (public_text);
  request->post_action = post_action;
  store_run (self, concierge_store_start_move_async, G_PRIORITY_DEFAULT, start_move_job, request,
             move_request_free, cancellable, callback, user_data);
}

/**
 * concierge_store_start_move_finish:
 *
 * Returns: (transfer full): the move, as queued
 */
ConciergeMove *
concierge_store_start_move_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_start_move_async, error);
}

static void
load_move_job (ConciergeStore *self,
               GTask          *task,
               gpointer        data)
{
  gint64 thread_id = *(gint64 *) data;
  GError *error = NULL;
  ConciergeMove *move = store_load_move (self, 0, thread_id, &error);

  if (move == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, move, (GDestroyNotify) concierge_move_free);
}

/**
 * concierge_store_load_move_async:
 * @thread_id: the public or the private thread of a move
 *
 * Reads where the thread's latest move stands. It fails with
 * %CONCIERGE_STORE_ERROR_NOT_FOUND for a thread that never moved.
 */
void
concierge_store_load_move_async (ConciergeStore      *self,
                                 gint64               thread_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_move_async, G_PRIORITY_DEFAULT, load_move_job,
             g_memdup2 (&thread_id, sizeof thread_id), g_free, cancellable, callback, user_data);
}

ConciergeMove *
concierge_store_load_move_finish (ConciergeStore  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_move_async, error);
}

/* The threads a move's steps show in, which a change to them changes. */
static void
add_move_threads (ConciergeStore *self,
                  gint64          move_id,
                  GHashTable     *threads)
{
  g_autoptr(ConciergeMove) move = store_load_move (self, move_id, 0, NULL);

  if (move == NULL)
    return;
  g_hash_table_add (threads, g_memdup2 (&move->public_thread_id, sizeof move->public_thread_id));
  if (move->private_thread_id != 0)
    g_hash_table_add (threads, g_memdup2 (&move->private_thread_id, sizeof move->private_thread_id));
}

static gboolean
write_retry (ConciergeStore  *self,
             gpointer         data,
             StoreChanges    *changes,
             GError         **error)
{
  /* As the agent's Retry on a reply: a clean count of attempts. */
  static const char outbox_sql[] =
    "UPDATE outbox SET attempts = 0, last_error = NULL, "
    "  state = CASE operation WHEN 'reply' THEN NULL ELSE 'queued' END "
    "WHERE move_id = ?1 AND (state = 'failed' OR (operation = 'reply' AND "
    "  (SELECT send_state FROM messages WHERE id = outbox.message_id) IN ('failed', 'unknown')))";
  static const char messages_sql[] =
    "UPDATE messages SET send_state = 'queued' WHERE send_state IN ('failed', 'unknown') AND id IN "
    "(SELECT message_id FROM outbox WHERE move_id = ?1 AND operation = 'reply')";
  gint64 move_id = *(gint64 *) data;

  if (!store_run_each (self, (const char * const[]) { outbox_sql, messages_sql }, 2, move_id, 0, error))
    return FALSE;
  add_move_threads (self, move_id, changes->threads);
  return TRUE;
}

static void
retry_move_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  store_write_task (self, task, write_retry, data);
}

/**
 * concierge_store_retry_move_async:
 *
 * The agent's Retry on a move: its failed steps, and those whose delivery
 * is unknown, are queued again. The steps that are done stay done.
 */
void
concierge_store_retry_move_async (ConciergeStore      *self,
                                  gint64               move_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_retry_move_async, G_PRIORITY_DEFAULT, retry_move_job,
             g_memdup2 (&move_id, sizeof move_id), g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_retry_move_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_retry_move_async, error);
}

/* An operation on a customer's post, as the outbox holds it. */
typedef struct
{
  gint64                   outbox_id;
  ConciergeOutboxOperation operation;
  gint64                   thread_id;
  gint64                   message_id;
  gint64                   move_id;
  ConciergeSendState       state;       /* where it stands now */
  char                    *error_text;
  char                    *reason;      /* why the post is hidden or removed */
} PostOperation;

static void
post_operation_free (gpointer data)
{
  PostOperation *operation = data;

  g_free (operation->error_text);
  g_free (operation->reason);
  g_free (operation);
}

static PostOperation *
post_operation_new (gint64 outbox_id)
{
  PostOperation *operation = g_new0 (PostOperation, 1);

  operation->outbox_id = outbox_id;
  return operation;
}

static gboolean
load_operation (ConciergeStore  *self,
                PostOperation   *operation,
                GError         **error)
{
  /* A move hides and removes for personal data; the agent names the
   * reason for a post hidden on its own. Showing it again names the
   * reason it was hidden for, none for a post hidden on the platform. */
  static const char sql[] =
    "SELECT o.operation, o.thread_id, o.message_id, o.move_id, "
    "  coalesce (json_extract (o.payload, '$.reason'), CASE o.operation WHEN 'unhide' "
    "    THEN coalesce (m.hidden_reason, '') ELSE 'personal data' END) "
    "FROM outbox o LEFT JOIN messages m ON m.id = o.message_id WHERE o.id = ?";
  sqlite3_stmt *stmt;
  gboolean found;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operation->outbox_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      operation->operation = CONCIERGE_OUTBOX_HIDE;
      for (guint k = CONCIERGE_OUTBOX_HIDE; k <= CONCIERGE_OUTBOX_UNHIDE; k++)
        if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), outbox_operations[k]) == 0)
          operation->operation = k;
      operation->reason = column_dup (stmt, 4);
      operation->thread_id = sqlite3_column_int64 (stmt, 1);
      operation->message_id = sqlite3_column_int64 (stmt, 2);
      operation->move_id = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);

  if (!found)
    g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                 "No outbox entry %" G_GINT64_FORMAT, operation->outbox_id);
  return found;
}

static void
set_operation_state_job (ConciergeStore *self,
                         GTask          *task,
                         gpointer        data)
{
  /* Counted as a reply's attempts are: before the request leaves. */
  static const char sql[] =
    "UPDATE outbox SET attempts = CASE WHEN ?1 = 'sending' AND ?2 IS NULL THEN attempts + 1 "
    "                                  WHEN ?1 = 'queued' AND ?2 IS NULL THEN 0 ELSE attempts END, "
    "  state = ?1, last_error = ?2 WHERE id = ?3 AND operation != 'reply'";
  PostOperation *operation = data;
  g_autoptr(GHashTable) touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (!load_operation (self, operation, &error) ||
      !(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bind_text (stmt, 1, operation->state == CONCIERGE_SEND_SENDING ? "sending"
                      : operation->state == CONCIERGE_SEND_QUEUED ? "queued" : "failed");
  bind_text (stmt, 2, operation->error_text);
  sqlite3_bind_int64 (stmt, 3, operation->outbox_id);
  if (!store_step_done (self, stmt, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_hash_table_add (touched, g_memdup2 (&operation->thread_id, sizeof operation->thread_id));
  add_move_threads (self, operation->move_id, touched);
  store_notify_threads (self, touched);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_set_operation_state_async:
 * @outbox_id: an entry that hides or removes a post
 * @state: %CONCIERGE_SEND_QUEUED, %CONCIERGE_SEND_SENDING or
 *   %CONCIERGE_SEND_FAILED
 * @error_text: (nullable): why it failed, in words for the agent
 *
 * Records where an operation on a customer's post stands, as
 * concierge_store_set_send_state_async() does for a reply.
 */
void
concierge_store_set_operation_state_async (ConciergeStore      *self,
                                           gint64               outbox_id,
                                           ConciergeSendState   state,
                                           const char          *error_text,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  PostOperation *operation;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (state == CONCIERGE_SEND_QUEUED || state == CONCIERGE_SEND_SENDING ||
                    state == CONCIERGE_SEND_FAILED);

  operation = post_operation_new (outbox_id);
  operation->state = state;
  operation->error_text = g_strdup (error_text);
  store_run (self, concierge_store_set_operation_state_async, G_PRIORITY_DEFAULT, set_operation_state_job,
             operation, post_operation_free, cancellable, callback, user_data);
}

gboolean
concierge_store_set_operation_state_finish (ConciergeStore  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_set_operation_state_async, error);
}

static gboolean
write_completed_operation (ConciergeStore  *self,
                           gpointer         data,
                           StoreChanges    *changes,
                           GError         **error)
{
  static const char sql[] = "DELETE FROM outbox WHERE id = ?";
  static const char taken_down_sql[] = "UPDATE messages SET taken_down = ?1, hidden_reason = ?3 WHERE id = ?2";
  static const ConciergeAuditAction actions[] = {
    [CONCIERGE_OUTBOX_HIDE] = CONCIERGE_AUDIT_HIDE,
    [CONCIERGE_OUTBOX_REMOVE] = CONCIERGE_AUDIT_REMOVE,
    [CONCIERGE_OUTBOX_UNHIDE] = CONCIERGE_AUDIT_UNHIDE,
  };
  PostOperation *operation = data;
  gboolean removed = operation->operation == CONCIERGE_OUTBOX_REMOVE;
  gboolean hidden = operation->operation == CONCIERGE_OUTBOX_HIDE;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operation->outbox_id);
  if (!store_step_done (self, stmt, error) || !(stmt = store_prepare (self, taken_down_sql, error)))
    return FALSE;
  bind_text (stmt, 1, removed ? "removed" : hidden ? "hidden" : NULL);
  sqlite3_bind_int64 (stmt, 2, operation->message_id);
  bind_text (stmt, 3, hidden ? operation->reason : NULL);
  if (!store_step_done (self, stmt, error) ||
      !update_thread_personal_data (self, operation->thread_id, error) ||
      !write_audit (self, actions[operation->operation], operation->thread_id, operation->message_id,
                    operation->reason, "", error))
    return FALSE;

  /* A post hidden on its own shows in its thread only. */
  store_changes_add_thread (changes, operation->thread_id);
  add_move_threads (self, operation->move_id, changes->threads);
  return TRUE;
}

static void
complete_operation_job (ConciergeStore *self,
                        GTask          *task,
                        gpointer        data)
{
  PostOperation *operation = data;
  GError *error = NULL;

  if (!load_operation (self, operation, &error))
    g_task_return_error (task, error);
  else
    store_write_task (self, task, write_completed_operation, operation);
}

/**
 * concierge_store_complete_operation_async:
 *
 * Empties the outbox entry of a post that the platform hid, removed or
 * showed again, marks the post, which no longer flags its thread while
 * it is taken down, and logs it with its reason: personal data for a
 * move's, the agent's for a post hidden on its own, and for a post shown
 * again the reason it was hidden for.
 */
void
concierge_store_complete_operation_async (ConciergeStore      *self,
                                          gint64               outbox_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_complete_operation_async, G_PRIORITY_DEFAULT, complete_operation_job,
             post_operation_new (outbox_id), post_operation_free, cancellable, callback, user_data);
}

gboolean
concierge_store_complete_operation_finish (ConciergeStore  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_complete_operation_async, error);
}

/* A move whose private message the platform refused, and the public reply
 * that asks the customer to write privately instead. */
typedef struct
{
  gint64  move_id;
  char   *public_text;
} PublicCourse;

static void
public_course_free (gpointer data)
{
  PublicCourse *course = data;

  g_free (course->public_text);
  g_free (course);
}

/* The refused private message goes, and with it a private thread that
 * Concierge started for it and the platform never named, which has
 * nothing left: then the thread lists read themselves anew. */
static gboolean
drop_private_message (ConciergeStore  *self,
                      gint64           message_id,
                      gint64           thread_id,
                      StoreChanges    *changes,
                      GError         **error)
{
  static const char drop_sql[] = "DELETE FROM messages WHERE id = ?";
  static const char drop_thread_sql[] =
    "DELETE FROM threads WHERE id = ?1 AND remote_id >= '" PENDING_PREFIX "' AND remote_id < '" PENDING_END "' "
    "AND NOT EXISTS (SELECT 1 FROM messages WHERE thread_id = ?1)";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, drop_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!store_step_done (self, stmt, error) || !(stmt = store_prepare (self, drop_thread_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  changes->invalidated = sqlite3_changes (store_db (self)) > 0;
  return update_thread_summary (self, thread_id, FALSE, error);
}

static gboolean
write_public_course (ConciergeStore  *self,
                     gpointer         data,
                     StoreChanges    *changes,
                     GError         **error)
{
  static const char move_sql[] =
    "SELECT mv.private_message_id, mv.public_message_id, mv.private_thread_id, pm.send_state, qm.send_state, "
    "  mv.public_thread_id FROM moves mv LEFT JOIN messages pm ON pm.id = mv.private_message_id "
    "LEFT JOIN messages qm ON qm.id = mv.public_message_id WHERE mv.id = ? AND mv.reaches_privately";
  static const char text_sql[] = "UPDATE messages SET body = ?2 WHERE id = ?1";
  static const char payload_sql[] =
    "UPDATE outbox SET payload = json_set (payload, '$.text', ?2) WHERE message_id = ?1 AND operation = 'reply'";
  static const char public_sql[] = "UPDATE moves SET reaches_privately = 0 WHERE id = ?";
  PublicCourse *course = data;
  gint64 private_message_id = 0, public_message_id = 0, private_thread_id = 0, public_thread_id = 0;
  g_autofree char *private_state = NULL;
  g_autofree char *public_state = NULL;
  sqlite3_stmt *stmt;
  gboolean found;

  if (!(stmt = store_prepare (self, move_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, course->move_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      private_message_id = sqlite3_column_int64 (stmt, 0);
      public_message_id = sqlite3_column_int64 (stmt, 1);
      private_thread_id = sqlite3_column_int64 (stmt, 2);
      private_state = column_dup (stmt, 3);
      public_state = column_dup (stmt, 4);
      public_thread_id = sqlite3_column_int64 (stmt, 5);
    }
  sqlite3_reset (stmt);

  /* What went out privately, or may have, stays; so does a public reply
   * that is on its way. */
  if (!found || private_message_id == 0 || g_strcmp0 (private_state, "failed") != 0 ||
      g_strcmp0 (public_state, "queued") != 0)
    {
      g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                           _("The private message is on its way already, so the move cannot change course."));
      return FALSE;
    }

  if (!drop_private_message (self, private_message_id, private_thread_id, changes, error))
    return FALSE;

  for (guint k = 0; k < 2; k++)
    {
      if (!(stmt = store_prepare (self, k == 0 ? text_sql : payload_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, public_message_id);
      bind_text (stmt, 2, course->public_text);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  if (!(stmt = store_prepare (self, public_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, course->move_id);
  if (!store_step_done (self, stmt, error) || !update_thread_summary (self, public_thread_id, FALSE, error))
    return FALSE;

  add_move_threads (self, course->move_id, changes->threads);
  return TRUE;
}

static void
move_publicly_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  store_write_task (self, task, write_public_course, data);
}

/**
 * concierge_store_move_publicly_async:
 * @public_text: the public reply instead, which asks the customer to write
 *   privately
 *
 * Where the customer cannot be written to privately after all, as the
 * platform's refusal of the private message showed: the refused message
 * goes, and the waiting public reply takes @public_text, which may go out
 * now. Only a move whose private message failed can change course.
 */
void
concierge_store_move_publicly_async (ConciergeStore      *self,
                                     gint64               move_id,
                                     const char          *public_text,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  PublicCourse *course;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (public_text != NULL);

  course = g_new0 (PublicCourse, 1);
  course->move_id = move_id;
  course->public_text = g_strdup (public_text);
  store_run (self, concierge_store_move_publicly_async, G_PRIORITY_DEFAULT, move_publicly_job, course,
             public_course_free, cancellable, callback, user_data);
}

gboolean
concierge_store_move_publicly_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_move_publicly_async, error);
}
