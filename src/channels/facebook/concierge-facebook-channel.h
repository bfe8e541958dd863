/* concierge-facebook-channel.h
 *
 * A Facebook page, its comments and its Messenger conversations, as a
 * ConciergeChannel. Nothing outside this folder reads the Graph API's
 * JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "channels/concierge-channel.h"
#include "channels/concierge-credentials.h"
#include "model/concierge-model.h"

G_BEGIN_DECLS

/* The sync_state stream that holds where the last fetch stopped. */
#define CONCIERGE_FACEBOOK_CURSOR_STREAM "page"

#define CONCIERGE_TYPE_FACEBOOK (concierge_facebook_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeFacebook, concierge_facebook, CONCIERGE, FACEBOOK, GObject)

ConciergeFacebook *concierge_facebook_new             (SoupSession                *session,
                                                       gint64                      account_id,
                                                       const char                 *api_url,
                                                       const char                 *page_id,
                                                       const char                 *token);
ConciergeChannel  *concierge_facebook_new_for_account (SoupSession                *session,
                                                       ConciergeAccount           *account,
                                                       const ConciergeCredentials *credentials);

G_END_DECLS
