/* concierge-store.h
 *
 * The offline cache: one SQLite database per profile, used only from the
 * store's own worker thread. Every call here is an async pair whose callback
 * runs on the caller's main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

#define CONCIERGE_STORE_SCHEMA_VERSION 8

#define CONCIERGE_STORE_ERROR (concierge_store_error_quark ())

/* How many threads a search lists at most, unless
 * concierge_store_set_search_limit() says otherwise. */
#define CONCIERGE_STORE_SEARCH_LIMIT 500

typedef enum
{
  CONCIERGE_STORE_ERROR_FAILED,
  CONCIERGE_STORE_ERROR_CORRUPT,
  CONCIERGE_STORE_ERROR_UNREADABLE,
  CONCIERGE_STORE_ERROR_TOO_NEW,
  CONCIERGE_STORE_ERROR_DISK_FULL,
  CONCIERGE_STORE_ERROR_NOT_FOUND,
  /* The tombstone key has not arrived: see concierge_store_set_tombstone_keys() */
  CONCIERGE_STORE_ERROR_NO_KEY,
} ConciergeStoreError;

typedef enum
{
  CONCIERGE_INBOX_SORT_LONGEST_WAITING,
  CONCIERGE_INBOX_SORT_NEWEST,
} ConciergeInboxSort;

/* Which threads an inbox shows, and in which order. A search shows the
 * newest first, whatever the sort says. */
typedef struct
{
  guint              status_mask; /* 1 << ConciergeThreadStatus; 0 for any */
  int                visibility;  /* a ConciergeVisibility, or -1 for any */
  gint64             account_id;  /* 0 for any */
  gboolean           flagged_only; /* public threads with personal data */
  char              *search;      /* NULL or empty for none */
  ConciergeInboxSort sort;
} ConciergeInboxQuery;

/* One thread's place in an inbox order: rows compare by (key, tie). */
typedef struct
{
  gint64 id;
  gint64 key;
  gint64 tie;
} ConciergeInboxEntry;

ConciergeInboxQuery *concierge_inbox_query_copy      (const ConciergeInboxQuery *query);
void                 concierge_inbox_query_free      (ConciergeInboxQuery       *query);
gboolean             concierge_inbox_query_has_search (const ConciergeInboxQuery *query);
gboolean             concierge_inbox_query_matches   (const ConciergeInboxQuery *query,
                                                      ConciergeThread           *thread);
ConciergeInboxEntry  concierge_inbox_query_entry     (const ConciergeInboxQuery *query,
                                                      ConciergeThread           *thread);
int                  concierge_inbox_entry_compare   (const ConciergeInboxEntry *a,
                                                      const ConciergeInboxEntry *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeInboxQuery, concierge_inbox_query_free)

/* A batch of messages from one account, as a channel fetched them. */
typedef struct _ConciergeIngest ConciergeIngest;

ConciergeIngest *concierge_ingest_new         (gint64              account_id);
void             concierge_ingest_add_message (ConciergeIngest    *ingest,
                                               const char         *thread_remote_id,
                                               ConciergeVisibility visibility,
                                               ConciergeMessage   *message);
void             concierge_ingest_add_reply   (ConciergeIngest    *ingest,
                                               const char         *reply_to,
                                               ConciergeVisibility visibility,
                                               ConciergeMessage   *message);
void             concierge_ingest_set_cursor  (ConciergeIngest    *ingest,
                                               const char         *stream,
                                               const char         *cursor);
void             concierge_ingest_set_remote_user_id (ConciergeIngest *ingest,
                                                      const char      *remote_user_id);
guint            concierge_ingest_get_size    (ConciergeIngest    *ingest);
void             concierge_ingest_free        (ConciergeIngest    *ingest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeIngest, concierge_ingest_free)

typedef enum
{
  CONCIERGE_OUTBOX_REPLY,
  /* Hide or remove a customer's post, for personal data. */
  CONCIERGE_OUTBOX_HIDE,
  CONCIERGE_OUTBOX_REMOVE,
  /* Show a hidden post again. */
  CONCIERGE_OUTBOX_UNHIDE,
} ConciergeOutboxOperation;

/* Why the agent hides a customer's post: only these. Criticism is never a
 * reason: hidden criticism looks like censorship, and its author and
 * their friends still see it. */
typedef enum
{
  CONCIERGE_HIDE_PERSONAL_DATA,
  CONCIERGE_HIDE_SPAM,
  CONCIERGE_HIDE_ABUSE,
} ConciergeHideReason;

const char      *concierge_hide_reason_to_string   (ConciergeHideReason  reason);
gboolean         concierge_hide_reason_from_string (const char          *text,
                                                    ConciergeHideReason *reason);

/* A reply waiting in the outbox, or an operation on a customer's post:
 * everything a channel needs to do it, fixed when it was queued so that a
 * restart does the same thing. */
typedef struct
{
  gint64              id;
  ConciergeOutboxOperation operation;
  gint64              move_id;               /* 0 unless a step of a move */
  gboolean            waiting;               /* for an earlier step of its move */
  gint64              account_id;
  gint64              thread_id;
  gint64              message_id;
  char               *idempotency_key;
  ConciergeVisibility visibility;
  ConciergeAudience   audience;              /* whom it reaches; never unknown */
  char               *text;
  char               *thread_remote_id;
  char               *in_reply_to_remote_id; /* the customer's latest message, or NULL */
  char               *recipient_remote_id;   /* the customer's platform id, or NULL */
  char               *recipient_handle;
  char               *post_remote_id;        /* what a hide or remove acts on */
  /* A move's private message: the customer's public post it answers
   * privately, where the platform sends private replies to posts. */
  char               *private_reply_to_remote_id;
  ConciergeSendState  state;
  guint               attempts;
  char               *last_error;
  gint64              created_at;
} ConciergeOutboxEntry;

void             concierge_outbox_entry_free  (ConciergeOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeOutboxEntry, concierge_outbox_entry_free)

/* What happens to a public post whose conversation moves to private. */
typedef enum
{
  CONCIERGE_POST_KEEP,
  CONCIERGE_POST_HIDE,
  CONCIERGE_POST_REMOVE,
} ConciergePostAction;

/* Where a step of a move stands. */
typedef enum
{
  CONCIERGE_STEP_NONE,     /* the move has no such step */
  CONCIERGE_STEP_WAITING,  /* for the step before it, or for the network */
  CONCIERGE_STEP_SENDING,
  CONCIERGE_STEP_DONE,
  CONCIERGE_STEP_FAILED,
  CONCIERGE_STEP_UNKNOWN,  /* it may have gone out: the agent decides */
} ConciergeStepState;

typedef enum
{
  CONCIERGE_MOVE_PRIVATE_MESSAGE,
  CONCIERGE_MOVE_PUBLIC_REPLY,
  CONCIERGE_MOVE_POST,
  CONCIERGE_MOVE_N_STEPS,
} ConciergeMoveStep;

/* A public conversation moving to a private one, as the outbox has it. */
typedef struct
{
  gint64              id;
  gint64              account_id;
  gint64              public_thread_id;
  gint64              private_thread_id;   /* 0 for none */
  ConciergePostAction post_action;
  ConciergeStepState  states[CONCIERGE_MOVE_N_STEPS];
  char               *errors[CONCIERGE_MOVE_N_STEPS];
} ConciergeMove;

void             concierge_move_free          (ConciergeMove *move);
gboolean         concierge_move_is_done       (const ConciergeMove *move);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeMove, concierge_move_free)

#define CONCIERGE_TYPE_STORE (concierge_store_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeStore, concierge_store, CONCIERGE, STORE, GObject)

GQuark           concierge_store_error_quark        (void);
char            *concierge_store_default_path       (void);
gboolean         concierge_store_move_aside         (const char          *path,
                                                     char               **new_path,
                                                     GError             **error);

/* A cache once moved aside as damaged: it may still hold customers' data. */
typedef struct
{
  char   *path;
  gint64  moved_at;  /* Unix time */
  guint64 size;      /* with its WAL and shared-memory files */
} ConciergeDamagedCache;

void             concierge_damaged_cache_free       (ConciergeDamagedCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeDamagedCache, concierge_damaged_cache_free)

void             concierge_store_list_damaged_async   (const char          *path,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray       *concierge_store_list_damaged_finish  (GAsyncResult        *result,
                                                       GError             **error);
void             concierge_store_delete_damaged_async (const char          *path,
                                                       const char          *damaged_path,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         concierge_store_delete_damaged_finish (GAsyncResult       *result,
                                                       GError             **error);

void             concierge_store_open_async         (const char          *path,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
ConciergeStore  *concierge_store_open_finish        (GAsyncResult        *result,
                                                     GError             **error);
void             concierge_store_close_async        (ConciergeStore      *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         concierge_store_close_finish       (ConciergeStore      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

const char      *concierge_store_get_profile_id     (ConciergeStore      *self);
void             concierge_store_set_search_limit   (ConciergeStore      *self,
                                                     guint                limit);
guint            concierge_store_get_search_limit   (ConciergeStore      *self);
void             concierge_store_invalidate         (ConciergeStore      *self);

/* The keys of the profile's tombstones. They live in the keyring, and the
 * store holds them in memory only. */
void             concierge_store_set_tombstone_keys (ConciergeStore      *self,
                                                     const char * const  *keys);
gboolean         concierge_store_has_tombstone_key  (ConciergeStore      *self);
void             concierge_store_load_legacy_tombstone_key_async  (ConciergeStore      *self,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
char            *concierge_store_load_legacy_tombstone_key_finish (ConciergeStore      *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
void             concierge_store_delete_legacy_tombstone_key_async  (ConciergeStore      *self,
                                                                     const char          *key,
                                                                     GCancellable        *cancellable,
                                                                     GAsyncReadyCallback  callback,
                                                                     gpointer             user_data);
gboolean         concierge_store_delete_legacy_tombstone_key_finish (ConciergeStore      *self,
                                                                     GAsyncResult        *result,
                                                                     GError             **error);

/* The audit log: what others must be able to follow. It names kinds of
 * data, never the data. */
typedef enum
{
  CONCIERGE_AUDIT_HIDE,
  CONCIERGE_AUDIT_FORGET,
  CONCIERGE_AUDIT_MOVE,
  CONCIERGE_AUDIT_REMOVE,
  CONCIERGE_AUDIT_OVERRIDE,
  CONCIERGE_AUDIT_PURGE,
  CONCIERGE_AUDIT_UNHIDE,
} ConciergeAuditAction;

typedef struct
{
  gint64               id;
  gint64               at;
  char                *actor;
  ConciergeAuditAction action;
  char                *reason;
  gint64               account_id;
  gint64               thread_id;
  char                *detail;
  gint64               message_id;   /* the post it concerns, or 0 */
  gboolean             still_hidden; /* that post is hidden now */
} ConciergeAuditEntry;

/* An image whose bytes the cache still lacks, and the account that can
 * download it. */
typedef struct
{
  gint64  image_id;
  gint64  account_id;
  char   *source;
} ConciergeImageDownload;

void concierge_image_download_free (ConciergeImageDownload *download);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeImageDownload, concierge_image_download_free)

void             concierge_audit_entry_free         (ConciergeAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeAuditEntry, concierge_audit_entry_free)

void             concierge_store_log_async          (ConciergeStore        *self,
                                                     ConciergeAuditAction   action,
                                                     gint64                 thread_id,
                                                     const char            *reason,
                                                     const char            *detail,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
gboolean         concierge_store_log_finish         (ConciergeStore        *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);
void             concierge_store_load_audit_log_async (ConciergeStore      *self,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
GPtrArray       *concierge_store_load_audit_log_finish (ConciergeStore     *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);
const char      *concierge_audit_action_to_string   (ConciergeAuditAction   action);
const char      *concierge_audit_action_describe    (ConciergeAuditAction   action);
char            *concierge_audit_log_to_csv         (GPtrArray             *entries,
                                                     GTimeZone             *time_zone);

/* Works out, on the store's worker thread, what @thread's inbox row shows,
 * at @now in Unix time. */
typedef ConciergeRowFacts *(*ConciergeStoreRowFacts) (ConciergeThread *thread,
                                                      gint64           now,
                                                      gpointer         user_data);

void             concierge_store_set_row_facts      (ConciergeStore         *self,
                                                     ConciergeStoreRowFacts  func,
                                                     gpointer                user_data,
                                                     GDestroyNotify          destroy);

/* Finds personal data in a customer's message, on the store's worker
 * thread: returns the kinds found, one bit each, and sets @spans to where
 * they stand, which the store keeps for the conversation. */
typedef guint (*ConciergeStoreScanner) (const char *text,
                                        char      **spans,
                                        gpointer    user_data);

void             concierge_store_set_scanner        (ConciergeStore        *self,
                                                     ConciergeStoreScanner  scanner,
                                                     gpointer               user_data,
                                                     GDestroyNotify         destroy);
void             concierge_store_scan_async         (ConciergeStore        *self,
                                                     gboolean               again,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
gboolean         concierge_store_scan_finish        (ConciergeStore        *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);

void             concierge_store_add_account_async  (ConciergeStore      *self,
                                                     ConciergeAccount    *account,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
ConciergeAccount *concierge_store_add_account_finish (ConciergeStore     *self,
                                                     GAsyncResult        *result,
                                                     gboolean            *renewed,
                                                     GError             **error);

void             concierge_store_remove_account_async  (ConciergeStore      *self,
                                                       gint64               account_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         concierge_store_remove_account_finish (ConciergeStore      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
void             concierge_store_count_waiting_replies_async  (ConciergeStore      *self,
                                                              gint64               account_id,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gssize           concierge_store_count_waiting_replies_finish (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void             concierge_store_count_posts_since_async (ConciergeStore      *self,
                                                         gint64               account_id,
                                                         gint64               since,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gssize           concierge_store_count_posts_since_finish (ConciergeStore      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void             concierge_store_identify_account_async  (ConciergeStore      *self,
                                                         gint64               account_id,
                                                         const char          *remote_user_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         concierge_store_identify_account_finish (ConciergeStore      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

void             concierge_store_ingest_async       (ConciergeStore      *self,
                                                     ConciergeIngest     *ingest,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         concierge_store_ingest_finish      (ConciergeStore      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             concierge_store_set_thread_status_async  (ConciergeStore        *self,
                                                           gint64                 thread_id,
                                                           ConciergeThreadStatus  status,
                                                           gint64                 snooze_until,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
gboolean         concierge_store_set_thread_status_finish (ConciergeStore        *self,
                                                           GAsyncResult          *result,
                                                           GError               **error);

/* How many threads each inbox view holds. */
typedef struct
{
  guint   open;      /* open or pending */
  guint   public_open;
  guint   private_open;
  guint   flagged;   /* open public threads with personal data */
  guint   snoozed;
  guint   resolved;
  GArray *accounts;  /* ConciergeAccountCount, by account id */
} ConciergeViewCounts;

typedef struct
{
  gint64 account_id;
  guint  open;
} ConciergeAccountCount;

void             concierge_view_counts_free               (ConciergeViewCounts   *counts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeViewCounts, concierge_view_counts_free)

void             concierge_store_count_views_async        (ConciergeStore        *self,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
ConciergeViewCounts *concierge_store_count_views_finish   (ConciergeStore        *self,
                                                           GAsyncResult          *result,
                                                           GError               **error);

void             concierge_store_wake_snoozed_async       (ConciergeStore        *self,
                                                           gint64                 now,
                                                           GCancellable          *cancellable,
                                                           GAsyncReadyCallback    callback,
                                                           gpointer               user_data);
int              concierge_store_wake_snoozed_finish      (ConciergeStore        *self,
                                                           GAsyncResult          *result,
                                                           GError               **error);

void             concierge_store_sign_out_account_async  (ConciergeStore      *self,
                                                         gint64               account_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         concierge_store_sign_out_account_finish (ConciergeStore      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void             concierge_store_load_cursor_async   (ConciergeStore      *self,
                                                     gint64               account_id,
                                                     const char          *stream,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char            *concierge_store_load_cursor_finish  (ConciergeStore      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             concierge_store_load_accounts_async (ConciergeStore     *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray       *concierge_store_load_accounts_finish (ConciergeStore    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             concierge_store_load_inbox_index_async  (ConciergeStore            *self,
                                                          const ConciergeInboxQuery *query,
                                                          guint                      limit,
                                                          int                        io_priority,
                                                          GCancellable              *cancellable,
                                                          GAsyncReadyCallback        callback,
                                                          gpointer                   user_data);
GArray          *concierge_store_load_inbox_index_finish (ConciergeStore            *self,
                                                          GAsyncResult              *result,
                                                          gboolean                  *limited,
                                                          GError                   **error);

void             concierge_store_load_inbox_head_async   (ConciergeStore            *self,
                                                          const ConciergeInboxQuery *query,
                                                          guint                      limit,
                                                          GCancellable              *cancellable,
                                                          GAsyncReadyCallback        callback,
                                                          gpointer                   user_data);
GPtrArray       *concierge_store_load_inbox_head_finish  (ConciergeStore            *self,
                                                          GAsyncResult              *result,
                                                          GError                   **error);

void             concierge_store_load_threads_async  (ConciergeStore      *self,
                                                      const gint64        *ids,
                                                      guint                n_ids,
                                                      int                  io_priority,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray       *concierge_store_load_threads_finish (ConciergeStore      *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void             concierge_store_match_threads_async  (ConciergeStore      *self,
                                                       const char          *search,
                                                       const gint64        *ids,
                                                       guint                n_ids,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GHashTable      *concierge_store_match_threads_finish (ConciergeStore      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void             concierge_store_load_messages_async  (ConciergeStore      *self,
                                                       gint64               thread_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GPtrArray       *concierge_store_load_messages_finish (ConciergeStore      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void             concierge_store_load_contact_async   (ConciergeStore      *self,
                                                       gint64               contact_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
ConciergeContact *concierge_store_load_contact_finish (ConciergeStore      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

void             concierge_store_load_contact_threads_async  (ConciergeStore      *self,
                                                              gint64               contact_id,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray       *concierge_store_load_contact_threads_finish (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

void             concierge_store_search_messages_async  (ConciergeStore      *self,
                                                         const char          *search,
                                                         guint                limit,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray       *concierge_store_search_messages_finish (ConciergeStore      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

void             concierge_store_queue_reply_async     (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        const char          *text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
ConciergeOutboxEntry *concierge_store_queue_reply_finish (ConciergeStore    *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_queue_private_async   (ConciergeStore      *self,
                                                        gint64               public_thread_id,
                                                        const char          *text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
ConciergeOutboxEntry *concierge_store_queue_private_finish (ConciergeStore  *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_start_move_async      (ConciergeStore      *self,
                                                        gint64               public_thread_id,
                                                        const char          *private_text,
                                                        const char          *public_text,
                                                        ConciergePostAction  post_action,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
ConciergeMove   *concierge_store_start_move_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_move_async       (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
ConciergeMove   *concierge_store_load_move_finish      (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_retry_move_async      (ConciergeStore      *self,
                                                        gint64               move_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_retry_move_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_move_publicly_async   (ConciergeStore      *self,
                                                        gint64               move_id,
                                                        const char          *public_text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_move_publicly_finish  (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_set_operation_state_async  (ConciergeStore      *self,
                                                             gint64               outbox_id,
                                                             ConciergeSendState   state,
                                                             const char          *error_text,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean         concierge_store_set_operation_state_finish (ConciergeStore      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void             concierge_store_complete_operation_async   (ConciergeStore      *self,
                                                             gint64               outbox_id,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean         concierge_store_complete_operation_finish  (ConciergeStore      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void             concierge_store_complete_send_unnamed_async  (ConciergeStore      *self,
                                                               gint64               message_id,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
gboolean         concierge_store_complete_send_unnamed_finish (ConciergeStore      *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
void             concierge_store_queue_hide_async      (ConciergeStore      *self,
                                                        gint64               message_id,
                                                        ConciergeHideReason  reason,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_queue_hide_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_queue_unhide_async    (ConciergeStore      *self,
                                                        gint64               message_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_queue_unhide_finish   (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_outbox_async     (ConciergeStore      *self,
                                                        gint64               account_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray       *concierge_store_load_outbox_finish    (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_set_send_state_async  (ConciergeStore      *self,
                                                        gint64               message_id,
                                                        ConciergeSendState   state,
                                                        const char          *error_text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_set_send_state_finish (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_complete_send_async   (ConciergeStore      *self,
                                                        gint64               message_id,
                                                        ConciergeMessage    *sent,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_complete_send_finish  (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_mark_read_async       (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_mark_read_finish      (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_image_downloads_async  (ConciergeStore      *self,
                                                             guint                limit,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GPtrArray       *concierge_store_load_image_downloads_finish (ConciergeStore      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void             concierge_store_save_image_async      (ConciergeStore      *self,
                                                        gint64               image_id,
                                                        GBytes              *data,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_save_image_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_image_async      (ConciergeStore      *self,
                                                        gint64               image_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GBytes          *concierge_store_load_image_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_file_downloads_async  (ConciergeStore      *self,
                                                            guint                limit,
                                                            gint64               max_bytes,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
GPtrArray       *concierge_store_load_file_downloads_finish (ConciergeStore      *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void             concierge_store_save_file_async       (ConciergeStore      *self,
                                                        gint64               file_id,
                                                        GBytes              *data,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_save_file_finish      (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_file_async       (ConciergeStore      *self,
                                                        gint64               file_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GBytes          *concierge_store_load_file_finish      (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_mark_deleted_async    (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        const char * const  *remote_ids,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_mark_deleted_finish   (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_add_note_async        (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        const char          *text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_add_note_finish       (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_save_draft_async      (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        const char          *text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         concierge_store_save_draft_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_load_draft_async      (ConciergeStore      *self,
                                                        gint64               thread_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char            *concierge_store_load_draft_finish     (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             concierge_store_set_contact_language_async (ConciergeStore      *self,
                                                             gint64               contact_id,
                                                             ConciergeLanguage    language,
                                                             ConciergeAddress     address,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean         concierge_store_set_contact_language_finish (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void             concierge_store_find_sent_elsewhere_async  (ConciergeStore      *self,
                                                             gint64               thread_id,
                                                             const char          *text,
                                                             gint64               since,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean         concierge_store_find_sent_elsewhere_finish (ConciergeStore      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
gboolean         concierge_store_boolean_finish        (ConciergeStore      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Saved replies: the texts an agent answers with often. After any change
 * the store emits ConciergeStore::saved-replies-changed. */
void             concierge_store_load_saved_replies_async    (ConciergeStore      *self,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GPtrArray       *concierge_store_load_saved_replies_finish   (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void             concierge_store_save_saved_reply_async      (ConciergeStore      *self,
                                                              ConciergeSavedReply *reply,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gint64           concierge_store_save_saved_reply_finish     (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void             concierge_store_delete_saved_reply_async    (ConciergeStore      *self,
                                                              gint64               reply_id,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean         concierge_store_delete_saved_reply_finish   (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void             concierge_store_import_saved_replies_async  (ConciergeStore      *self,
                                                              GPtrArray           *replies,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
int              concierge_store_import_saved_replies_finish (ConciergeStore      *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

/* Customers: their profiles, merging their identities, and forgetting them.
 * After a change, the threads it touched are announced as usual. */
typedef enum
{
  CONCIERGE_MERGE_SAME_EMAIL,
  CONCIERGE_MERGE_SAME_PHONE,
  CONCIERGE_MERGE_SAME_CUSTOMER_NUMBER,
  CONCIERGE_MERGE_SAME_NAME,          /* display names on two platforms */
  CONCIERGE_MERGE_SAME_CUSTOMER_NAME, /* the customers' names: one from an address book, say */
} ConciergeMergeReason;

/* Another contact that may be the same person. */
typedef struct
{
  ConciergeContact    *contact; /* with its identities */
  ConciergeMergeReason reason;
} ConciergeMergeSuggestion;

void concierge_merge_suggestion_free (ConciergeMergeSuggestion *suggestion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeMergeSuggestion, concierge_merge_suggestion_free)

/* What the cache holds of a customer: what forgetting them removes. */
typedef struct
{
  guint threads;
  guint public_threads;
  guint complaints;   /* threads tagged "complaint" */
  guint messages;
  guint images;
  guint notes;
  guint drafts;
  guint outbox;       /* replies and operations not yet sent */
  guint identities;
} ConciergeContactSummary;

/* Forgetting a customer and purging old conversations delete the rows at
 * once and then clean up what the deletion left in the cache file, in
 * steps between which the store's other calls run. */
typedef enum
{
  CONCIERGE_ERASE_DELETING,  /* the rows, in one transaction */
  CONCIERGE_ERASE_INDEX,     /* the deleted words in the search index */
  CONCIERGE_ERASE_FILE,      /* the old pages in the write-ahead log */
  CONCIERGE_ERASE_DONE,
} ConciergeEraseStep;

/* Called on the caller's main context, before the call's own result.
 * @fraction: how much of @step is done, from 0 to 1, or -1 when that
 * cannot be known. */
typedef void (*ConciergeEraseProgress) (ConciergeEraseStep step,
                                        double             fraction,
                                        gpointer           user_data);

void             concierge_store_set_contact_field_async  (ConciergeStore       *self,
                                                           gint64                contact_id,
                                                           ConciergeContactField field,
                                                           const char           *value,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean         concierge_store_set_contact_field_finish (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_merge_contacts_async     (ConciergeStore      *self,
                                                           gint64               keep_id,
                                                           gint64               merge_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean         concierge_store_merge_contacts_finish    (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_undo_merge_async         (ConciergeStore      *self,
                                                           gint64               merged_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean         concierge_store_undo_merge_finish        (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_separate_identity_async  (ConciergeStore      *self,
                                                           gint64               identity_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gint64           concierge_store_separate_identity_finish (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_load_merge_suggestions_async  (ConciergeStore      *self,
                                                                gint64               contact_id,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GPtrArray       *concierge_store_load_merge_suggestions_finish (ConciergeStore      *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void             concierge_store_search_contacts_async    (ConciergeStore      *self,
                                                           const char          *search,
                                                           gint64               except_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
GPtrArray       *concierge_store_search_contacts_finish   (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_load_contacts_async      (ConciergeStore      *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
GPtrArray       *concierge_store_load_contacts_finish     (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_import_contacts_async    (ConciergeStore      *self,
                                                           GPtrArray           *contacts,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
int              concierge_store_import_contacts_finish   (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_load_contact_facts_async (ConciergeStore      *self,
                                                           gint64               contact_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
GPtrArray       *concierge_store_load_contact_facts_finish (ConciergeStore     *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_summarize_contact_async  (ConciergeStore      *self,
                                                           gint64               contact_id,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
ConciergeContactSummary *concierge_store_summarize_contact_finish (ConciergeStore      *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
void             concierge_store_forget_contact_async     (ConciergeStore      *self,
                                                           gint64               contact_id,
                                                           const char          *reason,
                                                           ConciergeEraseProgress progress,
                                                           gpointer             progress_data,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
ConciergeContactSummary *concierge_store_forget_contact_finish (ConciergeStore      *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
ConciergeContactSummary *concierge_store_summary_finish   (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_purge_async              (ConciergeStore      *self,
                                                           gint64               resolved_before,
                                                           const char          *reason,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
int              concierge_store_purge_finish             (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_finish_erasure_async     (ConciergeStore      *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean         concierge_store_finish_erasure_finish    (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void             concierge_store_set_thread_tag_async     (ConciergeStore      *self,
                                                           gint64               thread_id,
                                                           const char          *tag,
                                                           gboolean             tagged,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean         concierge_store_set_thread_tag_finish    (ConciergeStore      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

G_END_DECLS
