/* concierge-credentials.h
 *
 * An account's credentials as the keyring keeps them: a JSON object with
 * the access token and, for a token that Concierge's own app was granted,
 * that app's id and secret, which revoking the token needs. And where a
 * token may be sent at all. Nothing here knows a platform.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The members a platform's credentials have. */
typedef enum
{
  /* "access_token": every account has one. */
  CONCIERGE_CREDENTIALS_TOKEN  = 1 << 0,
  /* "client_id" and "client_secret": the app the token was granted to,
   * where Concierge registered it itself. */
  CONCIERGE_CREDENTIALS_CLIENT = 1 << 1,
} ConciergeCredentialsMembers;

typedef struct
{
  char *access_token;
  char *client_id;      /* NULL when unknown */
  char *client_secret;  /* NULL when unknown */
} ConciergeCredentials;

ConciergeCredentials *concierge_credentials_from_json         (const char                   *json,
                                                               ConciergeCredentialsMembers   members);
void                  concierge_credentials_free              (ConciergeCredentials         *credentials);
void                  concierge_credentials_forget            (char                        **secret);
char                 *concierge_credentials_to_json           (const char                   *token,
                                                               const char                   *client_id,
                                                               const char                   *client_secret);
gboolean              concierge_credentials_server_url_is_ok  (const char                   *url,
                                                               GError                      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeCredentials, concierge_credentials_free)

G_END_DECLS
