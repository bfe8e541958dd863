/* concierge-channel.h
 *
 * What every platform offers the rest of the app. A platform's JSON stays in
 * its own file; what crosses this interface are the project's model objects
 * and the store's ingest batches and outbox entries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "model/concierge-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_CHANNEL_ERROR (concierge_channel_error_quark ())

typedef enum
{
  /* The server's answer could not be read. */
  CONCIERGE_CHANNEL_ERROR_INVALID,
  /* The account's sign-in is no longer accepted. */
  CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
  /* Wait concierge_channel_get_retry_after() seconds. */
  CONCIERGE_CHANNEL_ERROR_RATE_LIMITED,
  /* The server refused the request itself: sending again cannot help. */
  CONCIERGE_CHANNEL_ERROR_REJECTED,
  /* The server failed; trying again later may help. */
  CONCIERGE_CHANNEL_ERROR_FAILED,
  /* The platform cannot do this. */
  CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
  /* Another program reads this account's updates; polling stops until the
   * agent acts. */
  CONCIERGE_CHANNEL_ERROR_CONFLICT,
  /* The platform allows this once, and it was done: after a request whose
   * answer was cut off, the request itself. */
  CONCIERGE_CHANNEL_ERROR_ALREADY_DONE,
} ConciergeChannelError;

typedef struct
{
  gboolean can_hide;
  /* A Telegram bot that administers a group can only delete. */
  gboolean can_remove_for_personal_data;
  gboolean can_reply_privately;
  /* The account may write privately only to a customer who wrote to it
   * privately first. */
  gboolean private_needs_customer_first;
  /* Whether a request carries a key that makes a repeat harmless. */
  gboolean has_idempotency;
  /* A private reply to a post goes out once per post: the platform
   * refuses a repeat with CONCIERGE_CHANNEL_ERROR_ALREADY_DONE, so one
   * whose answer was cut off is sent again. */
  gboolean private_reply_once;
  /* How long after the customer's last message a reply is allowed; 0 for
   * no limit. */
  guint    reply_window_seconds;
  /* The window holds for private threads only. */
  gboolean reply_window_private_only;
  /* How long a reply may still go out with a permission the platform
   * grants some accounts (Meta's human-agent tag), 0 for no such thing;
   * and whether this account has the permission. */
  guint    reply_window_extended_seconds;
  gboolean reply_window_extension_allowed;
  /* In characters (Unicode code points). */
  guint    max_length;
  /* A fetch waits on the server for news, so the next one starts at once. */
  gboolean long_polling;
  /* How many posts the platform takes from an account in a window of
   * posts_limit_seconds; 0 for no such limit. */
  guint    posts_limit;
  guint    posts_limit_seconds;
} ConciergeChannelCapabilities;

/* Whether the account may remove a customer's message, asked before the
 * agent is promised that it will. */
typedef enum
{
  CONCIERGE_REMOVAL_ALLOWED,
  /* The account lacks the right where the message is, as a bot that does
   * not administer the group, or may not delete there. */
  CONCIERGE_REMOVAL_NOT_PERMITTED,
  /* The platform removes messages only for a while after their sending. */
  CONCIERGE_REMOVAL_TOO_OLD,
} ConciergeRemoval;

/* Whether a step of a move can be done for one message, or why not. */
typedef enum
{
  CONCIERGE_MOVE_CAN,
  /* The platform does not offer it, or not for this message. */
  CONCIERGE_MOVE_CANNOT,
  /* The platform allows it only for a while after the message. */
  CONCIERGE_MOVE_TOO_OLD,
  /* It allows it once per message, and it was done. */
  CONCIERGE_MOVE_DONE_BEFORE,
} ConciergeMoveAbility;

/* What a move to private can do for one of the customer's messages: a
 * private reply to it, where the platform answers a public message in
 * private (Facebook), and hiding it. */
typedef struct
{
  ConciergeMoveAbility private_reply;
  ConciergeMoveAbility hide;
  /* Until when a private reply is allowed, in seconds since the epoch;
   * 0 for no limit. */
  gint64               private_reply_until;
} ConciergeMoveOptions;

#define CONCIERGE_TYPE_CHANNEL (concierge_channel_get_type ())

G_DECLARE_INTERFACE (ConciergeChannel, concierge_channel, CONCIERGE, CHANNEL, GObject)

struct _ConciergeChannelInterface
{
  GTypeInterface parent_iface;

  const char *      (*get_cursor_stream) (ConciergeChannel              *self);
  void              (*get_capabilities)  (ConciergeChannel              *self,
                                          ConciergeChannelCapabilities  *capabilities);
  guint             (*get_retry_after)   (ConciergeChannel              *self);
  gboolean          (*has_more)          (ConciergeChannel              *self);

  void              (*fetch_async)       (ConciergeChannel              *self,
                                          const char                    *cursor,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  ConciergeIngest * (*fetch_finish)      (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          char                         **cursor,
                                          GError                       **error);

  void              (*send_async)        (ConciergeChannel              *self,
                                          ConciergeOutboxEntry          *entry,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  ConciergeMessage *(*send_finish)       (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  void              (*find_sent_async)   (ConciergeChannel              *self,
                                          ConciergeOutboxEntry          *entry,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  ConciergeMessage *(*find_sent_finish)  (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  void              (*mark_read_async)   (ConciergeChannel              *self,
                                          const char                    *thread_remote_id,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  gboolean          (*mark_read_finish)  (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  /* Hiding a customer's item, and showing it to everyone again. */
  void              (*hide_async)        (ConciergeChannel *self, const char *message_remote_id,
                                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  gboolean          (*hide_finish)       (ConciergeChannel *self, GAsyncResult *result, GError **error);
  void              (*unhide_async)      (ConciergeChannel *self, const char *message_remote_id,
                                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  gboolean          (*unhide_finish)     (ConciergeChannel *self, GAsyncResult *result, GError **error);

  void              (*remove_async)      (ConciergeChannel              *self,
                                          const char                    *message_remote_id,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  gboolean          (*remove_finish)     (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  char *            (*dup_invitation)    (ConciergeChannel              *self,
                                          const char                    *reference);

  void              (*fetch_image_async) (ConciergeChannel              *self,
                                          const char                    *source,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  GBytes *          (*fetch_image_finish) (ConciergeChannel             *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  void              (*fetch_file_async)  (ConciergeChannel              *self,
                                          const char                    *source,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  GBytes *          (*fetch_file_finish) (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  void              (*find_deleted_async) (ConciergeChannel             *self,
                                          const char * const            *message_remote_ids,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  GStrv             (*find_deleted_finish) (ConciergeChannel            *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  void              (*revoke_async)      (ConciergeChannel              *self,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  gboolean          (*revoke_finish)     (ConciergeChannel              *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);

  /* Optional: without them, removal is as can_remove_for_personal_data
   * says, and there is nothing to note. */
  void              (*get_removal_async) (ConciergeChannel              *self,
                                          const char                    *thread_remote_id,
                                          gint64                         sent_at,
                                          GCancellable                  *cancellable,
                                          GAsyncReadyCallback            callback,
                                          gpointer                       user_data);
  ConciergeRemoval  (*get_removal_finish) (ConciergeChannel             *self,
                                          GAsyncResult                  *result,
                                          GError                       **error);
  char *            (*dup_notice)        (ConciergeChannel              *self);
  /* Optional: how many earlier threads a first sync reads, as the agent
   * chose; 0 for the platform's own bound. */
  void              (*set_first_sync_threads) (ConciergeChannel         *self,
                                               guint                     threads);
};

GQuark            concierge_channel_error_quark     (void);

char             *concierge_channel_clean_text        (char                        *text);
void              concierge_channel_parse_json_async  (GBytes                      *bytes,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
JsonNode         *concierge_channel_parse_json_finish (GAsyncResult                *result,
                                                      GError                     **error);

const char       *concierge_channel_get_cursor_stream (ConciergeChannel            *self);
void              concierge_channel_get_capabilities (ConciergeChannel             *self,
                                                      ConciergeChannelCapabilities *capabilities);
guint             concierge_channel_get_retry_after (ConciergeChannel              *self);
gboolean          concierge_channel_has_more        (ConciergeChannel              *self);
/* How long after the customer's last message a reply to a thread of
 * @visibility may go out; 0 for no limit. */
guint             concierge_channel_capabilities_reply_window (const ConciergeChannelCapabilities *capabilities,
                                                               ConciergeVisibility                 visibility);
void              concierge_channel_set_reply_window_extension (ConciergeChannel   *self,
                                                                gboolean            allowed);
void              concierge_channel_set_first_sync_threads (ConciergeChannel       *self,
                                                            guint                   threads);

void              concierge_channel_fetch_async     (ConciergeChannel              *self,
                                                     const char                    *cursor,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
ConciergeIngest  *concierge_channel_fetch_finish    (ConciergeChannel              *self,
                                                     GAsyncResult                  *result,
                                                     char                         **cursor,
                                                     GError                       **error);
void              concierge_channel_send_async      (ConciergeChannel              *self,
                                                     ConciergeOutboxEntry          *entry,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
ConciergeMessage *concierge_channel_send_finish     (ConciergeChannel              *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
void              concierge_channel_find_sent_async (ConciergeChannel              *self,
                                                     ConciergeOutboxEntry          *entry,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
/* Whether the channel can look for a reply whose send was cut off, where
 * it has no idempotency key. */
gboolean          concierge_channel_can_find_sent   (ConciergeChannel              *self);
ConciergeMessage *concierge_channel_find_sent_finish (ConciergeChannel             *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
void              concierge_channel_mark_read_async (ConciergeChannel              *self,
                                                     const char                    *thread_remote_id,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
gboolean          concierge_channel_mark_read_finish (ConciergeChannel             *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
void              concierge_channel_hide_async      (ConciergeChannel              *self,
                                                     const char                    *message_remote_id,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
gboolean          concierge_channel_hide_finish     (ConciergeChannel              *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
void              concierge_channel_unhide_async    (ConciergeChannel              *self,
                                                     const char                    *message_remote_id,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
gboolean          concierge_channel_unhide_finish   (ConciergeChannel              *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
void              concierge_channel_remove_async    (ConciergeChannel              *self,
                                                     const char                    *message_remote_id,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
gboolean          concierge_channel_remove_finish   (ConciergeChannel              *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
char             *concierge_channel_dup_invitation  (ConciergeChannel              *self,
                                                     const char                    *reference);
void              concierge_channel_revoke_async    (ConciergeChannel              *self,
                                                     GCancellable                  *cancellable,
                                                     GAsyncReadyCallback            callback,
                                                     gpointer                       user_data);
gboolean          concierge_channel_revoke_finish   (ConciergeChannel              *self,
                                                     GAsyncResult                  *result,
                                                     GError                       **error);
void              concierge_channel_fetch_image_async (ConciergeChannel            *self,
                                                      const char                  *source,
                                                      GCancellable                *cancellable,
                                                      GAsyncReadyCallback          callback,
                                                      gpointer                     user_data);
GBytes           *concierge_channel_fetch_image_finish (ConciergeChannel           *self,
                                                       GAsyncResult               *result,
                                                       GError                    **error);
void              concierge_channel_fetch_file_async (ConciergeChannel             *self,
                                                     const char                   *source,
                                                     GCancellable                 *cancellable,
                                                     GAsyncReadyCallback           callback,
                                                     gpointer                      user_data);
GBytes           *concierge_channel_fetch_file_finish (ConciergeChannel            *self,
                                                      GAsyncResult                *result,
                                                      GError                     **error);
void              concierge_channel_find_deleted_async (ConciergeChannel           *self,
                                                       const char * const         *message_remote_ids,
                                                       GCancellable               *cancellable,
                                                       GAsyncReadyCallback         callback,
                                                       gpointer                    user_data);
GStrv             concierge_channel_find_deleted_finish (ConciergeChannel          *self,
                                                        GAsyncResult              *result,
                                                        GError                   **error);

void              concierge_channel_download_image_async  (ConciergeChannel        *channel,
                                                          SoupSession             *session,
                                                          const char              *uri,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
void              concierge_channel_download_file_async   (ConciergeChannel        *channel,
                                                          SoupSession             *session,
                                                          const char              *uri,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
GBytes           *concierge_channel_download_image_finish (ConciergeChannel        *channel,
                                                          GAsyncResult            *result,
                                                          GError                 **error);

void              concierge_channel_get_removal_async     (ConciergeChannel        *self,
                                                          const char              *thread_remote_id,
                                                          gint64                   sent_at,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
ConciergeRemoval  concierge_channel_get_removal_finish    (ConciergeChannel        *self,
                                                          GAsyncResult            *result,
                                                          GError                 **error);
char             *concierge_channel_dup_notice            (ConciergeChannel        *self);
void              concierge_channel_get_move_options_async  (ConciergeChannel      *self,
                                                            const char            *thread_remote_id,
                                                            const char            *message_remote_id,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
gboolean          concierge_channel_get_move_options_finish (ConciergeChannel      *self,
                                                            GAsyncResult          *result,
                                                            ConciergeMoveOptions  *options,
                                                            GError               **error);

gboolean          concierge_channel_finish_boolean_task   (ConciergeChannel        *self,
                                                          GAsyncResult            *result,
                                                          GError                 **error);

G_END_DECLS
