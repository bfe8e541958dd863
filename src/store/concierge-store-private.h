/* concierge-store-private.h
 *
 * What the parts of the store share: the worker, the statement helpers,
 * the announcements of changes, and the reading of rows that several parts
 * need. Only the store's own files include this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "model/concierge-model-private.h"
#include "concierge-store.h"

G_BEGIN_DECLS

/* A function of the caller's that the worker calls, with its data. */
typedef struct
{
  GCallback      func;
  gpointer       data;
  GDestroyNotify destroy;
} StoreHook;

/* The store's state that the worker thread needs. It outlives the store
 * object when the last reference to the store drops while the worker still
 * runs, and it is freed by the worker itself. */
typedef struct
{
  gatomicrefcount  ref_count;
  GAsyncQueue     *queue;
  GThread         *thread;
  sqlite3         *db;
  GHashTable      *statements; /* SQL text → sqlite3_stmt, worker only */

  /* Finds personal data in customers' messages: a ConciergeStoreScanner;
   * worker only */
  StoreHook        scanner;
  /* Works out what the inbox's rows show: a ConciergeStoreRowFacts;
   * worker only */
  StoreHook        row_facts;

  /* The keys of the tombstones, from the keyring: the first makes new
   * ones, each recognizes its own. NULL until they arrive; worker only */
  char           **tombstone_keys;
} StoreWorker;

struct _ConciergeStore
{
  GObject       parent_instance;

  StoreWorker  *worker;
  GMainContext *context;
  char         *path;
  char         *profile_id;
  gboolean      has_tombstone_key;
  guint         search_limit;
};

enum {
  THREADS_CHANGED,
  INVALIDATED,
  SAVED_REPLIES_CHANGED,
  CONTACT_CHANGED,
  N_SIGNALS
};

/* How long a statement waits for another connection's lock */
#define STORE_BUSY_TIMEOUT_MS 5000

typedef void (*StoreJobFunc) (ConciergeStore *self,
                              GTask          *task,
                              gpointer        data);

typedef struct
{
  StoreJobFunc   func;
  gpointer       data;
  GDestroyNotify destroy;
} StoreJob;

/* What a write changed, for store_write() to announce after its commit. */
typedef struct
{
  GHashTable *threads;         /* the ids of the threads it changed: gint64 keys, values the writer's own */
  GArray     *contacts;        /* the customers whose profiles changed, 0 for many (gint64) */
  gboolean    invalidated;     /* threads went: whatever shows the cache reads it anew */
  gboolean    saved_replies;
  gboolean    nothing_to_keep; /* the write found nothing to do: it rolls back, and succeeds */
} StoreChanges;

typedef gboolean (*StoreWriteFunc) (ConciergeStore  *self,
                                    gpointer         data,
                                    StoreChanges    *changes,
                                    GError         **error);

/* A private thread that Concierge started itself has a remote id with
 * this prefix until the platform names it. The range up to PENDING_END
 * (':' + 1 is ';') finds them through the (account, remote id) index. */
#define PENDING_PREFIX "pending:"
#define PENDING_END    "pending;"

/* A download that failed this often is not tried again. */
#define IMAGE_ATTEMPTS 3

#define IDENTITY_COLUMNS "i.id, i.contact_id, i.platform, i.server_url, i.remote_id, i.handle, i.display_name"

/* Why the platform refused the message's latest hiding or showing of
 * its own (not a move's), while the post is still as it was: the row
 * says so until the agent tries again. */
#define MODERATION_ERROR_COLUMN                                                        \
  "(SELECT coalesce (h.last_error, '') FROM outbox h WHERE h.message_id = m.id "       \
  "  AND h.operation IN ('hide', 'unhide') AND h.move_id IS NULL "                     \
  "  AND h.id = (SELECT max (l.id) FROM outbox l WHERE l.message_id = m.id "           \
  "              AND l.operation IN ('hide', 'unhide') AND l.move_id IS NULL) "        \
  "  AND h.state = 'failed' AND (h.operation = 'hide') = (m.taken_down IS NULL)) "

#define MESSAGE_COLUMNS                                                                \
  "m.id, m.thread_id, m.remote_id, m.direction, m.body, m.created_at, m.edited_at, "   \
  "m.send_state, m.visibility, " IDENTITY_COLUMNS ", o.last_error, m.content_warning, " \
  "m.personal_data, m.taken_down, m.deleted_at, m.audience, m.sent_elsewhere, "        \
  "m.hidden_reason, "                                                                   \
  MODERATION_ERROR_COLUMN                                                              \
  "FROM messages m LEFT JOIN identities i ON i.id = m.author_identity_id "             \
  "LEFT JOIN outbox o ON o.message_id = m.id AND o.operation = 'reply' "

/* Where a reply goes and whom it reaches */
typedef struct
{
  gint64  account_id;
  char   *visibility;
  char   *audience;           /* whom the reply reaches: that of the post it answers */
  char   *thread_remote_id;   /* NULL for a thread the platform has not made yet */
  char   *in_reply_to;
  char   *recipient_id;
  char   *recipient_handle;
  gint64  contact_id;
  /* A move's private message: the customer's public post it answers,
   * which a platform that replies privately to a post (Facebook) needs. */
  char   *private_reply_to;
} Target;

/* concierge-store-media.c */
gpointer      store_download_from_row   (sqlite3_stmt *stmt);

/* concierge-store-files.c */
gboolean      store_ingest_files        (ConciergeStore    *self,
                                         gint64             message_id,
                                         ConciergeMessage  *message,
                                         GError           **error);
gboolean      store_add_files           (ConciergeStore  *self,
                                         gint64           thread_id,
                                         GHashTable      *by_id,
                                         GError         **error);

/* concierge-store.c */
void          set_sqlite_error          (GError     **error,
                                         sqlite3     *db,
                                         int          rc,
                                         const char  *what);
void          wipe_keys                 (char **keys);
void          wipe_key                  (char *key);
sqlite3      *store_db                  (ConciergeStore *self);
sqlite3_stmt *store_prepare             (ConciergeStore  *self,
                                         const char      *sql,
                                         GError         **error);
gboolean      store_exec                (ConciergeStore  *self,
                                         const char      *sql,
                                         GError         **error);
void          store_rollback            (ConciergeStore *self);
void          store_set_hook            (ConciergeStore      *self,
                                         gpointer             source_tag,
                                         StoreHook           *slot,
                                         GCallback            func,
                                         gpointer             data,
                                         GDestroyNotify       destroy);
void          store_hook_clear          (StoreHook           *hook);
void          store_run                 (ConciergeStore      *self,
                                         gpointer             source_tag,
                                         int                  io_priority,
                                         StoreJobFunc         func,
                                         gpointer             data,
                                         GDestroyNotify       destroy,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
void          bind_text                 (sqlite3_stmt *stmt,
                                         int           index,
                                         const char   *text);
void          bind_time                 (sqlite3_stmt *stmt,
                                         int           index,
                                         gint64        time);
char         *column_dup                (sqlite3_stmt *stmt,
                                         int           column);
gboolean      store_step_done           (ConciergeStore  *self,
                                         sqlite3_stmt    *stmt,
                                         GError         **error);
int           store_change_row          (ConciergeStore  *self,
                                         const char      *sql,
                                         gint64           id,
                                         GError         **error);
gboolean      store_count               (ConciergeStore  *self,
                                         const char      *sql,
                                         gint64           id,
                                         gint64          *value,
                                         GError         **error);
void          store_notify_threads      (ConciergeStore *self,
                                         GHashTable     *thread_ids);
void          store_notify_change       (ConciergeStore *self,
                                         guint           signal,
                                         gint64          id);
void          store_notify_thread       (ConciergeStore *self,
                                         gint64          thread_id);
void          store_changes_add_thread  (StoreChanges *changes,
                                         gint64        thread_id);
void          store_changes_add_contact (StoreChanges *changes,
                                         gint64        contact_id);
gboolean      store_write               (ConciergeStore  *self,
                                         StoreWriteFunc   write,
                                         gpointer         data,
                                         GError         **error);
void          store_write_task          (ConciergeStore *self,
                                         GTask          *task,
                                         StoreWriteFunc  write,
                                         gpointer        data);
gboolean      store_result_is_from      (ConciergeStore *self,
                                         GAsyncResult   *result,
                                         gpointer        source_tag);
gboolean      store_finish_boolean      (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         gpointer         source_tag,
                                         GError         **error);
gpointer      store_finish_pointer      (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         gpointer         source_tag,
                                         GError         **error);
gssize        store_finish_int          (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         gpointer         source_tag,
                                         GError         **error);

/* concierge-store-erasure.c */
gboolean store_check_tombstone_key (ConciergeStore  *self,
                                    GError         **error);
gboolean is_tombstoned             (ConciergeStore *self,
                                    gint64          account_id,
                                    const char     *thread_remote_id,
                                    const char     *message_remote_id,
                                    gboolean       *tombstoned,
                                    GError        **error);

/* concierge-store-row-facts.c */
void               store_add_row_facts (ConciergeStore  *self,
                                        ConciergeThread *thread);

/* concierge-store-threads.c */
ConciergeIdentity *identity_from_row (sqlite3_stmt *stmt,
                                      int           first);
ConciergeMessage  *message_from_row  (sqlite3_stmt *stmt);
ConciergeThread   *store_load_thread (ConciergeStore  *self,
                                      gint64           id,
                                      GError         **error);
GArray            *id_array_new      (const gint64 *ids,
                                      guint         n_ids);
GPtrArray         *read_rows         (ConciergeStore  *self,
                                      sqlite3_stmt    *stmt,
                                      gpointer       (*from_row) (sqlite3_stmt *),
                                      GDestroyNotify   free_row,
                                      GError         **error);
GPtrArray         *collect_rows      (ConciergeStore  *self,
                                      const char      *sql,
                                      gint64           id,
                                      gpointer       (*from_row) (sqlite3_stmt *),
                                      GDestroyNotify   free_row,
                                      GError         **error);
void               return_rows       (GTask           *task,
                                      GPtrArray       *rows,
                                      GError          *error);

/* concierge-store-accounts.c */
gboolean store_identify_account (ConciergeStore  *self,
                                 gint64           account_id,
                                 const char      *remote_user_id,
                                 GError         **error);

/* concierge-store-ingest.c */
gboolean next_message_id             (ConciergeStore  *self,
                                      gint64           created_at,
                                      gint64          *id,
                                      GError         **error);
gboolean update_thread_summary       (ConciergeStore  *self,
                                      gint64           thread_id,
                                      gboolean         new_incoming,
                                      GError         **error);
gboolean update_thread_personal_data (ConciergeStore  *self,
                                      gint64           thread_id,
                                      GError         **error);

/* concierge-store-search.c */
char *fts_query (const char *search);

/* concierge-store-outbox.c */
void     target_clear        (Target *target);
gboolean load_target         (ConciergeStore  *self,
                              gint64           thread_id,
                              Target          *target,
                              GError         **error);
gboolean write_queued        (ConciergeStore  *self,
                              gint64           thread_id,
                              const Target    *target,
                              const char      *text,
                              gint64           move_id,
                              gint64          *message_id,
                              GError         **error);
/* concierge-store-private-reply.c */
gboolean find_post_to_answer (ConciergeStore  *self,
                              gint64           thread_id,
                              char           **remote_id,
                              GError         **error);

gboolean open_private_thread (ConciergeStore  *self,
                              gint64           public_thread_id,
                              const Target    *public,
                              gint64          *private_id,
                              Target          *private,
                              GError         **error);

/* concierge-store-audit.c */
gboolean write_audit (ConciergeStore        *self,
                      ConciergeAuditAction   action,
                      gint64                 thread_id,
                      gint64                 message_id,
                      const char            *reason,
                      const char            *detail,
                      GError               **error);

/* concierge-store-notes.c */
void run_statement (ConciergeStore *self,
                    GTask          *task,
                    sqlite3_stmt   *stmt,
                    gint64          notify_thread_id);

/* concierge-store-customers.c */
gboolean    store_run_each    (ConciergeStore     *self,
                               const char * const *sql,
                               gsize               n_sql,
                               gint64              a,
                               gint64              b,
                               GError            **error);
gboolean    store_collect_ids (ConciergeStore  *self,
                               const char      *sql,
                               gint64           id,
                               GHashTable      *touched,
                               GError         **error);
GHashTable *id_set_new        (void);

extern const char * const outbox_operations[];

G_END_DECLS
