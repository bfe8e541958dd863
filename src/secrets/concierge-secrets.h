/* concierge-secrets.h
 *
 * Account credentials in the desktop keyring, through libsecret (the
 * Secret portal inside Flatpak). A secret is JSON; it never goes anywhere
 * else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONCIERGE_SECRETS_ERROR (concierge_secrets_error_quark ())

typedef enum
{
  CONCIERGE_SECRETS_ERROR_FAILED,
  CONCIERGE_SECRETS_ERROR_NO_KEYRING,
  CONCIERGE_SECRETS_ERROR_LOCKED,
} ConciergeSecretsError;

/* Where a secret goes: the keyring's default collection, or the in-memory
 * session collection that a demo profile uses. */
typedef enum
{
  CONCIERGE_SECRETS_DEFAULT,
  CONCIERGE_SECRETS_SESSION,
} ConciergeSecretsCollection;

GQuark   concierge_secrets_error_quark  (void);

void     concierge_secrets_store_async  (const char                 *profile_id,
                                         gint64                      account_id,
                                         const char                 *platform,
                                         const char                 *label,
                                         const char                 *secret_json,
                                         ConciergeSecretsCollection  collection,
                                         GCancellable               *cancellable,
                                         GAsyncReadyCallback         callback,
                                         gpointer                    user_data);
gboolean concierge_secrets_store_finish (GAsyncResult               *result,
                                         GError                    **error);

void     concierge_secrets_lookup_async (const char                 *profile_id,
                                         gint64                      account_id,
                                         GCancellable               *cancellable,
                                         GAsyncReadyCallback         callback,
                                         gpointer                    user_data);
char    *concierge_secrets_lookup_finish (GAsyncResult              *result,
                                          GError                   **error);

void     concierge_secrets_clear_async  (const char                 *profile_id,
                                         gint64                      account_id,
                                         GCancellable               *cancellable,
                                         GAsyncReadyCallback         callback,
                                         gpointer                    user_data);
gboolean concierge_secrets_clear_finish (GAsyncResult               *result,
                                         GError                    **error);

/* A profile's key that is no account's, such as the key of its
 * tombstones. @unlock lets the keyring ask the person to unlock it;
 * without it, a locked keyring is an error at once. */
void     concierge_secrets_lookup_key_async  (const char                 *profile_id,
                                              const char                 *purpose,
                                              gboolean                    unlock,
                                              GCancellable               *cancellable,
                                              GAsyncReadyCallback         callback,
                                              gpointer                    user_data);
char    *concierge_secrets_lookup_key_finish (GAsyncResult               *result,
                                              GError                    **error);
void     concierge_secrets_store_key_async   (const char                 *profile_id,
                                              const char                 *purpose,
                                              const char                 *label,
                                              const char                 *key,
                                              ConciergeSecretsCollection  collection,
                                              gboolean                    unlock,
                                              GCancellable               *cancellable,
                                              GAsyncReadyCallback         callback,
                                              gpointer                    user_data);
gboolean concierge_secrets_store_key_finish  (GAsyncResult               *result,
                                              GError                    **error);

G_END_DECLS
