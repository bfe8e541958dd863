/* concierge-mastodon-sign-in.h
 *
 * Signing in to a Mastodon server: through the browser, by OAuth 2 with
 * the app registered first, or with a token made on the server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "channels/concierge-sign-in.h"
#include "model/concierge-model.h"

G_BEGIN_DECLS

/* Signing in through the browser: begin, send the browser to the authorize
 * address, then complete, waiting for the browser or with a pasted code.
 * Or with a token made on the server, without the browser. */
#define CONCIERGE_TYPE_MASTODON_SIGN_IN (concierge_mastodon_sign_in_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMastodonSignIn, concierge_mastodon_sign_in, CONCIERGE, MASTODON_SIGN_IN, GObject)

ConciergeMastodonSignIn *concierge_mastodon_sign_in_new            (SoupSession              *session,
                                                                     const char               *server,
                                                                     GError                  **error);
const char       *concierge_mastodon_sign_in_get_server_url         (ConciergeMastodonSignIn  *self);
void              concierge_mastodon_sign_in_begin_async            (ConciergeMastodonSignIn  *self,
                                                                     GCancellable             *cancellable,
                                                                     GAsyncReadyCallback       callback,
                                                                     gpointer                  user_data);
gboolean          concierge_mastodon_sign_in_begin_finish           (ConciergeMastodonSignIn  *self,
                                                                     GAsyncResult             *result,
                                                                     GError                  **error);
char             *concierge_mastodon_sign_in_get_authorize_uri      (ConciergeMastodonSignIn  *self,
                                                                     gboolean                  out_of_band);
gboolean          concierge_mastodon_sign_in_uses_pkce              (ConciergeMastodonSignIn  *self);
void              concierge_mastodon_sign_in_complete_async         (ConciergeMastodonSignIn  *self,
                                                                     const char               *pasted,
                                                                     GCancellable             *cancellable,
                                                                     GAsyncReadyCallback       callback,
                                                                     gpointer                  user_data);
ConciergeAccount *concierge_mastodon_sign_in_complete_finish        (ConciergeMastodonSignIn  *self,
                                                                     GAsyncResult             *result,
                                                                     char                    **secret_json,
                                                                     GError                  **error);
void              concierge_mastodon_sign_in_with_token_async       (ConciergeMastodonSignIn  *self,
                                                                     const char               *token,
                                                                     GCancellable             *cancellable,
                                                                     GAsyncReadyCallback       callback,
                                                                     gpointer                  user_data);
ConciergeAccount *concierge_mastodon_sign_in_with_token_finish      (ConciergeMastodonSignIn  *self,
                                                                     GAsyncResult             *result,
                                                                     GError                  **error);

ConciergeSignIn  *concierge_mastodon_browser_sign_in_new            (SoupSession              *session,
                                                                     const char               *server,
                                                                     GError                  **error);
void              concierge_mastodon_identify_async                 (SoupSession              *session,
                                                                     const char               *server,
                                                                     const char               *token,
                                                                     GCancellable             *cancellable,
                                                                     GAsyncReadyCallback       callback,
                                                                     gpointer                  user_data);
ConciergeAccount *concierge_mastodon_identify_finish                (GAsyncResult             *result,
                                                                     char                    **webhook_url,
                                                                     GError                  **error);

G_END_DECLS
