/* concierge-mastodon.h
 *
 * Mastodon's JSON, turned into the project's model objects. Nothing outside
 * this file reads Mastodon's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

#define CONCIERGE_MASTODON_ERROR (concierge_mastodon_error_quark ())

typedef enum
{
  CONCIERGE_MASTODON_ERROR_INVALID,
} ConciergeMastodonError;

GQuark            concierge_mastodon_error_quark      (void);

char             *concierge_mastodon_html_to_text     (const char  *html);
ConciergeMessage *concierge_mastodon_message_from_status (JsonNode  *status,
                                                       const char  *own_account_id,
                                                       ConciergeVisibility *visibility,
                                                       GError     **error);

G_END_DECLS
