/* concierge-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "model/concierge-model-private.h"
#include "concierge-store.h"
#include "concierge-store-private.h"

G_DEFINE_FINAL_TYPE (ConciergeStore, concierge_store, G_TYPE_OBJECT)

/* More changed threads than this in one write are announced as
 * "invalidated" instead of one by one. */
#define BIG_CHANGE 200

static guint signals[N_SIGNALS];

/* Popping this from the queue ends the worker. */
static GTask *quit_job = (GTask *) &quit_job;

G_DEFINE_QUARK (concierge-store-error-quark, concierge_store_error)

/* What search_terms reads and writes, made once when the cache opens. The
 * words a person typed are split and folded there by the tokenizer of
 * messages_fts (concierge-schema-1.sql), and kept only while a search
 * runs. */
#define SEARCH_TABLES_SQL                                                                   \
  "CREATE VIRTUAL TABLE temp.search_words USING fts5 "                                      \
  "  (word, tokenize = 'unicode61 remove_diacritics 2');"                                   \
  "CREATE VIRTUAL TABLE temp.search_tokens USING fts5vocab (temp, search_words, instance);" \
  "CREATE VIRTUAL TABLE temp.message_terms USING fts5vocab (main, messages_fts, row)"

/* Error handling */

void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *what)
{
  int code;
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = CONCIERGE_STORE_ERROR_CORRUPT;
      break;
    case SQLITE_FULL:
      code = CONCIERGE_STORE_ERROR_DISK_FULL;
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
    case SQLITE_IOERR:
      code = CONCIERGE_STORE_ERROR_UNREADABLE;
      break;
    default:
      code = CONCIERGE_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, CONCIERGE_STORE_ERROR, code, "%s: %s", what, detail);
}

/* Worker */

static StoreWorker *
store_worker_ref (StoreWorker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

/* A key leaves no copy in freed memory. */
void
wipe_keys (char **keys)
{
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    memset (keys[i], 0, strlen (keys[i]));
  g_strfreev (keys);
}

void
wipe_key (char *key)
{
  if (key != NULL)
    memset (key, 0, strlen (key));
  g_free (key);
}

static void
store_worker_close_db (StoreWorker *worker)
{
  g_hash_table_remove_all (worker->statements);
  g_clear_pointer (&worker->db, sqlite3_close);
}

static void
store_worker_unref (StoreWorker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;

  store_worker_close_db (worker);
  g_hash_table_unref (worker->statements);
  store_hook_clear (&worker->scanner);
  store_hook_clear (&worker->row_facts);
  wipe_keys (worker->tombstone_keys);
  g_async_queue_unref (worker->queue);
  g_free (worker);
}

static void
store_job_free (gpointer data)
{
  StoreJob *job = data;

  if (job->destroy != NULL)
    job->destroy (job->data);
  g_free (job);
}

static gpointer
store_worker_main (gpointer data)
{
  StoreWorker *worker = data;

  for (;;)
    {
      GTask *task = g_async_queue_pop (worker->queue);
      StoreJob *job;

      if (task == quit_job)
        break;

      job = g_task_get_task_data (task);
      if (!g_task_return_error_if_cancelled (task))
        job->func (g_task_get_source_object (task), task, job->data);
      g_object_unref (task);
    }

  store_worker_unref (worker);
  return NULL;
}

/* Every SQLite call goes through here, and here is where the rule that only
 * the worker thread touches SQLite is enforced. */
sqlite3 *
store_db (ConciergeStore *self)
{
  g_assert (g_thread_self () == self->worker->thread);

  return self->worker->db;
}

sqlite3_stmt *
store_prepare (ConciergeStore  *self,
               const char      *sql,
               GError         **error)
{
  sqlite3 *db = store_db (self);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    {
      g_set_error_literal (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED,
                           "The store is closed");
      return NULL;
    }

  /* Statements are keyed by the address of their static SQL text. */
  stmt = g_hash_table_lookup (self->worker->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, "Preparing a query failed");
      return NULL;
    }

  g_hash_table_insert (self->worker->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
store_exec (ConciergeStore  *self,
            const char      *sql,
            GError         **error)
{
  sqlite3 *db = store_db (self);
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, "Writing to the cache failed");
      return FALSE;
    }

  return TRUE;
}

void
store_rollback (ConciergeStore *self)
{
  if (!sqlite3_get_autocommit (store_db (self)))
    sqlite3_exec (store_db (self), "ROLLBACK", NULL, NULL, NULL);
}

/* Every async call of the store is a job for the worker; its result comes
 * back to the caller's main context at @io_priority. */
void
store_run (ConciergeStore      *self,
           gpointer             source_tag,
           int                  io_priority,
           StoreJobFunc         func,
           gpointer             data,
           GDestroyNotify       destroy,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  StoreJob *job = g_new0 (StoreJob, 1);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_task_set_source_tag (task, source_tag);
  g_task_set_priority (task, io_priority);
  g_task_set_task_data (task, job, store_job_free);

  g_async_queue_push (self->worker->queue, g_steal_pointer (&task));
}

void
store_hook_clear (StoreHook *hook)
{
  if (hook->destroy != NULL && hook->data != NULL)
    hook->destroy (hook->data);
  *hook = (StoreHook) { NULL, NULL, NULL };
}

typedef struct
{
  StoreHook *slot;   /* the worker's */
  StoreHook  hook;
} HookJob;

static void
hook_job_free (gpointer data)
{
  HookJob *job = data;

  /* Still here only when the job never ran. */
  store_hook_clear (&job->hook);
  g_free (job);
}

static void
set_hook_job (ConciergeStore *self,
              GTask          *task,
              gpointer        data)
{
  HookJob *job = data;

  store_hook_clear (job->slot);
  *job->slot = job->hook;
  job->hook = (StoreHook) { NULL, NULL, NULL };
  g_task_return_boolean (task, TRUE);
}

/* Hands the worker a function of the caller's for @slot, through the
 * queue: every job before runs with the old one, every job after with the
 * new. */
void
store_set_hook (ConciergeStore *self,
                gpointer        source_tag,
                StoreHook      *slot,
                GCallback       func,
                gpointer        data,
                GDestroyNotify  destroy)
{
  HookJob *job = g_new0 (HookJob, 1);

  job->slot = slot;
  job->hook = (StoreHook) { func, data, destroy };
  store_run (self, source_tag, G_PRIORITY_DEFAULT, set_hook_job, job, hook_job_free, NULL, NULL, NULL);
}

void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
bind_time (sqlite3_stmt *stmt,
           int           index,
           gint64        time)
{
  if (time == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, time);
}

char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Step a statement that returns no rows we need. */
gboolean
store_step_done (ConciergeStore  *self,
                 sqlite3_stmt    *stmt,
                 GError         **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_sqlite_error (error, store_db (self), rc, "Writing to the cache failed");
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

/* Runs @sql, whose one parameter is a row's id. Returns how many rows it
 * changed, or -1 with @error set. */
int
store_change_row (ConciergeStore  *self,
                  const char      *sql,
                  gint64           id,
                  GError         **error)
{
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!store_step_done (self, stmt, error))
    return -1;
  return sqlite3_changes (store_db (self));
}

/* Reads one number: the first column of the first row of @sql, whose
 * parameter, if it has one, is @id. No row reads as 0. */
gboolean
store_count (ConciergeStore  *self,
             const char      *sql,
             gint64           id,
             gint64          *value,
             GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return FALSE;
    }
  return TRUE;
}

/* Change notification: the worker hands snapshots of the changed threads to
 * the main context, where the models turn them into items-changed. It is
 * queued before the task's own result, so a caller's callback already sees
 * the models updated. */

typedef struct
{
  ConciergeStore *store;
  GPtrArray      *threads;
} ThreadsChanged;

static gboolean
emit_threads_changed (gpointer data)
{
  ThreadsChanged *changed = data;

  g_signal_emit (changed->store, signals[THREADS_CHANGED], 0, changed->threads);
  return G_SOURCE_REMOVE;
}

static void
threads_changed_free (gpointer data)
{
  ThreadsChanged *changed = data;

  g_object_unref (changed->store);
  g_ptr_array_unref (changed->threads);
  g_free (changed);
}

/* On the main context, always, through a source attached there:
 * g_main_context_invoke() would call @emit right here, on the worker,
 * whenever the main thread does not hold its context at that moment. The
 * task's own result comes through a source of the same priority attached
 * later, so a caller's callback sees the change announced. */
static void
store_emit_later (ConciergeStore *self,
                  GSourceFunc     emit,
                  gpointer        data,
                  GDestroyNotify  destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit, data, destroy);
  g_source_set_static_name (source, "[concierge] store change");
  g_source_attach (source, self->context);
}

void
store_notify_threads (ConciergeStore *self,
                      GHashTable     *thread_ids)
{
  ThreadsChanged *changed;
  GHashTableIter iter;
  gpointer key;

  /* The benchmark and the demo loader ingest with nobody watching. */
  if (g_hash_table_size (thread_ids) == 0 ||
      !g_signal_has_handler_pending (self, signals[THREADS_CHANGED], 0, FALSE))
    return;

  /* A first sync changes thousands of threads at once. Reading each back
   * here, and placing each in the inbox there, would cost more than
   * reading the inbox anew; and the main loop would pay for it. */
  if (g_hash_table_size (thread_ids) > BIG_CHANGE)
    {
      store_notify_change (self, INVALIDATED, 0);
      return;
    }

  changed = g_new0 (ThreadsChanged, 1);
  changed->store = g_object_ref (self);
  changed->threads = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_iter_init (&iter, thread_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;
      ConciergeThread *thread = store_load_thread (self, *(gint64 *) key, &error);

      if (thread != NULL)
        g_ptr_array_add (changed->threads, thread);
      else
        g_warning ("A changed thread could not be read back: %s", error->message);
    }

  store_emit_later (self, emit_threads_changed, changed, threads_changed_free);
}

typedef struct
{
  ConciergeStore *store;
  guint           signal;
  gint64          id;
} StoreChange;

static gboolean
emit_change (gpointer data)
{
  StoreChange *change = data;

  if (change->signal == CONTACT_CHANGED)
    g_signal_emit (change->store, signals[CONTACT_CHANGED], 0, change->id);
  else
    g_signal_emit (change->store, signals[change->signal], 0);
  return G_SOURCE_REMOVE;
}

static void
store_change_free (gpointer data)
{
  StoreChange *change = data;

  g_object_unref (change->store);
  g_free (change);
}

void
store_notify_change (ConciergeStore *self,
                     guint           signal,
                     gint64          id)
{
  StoreChange *change = g_new0 (StoreChange, 1);

  change->store = g_object_ref (self);
  change->signal = signal;
  change->id = id;
  store_emit_later (self, emit_change, change, store_change_free);
}

/* Writing */

void
store_changes_add_thread (StoreChanges *changes,
                          gint64        thread_id)
{
  g_hash_table_add (changes->threads, g_memdup2 (&thread_id, sizeof thread_id));
}

void
store_changes_add_contact (StoreChanges *changes,
                           gint64        contact_id)
{
  g_array_append_val (changes->contacts, contact_id);
}

/* In the order the signals always came: what reads the cache anew first,
 * then the threads that it can place one by one. */
static void
store_announce (ConciergeStore *self,
                StoreChanges   *changes)
{
  if (changes->invalidated)
    store_notify_change (self, INVALIDATED, 0);
  store_notify_threads (self, changes->threads);
  for (guint i = 0; i < changes->contacts->len; i++)
    store_notify_change (self, CONTACT_CHANGED, g_array_index (changes->contacts, gint64, i));
  if (changes->saved_replies)
    store_notify_change (self, SAVED_REPLIES_CHANGED, 0);
}

/**
 * store_write:
 * @write: the statements, inside the transaction; it notes in @changes
 *   what to announce, and fails with @error set
 *
 * Runs @write in one transaction, which takes the write lock at once: a
 * second connection that holds it makes this wait as long as the busy
 * timeout says, and then fail with its error, before anything is written.
 * Commits when @write succeeds and announces the changes after the
 * commit, before the job returns its result; rolls back when it fails.
 */
gboolean
store_write (ConciergeStore  *self,
             StoreWriteFunc   write,
             gpointer         data,
             GError         **error)
{
  StoreChanges changes = { 0 };
  gboolean written;

  changes.threads = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  changes.contacts = g_array_new (FALSE, FALSE, sizeof (gint64));

  written = store_exec (self, "BEGIN IMMEDIATE", error) &&
            write (self, data, &changes, error) &&
            (changes.nothing_to_keep || store_exec (self, "COMMIT", error));
  if (!written || changes.nothing_to_keep)
    store_rollback (self);
  else
    store_announce (self, &changes);

  g_hash_table_unref (changes.threads);
  g_array_unref (changes.contacts);
  return written;
}

/* For a job whose result is only whether store_write() succeeded. */
void
store_write_task (ConciergeStore *self,
                  GTask          *task,
                  StoreWriteFunc  write,
                  gpointer        data)
{
  GError *error = NULL;

  if (store_write (self, write, data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Opening and migrating */

/* bit_or (x): the kinds of personal data in a thread's messages, together */
static void
bit_or_step (sqlite3_context  *context,
             int               n_values,
             sqlite3_value   **values)
{
  sqlite3_int64 *bits = sqlite3_aggregate_context (context, sizeof *bits);

  if (bits != NULL && sqlite3_value_type (values[0]) != SQLITE_NULL)
    *bits |= sqlite3_value_int64 (values[0]);
}

static void
bit_or_final (sqlite3_context *context)
{
  sqlite3_int64 *bits = sqlite3_aggregate_context (context, 0);

  sqlite3_result_int64 (context, bits ? *bits : 0);
}

typedef struct
{
  int   version;
  char *sql;
} SchemaStep;

static gboolean
write_schema_step (ConciergeStore  *self,
                   gpointer         data,
                   StoreChanges    *changes,
                   GError         **error)
{
  SchemaStep *step = data;
  g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", step->version);

  return store_exec (self, step->sql, error) && store_exec (self, set_version, error);
}

static gboolean
store_migrate (ConciergeStore  *self,
               int              from_version,
               GError         **error)
{
  for (int version = from_version + 1; version <= CONCIERGE_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *resource = g_strdup_printf (RESOURCE_PATH "store/concierge-schema-%d.sql", version);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      SchemaStep step;

      bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes == NULL)
        return FALSE;
      sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      /* Each step is one transaction: a failed step leaves the previous
       * version intact. */
      step.version = version;
      step.sql = sql;
      if (!store_write (self, write_schema_step, &step, error))
        return FALSE;
    }

  return TRUE;
}

static int
store_user_version (ConciergeStore  *self,
                    GError         **error)
{
  sqlite3_stmt *stmt;
  int rc, version = -1;

  rc = sqlite3_prepare_v2 (store_db (self), "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  else
    set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
  sqlite3_finalize (stmt);

  return version;
}

/* A value of the profile that is made once, at random, and kept. */
static gboolean
store_load_profile_value (ConciergeStore  *self,
                          const char      *key,
                          char           **value,
                          GError         **error)
{
  static const char select_sql[] = "SELECT value FROM profile WHERE key = ?";
  static const char insert_sql[] = "INSERT INTO profile (key, value) VALUES (?, ?)";
  g_autofree char *found = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, select_sql, error)))
    return FALSE;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    found = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  if (found == NULL)
    {
      found = g_uuid_string_random ();
      if (!(stmt = store_prepare (self, insert_sql, error)))
        return FALSE;
      bind_text (stmt, 1, key);
      bind_text (stmt, 2, found);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  *value = g_steal_pointer (&found);
  return TRUE;
}

static void
open_job (ConciergeStore *self,
          GTask          *task,
          gpointer        data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);
  sqlite3 *db = NULL;
  int rc, version;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_UNREADABLE,
                               "Cannot create the folder %s: %s", dir, g_strerror (saved_errno));
      return;
    }

  /* Customers' messages are personal data: the file is for this user only.
   * SQLite gives the WAL and shared-memory files the same mode. */
  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        close (fd);
    }

  rc = sqlite3_open_v2 (self->path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (&error, db, rc, "Opening the cache failed");
      sqlite3_close (db);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->worker->db = db;
  sqlite3_extended_result_codes (db, 1);
  sqlite3_create_function_v2 (db, "bit_or", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                              bit_or_step, bit_or_final, NULL);
  sqlite3_busy_timeout (db, STORE_BUSY_TIMEOUT_MS);

  /* Look at the version before changing anything, so that a newer
   * Concierge's database is left exactly as it was. */
  version = store_user_version (self, &error);
  if (version < 0)
    goto fail;
  if (version > CONCIERGE_STORE_SCHEMA_VERSION)
    {
      g_set_error (&error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_TOO_NEW,
                   "The cache has schema version %d; this Concierge knows up to %d",
                   version, CONCIERGE_STORE_SCHEMA_VERSION);
      goto fail;
    }

  if (!store_exec (self, "PRAGMA journal_mode = WAL", &error) ||
      !store_exec (self, "PRAGMA synchronous = NORMAL", &error) ||
      !store_exec (self, "PRAGMA foreign_keys = ON", &error) ||
      /* What is deleted is overwritten, so that forgetting a customer
       * leaves nothing of them in the file. */
      !store_exec (self, "PRAGMA secure_delete = ON", &error) ||
      !store_exec (self, "PRAGMA temp_store = MEMORY", &error) ||
      !store_migrate (self, version, &error) ||
      !store_exec (self, SEARCH_TABLES_SQL, &error) ||
      !store_load_profile_value (self, "id", &self->profile_id, &error))
    goto fail;

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
  return;

fail:
  store_worker_close_db (self->worker);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
concierge_store_finalize (GObject *object)
{
  ConciergeStore *self = CONCIERGE_STORE (object);

  /* The worker closes the database once it reaches this; it may be the
   * worker itself dropping the last reference, so never wait for it here. */
  g_async_queue_push (self->worker->queue, quit_job);
  g_thread_unref (self->worker->thread);
  store_worker_unref (self->worker);

  g_main_context_unref (self->context);
  g_free (self->path);
  g_free (self->profile_id);

  G_OBJECT_CLASS (concierge_store_parent_class)->finalize (object);
}

static void
concierge_store_class_init (ConciergeStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = concierge_store_finalize;

  /**
   * ConciergeStore::threads-changed:
   * @threads: (element-type ConciergeThread): new snapshots of the threads
   *   that a write changed or added
   */
  signals[THREADS_CHANGED] =
    g_signal_new ("threads-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * ConciergeStore::invalidated:
   *
   * So many threads changed at once that #ConciergeStore::threads-changed
   * would not pay, or another process changed the cache, for example the
   * command line removed an account with its threads: whatever shows the
   * cache reads it again.
   */
  signals[INVALIDATED] =
    g_signal_new ("invalidated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * ConciergeStore::saved-replies-changed:
   *
   * A saved reply was added, changed or deleted: every list of them reads
   * them again. It comes before the result of the call that changed them.
   */
  signals[SAVED_REPLIES_CHANGED] =
    g_signal_new ("saved-replies-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * ConciergeStore::contact-changed:
   * @contact_id: the customer, or 0 when many changed
   *
   * A customer's profile or identities changed, were merged with another
   * customer's, or were forgotten. It comes before the result of the call
   * that changed them.
   */
  signals[CONTACT_CHANGED] =
    g_signal_new ("contact-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
concierge_store_init (ConciergeStore *self)
{
  StoreWorker *worker = g_new0 (StoreWorker, 1);

  g_atomic_ref_count_init (&worker->ref_count);
  worker->queue = g_async_queue_new ();
  worker->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  worker->thread = g_thread_new ("concierge-store", store_worker_main, store_worker_ref (worker));
  self->worker = worker;

  self->context = g_main_context_ref_thread_default ();
  self->search_limit = CONCIERGE_STORE_SEARCH_LIMIT;
}

/**
 * concierge_store_default_path:
 *
 * Returns: the database of the default profile, in the XDG data folder
 */
char *
concierge_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "concierge", "cache.sqlite", NULL);
}

/**
 * concierge_store_move_aside:
 * @path: a database that cannot be used
 * @new_path: (out): where it went
 *
 * Renames a damaged database, with its WAL and shared-memory files, so that a
 * fresh one can start in its place. Nothing is deleted.
 */
gboolean
concierge_store_move_aside (const char  *path,
                            char       **new_path,
                            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.damaged-%s", path, stamp);
  static const char * const suffixes[] = { "-wal", "-shm" };

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_rename (path, target) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not move “%s” aside: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  if (new_path != NULL)
    *new_path = g_steal_pointer (&target);
  return TRUE;
}

/* Damaged caches. They are plain files beside the cache, so listing and
 * deleting them is file work on a thread of GIO's pool, not the worker's. */

static const char * const side_files[] = { "", "-wal", "-shm" };

void
concierge_damaged_cache_free (ConciergeDamagedCache *cache)
{
  g_free (cache->path);
  g_free (cache);
}

/* "cache.sqlite.damaged-20261202-143000" → its time; -1 if the name is not
 * one that concierge_store_move_aside() gives. */
static gint64
damaged_stamp (const char *cache_name,
               const char *name)
{
  g_autofree char *prefix = g_strconcat (cache_name, ".damaged-", NULL);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) time = NULL;
  int year, month, day, hour, minute, second;
  char end;

  if (!g_str_has_prefix (name, prefix) ||
      sscanf (name + strlen (prefix), "%4d%2d%2d-%2d%2d%2d%c", &year, &month, &day, &hour, &minute, &second,
              &end) != 6)
    return -1;
  time = g_date_time_new (local, year, month, day, hour, minute, second);
  return time != NULL ? g_date_time_to_unix (time) : -1;
}

static void
list_damaged_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *cache_name = g_path_get_basename (path);
  g_autoptr(GPtrArray) caches = g_ptr_array_new_with_free_func ((GDestroyNotify) concierge_damaged_cache_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (folder, 0, &error);
  if (dir == NULL)
    {
      /* No folder, no cache, nothing damaged */
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_task_return_pointer (task, g_steal_pointer (&caches), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 stamp = damaged_stamp (cache_name, name);
      ConciergeDamagedCache *cache;

      if (stamp < 0)
        continue;
      cache = g_new0 (ConciergeDamagedCache, 1);
      cache->path = g_build_filename (folder, name, NULL);
      cache->moved_at = stamp;
      for (guint i = 0; i < G_N_ELEMENTS (side_files); i++)
        {
          g_autofree char *file = g_strconcat (cache->path, side_files[i], NULL);
          GStatBuf buf;

          if (g_stat (file, &buf) == 0)
            cache->size += buf.st_size;
        }
      g_ptr_array_add (caches, cache);
    }

  g_task_return_pointer (task, g_steal_pointer (&caches), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_store_list_damaged_async:
 * @path: the cache, as concierge_store_default_path() gives it
 *
 * Finds the caches that concierge_store_move_aside() once moved aside from
 * @path.
 */
void
concierge_store_list_damaged_async (const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_store_list_damaged_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, list_damaged_thread);
}

/**
 * concierge_store_list_damaged_finish:
 *
 * Returns: (transfer container) (element-type ConciergeDamagedCache): the
 *   damaged caches, in no order, or %NULL with @error set
 */
GPtrArray *
concierge_store_list_damaged_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return store_finish_pointer (NULL, result, concierge_store_list_damaged_async, error);
}

static void
delete_damaged_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char * const *paths = task_data;
  g_autofree char *folder = g_path_get_dirname (paths[0]);
  g_autofree char *cache_name = g_path_get_basename (paths[0]);
  g_autofree char *damaged_folder = g_path_get_dirname (paths[1]);
  g_autofree char *damaged_name = g_path_get_basename (paths[1]);

  /* Only ever a file that was moved aside, never the cache in use */
  if (!g_str_equal (folder, damaged_folder) || damaged_stamp (cache_name, damaged_name) < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "%s is no damaged cache", paths[1]);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (side_files); i++)
    {
      g_autofree char *file = g_strconcat (paths[1], side_files[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                   _("Could not delete “%s”: %s"), file, g_strerror (saved_errno));
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_delete_damaged_async:
 * @path: the cache
 * @damaged_path: one of the caches concierge_store_list_damaged_async()
 *   found
 *
 * Deletes a damaged cache with its WAL and shared-memory files.
 */
void
concierge_store_delete_damaged_async (const char          *path,
                                      const char          *damaged_path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char **paths = g_new0 (char *, 3);

  paths[0] = g_strdup (path);
  paths[1] = g_strdup (damaged_path);
  g_task_set_source_tag (task, concierge_store_delete_damaged_async);
  g_task_set_task_data (task, paths, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, delete_damaged_thread);
}

gboolean
concierge_store_delete_damaged_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return store_finish_boolean (NULL, result, concierge_store_delete_damaged_async, error);
}

void
concierge_store_open_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(ConciergeStore) self = NULL;

  g_return_if_fail (path != NULL);

  self = g_object_new (CONCIERGE_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  store_run (self, concierge_store_open_async, G_PRIORITY_DEFAULT, open_job, NULL, NULL,
             cancellable, callback, user_data);
}

ConciergeStore *
concierge_store_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  /* The task's source is the store it opened, which the caller has yet
   * to learn. */
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, concierge_store_open_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
close_job (ConciergeStore *self,
           GTask          *task,
           gpointer        data)
{
  store_db (self);
  store_worker_close_db (self->worker);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_close_async:
 *
 * Closes the database once the jobs before this one are done. Later jobs
 * fail. Tests use it before they reopen or inspect the file.
 */
void
concierge_store_close_async (ConciergeStore      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_close_async, G_PRIORITY_DEFAULT, close_job, NULL, NULL,
             cancellable, callback, user_data);
}

gboolean
concierge_store_close_finish (ConciergeStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_close_async, error);
}

/**
 * concierge_store_get_profile_id:
 *
 * Returns: the UUID of this profile, kept in its database; the keyring files
 *   the profile's secrets under it
 */
const char *
concierge_store_get_profile_id (ConciergeStore *self)
{
  g_return_val_if_fail (CONCIERGE_IS_STORE (self), NULL);

  return self->profile_id;
}

/**
 * concierge_store_set_search_limit:
 * @limit: how many threads a search lists at most; 0 for the default
 *
 * Sets how far the whole list of a search goes (see
 * concierge_store_load_inbox_index_async()). Lists asked for from now on
 * keep to it.
 */
void
concierge_store_set_search_limit (ConciergeStore *self,
                                  guint           limit)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  self->search_limit = limit != 0 ? limit : CONCIERGE_STORE_SEARCH_LIMIT;
}

guint
concierge_store_get_search_limit (ConciergeStore *self)
{
  g_return_val_if_fail (CONCIERGE_IS_STORE (self), CONCIERGE_STORE_SEARCH_LIMIT);

  return self->search_limit;
}

void
store_notify_thread (ConciergeStore *self,
                     gint64          thread_id)
{
  g_autoptr(GHashTable) touched = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_hash_table_add (touched, g_memdup2 (&thread_id, sizeof thread_id));
  store_notify_threads (self, touched);
}

/**
 * concierge_store_invalidate:
 *
 * Says that another process changed the cache; see
 * #ConciergeStore::invalidated. It may be called on any thread: the
 * signal comes on the store's main context, as every signal of the store.
 */
void
concierge_store_invalidate (ConciergeStore *self)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_notify_change (self, INVALIDATED, 0);
}

/* Finishing */

/* Whether @result is the task of the call of @self tagged @source_tag; a
 * critical warning tells the caller who finished another call's result. */
gboolean
store_result_is_from (ConciergeStore *self,
                      GAsyncResult   *result,
                      gpointer        source_tag)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return TRUE;
}

gboolean
store_finish_boolean (ConciergeStore  *self,
                      GAsyncResult    *result,
                      gpointer         source_tag,
                      GError         **error)
{
  if (!store_result_is_from (self, result, source_tag))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
store_finish_pointer (ConciergeStore  *self,
                      GAsyncResult    *result,
                      gpointer         source_tag,
                      GError         **error)
{
  if (!store_result_is_from (self, result, source_tag))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -1 with @error set, or when @result is not the call's */
gssize
store_finish_int (ConciergeStore  *self,
                  GAsyncResult    *result,
                  gpointer         source_tag,
                  GError         **error)
{
  if (!store_result_is_from (self, result, source_tag))
    return -1;
  return g_task_propagate_int (G_TASK (result), error);
}

/* The calls whose result is only whether they succeeded, or, for
 * concierge_store_find_sent_elsewhere_async(), whether they found. */
static gconstpointer const boolean_calls[] = {
  (gconstpointer) concierge_store_close_async,
  (gconstpointer) concierge_store_delete_legacy_tombstone_key_async,
  (gconstpointer) concierge_store_sign_out_account_async,
  (gconstpointer) concierge_store_remove_account_async,
  (gconstpointer) concierge_store_identify_account_async,
  (gconstpointer) concierge_store_ingest_async,
  (gconstpointer) concierge_store_set_thread_status_async,
  (gconstpointer) concierge_store_mark_read_async,
  (gconstpointer) concierge_store_set_send_state_async,
  (gconstpointer) concierge_store_complete_send_async,
  (gconstpointer) concierge_store_find_sent_elsewhere_async,
  (gconstpointer) concierge_store_scan_async,
  (gconstpointer) concierge_store_log_async,
  (gconstpointer) concierge_store_retry_move_async,
  (gconstpointer) concierge_store_set_operation_state_async,
  (gconstpointer) concierge_store_complete_operation_async,
  (gconstpointer) concierge_store_move_publicly_async,
  (gconstpointer) concierge_store_save_image_async,
  (gconstpointer) concierge_store_mark_deleted_async,
  (gconstpointer) concierge_store_add_note_async,
  (gconstpointer) concierge_store_save_draft_async,
  (gconstpointer) concierge_store_delete_saved_reply_async,
  (gconstpointer) concierge_store_set_contact_field_async,
  (gconstpointer) concierge_store_set_contact_language_async,
  (gconstpointer) concierge_store_merge_contacts_async,
  (gconstpointer) concierge_store_undo_merge_async,
  (gconstpointer) concierge_store_set_thread_tag_async,
  (gconstpointer) concierge_store_finish_erasure_async,
  (gconstpointer) concierge_store_save_file_async,
  (gconstpointer) concierge_store_queue_hide_async,
  (gconstpointer) concierge_store_queue_unhide_async,
  (gconstpointer) concierge_store_complete_send_unnamed_async,
};

/**
 * concierge_store_boolean_finish:
 *
 * Finishes any of the store's calls whose result is only whether they
 * succeeded, for a callback that several of them share. Each also has a
 * finish function of its own.
 */
gboolean
concierge_store_boolean_finish (ConciergeStore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (boolean_calls); i++)
    if (g_async_result_is_tagged (result, (gpointer) boolean_calls[i]))
      return g_task_propagate_boolean (G_TASK (result), error);

  g_return_val_if_reached (FALSE);
}
