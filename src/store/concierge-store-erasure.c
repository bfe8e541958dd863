/* concierge-store-erasure.c
 *
 * Erasure: forgetting a customer, purging old conversations, and the
 * keyed tombstones that keep them forgotten.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-store-private.h"

/* Tombstones */

/* A message's tombstone: keyed, so that nobody can test a guessed id
 * against it without the profile's key, which is kept in the keyring and
 * never in this file. A Telegram message id counts within its chat, hence
 * the conversation in the hash. */
static void
tombstone_hash (const char *key,
                gint64      account_id,
                const char *thread_remote_id,
                const char *message_remote_id,
                guint8      hash[32])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) key, strlen (key));
  g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, account_id);
  gsize length = 32;

  /* The unit separator cannot occur in an id, so no two triples hash
   * the same text. */
  g_hmac_update (hmac, (const guchar *) account, -1);
  g_hmac_update (hmac, (const guchar *) "\x1f", 1);
  g_hmac_update (hmac, (const guchar *) thread_remote_id, -1);
  g_hmac_update (hmac, (const guchar *) "\x1f", 1);
  g_hmac_update (hmac, (const guchar *) message_remote_id, -1);
  g_hmac_get_digest (hmac, hash, &length);
}

/* Without the key, nothing that makes or reads tombstones may go on: a
 * forgotten customer would come back, or be forgotten without a trace
 * that keeps them out. */
gboolean
store_check_tombstone_key (ConciergeStore  *self,
                           GError         **error)
{
  if (self->worker->tombstone_keys != NULL && self->worker->tombstone_keys[0] != NULL)
    return TRUE;

  g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY,
                       "The tombstone key has not arrived from the keyring");
  return FALSE;
}

gboolean
is_tombstoned (ConciergeStore *self,
               gint64          account_id,
               const char     *thread_remote_id,
               const char     *message_remote_id,
               gboolean       *tombstoned,
               GError        **error)
{
  static const char sql[] = "SELECT 1 FROM tombstones WHERE hash = ?";
  char **keys = self->worker->tombstone_keys;

  *tombstoned = FALSE;
  for (guint i = 0; keys[i] != NULL && !*tombstoned; i++)
    {
      guint8 hash[32];
      sqlite3_stmt *stmt;
      int rc;

      tombstone_hash (keys[i], account_id, thread_remote_id, message_remote_id, hash);
      if (!(stmt = store_prepare (self, sql, error)))
        return FALSE;
      sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
          return FALSE;
        }
      *tombstoned = rc == SQLITE_ROW;
    }
  return TRUE;
}

/* The tombstone key */

static void
set_tombstone_keys_job (ConciergeStore *self,
                        GTask          *task,
                        gpointer        data)
{
  char ***keys = data;

  wipe_keys (self->worker->tombstone_keys);
  self->worker->tombstone_keys = g_steal_pointer (keys);
  g_task_return_boolean (task, TRUE);
}

static void
keys_job_free (gpointer data)
{
  char ***keys = data;

  wipe_keys (*keys);
  g_free (keys);
}

/**
 * concierge_store_set_tombstone_keys:
 * @keys: the profile's tombstone keys from the keyring, the one that makes
 *   new tombstones first
 *
 * Hands the store the keys it makes and recognizes tombstones with. Until
 * then, ingesting, forgetting and purging fail with
 * %CONCIERGE_STORE_ERROR_NO_KEY and change nothing; everything else works.
 * The store keeps the keys in memory only.
 */
void
concierge_store_set_tombstone_keys (ConciergeStore     *self,
                                    const char * const *keys)
{
  char ***job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (keys != NULL && keys[0] != NULL && keys[0][0] != '\0');

  job = g_new0 (char **, 1);
  *job = g_strdupv ((char **) keys);
  self->has_tombstone_key = TRUE;
  /* In the queue, so that every job after it has the keys. */
  store_run (self, concierge_store_set_tombstone_keys, G_PRIORITY_DEFAULT, set_tombstone_keys_job, job,
             keys_job_free, NULL, NULL, NULL);
}

/**
 * concierge_store_has_tombstone_key:
 *
 * Returns: whether concierge_store_set_tombstone_keys() handed the store
 *   its keys
 */
gboolean
concierge_store_has_tombstone_key (ConciergeStore *self)
{
  g_return_val_if_fail (CONCIERGE_IS_STORE (self), FALSE);

  return self->has_tombstone_key;
}

/* Earlier versions kept the key in the profile table, beside the
 * tombstones it protects, so whoever had the file could test guessed ids.
 * It moves to the keyring. */
#define LEGACY_KEY_SQL "FROM profile WHERE key = 'tombstone-key'"

static void
load_legacy_tombstone_key_job (ConciergeStore *self,
                               GTask          *task,
                               gpointer        data)
{
  static const char sql[] = "SELECT value " LEGACY_KEY_SQL;
  GError *error = NULL;
  sqlite3_stmt *stmt;
  char *key = NULL;
  int rc;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    key = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (&error, store_db (self), rc, "Reading the cache failed");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, key, (GDestroyNotify) wipe_key);
}

/**
 * concierge_store_load_legacy_tombstone_key_async:
 *
 * Reads the tombstone key that an older Concierge kept in the database, so
 * that it can move to the keyring.
 */
void
concierge_store_load_legacy_tombstone_key_async (ConciergeStore      *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_legacy_tombstone_key_async, G_PRIORITY_DEFAULT,
             load_legacy_tombstone_key_job, NULL, NULL, cancellable, callback, user_data);
}

/**
 * concierge_store_load_legacy_tombstone_key_finish:
 *
 * Returns: (nullable): the key, or %NULL without an error when the database
 *   holds none
 */
char *
concierge_store_load_legacy_tombstone_key_finish (ConciergeStore  *self,
                                                  GAsyncResult    *result,
                                                  GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_legacy_tombstone_key_async, error);
}

static void
delete_legacy_tombstone_key_job (ConciergeStore *self,
                                 GTask          *task,
                                 gpointer        data)
{
  static const char sql[] = "DELETE " LEGACY_KEY_SQL " AND value = ?";
  const char *key = data;
  GError *error = NULL;
  sqlite3_stmt *stmt;

  /* secure_delete overwrites the row; the checkpoint writes that page over
   * the old one in the file and empties the WAL, which held it too. */
  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  bind_text (stmt, 1, key);
  if (!store_step_done (self, stmt, &error) ||
      !store_exec (self, "PRAGMA wal_checkpoint (TRUNCATE)", &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_delete_legacy_tombstone_key_async:
 * @key: the key that concierge_store_load_legacy_tombstone_key_async()
 *   read, and that the keyring now keeps
 *
 * Deletes the key from the database, leaving nothing of it in the file or
 * its WAL. A different key, written meanwhile, stays.
 */
void
concierge_store_delete_legacy_tombstone_key_async (ConciergeStore      *self,
                                                   const char          *key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (key != NULL);

  store_run (self, concierge_store_delete_legacy_tombstone_key_async, G_PRIORITY_DEFAULT,
             delete_legacy_tombstone_key_job, g_strdup (key), (GDestroyNotify) wipe_key,
             cancellable, callback, user_data);
}

gboolean
concierge_store_delete_legacy_tombstone_key_finish (ConciergeStore  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_delete_legacy_tombstone_key_async, error);
}

/* Forgetting and purging */

/* The rows to erase, named in temporary tables that live in memory. */
static const char * const erase_tables[] = {
  "CREATE TEMP TABLE IF NOT EXISTS erase_contacts (id INTEGER PRIMARY KEY)",
  "CREATE TEMP TABLE IF NOT EXISTS erase_threads (id INTEGER PRIMARY KEY)",
  "CREATE TEMP TABLE IF NOT EXISTS erase_messages (id INTEGER PRIMARY KEY)",
  "DELETE FROM temp.erase_contacts",
  "DELETE FROM temp.erase_threads",
  "DELETE FROM temp.erase_messages",
};

/* Names a customer's rows for erasure: the contact, the contacts merged
 * into it, their threads, and their messages in other customers' threads
 * too, such as in a group. */
static gboolean
mark_contact (ConciergeStore  *self,
              gint64           contact_id,
              GError         **error)
{
  static const char * const marks[] = {
    "INSERT INTO temp.erase_contacts WITH RECURSIVE c (id) AS "
    "  (SELECT id FROM contacts WHERE id = ?1 "
    "   UNION SELECT contacts.id FROM contacts JOIN c ON contacts.merged_into = c.id) "
    "SELECT id FROM c",
    "INSERT INTO temp.erase_threads SELECT id FROM threads "
    "WHERE contact_id IN (SELECT id FROM temp.erase_contacts)",
    "INSERT INTO temp.erase_messages SELECT id FROM messages "
    "WHERE thread_id IN (SELECT id FROM temp.erase_threads) "
    "UNION SELECT id FROM messages WHERE author_identity_id IN "
    "  (SELECT id FROM identities WHERE contact_id IN (SELECT id FROM temp.erase_contacts))",
  };
  gint64 found;

  if (!store_run_each (self, erase_tables, G_N_ELEMENTS (erase_tables), 0, 0, error) ||
      !store_run_each (self, marks, G_N_ELEMENTS (marks), contact_id, 0, error) ||
      !store_count (self, "SELECT count(*) FROM temp.erase_contacts", 0, &found, error))
    return FALSE;
  if (found == 0)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "No contact %" G_GINT64_FORMAT, contact_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
summarize_marked (ConciergeStore           *self,
                  ConciergeContactSummary  *summary,
                  GError                  **error)
{
  static const struct {
    gsize offset;
    const char *sql;
  } counts[] = {
    { G_STRUCT_OFFSET (ConciergeContactSummary, threads), "SELECT count(*) FROM temp.erase_threads" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, public_threads),
      "SELECT count(*) FROM threads WHERE id IN (SELECT id FROM temp.erase_threads) AND visibility = 'public'" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, complaints),
      "SELECT count(*) FROM thread_tags tt JOIN tags g ON g.id = tt.tag_id "
      "WHERE g.name = 'complaint' AND tt.thread_id IN (SELECT id FROM temp.erase_threads)" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, messages), "SELECT count(*) FROM temp.erase_messages" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, images),
      "SELECT count(*) FROM images WHERE message_id IN (SELECT id FROM temp.erase_messages)" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, notes),
      "SELECT count(*) FROM notes WHERE thread_id IN (SELECT id FROM temp.erase_threads) "
      "OR contact_id IN (SELECT id FROM temp.erase_contacts)" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, drafts),
      "SELECT count(*) FROM drafts WHERE thread_id IN (SELECT id FROM temp.erase_threads)" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, outbox),
      "SELECT count(*) FROM outbox WHERE thread_id IN (SELECT id FROM temp.erase_threads) "
      "OR message_id IN (SELECT id FROM temp.erase_messages)" },
    { G_STRUCT_OFFSET (ConciergeContactSummary, identities),
      "SELECT count(*) FROM identities WHERE contact_id IN (SELECT id FROM temp.erase_contacts)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gint64 count;

      if (!store_count (self, counts[i].sql, 0, &count, error))
        return FALSE;
      G_STRUCT_MEMBER (guint, summary, counts[i].offset) = (guint) count;
    }
  return TRUE;
}

/* Erases the marked threads and messages, and everything that hangs on
 * them, leaving a tombstone for each message a platform could send again.
 * The other threads that lost a message are put in @touched. */
static gboolean
erase_marked (ConciergeStore  *self,
              GHashTable      *touched,
              GError         **error)
{
  static const char tombstones_sql[] =
    "SELECT t.account_id, t.remote_id, m.remote_id FROM temp.erase_messages e "
    "JOIN messages m ON m.id = e.id JOIN threads t ON t.id = m.thread_id WHERE m.remote_id IS NOT NULL";
  static const char insert_sql[] = "INSERT OR IGNORE INTO tombstones (hash) VALUES (?)";
  static const char others_sql[] =
    "SELECT DISTINCT thread_id FROM messages WHERE id IN (SELECT id FROM temp.erase_messages) "
    "AND thread_id NOT IN (SELECT id FROM temp.erase_threads) AND ?1 = ?1";
  /* Children before parents, so that each delete trigger sees its row;
   * the full-text index's triggers need the text they remove. */
  static const char * const deletes[] = {
    "DELETE FROM images WHERE message_id IN (SELECT id FROM temp.erase_messages)",
    "DELETE FROM files WHERE message_id IN (SELECT id FROM temp.erase_messages)",
    "DELETE FROM outbox WHERE thread_id IN (SELECT id FROM temp.erase_threads) "
    "OR message_id IN (SELECT id FROM temp.erase_messages)",
    "DELETE FROM moves WHERE public_thread_id IN (SELECT id FROM temp.erase_threads)",
    "DELETE FROM drafts WHERE thread_id IN (SELECT id FROM temp.erase_threads)",
    "DELETE FROM notes WHERE thread_id IN (SELECT id FROM temp.erase_threads)",
    "DELETE FROM thread_tags WHERE thread_id IN (SELECT id FROM temp.erase_threads)",
    "DELETE FROM messages WHERE id IN (SELECT id FROM temp.erase_messages)",
    "DELETE FROM threads WHERE id IN (SELECT id FROM temp.erase_threads)",
  };
  g_autoptr(GHashTable) others = id_set_new ();
  sqlite3_stmt *stmt, *insert;
  GHashTableIter iter;
  gpointer key;
  int rc;

  if (!store_check_tombstone_key (self, error) ||
      !(stmt = store_prepare (self, tombstones_sql, error)) ||
      !(insert = store_prepare (self, insert_sql, error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint8 hash[32];

      tombstone_hash (self->worker->tombstone_keys[0], sqlite3_column_int64 (stmt, 0),
                      (const char *) sqlite3_column_text (stmt, 1),
                      (const char *) sqlite3_column_text (stmt, 2), hash);
      sqlite3_bind_blob (insert, 1, hash, sizeof hash, SQLITE_TRANSIENT);
      if (!store_step_done (self, insert, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return FALSE;
    }

  if (!store_collect_ids (self, others_sql, 0, others, error) ||
      !store_run_each (self, deletes, G_N_ELEMENTS (deletes), 0, 0, error))
    return FALSE;

  g_hash_table_iter_init (&iter, others);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!update_thread_summary (self, *(gint64 *) key, FALSE, error))
        return FALSE;
      g_hash_table_add (touched, g_memdup2 (key, sizeof (gint64)));
    }

  return TRUE;
}

static char *
describe_erasure (const ConciergeContactSummary *summary)
{
  /* The audit log names how much, never whose. */
  return g_strdup_printf ("%u conversations, %u messages, %u images, %u notes",
                          summary->threads, summary->messages, summary->images, summary->notes);
}

static void
summarize_contact_job (ConciergeStore *self,
                       GTask          *task,
                       gpointer        data)
{
  gint64 contact_id = *(gint64 *) data;
  g_autofree ConciergeContactSummary *summary = g_new0 (ConciergeContactSummary, 1);
  GError *error = NULL;

  if (!mark_contact (self, contact_id, &error) || !summarize_marked (self, summary, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&summary), g_free);
}

/**
 * concierge_store_summarize_contact_async:
 *
 * Counts what the cache holds of a customer: their conversations and
 * complaints, and what forgetting them would remove.
 */
void
concierge_store_summarize_contact_async (ConciergeStore      *self,
                                         gint64               contact_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_summarize_contact_async, G_PRIORITY_DEFAULT, summarize_contact_job,
             g_memdup2 (&contact_id, sizeof contact_id), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_summarize_contact_finish:
 *
 * Returns: (transfer full): what the cache holds of the customer
 */
ConciergeContactSummary *
concierge_store_summarize_contact_finish (ConciergeStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_summarize_contact_async, error);
}

/* Erasing in steps
 *
 * Forgetting a customer and purging old conversations first delete the
 * rows, with a tombstone for every message and the audit entry, in one
 * transaction: a crash before its commit leaves everything as it was, and
 * one after it leaves nothing of the customer that Concierge shows, and
 * every tombstone. That transaction grows with the customer's data, not
 * with the cache.
 *
 * What the deletion leaves in the file grows with the cache, and is
 * cleaned up in steps of bounded work. Between two steps the worker runs
 * the jobs that came in meanwhile, as the scan does: the task goes back to
 * the end of the queue.
 *
 * - FTS5 keeps a deleted document's words in its segments, under a delete
 *   marker, until the segments are merged; fts5vocab stops showing them at
 *   once, but their bytes stay. SQLite 3.40's FTS5 has no secure-delete of
 *   its own. ('optimize') would merge everything in one statement, seconds
 *   on a cache of a million messages. ('merge', -N) instead puts every
 *   segment on one level and merges about N pages of them; ('merge', N)
 *   goes on with that merge, and once it changes less than 2 rows
 *   (sqlite3_total_changes()), nothing is left to merge. This is what the
 *   FTS5 documentation gives as the incremental form of 'optimize' ("The
 *   'merge' Command"). A merge whose output is the oldest segment drops
 *   deleted entries and their delete markers, as 'optimize' does. Segments
 *   a sync writes meanwhile are left out of the merge; they hold nothing
 *   that was deleted before it began.
 * - The WAL keeps the pages as they were until a checkpoint; secure_delete,
 *   on since the store opened, overwrites freed pages with zeros. A
 *   truncating checkpoint has to wait for readers of an older snapshot,
 *   such as another program that reads the file: each attempt waits
 *   briefly, and the next follows the queued jobs.
 *
 * The deletion's transaction also counts up "erase-count" in the profile
 * table, and the end of a cleanup writes the count it began with to
 * "erase-done": a cleanup is pending while the first is the greater. When
 * the store closes, or the app ends, before the cleanup is through,
 * concierge_store_finish_erasure_async() finishes it at the next start: a
 * merge that FTS5 had begun is kept in its structure record, and the
 * negative merge takes it in; the checkpoint follows. An erasure committed
 * while a cleanup ran is not done with that cleanup's end, but with the
 * end of one that began after it. */

/* Pages of an index merged in one step. On a cache of a million messages
 * a step took 45 ms (median), and the message index 57 steps, where
 * 'optimize' took 3 s in one statement. */
#define ERASE_MERGE_PAGES 200

/* How long one attempt at the checkpoint waits for readers */
#define ERASE_CHECKPOINT_WAIT_MS 100

typedef enum
{
  ERASE_ROWS,
  ERASE_MEASURE,
  ERASE_MESSAGES_INDEX,
  ERASE_CONTACTS_INDEX,
  ERASE_CHECKPOINT,
} EraseStage;

typedef struct
{
  EraseStage              stage;
  ConciergeAuditAction    action;     /* forget or purge */
  gint64                  id;         /* the customer, or the time resolved before */
  char                   *reason;
  ConciergeContactSummary summary;
  ConciergeEraseProgress  progress;
  gpointer                progress_data;
  gint64                  generation; /* the "erase-count" this cleanup began with */
  gboolean                merging;    /* the merge of the current index has begun */
  gint64                  pages;      /* in both indexes when the cleanup began */
  gint64                  merged;     /* pages merged since */
} EraseJob;

static EraseJob *
erase_job_new (EraseStage              stage,
               ConciergeAuditAction    action,
               gint64                  id,
               const char             *reason,
               ConciergeEraseProgress  progress,
               gpointer                progress_data)
{
  EraseJob *job = g_new0 (EraseJob, 1);

  job->stage = stage;
  job->action = action;
  job->id = id;
  job->reason = g_strdup (reason);
  job->progress = progress;
  job->progress_data = progress_data;
  return job;
}

static void
erase_job_free (gpointer data)
{
  EraseJob *job = data;

  g_free (job->reason);
  g_free (job);
}

typedef struct
{
  ConciergeEraseProgress progress;
  gpointer               data;
  ConciergeEraseStep     step;
  double                 fraction;
} EraseReport;

static gboolean
emit_erase_report (gpointer data)
{
  EraseReport *report = data;

  report->progress (report->step, report->fraction, report->data);
  return G_SOURCE_REMOVE;
}

/* Always through a source on the caller's context: g_main_context_invoke()
 * would call it right here, on the worker, whenever the main thread does
 * not hold its context at that moment. Sources of one priority run in the
 * order they were attached: the reports come in order, and before the
 * result. */
static void
erase_report (GTask              *task,
              EraseJob           *job,
              ConciergeEraseStep  step,
              double              fraction)
{
  g_autoptr(GSource) source = NULL;
  EraseReport *report;

  if (job->progress == NULL)
    return;

  report = g_new0 (EraseReport, 1);
  report->progress = job->progress;
  report->data = job->progress_data;
  report->step = step;
  report->fraction = fraction;
  source = g_idle_source_new ();
  g_source_set_priority (source, g_task_get_priority (task));
  g_source_set_callback (source, emit_erase_report, report, g_free);
  g_source_set_static_name (source, "[concierge] erase progress");
  g_source_attach (source, g_task_get_context (task));
}

/* Names the threads resolved before @resolved_before, and their messages,
 * for erasure. */
static gboolean
mark_resolved (ConciergeStore  *self,
               gint64           resolved_before,
               GError         **error)
{
  static const char * const marks[] = {
    "INSERT INTO temp.erase_threads SELECT id FROM threads "
    "WHERE status = 'resolved' AND last_activity_at < ?1",
    "INSERT INTO temp.erase_messages SELECT id FROM messages "
    "WHERE thread_id IN (SELECT id FROM temp.erase_threads)",
  };

  return store_run_each (self, erase_tables, G_N_ELEMENTS (erase_tables), 0, 0, error) &&
         store_run_each (self, marks, G_N_ELEMENTS (marks), resolved_before, 0, error);
}

/* The first step: the deletion, in one transaction. A purge that finds
 * nothing old enough changes nothing, and logs nothing. */
static gboolean
write_erasure (ConciergeStore  *self,
               gpointer         data,
               StoreChanges    *changes,
               GError         **error)
{
  static const char * const contact_deletes[] = {
    "DELETE FROM notes WHERE contact_id IN (SELECT id FROM temp.erase_contacts)",
    "DELETE FROM distinct_contacts WHERE contact_id IN (SELECT id FROM temp.erase_contacts) "
    "OR other_contact_id IN (SELECT id FROM temp.erase_contacts)",
    "DELETE FROM identities WHERE contact_id IN (SELECT id FROM temp.erase_contacts)",
    "DELETE FROM contacts WHERE id IN (SELECT id FROM temp.erase_contacts)",
  };
  static const char pending_sql[] =
    "INSERT INTO profile (key, value) VALUES ('erase-count', 1) "
    "ON CONFLICT (key) DO UPDATE SET value = CAST (value AS INTEGER) + 1";
  EraseJob *job = data;
  gboolean forget = job->action == CONCIERGE_AUDIT_FORGET;
  g_autofree char *detail = NULL;

  if (!(forget ? mark_contact (self, job->id, error) : mark_resolved (self, job->id, error)) ||
      !summarize_marked (self, &job->summary, error))
    return FALSE;

  if (!forget && job->summary.threads == 0)
    {
      changes->nothing_to_keep = TRUE;
      return TRUE;
    }

  if (!erase_marked (self, changes->threads, error) ||
      (forget && !store_run_each (self, contact_deletes, G_N_ELEMENTS (contact_deletes), 0, 0, error)) ||
      !write_audit (self, job->action, 0, 0, job->reason, (detail = describe_erasure (&job->summary)), error) ||
      !store_exec (self, pending_sql, error))
    return FALSE;

  /* Threads are gone: the inboxes read their rows anew. */
  changes->invalidated = TRUE;
  if (forget)
    store_changes_add_contact (changes, job->id);
  return TRUE;
}

/* One step of the cleanup; sets *@done once it is through. */
static gboolean
erase_cleanup_step (ConciergeStore  *self,
                    GTask           *task,
                    EraseJob        *job,
                    gboolean        *done,
                    GError         **error)
{
  static const char count_sql[] = "SELECT CAST (value AS INTEGER) FROM profile WHERE key = 'erase-count'";
  static const char done_sql[] = "SELECT CAST (value AS INTEGER) FROM profile WHERE key = 'erase-done'";
  static const char finished_sql[] =
    "INSERT INTO profile (key, value) VALUES ('erase-done', ?1) "
    "ON CONFLICT (key) DO UPDATE SET value = max (CAST (value AS INTEGER), ?1)";
  static const char * const merge_sql[] = {
    "INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?)",
    "INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('merge', ?)",
  };
  sqlite3 *db = store_db (self);
  gint64 before, finished;
  int rc;

  switch (job->stage)
    {
    case ERASE_MEASURE:
      if (!store_count (self, count_sql, 0, &job->generation, error) ||
          !store_count (self, done_sql, 0, &finished, error))
        return FALSE;
      /* Nothing pending, or a cleanup that began after this one's
       * deletion has finished. */
      if (job->generation <= finished)
        {
          *done = TRUE;
          return TRUE;
        }
      /* Reading every page's row once costs about as much as three merge
       * steps (0.13 s on a million messages), and gives the merge its
       * fraction. */
      if (!store_count (self, "SELECT (SELECT count(*) FROM messages_fts_data) + "
                        "(SELECT count(*) FROM contacts_fts_data)", 0, &job->pages, error))
        return FALSE;
      job->stage = ERASE_MESSAGES_INDEX;
      erase_report (task, job, CONCIERGE_ERASE_INDEX, 0);
      return TRUE;

    case ERASE_MESSAGES_INDEX:
    case ERASE_CONTACTS_INDEX:
      before = sqlite3_total_changes64 (db);
      if (store_change_row (self, merge_sql[job->stage - ERASE_MESSAGES_INDEX],
                            job->merging ? ERASE_MERGE_PAGES : -ERASE_MERGE_PAGES, error) < 0)
        return FALSE;
      /* Only the first merge of an index is negative: a later one would
       * begin anew with every segment a sync wrote meanwhile. */
      job->merging = sqlite3_total_changes64 (db) - before >= 2;
      if (job->merging)
        {
          job->merged += ERASE_MERGE_PAGES;
          erase_report (task, job, CONCIERGE_ERASE_INDEX,
                        job->pages > 0 ? MIN (1.0, (double) job->merged / job->pages) : -1);
        }
      else if (++job->stage == ERASE_CHECKPOINT)
        erase_report (task, job, CONCIERGE_ERASE_FILE, -1);
      return TRUE;

    case ERASE_CHECKPOINT:
      sqlite3_busy_timeout (db, ERASE_CHECKPOINT_WAIT_MS);
      rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
      sqlite3_busy_timeout (db, STORE_BUSY_TIMEOUT_MS);
      if ((rc & 0xff) == SQLITE_BUSY)
        return TRUE;
      if (rc != SQLITE_OK)
        {
          set_sqlite_error (error, db, rc, "Cleaning up the cache file failed");
          return FALSE;
        }
      /* After the checkpoint: a crash before it finds the cleanup still
       * pending. What this writes to the emptied WAL holds nothing erased. */
      if (store_change_row (self, finished_sql, job->generation, error) < 0)
        return FALSE;
      *done = TRUE;
      return TRUE;

    case ERASE_ROWS:
    default:
      g_assert_not_reached ();
    }
}

static void
erase_job (ConciergeStore *self,
           GTask          *task,
           gpointer        data)
{
  EraseJob *job = data;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  if (store_db (self) == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                               "The store is closed");
      return;
    }

  if (job->stage == ERASE_ROWS)
    {
      erase_report (task, job, CONCIERGE_ERASE_DELETING, -1);
      if (store_write (self, write_erasure, job, &error))
        {
          job->stage = ERASE_MEASURE;
          done = job->action == CONCIERGE_AUDIT_PURGE && job->summary.threads == 0;
        }
    }
  else
    erase_cleanup_step (self, task, job, &done, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!done)
    /* The next step waits behind whatever came in meanwhile, such as the
     * agent opening a thread or a sync storing new messages. */
    g_async_queue_push (self->worker->queue, g_object_ref (task));
  else
    {
      erase_report (task, job, CONCIERGE_ERASE_DONE, 1);
      if (g_task_get_source_tag (task) == concierge_store_forget_contact_async)
        g_task_return_pointer (task, g_memdup2 (&job->summary, sizeof job->summary), g_free);
      else if (g_task_get_source_tag (task) == concierge_store_purge_async)
        g_task_return_int (task, job->summary.threads);
      else
        g_task_return_boolean (task, TRUE);
    }
}

/**
 * concierge_store_forget_contact_async:
 * @reason: why, for the audit log: never the customer's data
 * @progress: (nullable): told of each step
 *
 * Erases a customer from the cache, as the GDPR's right to erasure asks:
 * their profile, identities, conversations, messages, images, notes,
 * drafts and outbox entries, with the contacts merged into them, leaving
 * nothing of them in the database file or its WAL. A tombstone keeps a
 * sync from bringing their messages back; a new message from them starts
 * a new customer. Nothing is deleted on the platforms. The result tells
 * what went.
 *
 * The customer is gone from every list after the first step; cleaning up
 * the file follows in steps between the store's other calls. Cancelled,
 * or interrupted by the store closing, the cleanup is left to
 * concierge_store_finish_erasure_async().
 */
void
concierge_store_forget_contact_async (ConciergeStore         *self,
                                      gint64                  contact_id,
                                      const char             *reason,
                                      ConciergeEraseProgress  progress,
                                      gpointer                progress_data,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (reason != NULL);

  store_run (self, concierge_store_forget_contact_async, G_PRIORITY_DEFAULT, erase_job,
             erase_job_new (ERASE_ROWS, CONCIERGE_AUDIT_FORGET, contact_id, reason, progress, progress_data),
             erase_job_free, cancellable, callback, user_data);
}

/**
 * concierge_store_forget_contact_finish:
 *
 * Returns: (transfer full): what the cache held of the customer, and
 *   forgetting removed
 */
ConciergeContactSummary *
concierge_store_forget_contact_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_forget_contact_async, error);
}

/**
 * concierge_store_summary_finish:
 *
 * Finishes concierge_store_summarize_contact_async() or
 * concierge_store_forget_contact_async(), for a callback that both share.
 *
 * Returns: (transfer full): what the cache holds, or held, of the customer
 */
ConciergeContactSummary *
concierge_store_summary_finish (ConciergeStore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, concierge_store_summarize_contact_async) ||
                        g_async_result_is_tagged (result, concierge_store_forget_contact_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * concierge_store_purge_async:
 * @resolved_before: Unix time
 * @reason: why, for the audit log
 *
 * Erases the conversations resolved before @resolved_before as thoroughly
 * as forgetting a customer does, in the same steps. The customers'
 * profiles stay.
 */
void
concierge_store_purge_async (ConciergeStore      *self,
                             gint64               resolved_before,
                             const char          *reason,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (reason != NULL);

  store_run (self, concierge_store_purge_async, G_PRIORITY_LOW, erase_job,
             erase_job_new (ERASE_ROWS, CONCIERGE_AUDIT_PURGE, resolved_before, reason, NULL, NULL),
             erase_job_free, cancellable, callback, user_data);
}

/**
 * concierge_store_purge_finish:
 *
 * Returns: how many conversations were erased, or -1 with @error set
 */
int
concierge_store_purge_finish (ConciergeStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return store_finish_int (self, result, concierge_store_purge_async, error);
}

/**
 * concierge_store_finish_erasure_async:
 *
 * Finishes cleaning up after a forget or purge that the app's end, or the
 * store's closing, interrupted: the app calls it after opening the store.
 * Without one pending it only looks.
 */
void
concierge_store_finish_erasure_async (ConciergeStore      *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_finish_erasure_async, G_PRIORITY_LOW, erase_job,
             erase_job_new (ERASE_MEASURE, CONCIERGE_AUDIT_PURGE, 0, NULL, NULL, NULL),
             erase_job_free, cancellable, callback, user_data);
}

gboolean
concierge_store_finish_erasure_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_finish_erasure_async, error);
}
