/* concierge-facebook-comment.h
 *
 * The page's posts and comments as messages, and what the page does to a
 * customer's comment: hide it, show it again, ask whether it is gone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "channels/concierge-channel.h"
#include "model/concierge-model.h"

G_BEGIN_DECLS

/* A comment's longest text (Meta's comment box takes 8,000 characters). */
#define CONCIERGE_FACEBOOK_MAX_COMMENT_LENGTH 8000

ConciergeMessage *concierge_facebook_message_from_comment (JsonObject           *comment,
                                                           const char           *page_id,
                                                           GError              **error);
ConciergeMessage *concierge_facebook_message_from_post    (JsonObject           *post,
                                                           const char           *page_id,
                                                           GError              **error);

void              concierge_facebook_hide_async           (ConciergeChannel     *channel,
                                                           const char           *comment_id,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
void              concierge_facebook_unhide_async         (ConciergeChannel     *channel,
                                                           const char           *comment_id,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
void              concierge_facebook_find_deleted_async   (ConciergeChannel     *channel,
                                                           const char * const   *comment_ids,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
GStrv             concierge_facebook_find_deleted_finish  (ConciergeChannel     *channel,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
