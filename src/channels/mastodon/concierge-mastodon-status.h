/* concierge-mastodon-status.h
 *
 * Mastodon's statuses as the project's messages: their HTML as text, their
 * author as an identity, their pictures as images.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

char             *concierge_mastodon_html_to_text         (const char           *html);
ConciergeAudience concierge_mastodon_audience_from_visibility (const char      *visibility);
const char       *concierge_mastodon_visibility_for_audience  (ConciergeAudience audience);
ConciergeMessage *concierge_mastodon_message_from_status  (JsonNode             *status,
                                                           const char           *own_account_id,
                                                           ConciergeVisibility  *visibility,
                                                           GError              **error);

G_END_DECLS
