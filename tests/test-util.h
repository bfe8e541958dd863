/* test-util.h
 *
 * Synchronous wrappers over the store's async API, for tests only: each runs
 * the main context until its callback has fired.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "channels/concierge-channel.h"
#include "store/concierge-inbox-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

/* The tombstone key of every store that test_open_store() opens. */
#define TEST_TOMBSTONE_KEY "tombstone-key-of-the-tests"

void              test_got_result           (GObject               *object,
                                             GAsyncResult          *result,
                                             gpointer               user_data);
GAsyncResult     *test_wait_result          (GAsyncResult         **result);
void              test_iterate_until        (gboolean            (*done) (gpointer),
                                             gpointer               data);
ConciergeStore   *test_open_store           (const char            *path,
                                             GError               **error);
ConciergeStore   *test_open_store_without_key (const char          *path,
                                             GError               **error);
void              test_close_store          (ConciergeStore        *store);
ConciergeAccount *test_add_account          (ConciergeStore        *store,
                                             ConciergeAccount      *account);
GPtrArray        *test_load_accounts        (ConciergeStore        *store);
void              test_ingest               (ConciergeStore        *store,
                                             ConciergeIngest       *ingest,
                                             GError               **error);
void              test_set_status           (ConciergeStore        *store,
                                             gint64                 thread_id,
                                             ConciergeThreadStatus  status,
                                             GError               **error);
GArray           *test_load_index           (ConciergeStore        *store,
                                             const ConciergeInboxQuery *query);
GPtrArray        *test_load_threads         (ConciergeStore        *store,
                                             const gint64          *ids,
                                             guint                  n_ids);
GPtrArray        *test_load_messages        (ConciergeStore        *store,
                                             gint64                 thread_id);
GBytes           *test_load_image           (ConciergeStore        *store,
                                             gint64                 image_id);
ConciergeImage   *test_find_image           (ConciergeStore        *store,
                                             gint64                 thread_id,
                                             const char            *text);
ConciergeContact *test_load_contact         (ConciergeStore        *store,
                                             gint64                 contact_id);
GPtrArray        *test_load_contact_threads (ConciergeStore        *store,
                                             gint64                 contact_id);
ConciergeMove    *test_load_move            (ConciergeStore        *store,
                                             gint64                 thread_id);
GPtrArray        *test_load_audit_log       (ConciergeStore        *store);
GPtrArray        *test_load_saved_replies   (ConciergeStore        *store);
gint64            test_save_saved_reply     (ConciergeStore        *store,
                                             ConciergeSavedReply   *reply,
                                             GError               **error);
GPtrArray        *test_search_messages      (ConciergeStore        *store,
                                             const char            *search,
                                             guint                  limit);

char             *test_load_cursor          (ConciergeStore        *store,
                                             gint64                 account_id,
                                             const char            *stream);
void              test_wait_loaded          (ConciergeInboxModel   *inbox);
void              test_wait_for_row         (GListModel            *model,
                                             guint                  position);
void              test_wait_n_items         (GListModel            *model,
                                             guint                  n_items);
void              test_remove_tree          (const char            *path);
/* How often @needle occurs in @haystack, overlapping ones included. */
guint             test_count_occurrences    (const char            *haystack,
                                             const char            *needle);

JsonNode         *test_load_fixture         (const char            *name);

/* A gnome-keyring of the test's own, which it may lock. */
gboolean          test_has_own_keyring      (void);
void              test_rerun_with_own_keyring (void);
void              test_set_keyring_locked   (gboolean               locked);

/* The sandbox platform server, as a child process on 127.0.0.1. */
GSubprocess      *test_sandbox_start        (const char            *token,
                                             char                 **url,
                                             ...) G_GNUC_NULL_TERMINATED;
void              test_sandbox_stop         (GSubprocess           *sandbox);
GPtrArray        *test_sandbox_read_record  (const char            *path);
void              test_sandbox_post         (const char            *url,
                                             const char            *path,
                                             const char            *json);

/* A channel without idempotency, as Telegram is: what it does with a send
 * is up to the test, and so is the reply window it declares. */
typedef enum
{
  SEND_SUCCEEDS,
  SEND_IS_CUT_OFF,  /* the connection drops after the request left */
  SEND_HANGS,
} SendBehaviour;

#define TEST_TYPE_CHANNEL (test_channel_get_type ())
G_DECLARE_FINAL_TYPE (TestChannel, test_channel, TEST, CHANNEL, GObject)

struct _TestChannel
{
  GObject        parent_instance;
  gint64         account_id;
  SendBehaviour  behaviour;
  guint          sends;
  GTask         *held;
  guint          reply_window_seconds;
  guint          posts_limit;
  guint          posts_limit_seconds;
};

G_END_DECLS
