/* concierge-facebook-feed.c
 *
 * The page's posts and visitor posts with their comments, as public
 * threads, and the page's replies to comments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-facebook-channel-private.h"

void
concierge_facebook_fetch_feed (GTask *task)
{
  concierge_facebook_fetch_step_done (task);
}

void
concierge_facebook_send_comment (GTask                *task,
                                 ConciergeOutboxEntry *entry)
{
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                           _("Concierge cannot answer comments on Facebook yet."));
}
