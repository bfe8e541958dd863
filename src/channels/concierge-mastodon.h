/* concierge-mastodon.h
 *
 * Mastodon as a ConciergeChannel. Nothing outside its file reads
 * Mastodon's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "model/concierge-model.h"
#include "store/concierge-store.h"
#include "concierge-channel.h"

G_BEGIN_DECLS

char             *concierge_mastodon_html_to_text     (const char  *html);
ConciergeMessage *concierge_mastodon_message_from_status (JsonNode  *status,
                                                       const char  *own_account_id,
                                                       ConciergeVisibility *visibility,
                                                       GError     **error);

/* The sync_state stream that holds the notifications cursor. */
#define CONCIERGE_MASTODON_CURSOR_STREAM "notifications"

#define CONCIERGE_TYPE_MASTODON (concierge_mastodon_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMastodon, concierge_mastodon, CONCIERGE, MASTODON, GObject)

ConciergeMastodon *concierge_mastodon_new              (SoupSession       *session,
                                                         gint64             account_id,
                                                         const char        *server_url,
                                                         const char        *own_account_id,
                                                         const char        *access_token);

G_END_DECLS
