/* concierge-channel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "concierge-channel.h"

G_DEFINE_QUARK (concierge-channel-error-quark, concierge_channel_error)

#define MAX_JSON_DEPTH 64

G_DEFINE_INTERFACE (ConciergeChannel, concierge_channel, G_TYPE_OBJECT)

static void
not_supported_async (ConciergeChannel    *self,
                     gpointer             source_tag,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                           _("This platform cannot do that."));
}

static void
default_find_sent_async (ConciergeChannel     *self,
                         ConciergeOutboxEntry *entry,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  not_supported_async (self, default_find_sent_async, callback, user_data);
}

static ConciergeMessage *
default_find_sent_finish (ConciergeChannel  *self,
                          GAsyncResult      *result,
                          GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
default_hide_async (ConciergeChannel    *self,
                    const char          *message_remote_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  not_supported_async (self, default_hide_async, callback, user_data);
}

static void
default_unhide_async (ConciergeChannel    *self,
                      const char          *message_remote_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  not_supported_async (self, default_unhide_async, callback, user_data);
}

static void
default_remove_async (ConciergeChannel    *self,
                      const char          *message_remote_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  not_supported_async (self, default_remove_async, callback, user_data);
}

static char *
default_dup_invitation (ConciergeChannel *self,
                        const char       *reference)
{
  return NULL;
}

static void
default_fetch_image_async (ConciergeChannel    *self,
                           const char          *source,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  not_supported_async (self, default_fetch_image_async, callback, user_data);
}

static void
default_fetch_file_async (ConciergeChannel    *self,
                          const char          *source,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  not_supported_async (self, default_fetch_file_async, callback, user_data);
}

static GBytes *
default_fetch_image_finish (ConciergeChannel  *self,
                            GAsyncResult      *result,
                            GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
default_find_deleted_async (ConciergeChannel    *self,
                            const char * const  *message_remote_ids,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  not_supported_async (self, default_find_deleted_async, callback, user_data);
}

static GStrv
default_find_deleted_finish (ConciergeChannel  *self,
                             GAsyncResult      *result,
                             GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
default_revoke_async (ConciergeChannel    *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  not_supported_async (self, default_revoke_async, callback, user_data);
}


static guint
default_get_retry_after (ConciergeChannel *self)
{
  return 0;
}

static gboolean
default_has_more (ConciergeChannel *self)
{
  return FALSE;
}

static void
concierge_channel_default_init (ConciergeChannelInterface *iface)
{
  iface->get_retry_after = default_get_retry_after;
  iface->has_more = default_has_more;
  iface->find_sent_async = default_find_sent_async;
  iface->find_sent_finish = default_find_sent_finish;
  iface->hide_async = default_hide_async;
  iface->hide_finish = concierge_channel_finish_boolean_task;
  iface->unhide_async = default_unhide_async;
  iface->unhide_finish = concierge_channel_finish_boolean_task;
  iface->remove_async = default_remove_async;
  iface->remove_finish = concierge_channel_finish_boolean_task;
  iface->dup_invitation = default_dup_invitation;
  iface->fetch_image_async = default_fetch_image_async;
  iface->fetch_image_finish = default_fetch_image_finish;
  iface->fetch_file_async = default_fetch_file_async;
  iface->fetch_file_finish = default_fetch_image_finish;
  iface->find_deleted_async = default_find_deleted_async;
  iface->find_deleted_finish = default_find_deleted_finish;
  iface->revoke_async = default_revoke_async;
  iface->revoke_finish = concierge_channel_finish_boolean_task;
}

/**
 * concierge_channel_clean_text:
 * @text: (inout): a customer's text, changed in place
 *
 * Text is shown as plain text, never as markup, and control characters
 * other than line breaks and tabs have no place in it: each becomes a
 * space.
 *
 * Returns: @text
 */
char *
concierge_channel_clean_text (char *text)
{
  for (char *p = text; *p; p++)
    if ((guchar) *p < 0x20 && *p != '\n' && *p != '\t')
      *p = ' ';

  return text;
}

/* Reading answers */

static void
parse_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  GBytes *bytes = data;
  g_autoptr(JsonParser) parser = json_parser_new ();

  /* No platform's answer nests deeper; a hostile one would crash json-glib. */
  if (!concierge_json_within_depth (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), MAX_JSON_DEPTH) ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                             _("The server sent an answer Concierge cannot read."));
  else
    g_task_return_pointer (task, json_node_copy (json_parser_get_root (parser)),
                           (GDestroyNotify) json_node_unref);
}

/**
 * concierge_channel_parse_json_async:
 * @bytes: an answer's body
 *
 * Parses JSON on a worker thread: answers can be large, and a frame must
 * never wait for them.
 */
void
concierge_channel_parse_json_async (GBytes              *bytes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_channel_parse_json_async);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_in_thread);
}

/**
 * concierge_channel_parse_json_finish:
 *
 * Returns: (transfer full): the root, or %NULL with
 *   %CONCIERGE_CHANNEL_ERROR_INVALID when the body is no JSON
 */
JsonNode *
concierge_channel_parse_json_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * concierge_channel_get_cursor_stream:
 *
 * Returns: the name under which the store keeps this channel's cursor
 */
const char *
concierge_channel_get_cursor_stream (ConciergeChannel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->get_cursor_stream (self);
}

void
concierge_channel_get_capabilities (ConciergeChannel             *self,
                                    ConciergeChannelCapabilities *capabilities)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (capabilities != NULL);

  *capabilities = (ConciergeChannelCapabilities) { 0 };
  CONCIERGE_CHANNEL_GET_IFACE (self)->get_capabilities (self, capabilities);
}

/**
 * concierge_channel_get_retry_after:
 *
 * Returns: the seconds the server asked to wait before the next request,
 *   after a 429 or when its rate limit is used up; 0 for none
 */
guint
concierge_channel_get_retry_after (ConciergeChannel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), 0);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->get_retry_after (self);
}

/**
 * concierge_channel_has_more:
 *
 * Returns: whether the last fetch stopped before the end of what is new,
 *   so that the next one should start at once
 */
gboolean
concierge_channel_has_more (ConciergeChannel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->has_more (self);
}

/**
 * concierge_channel_set_first_sync_threads:
 * @threads: how many earlier threads the first sync of the account reads;
 *   0 for the platform's own bound
 *
 * A platform that reads no history back ignores it.
 */
void
concierge_channel_set_first_sync_threads (ConciergeChannel *self,
                                          guint             threads)
{
  ConciergeChannelInterface *iface;

  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));

  iface = CONCIERGE_CHANNEL_GET_IFACE (self);
  if (iface->set_first_sync_threads != NULL)
    iface->set_first_sync_threads (self, threads);
}

/**
 * concierge_channel_set_reply_window_extension:
 * @allowed: whether the account has the platform's permission to answer
 *   after its standard reply window
 *
 * A platform without such a permission ignores it.
 */
void
concierge_channel_set_reply_window_extension (ConciergeChannel *self,
                                              gboolean          allowed)
{
  ConciergeChannelInterface *iface;

  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));

  iface = CONCIERGE_CHANNEL_GET_IFACE (self);
  if (iface->set_reply_window_extension != NULL)
    iface->set_reply_window_extension (self, allowed);
}

/**
 * concierge_channel_capabilities_reply_window:
 *
 * Returns: how long after the customer's last message a reply to a thread
 *   of @visibility may go out, the permission's longer window included
 *   where the account has it; 0 for no limit
 */
guint
concierge_channel_capabilities_reply_window (const ConciergeChannelCapabilities *capabilities,
                                             ConciergeVisibility                 visibility)
{
  g_return_val_if_fail (capabilities != NULL, 0);

  if (capabilities->reply_window_private_only && visibility == CONCIERGE_VISIBILITY_PUBLIC)
    return 0;
  if (capabilities->reply_window_extension_allowed && capabilities->reply_window_extended_seconds > 0)
    return MAX (capabilities->reply_window_seconds, capabilities->reply_window_extended_seconds);
  return capabilities->reply_window_seconds;
}

/**
 * concierge_channel_fetch_async:
 * @cursor: (nullable): where the previous fetch ended
 *
 * Fetches what is new since @cursor, following pagination, as one batch.
 */
void
concierge_channel_fetch_async (ConciergeChannel    *self,
                               const char          *cursor,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));

  CONCIERGE_CHANNEL_GET_IFACE (self)->fetch_async (self, cursor, cancellable, callback, user_data);
}

/**
 * concierge_channel_fetch_finish:
 * @cursor: (out) (optional): where the next fetch starts
 *
 * Returns: (transfer full): the batch, which carries the new cursor so
 *   that the store saves both together
 */
ConciergeIngest *
concierge_channel_fetch_finish (ConciergeChannel  *self,
                                GAsyncResult      *result,
                                char             **cursor,
                                GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->fetch_finish (self, result, cursor, error);
}

/**
 * concierge_channel_send_async:
 * @entry: a reply in a thread, or a private message to a person when the
 *   entry's visibility is private
 *
 * Sends one outbox entry, with its idempotency key where the platform
 * takes one.
 */
void
concierge_channel_send_async (ConciergeChannel     *self,
                              ConciergeOutboxEntry *entry,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (entry != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->send_async (self, entry, cancellable, callback, user_data);
}

/**
 * concierge_channel_send_finish:
 *
 * Returns: (transfer full): the message as the platform now has it
 */
ConciergeMessage *
concierge_channel_send_finish (ConciergeChannel  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->send_finish (self, result, error);
}

/**
 * concierge_channel_find_sent_async:
 *
 * Looks on the platform for an entry whose sending was cut off, before it
 * is sent again. Platforms that cannot tell fail with
 * %CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED.
 */
void
concierge_channel_find_sent_async (ConciergeChannel     *self,
                                   ConciergeOutboxEntry *entry,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (entry != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->find_sent_async (self, entry, cancellable, callback, user_data);
}

/**
 * concierge_channel_can_find_sent:
 *
 * Returns: whether the channel looks for entries whose sending was cut
 *   off, rather than failing with %CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED
 */
gboolean
concierge_channel_can_find_sent (ConciergeChannel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->find_sent_async != default_find_sent_async;
}

/**
 * concierge_channel_find_sent_finish:
 *
 * Returns: (transfer full) (nullable): the sent message, or %NULL without
 *   an error when the platform surely does not have it
 */
ConciergeMessage *
concierge_channel_find_sent_finish (ConciergeChannel  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->find_sent_finish (self, result, error);
}

void
concierge_channel_mark_read_async (ConciergeChannel    *self,
                                   const char          *thread_remote_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (thread_remote_id != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->mark_read_async (self, thread_remote_id, cancellable, callback, user_data);
}

gboolean
concierge_channel_mark_read_finish (ConciergeChannel  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->mark_read_finish (self, result, error);
}

/**
 * concierge_channel_hide_async:
 *
 * Hides a customer's public item where the platform allows it; see the
 * capabilities.
 */
void
concierge_channel_hide_async (ConciergeChannel    *self,
                              const char          *message_remote_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (message_remote_id != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->hide_async (self, message_remote_id, cancellable, callback, user_data);
}

gboolean
concierge_channel_hide_finish (ConciergeChannel  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->hide_finish (self, result, error);
}

/**
 * concierge_channel_unhide_async:
 *
 * Shows a customer's item that was hidden to everyone again, where the
 * platform can hide.
 */
void
concierge_channel_unhide_async (ConciergeChannel    *self,
                                const char          *message_remote_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (message_remote_id != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->unhide_async (self, message_remote_id, cancellable, callback, user_data);
}

gboolean
concierge_channel_unhide_finish (ConciergeChannel  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->unhide_finish (self, result, error);
}

/**
 * concierge_channel_remove_async:
 *
 * Removes a customer's public item for good, where the platform allows
 * nothing gentler; see the capabilities. Concierge does this only for
 * personal data. An item that is gone already counts as removed.
 */
void
concierge_channel_remove_async (ConciergeChannel    *self,
                                const char          *message_remote_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (message_remote_id != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->remove_async (self, message_remote_id, cancellable, callback, user_data);
}

gboolean
concierge_channel_remove_finish (ConciergeChannel  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->remove_finish (self, result, error);
}

/**
 * concierge_channel_dup_invitation:
 * @reference: what the customer's first private message will carry, to
 *   tell which conversation it continues
 *
 * Where the account may write privately only to customers who wrote to it
 * first, an address that opens a private conversation with it.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL
 */
char *
concierge_channel_dup_invitation (ConciergeChannel *self,
                                  const char       *reference)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->dup_invitation (self, reference);
}

/**
 * concierge_channel_get_removal_async:
 * @thread_remote_id: the thread of the message
 * @sent_at: when the message was sent, in seconds since the epoch
 *
 * Asks whether the account may remove a customer's message in that thread
 * now, as a move to private would for personal data.
 */
void
concierge_channel_get_removal_async (ConciergeChannel    *self,
                                     const char          *thread_remote_id,
                                     gint64               sent_at,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ConciergeChannelInterface *iface;
  ConciergeChannelCapabilities capabilities = { 0 };
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (thread_remote_id != NULL);

  iface = CONCIERGE_CHANNEL_GET_IFACE (self);
  if (iface->get_removal_async != NULL)
    {
      iface->get_removal_async (self, thread_remote_id, sent_at, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_channel_get_removal_async);
  concierge_channel_get_capabilities (self, &capabilities);
  g_task_return_int (task, capabilities.can_remove_for_personal_data ? CONCIERGE_REMOVAL_ALLOWED
                                                                     : CONCIERGE_REMOVAL_NOT_PERMITTED);
}

/**
 * concierge_channel_get_removal_finish:
 *
 * Returns: the answer; %CONCIERGE_REMOVAL_ALLOWED with @error set when it
 *   could not be asked
 */
ConciergeRemoval
concierge_channel_get_removal_finish (ConciergeChannel  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  ConciergeChannelInterface *iface;
  gssize removal;

  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), CONCIERGE_REMOVAL_ALLOWED);

  iface = CONCIERGE_CHANNEL_GET_IFACE (self);
  if (iface->get_removal_finish != NULL && !g_async_result_is_tagged (result, concierge_channel_get_removal_async))
    return iface->get_removal_finish (self, result, error);
  removal = g_task_propagate_int (G_TASK (result), error);
  return removal < 0 ? CONCIERGE_REMOVAL_ALLOWED : (ConciergeRemoval) removal;
}

/**
 * concierge_channel_dup_notice:
 *
 * What the agent should know about how the account sees its customers,
 * such as messages it never receives, for the account's row.
 *
 * Returns: (transfer full) (nullable): a sentence, or %NULL
 */
char *
concierge_channel_dup_notice (ConciergeChannel *self)
{
  ConciergeChannelInterface *iface;

  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  iface = CONCIERGE_CHANNEL_GET_IFACE (self);
  return iface->dup_notice ? iface->dup_notice (self) : NULL;
}

/**
 * concierge_channel_revoke_async:
 *
 * Asks the platform to withdraw the account's sign-in, so that a copy of
 * the token is worth nothing. Platforms without a way to do that answer
 * %CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED.
 */
void
concierge_channel_revoke_async (ConciergeChannel    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));

  CONCIERGE_CHANNEL_GET_IFACE (self)->revoke_async (self, cancellable, callback, user_data);
}

gboolean
concierge_channel_revoke_finish (ConciergeChannel  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->revoke_finish (self, result, error);
}

/**
 * concierge_channel_fetch_image_async:
 * @source: the image's source, as the channel gave it to the message
 *
 * Downloads an image for the cache. Platforms without images answer
 * %CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED.
 */
void
concierge_channel_fetch_image_async (ConciergeChannel    *self,
                                     const char          *source,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (source != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->fetch_image_async (self, source, cancellable, callback, user_data);
}

/**
 * concierge_channel_fetch_image_finish:
 *
 * Returns: (transfer full): the image's bytes, checked to be an image
 */
GBytes *
concierge_channel_fetch_image_finish (ConciergeChannel  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->fetch_image_finish (self, result, error);
}

/**
 * concierge_channel_fetch_file_async:
 * @source: the file's source, as the channel gave it to the attachment
 *
 * Downloads a message's file for the cache. Platforms that keep no files
 * answer %CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED.
 */
void
concierge_channel_fetch_file_async (ConciergeChannel    *self,
                                    const char          *source,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (source != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->fetch_file_async (self, source, cancellable, callback, user_data);
}

/**
 * concierge_channel_fetch_file_finish:
 *
 * Returns: (transfer full): the file's bytes
 */
GBytes *
concierge_channel_fetch_file_finish (ConciergeChannel  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->fetch_file_finish (self, result, error);
}

/**
 * concierge_channel_find_deleted_async:
 * @message_remote_ids: the messages to ask about
 *
 * Asks the platform which of these messages their authors deleted.
 * Platforms that never say answer %CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED.
 */
void
concierge_channel_find_deleted_async (ConciergeChannel    *self,
                                      const char * const  *message_remote_ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (message_remote_ids != NULL);

  CONCIERGE_CHANNEL_GET_IFACE (self)->find_deleted_async (self, message_remote_ids, cancellable,
                                                          callback, user_data);
}

/**
 * concierge_channel_find_deleted_finish:
 *
 * Returns: (transfer full): the deleted ones among the messages asked about
 */
GStrv
concierge_channel_find_deleted_finish (ConciergeChannel  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), NULL);

  return CONCIERGE_CHANNEL_GET_IFACE (self)->find_deleted_finish (self, result, error);
}

/* Downloading images */

/* Larger ones are no picture a customer sent to a help desk. */
#define MAX_IMAGE_BYTES (16 * 1024 * 1024)
#define READ_CHUNK      (64 * 1024)

/* getFile of the Bot API serves files up to 20 MB. */
#define MAX_FILE_BYTES  (20 * 1024 * 1024)

typedef struct
{
  GByteArray   *data;
  GInputStream *stream;
  gboolean      any_file;   /* a message's file, not only an image */
} Download;

static void
download_free (Download *download)
{
  g_clear_pointer (&download->data, g_byte_array_unref);
  g_clear_object (&download->stream);
  g_free (download);
}

/* The formats GTK reads on every system; the bytes say what they are,
 * whatever the server's Content-Type claims. */
static gboolean
looks_like_image (const guint8 *data,
                  gsize         size)
{
  return (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0) ||
         (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0) ||
         (size >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0)) ||
         (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0);
}

static void
return_too_large (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID, "%s",
                           download->any_file ? _("The file is larger than Concierge keeps.")
                                              : _("The image is larger than Concierge keeps."));
  g_object_unref (task);
}

static void chunk_read_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void start_download (ConciergeChannel *channel, SoupSession *session, const char *uri, gboolean any_file,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

static void
read_next_chunk (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (download->stream, READ_CHUNK, G_PRIORITY_LOW,
                                   g_task_get_cancellable (task), chunk_read_cb, task);
}

static void
chunk_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      if (download->data->len + g_bytes_get_size (chunk) > (download->any_file ? MAX_FILE_BYTES : MAX_IMAGE_BYTES))
        {
          return_too_large (g_steal_pointer (&task));
          return;
        }
      g_byte_array_append (download->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      read_next_chunk (g_steal_pointer (&task));
      return;
    }

  if (!download->any_file && !looks_like_image (download->data->data, download->data->len))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The platform sent something that is not an image."));
      return;
    }

  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&download->data)),
                         (GDestroyNotify) g_bytes_unref);
}

static void
download_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  GError *error = NULL;
  guint status;

  download->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (download->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Neither the address nor the answer goes into the message: a bot's
   * download address holds its token. */
  status = soup_message_get_status (message);
  if (status == 404 || status == 410)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("The platform no longer has this image."));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("The image could not be downloaded (%u)."), status);
      return;
    }
  if (soup_message_headers_get_content_length (soup_message_get_response_headers (message)) >
      (download->any_file ? MAX_FILE_BYTES : MAX_IMAGE_BYTES))
    {
      return_too_large (g_steal_pointer (&task));
      return;
    }

  download->data = g_byte_array_new ();
  read_next_chunk (g_steal_pointer (&task));
}

/**
 * concierge_channel_download_image_async:
 * @channel: the channel that downloads, for its own fetch_image_async
 * @uri: an http or https address, which may hold a secret
 *
 * Downloads an image without sending any credentials, reading at most
 * 16 MB.
 */
void
concierge_channel_download_image_async (ConciergeChannel    *channel,
                                        SoupSession         *session,
                                        const char          *uri,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  start_download (channel, session, uri, FALSE, cancellable, callback, user_data);
}

/**
 * concierge_channel_download_file_async:
 * @channel: the channel that downloads, for its own fetch_file_async
 * @uri: an http or https address, which may hold a secret
 *
 * Downloads a message's file of any kind without sending any
 * credentials, reading at most 20 MB. Finish with
 * concierge_channel_download_image_finish().
 */
void
concierge_channel_download_file_async (ConciergeChannel    *channel,
                                       SoupSession         *session,
                                       const char          *uri,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  start_download (channel, session, uri, TRUE, cancellable, callback, user_data);
}

static void
start_download (ConciergeChannel    *channel,
                SoupSession         *session,
                const char          *uri,
                gboolean             any_file,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  Download *download;
  const char *scheme;

  g_return_if_fail (CONCIERGE_IS_CHANNEL (channel));
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (uri != NULL);

  task = g_task_new (channel, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_channel_download_image_async);
  download = g_new0 (Download, 1);
  download->any_file = any_file;
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);

  scheme = g_uri_peek_scheme (uri);
  if ((g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      (message = soup_message_new (SOUP_METHOD_GET, uri)) == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The platform named no usable address for the image."));
      return;
    }

  soup_session_send_async (session, message, G_PRIORITY_LOW, cancellable, download_sent_cb,
                           g_steal_pointer (&task));
}

/**
 * concierge_channel_download_image_finish:
 *
 * Returns: (transfer full): the image's bytes
 */
GBytes *
concierge_channel_download_image_finish (ConciergeChannel  *channel,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * concierge_channel_finish_boolean_task:
 * @result: a #GTask of @self whose result is a boolean
 *
 * For the platforms: the finish of every call whose result is only
 * whether it succeeded.
 */
gboolean
concierge_channel_finish_boolean_task (ConciergeChannel  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
