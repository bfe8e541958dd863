/* concierge-channel-moderation.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-channel.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_MODERATION (concierge_moderation_get_type ())

G_DECLARE_INTERFACE (ConciergeModeration, concierge_moderation, CONCIERGE, MODERATION, GObject)

/* Optional beside ConciergeChannel, for a platform that tells of each
 * post what a move to private can do for it; without it, the
 * capabilities say. */
struct _ConciergeModerationInterface
{
  GTypeInterface parent_iface;

  void     (*get_move_options_async)  (ConciergeChannel      *self,
                                       const char            *thread_remote_id,
                                       const char            *message_remote_id,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*get_move_options_finish) (ConciergeChannel      *self,
                                       GAsyncResult          *result,
                                       ConciergeMoveOptions  *options,
                                       GError               **error);
};

G_END_DECLS
