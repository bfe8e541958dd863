/* concierge-json.h
 *
 * Reading members of JSON from elsewhere (the platforms' answers, files of
 * saved replies) without trusting its shape: a member that is missing,
 * null or of another type reads as nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *concierge_json_string      (JsonObject *object,
                                        const char *name);
gint64      concierge_json_int         (JsonObject *object,
                                        const char *name);
JsonObject *concierge_json_object      (JsonObject *object,
                                        const char *name);
const char *concierge_json_node_string (JsonNode   *node,
                                        const char *name);

G_END_DECLS
