/* concierge-store-ingest.c
 *
 * Ingest: writing what a channel fetched, in one transaction a batch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

#define SNIPPET_LENGTH 200

/* Ingest */

typedef struct
{
  char               *thread_remote_id; /* NULL: the thread of reply_to */
  char               *reply_to;
  ConciergeVisibility visibility;
  ConciergeMessage   *message;
} IngestItem;

struct _ConciergeIngest
{
  gint64  account_id;
  GArray *items;
  char   *stream;
  char   *cursor;
  char   *remote_user_id;
};

static void
ingest_item_clear (gpointer data)
{
  IngestItem *item = data;

  g_free (item->thread_remote_id);
  g_free (item->reply_to);
  g_clear_object (&item->message);
}

ConciergeIngest *
concierge_ingest_new (gint64 account_id)
{
  ConciergeIngest *ingest = g_new0 (ConciergeIngest, 1);

  ingest->account_id = account_id;
  ingest->items = g_array_new (FALSE, TRUE, sizeof (IngestItem));
  g_array_set_clear_func (ingest->items, ingest_item_clear);

  return ingest;
}

static void
ingest_append (ConciergeIngest    *ingest,
               const char         *thread_remote_id,
               const char         *reply_to,
               ConciergeVisibility visibility,
               ConciergeMessage   *message)
{
  IngestItem item = { 0 };

  item.thread_remote_id = g_strdup (thread_remote_id);
  item.reply_to = g_strdup (reply_to);
  item.visibility = visibility;
  item.message = g_object_ref (message);
  g_array_append_val (ingest->items, item);
}

/**
 * concierge_ingest_add_message:
 * @thread_remote_id: the platform's id of the conversation
 * @visibility: whether the conversation is public or private
 * @message: an incoming message with its author's identity, or one of the
 *   agent's own
 *
 * Messages the store has already seen, by thread and remote id, are not
 * added twice; an edited one replaces its text.
 */
void
concierge_ingest_add_message (ConciergeIngest    *ingest,
                              const char         *thread_remote_id,
                              ConciergeVisibility visibility,
                              ConciergeMessage   *message)
{
  g_return_if_fail (ingest != NULL);
  g_return_if_fail (thread_remote_id != NULL);
  g_return_if_fail (CONCIERGE_IS_MESSAGE (message));

  ingest_append (ingest, thread_remote_id, NULL, visibility, message);
}

/**
 * concierge_ingest_add_reply:
 * @reply_to: the platform's id of the message @message answers
 * @message: one of the agent's own, sent from anywhere
 *
 * The message joins the thread of the message it answers, if the store
 * knows that one, earlier in the same batch included; a reply to nothing
 * known is left out. One the store already has, by remote id, stays once.
 */
void
concierge_ingest_add_reply (ConciergeIngest    *ingest,
                            const char         *reply_to,
                            ConciergeVisibility visibility,
                            ConciergeMessage   *message)
{
  g_return_if_fail (ingest != NULL);
  g_return_if_fail (reply_to != NULL);
  g_return_if_fail (CONCIERGE_IS_MESSAGE (message));

  ingest_append (ingest, NULL, reply_to, visibility, message);
}

guint
concierge_ingest_get_size (ConciergeIngest *ingest)
{
  g_return_val_if_fail (ingest != NULL, 0);

  return ingest->items->len;
}

/**
 * concierge_ingest_set_cursor:
 * @stream: which of the account's feeds, like "notifications"
 * @cursor: where the next fetch of that feed starts
 *
 * The cursor is saved in the same transaction as the messages, so after a
 * crash the next fetch starts exactly where the saved messages end.
 */
void
concierge_ingest_set_cursor (ConciergeIngest *ingest,
                             const char      *stream,
                             const char      *cursor)
{
  g_return_if_fail (ingest != NULL);
  g_return_if_fail (stream != NULL);

  g_free (ingest->stream);
  g_free (ingest->cursor);
  ingest->stream = g_strdup (stream);
  ingest->cursor = g_strdup (cursor);
}

/**
 * concierge_ingest_set_remote_user_id:
 * @remote_user_id: the account's own id on the platform, as the fetch
 *   learnt it
 *
 * An account added with a token alone does not know whose it is until it
 * first syncs; the store keeps the id then, so that signing in to the same
 * account later renews it instead of adding it twice.
 */
void
concierge_ingest_set_remote_user_id (ConciergeIngest *ingest,
                                     const char      *remote_user_id)
{
  g_return_if_fail (ingest != NULL);
  g_return_if_fail (remote_user_id != NULL && remote_user_id[0] != '\0');

  g_free (ingest->remote_user_id);
  ingest->remote_user_id = g_strdup (remote_user_id);
}

void
concierge_ingest_free (ConciergeIngest *ingest)
{
  if (ingest == NULL)
    return;

  g_free (ingest->stream);
  g_free (ingest->cursor);
  g_free (ingest->remote_user_id);
  g_array_unref (ingest->items);
  g_free (ingest);
}

/* Returns the contact id of the identity, creating both when new. */
static gboolean
ingest_identity (ConciergeStore    *self,
                 ConciergeIdentity *identity,
                 const char        *platform,
                 const char        *server_url,
                 gint64            *identity_id,
                 gint64            *contact_id,
                 GError           **error)
{
  static const char select_sql[] =
    "SELECT id, contact_id, handle, display_name FROM identities "
    "WHERE platform = ? AND server_url = ? AND remote_id = ?";
  static const char update_sql[] =
    "UPDATE identities SET handle = ?, display_name = ? WHERE id = ?";
  static const char contact_sql[] =
    "INSERT INTO contacts (name, created_at) VALUES (?, ?)";
  static const char insert_sql[] =
    "INSERT INTO identities (contact_id, platform, server_url, remote_id, handle, display_name) "
    "VALUES (?, ?, ?, ?, ?, ?)";
  const char *name;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, select_sql, error)))
    return FALSE;
  bind_text (stmt, 1, platform);
  bind_text (stmt, 2, server_url);
  bind_text (stmt, 3, identity->remote_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean renamed;

      *identity_id = sqlite3_column_int64 (stmt, 0);
      *contact_id = sqlite3_column_int64 (stmt, 1);
      renamed = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), identity->handle) != 0 ||
                g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), identity->display_name) != 0;
      sqlite3_reset (stmt);

      if (!renamed)
        return TRUE;
      if (!(stmt = store_prepare (self, update_sql, error)))
        return FALSE;
      bind_text (stmt, 1, identity->handle);
      bind_text (stmt, 2, identity->display_name);
      sqlite3_bind_int64 (stmt, 3, *identity_id);
      return store_step_done (self, stmt, error);
    }
  sqlite3_reset (stmt);

  name = identity->display_name[0] ? identity->display_name : identity->handle;
  if (!(stmt = store_prepare (self, contact_sql, error)))
    return FALSE;
  bind_text (stmt, 1, name[0] ? name : identity->remote_id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  *contact_id = sqlite3_last_insert_rowid (store_db (self));

  if (!(stmt = store_prepare (self, insert_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *contact_id);
  bind_text (stmt, 2, platform);
  bind_text (stmt, 3, server_url);
  bind_text (stmt, 4, identity->remote_id);
  bind_text (stmt, 5, identity->handle);
  bind_text (stmt, 6, identity->display_name);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  *identity_id = sqlite3_last_insert_rowid (store_db (self));

  return TRUE;
}

static gboolean
ingest_thread (ConciergeStore     *self,
               gint64              account_id,
               IngestItem         *item,
               gint64              contact_id,
               gint64             *thread_id,
               GError            **error)
{
  static const char select_sql[] =
    "SELECT id, contact_id FROM threads WHERE account_id = ? AND remote_id = ?";
  static const char set_contact_sql[] =
    "UPDATE threads SET contact_id = ? WHERE id = ?";
  static const char insert_sql[] =
    "INSERT INTO threads (account_id, contact_id, visibility, remote_id, last_activity_at) "
    "VALUES (?, ?, ?, ?, ?)";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, select_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, item->thread_remote_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gboolean needs_contact = sqlite3_column_type (stmt, 1) == SQLITE_NULL && contact_id != 0;

      *thread_id = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (!needs_contact)
        return TRUE;

      if (!(stmt = store_prepare (self, set_contact_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, contact_id);
      sqlite3_bind_int64 (stmt, 2, *thread_id);
      return store_step_done (self, stmt, error);
    }
  sqlite3_reset (stmt);

  /* A conversation that Concierge started privately, and whose first
   * message the platform now shows in its own thread, takes that name. */
  if (item->message->remote_id != NULL)
    {
      static const char pending_sql[] =
        "SELECT t.id FROM threads t WHERE t.account_id = ?1 "
        "AND t.remote_id >= '" PENDING_PREFIX "' AND t.remote_id < '" PENDING_END "' "
        "AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id AND m.remote_id = ?2) LIMIT 1";
      static const char rename_sql[] = "UPDATE threads SET remote_id = ? WHERE id = ?";

      if (!(stmt = store_prepare (self, pending_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      bind_text (stmt, 2, item->message->remote_id);
      *thread_id = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      sqlite3_reset (stmt);
      if (*thread_id != 0)
        {
          if (!(stmt = store_prepare (self, rename_sql, error)))
            return FALSE;
          bind_text (stmt, 1, item->thread_remote_id);
          sqlite3_bind_int64 (stmt, 2, *thread_id);
          return store_step_done (self, stmt, error);
        }
    }

  if (!(stmt = store_prepare (self, insert_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (contact_id != 0)
    sqlite3_bind_int64 (stmt, 2, contact_id);
  bind_text (stmt, 3, concierge_visibility_to_string (item->visibility));
  bind_text (stmt, 4, item->thread_remote_id);
  sqlite3_bind_int64 (stmt, 5, item->message->created_at);
  if (!store_step_done (self, stmt, error))
    return FALSE;
  *thread_id = sqlite3_last_insert_rowid (store_db (self));

  return TRUE;
}

/* Message ids are the creation time in seconds times 1024, plus a
 * sequence number: the full-text index keeps rowids in order, so it can
 * hand out the newest matches first and stop after a page, however common
 * the word. More than 1024 messages in one second fall back to SQLite's own
 * id (0 here), one above the largest, so such a burst sorts as the newest. */
#define MESSAGE_ID_SLOTS 1024

gboolean
next_message_id (ConciergeStore  *self,
                 gint64           created_at,
                 gint64          *id,
                 GError         **error)
{
  static const char sql[] = "SELECT max (id) FROM messages WHERE id BETWEEN ?1 AND ?2";
  gint64 first = MAX (created_at, 0) * MESSAGE_ID_SLOTS;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, first + MESSAGE_ID_SLOTS - 1);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (error, store_db (self), sqlite3_errcode (store_db (self)), "Reading the cache failed");
      sqlite3_reset (stmt);
      return FALSE;
    }

  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    *id = first;
  else if (sqlite3_column_int64 (stmt, 0) < first + MESSAGE_ID_SLOTS - 1)
    *id = sqlite3_column_int64 (stmt, 0) + 1;
  else
    *id = 0;
  sqlite3_reset (stmt);

  return TRUE;
}

/* Binds a scan's result at @column and the next: a message nobody could
 * scan stays NULL, to be scanned once a scanner is set. */
static void
bind_scan (sqlite3_stmt     *stmt,
           int               column,
           ConciergeStore   *self,
           ConciergeMessage *message,
           const char       *spans,
           guint             kinds)
{
  if (message->direction == CONCIERGE_DIRECTION_IN && self->worker->scanner.func != NULL)
    bind_text (stmt, column, spans ? spans : "");
  else if (message->direction == CONCIERGE_DIRECTION_OUT)
    bind_text (stmt, column, "");
  else
    sqlite3_bind_null (stmt, column);
  sqlite3_bind_int64 (stmt, column + 1, kinds);
}

/* An edit may bring images; those the cache has keep their bytes. */
static gboolean
ingest_images (ConciergeStore    *self,
               gint64             message_id,
               ConciergeMessage  *message,
               GError           **error)
{
  static const char sql[] =
    "INSERT INTO images (message_id, position, source, description, width, height) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, position) DO NOTHING";

  for (guint i = 0; message->images != NULL && i < message->images->len; i++)
    {
      ConciergeImage *image = g_ptr_array_index (message->images, i);
      sqlite3_stmt *stmt;

      if (!(stmt = store_prepare (self, sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, image->source);
      bind_text (stmt, 4, image->description);
      sqlite3_bind_int (stmt, 5, image->width);
      sqlite3_bind_int (stmt, 6, image->height);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

/* A message the cache has already: an edit, or the platform's word that
 * it is hidden now, as by a page's moderator. */
static gboolean
update_message (ConciergeStore    *self,
                gint64             existing_id,
                gint64             edited_at,
                gboolean           same_text,
                gboolean           taken_down,
                ConciergeMessage  *message,
                const char        *spans,
                guint              kinds,
                gboolean          *personal_data_changed,
                GError           **error)
{
  static const char hide_sql[] = "UPDATE messages SET taken_down = 'hidden' WHERE id = ?";
  static const char edit_sql[] =
    "UPDATE messages SET body = ?, edited_at = ?, content_warning = ?, personal_data = ?, "
    "personal_data_kinds = ? WHERE id = ?";
  gint64 new_edited_at = message->edited_at;
  sqlite3_stmt *stmt;

  if (message->taken_down == CONCIERGE_TAKEN_DOWN_HIDDEN && !taken_down)
    {
      if (!(stmt = store_prepare (self, hide_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, existing_id);
      if (!store_step_done (self, stmt, error))
        return FALSE;
      /* Hidden data is no longer out in public. */
      *personal_data_changed = TRUE;
    }

  if (new_edited_at == CONCIERGE_EDITED_IF_CHANGED)
    {
      if (same_text)
        return TRUE;
      new_edited_at = g_get_real_time () / G_USEC_PER_SEC;
    }
  else if (new_edited_at == 0 || new_edited_at == edited_at)
    return TRUE;

  if (!(stmt = store_prepare (self, edit_sql, error)))
    return FALSE;
  bind_text (stmt, 1, message->body);
  sqlite3_bind_int64 (stmt, 2, new_edited_at);
  bind_text (stmt, 3, message->content_warning ? message->content_warning : "");
  bind_scan (stmt, 4, self, message, spans, kinds);
  sqlite3_bind_int64 (stmt, 6, existing_id);
  /* An edit may have taken the data out, too. */
  *personal_data_changed = TRUE;
  return store_step_done (self, stmt, error) &&
         ingest_images (self, existing_id, message, error) &&
         store_ingest_files (self, existing_id, message, error);
}

/* Returns whether the message is new. */
static gboolean
ingest_message (ConciergeStore   *self,
                gint64            thread_id,
                IngestItem       *item,
                gint64            author_id,
                gboolean         *is_new,
                gboolean         *personal_data_changed,
                GError          **error)
{
  static const char select_sql[] =
    "SELECT id, edited_at, body, taken_down IS NOT NULL FROM messages WHERE thread_id = ? AND remote_id = ?";
  static const char insert_sql[] =
    "INSERT INTO messages (id, thread_id, remote_id, direction, author_identity_id, body, "
    "created_at, edited_at, send_state, visibility, content_warning, personal_data, personal_data_kinds, "
    "audience, sent_elsewhere, taken_down) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  ConciergeMessage *message = item->message;
  g_autofree char *spans = NULL;
  guint kinds = 0;
  sqlite3_stmt *stmt;
  gint64 id;

  *is_new = FALSE;
  *personal_data_changed = FALSE;

  /* Customers' messages are scanned as they land, here on the worker, so
   * that no frame waits for it; the agent's own replies meet the guard
   * before they are sent. */
  if (message->direction == CONCIERGE_DIRECTION_IN && self->worker->scanner.func != NULL)
    kinds = ((ConciergeStoreScanner) self->worker->scanner.func) (message->body, &spans, self->worker->scanner.data);

  if (message->remote_id != NULL)
    {
      if (!(stmt = store_prepare (self, select_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, thread_id);
      bind_text (stmt, 2, message->remote_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 existing_id = sqlite3_column_int64 (stmt, 0);
          gint64 edited_at = sqlite3_column_int64 (stmt, 1);
          gboolean same_text = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), message->body) == 0;
          gboolean taken_down = sqlite3_column_int (stmt, 3);

          sqlite3_reset (stmt);
          return update_message (self, existing_id, edited_at, same_text, taken_down, message, spans, kinds,
                                 personal_data_changed, error);
        }
      sqlite3_reset (stmt);
    }

  if (!next_message_id (self, message->created_at, &id, error))
    return FALSE;
  if (!(stmt = store_prepare (self, insert_sql, error)))
    return FALSE;
  if (id != 0)
    sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, thread_id);
  bind_text (stmt, 3, message->remote_id);
  bind_text (stmt, 4, concierge_direction_to_string (message->direction));
  if (author_id != 0)
    sqlite3_bind_int64 (stmt, 5, author_id);
  bind_text (stmt, 6, message->body);
  sqlite3_bind_int64 (stmt, 7, message->created_at);
  bind_time (stmt, 8, MAX (message->edited_at, 0));
  bind_text (stmt, 9, concierge_send_state_to_string (message->send_state));
  bind_text (stmt, 10, concierge_visibility_to_string (item->visibility));
  bind_text (stmt, 11, message->content_warning ? message->content_warning : "");
  bind_scan (stmt, 12, self, message, spans, kinds);
  bind_text (stmt, 14, concierge_audience_to_string (message->audience));
  /* The outbox writes the replies Concierge sends; one of the agent's that
   * a platform brings and the cache does not know was sent elsewhere. */
  sqlite3_bind_int (stmt, 15, message->direction == CONCIERGE_DIRECTION_OUT);
  /* A post hidden on the platform before it came, as by a page's own
   * filters, shows as hidden. */
  if (message->taken_down == CONCIERGE_TAKEN_DOWN_HIDDEN)
    bind_text (stmt, 16, "hidden");
  if (!store_step_done (self, stmt, error) ||
      !ingest_images (self, id = sqlite3_last_insert_rowid (store_db (self)), message, error) ||
      !store_ingest_files (self, id, message, error))
    return FALSE;

  *is_new = TRUE;
  *personal_data_changed = kinds != 0;
  return TRUE;
}

/* Derives a thread's summary from its messages, so that messages arriving
 * out of order still give the right waiting time. */
gboolean
update_thread_summary (ConciergeStore  *self,
                       gint64           thread_id,
                       gboolean         new_incoming,
                       GError         **error)
{
  static const char sql[] =
    "UPDATE threads SET "
    "  last_activity_at = (SELECT MAX (created_at) FROM messages WHERE thread_id = ?1), "
    "  snippet = (SELECT replace (replace (substr (body, 1, " G_STRINGIFY (SNIPPET_LENGTH) "), "
    "               char (10), ' '), char (13), ' ') "
    "             FROM messages WHERE thread_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1), "
    "  waiting_since = (SELECT MIN (created_at) FROM messages "
    "                   WHERE thread_id = ?1 AND direction = 'in' AND created_at > "
    "                     coalesce ((SELECT MAX (created_at) FROM messages "
    "                                WHERE thread_id = ?1 AND direction = 'out' "
    "                                  AND send_state = 'sent'), -1)), "
    "  first_response_at = (SELECT MIN (created_at) FROM messages "
    "                       WHERE thread_id = ?1 AND direction = 'out' AND send_state = 'sent'), "
    "  last_incoming_at = (SELECT MAX (created_at) FROM messages WHERE thread_id = ?1 AND direction = 'in'), "
    "  unread = CASE WHEN ?2 THEN 1 ELSE unread END, "
    /* The customer wrote: a resolved, snoozed or pending thread is open again. */
    "  status = CASE WHEN ?2 THEN 'open' ELSE status END, "
    "  snooze_until = CASE WHEN ?2 THEN NULL ELSE snooze_until END "
    "WHERE id = ?1";
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  sqlite3_bind_int (stmt, 2, new_incoming);

  return store_step_done (self, stmt, error);
}

/* The kinds of personal data in a thread, from its customer messages.
 * Only where they may have changed: reading every thread's messages
 * again would halve the speed of a big ingest. */
gboolean
update_thread_personal_data (ConciergeStore  *self,
                             gint64           thread_id,
                             GError         **error)
{
  /* Written only when it differs: the inbox indexes hold it, and the
   * caller learns from sqlite3_changes() whether it changed. A post taken
   * down shows nobody its data any more. */
  static const char sql[] =
    "UPDATE threads SET personal_data = (SELECT bit_or (personal_data_kinds) FROM messages "
    "WHERE thread_id = ?1 AND direction = 'in' AND taken_down IS NULL) WHERE id = ?1 AND personal_data IS NOT "
    "(SELECT bit_or (personal_data_kinds) FROM messages WHERE thread_id = ?1 AND direction = 'in' "
    "AND taken_down IS NULL)";
  sqlite3_stmt *stmt = store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  return store_step_done (self, stmt, error);
}

/* A thread's audience is that of its customer's latest post, which a
 * reply answers. */
static gboolean
update_thread_audience (ConciergeStore    *self,
                        gint64             thread_id,
                        ConciergeMessage  *message,
                        GError           **error)
{
  static const char sql[] =
    "UPDATE threads SET audience = ?2 WHERE id = ?1 AND audience IS NOT ?2 AND NOT EXISTS "
    "(SELECT 1 FROM messages WHERE thread_id = ?1 AND direction = 'in' AND created_at > ?3)";
  sqlite3_stmt *stmt;

  if (message->direction != CONCIERGE_DIRECTION_IN || message->audience == CONCIERGE_AUDIENCE_UNKNOWN)
    return TRUE;
  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  bind_text (stmt, 2, concierge_audience_to_string (message->audience));
  sqlite3_bind_int64 (stmt, 3, message->created_at);
  return store_step_done (self, stmt, error);
}

/* Finds the thread of the message a reply answers; FALSE with no error
 * when the store does not know it. */
static gboolean
resolve_reply_thread (ConciergeStore  *self,
                      gint64           account_id,
                      IngestItem      *item,
                      GError         **error)
{
  static const char sql[] =
    "SELECT t.remote_id FROM messages m JOIN threads t ON t.id = m.thread_id "
    "WHERE t.account_id = ? AND m.remote_id = ? AND t.remote_id IS NOT NULL LIMIT 1";
  sqlite3_stmt *stmt = store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, item->reply_to);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    item->thread_remote_id = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return item->thread_remote_id != NULL;
}

#define NEW_INCOMING          (1u << 0)
#define PERSONAL_DATA_CHANGED (1u << 1)

/* A batch and the platform of its account, which its authors' identities
 * are on. */
typedef struct
{
  ConciergeIngest *ingest;
  char            *platform;
  char            *server_url;
} IngestBatch;

static gboolean
write_batch (ConciergeStore  *self,
             gpointer         data,
             StoreChanges    *changes,
             GError         **error)
{
  IngestBatch *batch = data;
  ConciergeIngest *ingest = batch->ingest;
  /* Whether a thread got a new customer message, and whether its personal
   * data may have changed: the values of the changed threads. */
  GHashTable *touched = changes->threads;
  gint64 has_tombstones = 0;
  GHashTableIter iter;
  gpointer key, value;
  sqlite3_stmt *stmt;

  if (!store_count (self, "SELECT EXISTS (SELECT 1 FROM tombstones)", 0, &has_tombstones, error))
    return FALSE;

  for (guint i = 0; i < ingest->items->len; i++)
    {
      IngestItem *item = &g_array_index (ingest->items, IngestItem, i);
      ConciergeIdentity *author = item->message->author;
      gint64 identity_id = 0, contact_id = 0, thread_id = 0;
      gboolean is_new, personal_data_changed, forgotten = FALSE;

      if (item->thread_remote_id == NULL && !resolve_reply_thread (self, ingest->account_id, item, error))
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          continue;
        }

      /* A forgotten customer's messages stay gone, whatever a platform
       * sends again; a new message from them starts a new customer. */
      if (has_tombstones && item->message->remote_id != NULL &&
          !is_tombstoned (self, ingest->account_id, item->thread_remote_id,
                          item->message->remote_id, &forgotten, error))
        return FALSE;
      if (forgotten)
        continue;

      if (author != NULL &&
          !ingest_identity (self, author, batch->platform, batch->server_url, &identity_id, &contact_id, error))
        return FALSE;
      if (!ingest_thread (self, ingest->account_id, item, contact_id, &thread_id, error) ||
          !ingest_message (self, thread_id, item, identity_id, &is_new, &personal_data_changed, error) ||
          (is_new && !update_thread_audience (self, thread_id, item->message, error)))
        return FALSE;

      if (!g_hash_table_lookup_extended (touched, &thread_id, NULL, &value))
        value = GUINT_TO_POINTER (0);
      if (is_new && item->message->direction == CONCIERGE_DIRECTION_IN)
        value = GUINT_TO_POINTER (GPOINTER_TO_UINT (value) | NEW_INCOMING);
      if (personal_data_changed)
        value = GUINT_TO_POINTER (GPOINTER_TO_UINT (value) | PERSONAL_DATA_CHANGED);
      g_hash_table_insert (touched, g_memdup2 (&thread_id, sizeof thread_id), value);
    }

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint flags = GPOINTER_TO_UINT (value);

      if (!update_thread_summary (self, *(gint64 *) key, (flags & NEW_INCOMING) != 0, error) ||
          ((flags & PERSONAL_DATA_CHANGED) && !update_thread_personal_data (self, *(gint64 *) key, error)))
        return FALSE;
    }

  if (ingest->stream != NULL && ingest->cursor != NULL)
    {
      static const char cursor_sql[] =
        "INSERT INTO sync_state (account_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (account_id, stream) DO UPDATE SET cursor = excluded.cursor, "
        "updated_at = excluded.updated_at";

      if (!(stmt = store_prepare (self, cursor_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ingest->account_id);
      bind_text (stmt, 2, ingest->stream);
      bind_text (stmt, 3, ingest->cursor);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  return ingest->remote_user_id == NULL ||
         store_identify_account (self, ingest->account_id, ingest->remote_user_id, error);
}

static void
ingest_job (ConciergeStore *self,
            GTask          *task,
            gpointer        data)
{
  static const char account_sql[] = "SELECT platform, server_url FROM accounts WHERE id = ?";
  IngestBatch batch = { .ingest = data };
  GError *error = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, account_sql, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, batch.ingest->account_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      batch.platform = column_dup (stmt, 0);
      batch.server_url = column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);

  if (batch.platform == NULL)
    g_set_error (&error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                 "No account %" G_GINT64_FORMAT, batch.ingest->account_id);
  /* Without the key the batch waits, cursor and all, so that the next
   * fetch brings it again. */
  else if (store_check_tombstone_key (self, &error))
    store_write (self, write_batch, &batch, &error);

  g_free (batch.platform);
  g_free (batch.server_url);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  /* The batch's messages are freed here, on the worker, which holds the
   * task until the job returns: a first sync's thousands would otherwise
   * go with the task's last reference, which the main thread may hold,
   * and stall its loop. */
  g_array_set_size (batch.ingest->items, 0);
}

/**
 * concierge_store_ingest_async:
 * @ingest: (transfer full): the messages
 *
 * Writes the batch in one transaction: either all of it lands or none.
 */
void
concierge_store_ingest_async (ConciergeStore      *self,
                              ConciergeIngest     *ingest,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (ingest != NULL);

  store_run (self, concierge_store_ingest_async, G_PRIORITY_DEFAULT,
             ingest_job, ingest, (GDestroyNotify) concierge_ingest_free,
             cancellable, callback, user_data);
}

gboolean
concierge_store_ingest_finish (ConciergeStore  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_ingest_async, error);
}
