/* concierge-mastodon-channel.h
 *
 * Mastodon as a ConciergeChannel. Nothing outside this folder reads
 * Mastodon's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "channels/concierge-channel.h"
#include "channels/concierge-credentials.h"
#include "model/concierge-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

/* The sync_state stream that holds the notifications cursor. */
#define CONCIERGE_MASTODON_CURSOR_STREAM "notifications"

#define CONCIERGE_TYPE_MASTODON (concierge_mastodon_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMastodon, concierge_mastodon, CONCIERGE, MASTODON, GObject)

ConciergeMastodon *concierge_mastodon_new              (SoupSession       *session,
                                                         gint64             account_id,
                                                         const char        *server_url,
                                                         const char        *own_account_id,
                                                         const char        *access_token);
void               concierge_mastodon_set_client       (ConciergeMastodon *self,
                                                         const char        *client_id,
                                                         const char        *client_secret);
ConciergeChannel  *concierge_mastodon_new_for_account  (SoupSession                *session,
                                                         ConciergeAccount           *account,
                                                         const ConciergeCredentials *credentials);

G_END_DECLS
