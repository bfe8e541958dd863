/* concierge-sandbox-facebook.h
 *
 * What the files of the sandbox's Graph API share. The core
 * (concierge-sandbox-facebook.c) checks the token, reads the parameters,
 * answers errors in Meta's shape and sets the usage headers; the page's
 * feed and comments and its Messenger conversations are served by files
 * of their own, which get each request first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-sandbox.h"

G_BEGIN_DECLS

#define FACEBOOK_PAGE_ID "104700000000001"
#define FACEBOOK_PAGE_NAME "Wellenfunk"

typedef struct
{
  SoupServerMessage *msg;
  const char        *method;
  /* The path after the version, split at "/": "PAGE-ID", "feed". */
  GStrv              segments;
  /* The query, the form or the JSON body's members, as strings (a JSON
   * value that is no string as its JSON text). */
  GHashTable        *params;
  Fault             *fault;
} GraphRequest;

/* The Graph API's error shape, {"error": {"message", "type", "code",
 * "error_subcode", "fbtrace_id"}}; @subcode 0 leaves it out. */
void        facebook_reply_error   (GraphRequest *request,
                                    guint         status,
                                    const char   *type,
                                    int           code,
                                    int           subcode,
                                    const char   *message);
/* An answer of 200 with the JSON @builder holds. */
void        facebook_reply_json    (GraphRequest *request,
                                    JsonBuilder  *builder);
/* A parameter, or NULL. */
const char *facebook_param         (GraphRequest *request,
                                    const char   *name);
/* "2024-05-02T09:14:03+0000", as the Graph API writes times. */
char       *facebook_format_time   (gint64        unix_time);

/* Counts a call and answers it if a limit, the token, a permission or the
 * page keeps it from being served; TRUE if it answered. */
gboolean    facebook_refuse            (GraphRequest *request);
/* X-App-Usage and X-Business-Use-Case-Usage, as the calls made so far. */
void        facebook_set_usage_headers (GraphRequest *request);
gboolean    facebook_ops_control       (SoupServerMessage *msg,
                                        const char        *path);

/* Each answers a request it serves and returns TRUE, or leaves it alone. */
gboolean    facebook_feed_handle      (GraphRequest *request);
gboolean    facebook_messenger_handle (GraphRequest *request);
/* /_sandbox/facebook/… for tests; TRUE if it answered. */
gboolean    facebook_feed_control      (SoupServerMessage *msg,
                                        const char        *path);
gboolean    facebook_messenger_control (SoupServerMessage *msg,
                                        const char        *path);
void        facebook_feed_seed         (gboolean           personal_data);
void        facebook_messenger_seed    (gboolean           personal_data);

/* For a private reply, which the Messenger side sends: the comment's
 * author and time, and whether it had its one private reply; FALSE when
 * there is no such comment. */
gboolean    facebook_feed_lookup_comment      (const char        *comment_id,
                                               const char       **from_id,
                                               const char       **from_name,
                                               gint64            *created_time,
                                               gboolean          *private_replied);
void        facebook_feed_set_private_replied (const char        *comment_id);

G_END_DECLS
