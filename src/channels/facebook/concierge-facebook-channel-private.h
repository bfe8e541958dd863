/* concierge-facebook-channel-private.h
 *
 * What the files of the Facebook folder share: the page, the requests to
 * the Graph API, and the steps of a fetch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "concierge-facebook.h"
#include "concierge-facebook-channel.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

struct _ConciergeFacebook
{
  GObject      parent_instance;

  SoupSession *session;
  gint64       account_id;
  char        *api_url;
  char        *page_id;
  /* In memory only; never logged. The token the company gave may be a
   * System User's, which reads the page's own token from the page. */
  char        *token;
  char        *page_token; /* NULL until read */
  guint        retry_after;
  gint64       not_before; /* µs since the epoch: the pace holds requests until then */
  gboolean     more;       /* the last fetch stopped at its page limit */
  guint        first_sync_threads; /* as the agent chose; 0: Concierge's bound */
  /* Messenger: whether Meta approved the app for its Human Agent
   * permission, as the agent says; and what the fetches learnt, by
   * PSID: the person's last message (gint64 *) and their conversation's
   * id. */
  gboolean     human_agent;
  GHashTable  *last_incoming;
  GHashTable  *conversations;
};

typedef void (*ConciergeFacebookJsonCallback) (GTask *task, JsonNode *root);

/* @path is the Graph path after the version, as "/PAGE-ID/feed". A GET
 * sends @params in its query; a POST as a form, or @body as JSON. */
void        concierge_facebook_request_json (GTask                         *task,
                                             const char                    *method,
                                             const char                    *path,
                                             GHashTable                    *params,
                                             JsonNode                      *body,
                                             ConciergeFacebookJsonCallback  callback);
void        concierge_facebook_return_unreadable (GTask                    *task);
void        concierge_facebook_forget_token (char                         **token);
GError     *concierge_facebook_error_for_answer  (ConciergeFacebook        *self,
                                                  guint                     status,
                                                  JsonObject               *error,
                                                  const char               *path);
gboolean    concierge_facebook_error_is_gone (const GError               *error);
/* The "after" cursor of a list's answer when it has a next page. */
const char *concierge_facebook_next_cursor  (JsonObject                    *answer);
gint64      concierge_facebook_parse_time   (const char                    *time);

/* A fetch runs its steps in turn, each in its own file. A step reads
 * and sets its own positions in the cursor, adds what it found to the
 * ingest, and calls concierge_facebook_fetch_step_done() or returns an
 * error through the task. */
typedef struct
{
  ConciergeIngest *ingest;
  /* position → value, as the sync keeps them between fetches */
  GHashTable      *cursor;
  guint            step;
} ConciergeFacebookFetch;

void             concierge_facebook_fetch_async     (ConciergeChannel      *channel,
                                                     const char            *cursor,
                                                     GCancellable          *cancellable,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
ConciergeIngest *concierge_facebook_fetch_finish    (ConciergeChannel      *channel,
                                                     GAsyncResult          *result,
                                                     char                 **cursor,
                                                     GError               **error);
void             concierge_facebook_fetch_step_done (GTask                 *task);

/* The steps: the page's posts with their comments, then Messenger. */
void             concierge_facebook_fetch_page      (GTask                 *task);
void             concierge_facebook_fetch_feed      (GTask                 *task);
void             concierge_facebook_fetch_messenger (GTask                 *task);

/* Sending: a comment under a post or comment, and a Messenger message. */
void             concierge_facebook_send_comment    (GTask                 *task,
                                                     ConciergeOutboxEntry  *entry);
void             concierge_facebook_send_message    (GTask                 *task,
                                                     ConciergeOutboxEntry  *entry);
/* A Messenger message that a send cut off may have left: the sent
 * #ConciergeMessage, or NULL when the conversation does not have it. */
void             concierge_facebook_find_sent_message (GTask               *task,
                                                       ConciergeOutboxEntry *entry);
/* The one private reply to a comment (Meta's "Private Replies"): returns
 * the sent #ConciergeMessage through @task, whose source object is the
 * #ConciergeFacebook; its thread remote id is the author's PSID, the
 * private thread with them. */
void             concierge_facebook_send_private_reply (GTask              *task,
                                                        const char         *comment_id,
                                                        const char         *text);

/* Messenger */
ConciergeMessage *concierge_facebook_message_from_json (JsonObject         *object,
                                                        const char         *page_id);
ConciergeMessage *concierge_facebook_sent_message_from_json (JsonObject    *answer,
                                                             const char    *text,
                                                             const char    *psid);
/* The messaging type an answer goes out with now, or NULL with @error
 * saying why none can. */
const char      *concierge_facebook_reply_window    (gint64                 last_incoming,
                                                     gint64                 now,
                                                     gboolean               human_agent,
                                                     GError               **error);
void             concierge_facebook_note_customer_message (ConciergeFacebook *self,
                                                           const char        *psid,
                                                           gint64             created_at);
void             concierge_facebook_note_conversation (ConciergeFacebook    *self,
                                                       const char           *psid,
                                                       const char           *conversation_id);

/* Moderation of comments (concierge-facebook-comment.c). */
void             concierge_facebook_hide_async          (ConciergeChannel     *channel,
                                                         const char           *comment_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void             concierge_facebook_unhide_async        (ConciergeChannel     *channel,
                                                         const char           *comment_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
void             concierge_facebook_find_deleted_async  (ConciergeChannel     *channel,
                                                         const char * const   *comment_ids,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GStrv            concierge_facebook_find_deleted_finish (ConciergeChannel     *channel,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* What a move to private can do for a comment. */
void             concierge_facebook_read_move_options       (JsonObject            *comment,
                                                             gint64                 now,
                                                             ConciergeMoveOptions  *options);
void             concierge_facebook_get_move_options_async  (ConciergeChannel      *channel,
                                                             const char            *thread_remote_id,
                                                             const char            *message_remote_id,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean         concierge_facebook_get_move_options_finish (ConciergeChannel      *channel,
                                                             GAsyncResult          *result,
                                                             ConciergeMoveOptions  *options,
                                                             GError               **error);

G_END_DECLS
