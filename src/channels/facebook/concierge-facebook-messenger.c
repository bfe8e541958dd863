/* concierge-facebook-messenger.c
 *
 * The page's Messenger conversations, as private threads, and the
 * page's answers through the Send API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-facebook-channel-private.h"

void
concierge_facebook_fetch_messenger (GTask *task)
{
  concierge_facebook_fetch_step_done (task);
}

void
concierge_facebook_send_message (GTask                *task,
                                 ConciergeOutboxEntry *entry)
{
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                           _("Concierge cannot answer on Messenger yet."));
}
