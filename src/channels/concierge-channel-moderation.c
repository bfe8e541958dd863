/* concierge-channel-moderation.c
 *
 * What a move to private can do for one of the customer's public posts
 * (a private reply to it, hiding it, and why not), which a channel tells
 * through the optional ConciergeModeration interface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-channel-moderation.h"

G_DEFINE_INTERFACE (ConciergeModeration, concierge_moderation, G_TYPE_OBJECT)

static void
concierge_moderation_default_init (ConciergeModerationInterface *iface)
{
}

/**
 * concierge_channel_get_move_options_async:
 * @thread_remote_id: the public thread of the message
 * @message_remote_id: the customer's message that a move acts on
 *
 * Asks what a move to private can do for that message now: reply to it
 * privately, hide it, and why not.
 */
void
concierge_channel_get_move_options_async (ConciergeChannel    *self,
                                          const char          *thread_remote_id,
                                          const char          *message_remote_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_CHANNEL (self));
  g_return_if_fail (message_remote_id != NULL);

  if (CONCIERGE_IS_MODERATION (self))
    {
      CONCIERGE_MODERATION_GET_IFACE (self)->get_move_options_async (self, thread_remote_id, message_remote_id,
                                                                     cancellable, callback, user_data);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_channel_get_move_options_async);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_channel_get_move_options_finish:
 * @options: (out caller-allocates): filled in, from the capabilities when
 *   the channel could not be asked
 *
 * Returns: whether the channel answered; %FALSE with @error set when it
 *   could not be asked
 */
gboolean
concierge_channel_get_move_options_finish (ConciergeChannel      *self,
                                           GAsyncResult          *result,
                                           ConciergeMoveOptions  *options,
                                           GError               **error)
{
  ConciergeChannelCapabilities capabilities = { 0 };

  g_return_val_if_fail (CONCIERGE_IS_CHANNEL (self), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  /* What the platform can do in general, unless the message says more. */
  concierge_channel_get_capabilities (self, &capabilities);
  options->private_reply = CONCIERGE_MOVE_CANNOT;
  options->hide = capabilities.can_hide ? CONCIERGE_MOVE_CAN : CONCIERGE_MOVE_CANNOT;
  options->private_reply_until = 0;

  if (CONCIERGE_IS_MODERATION (self) && !g_async_result_is_tagged (result, concierge_channel_get_move_options_async))
    return CONCIERGE_MODERATION_GET_IFACE (self)->get_move_options_finish (self, result, options, error);
  return g_task_propagate_boolean (G_TASK (result), error);
}
