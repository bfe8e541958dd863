/* concierge-facebook-comment.h
 *
 * The page's posts and comments as messages. What the page does to a
 * customer's comment (hide it, show it again, ask whether it is gone) is
 * in the .c file too, declared with the channel's other parts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

/* A comment's longest text. Meta documents no limit for comments; 8,000
 * characters is what Facebook's comment box takes (observed). */
#define CONCIERGE_FACEBOOK_MAX_COMMENT_LENGTH 8000

ConciergeMessage *concierge_facebook_message_from_comment (JsonObject           *comment,
                                                           const char           *page_id,
                                                           GError              **error);
ConciergeMessage *concierge_facebook_message_from_post    (JsonObject           *post,
                                                           const char           *page_id,
                                                           GError              **error);

G_END_DECLS
