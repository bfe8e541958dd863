/* concierge-platform.h
 *
 * The platforms Concierge answers customers on, one entry each: what the
 * rest of the app needs to know of a platform without naming it. A
 * platform's code lives in its own folder beside this file; its entry in
 * the table is the only place that names that code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "channels/concierge-channel.h"
#include "channels/concierge-credentials.h"
#include "channels/concierge-sign-in.h"
#include "model/concierge-model.h"

G_BEGIN_DECLS

typedef enum
{
  /* Accounts sign in through the browser, with new_sign_in; without the
   * flag, with a token the agent pastes, which identify checks. */
  CONCIERGE_PLATFORM_BROWSER_SIGN_IN = 1 << 0,
  /* The platform has one server, server_url; the agent names another
   * only to test, or for a self-hosted copy of its API. Without the flag,
   * every account names its server. */
  CONCIERGE_PLATFORM_FIXED_SERVER    = 1 << 1,
  /* An account is one of several pages a token may reach: it is added
   * with the page's id, which the token must belong to. */
  CONCIERGE_PLATFORM_PAGE_ID         = 1 << 2,
} ConciergePlatformFlags;

typedef struct _ConciergePlatform ConciergePlatform;

struct _ConciergePlatform
{
  /* How accounts, threads and identities name the platform, and the
   * command line too. */
  const char                  *id;
  /* The platform's own name, the same in every language. */
  const char                  *name;
  const char                  *icon_name;
  ConciergePlatformFlags       flags;
  /* With CONCIERGE_PLATFORM_FIXED_SERVER, the platform's server. */
  const char                  *server_url;
  /* The members of the account's secret in the keyring. */
  ConciergeCredentialsMembers  credentials;

  /* Preferences → Accounts, marked for translation: the row that adds an
   * account, with its mnemonic, and what it says below; the titles of the
   * page that adds one and of the page that signs one in again. */
  const char                  *add_label;
  const char                  *add_description;
  const char                  *add_title;
  const char                  *sign_in_again_title;
  /* Without CONCIERGE_PLATFORM_BROWSER_SIGN_IN, the page where the token
   * is pasted, marked for translation: what it says above the token, the
   * names of the token's and the API address's rows, its button, with
   * its mnemonic, and what it says when the token is missing. */
  const char                  *token_intro;
  const char                  *token_label;
  const char                  *api_url_label;
  const char                  *token_add_label;
  const char                  *token_missing;

  GType              (*get_channel_type)      (void);
  ConciergeChannel * (*new_channel)           (SoupSession                 *session,
                                               ConciergeAccount            *account,
                                               const ConciergeCredentials  *credentials);

  /* With CONCIERGE_PLATFORM_BROWSER_SIGN_IN: a sign-in on @server, as the
   * agent typed it. */
  ConciergeSignIn *  (*new_sign_in)           (SoupSession                 *session,
                                               const char                  *server,
                                               GError                     **error);

  /* Whose a token is: the account it signs in, not saved yet. Where a
   * webhook takes the account's news, which Concierge then cannot read,
   * @webhook_url says where they go. */
  void               (*identify_async)        (SoupSession                 *session,
                                               const char                  *server,
                                               const char                  *token,
                                               GCancellable                *cancellable,
                                               GAsyncReadyCallback          callback,
                                               gpointer                     user_data);
  ConciergeAccount * (*identify_finish)       (GAsyncResult                *result,
                                               char                       **webhook_url,
                                               GError                     **error);
  /* NULL where no webhook can be in the way. */
  void               (*remove_webhook_async)  (SoupSession                 *session,
                                               const char                  *server,
                                               const char                  *token,
                                               GCancellable                *cancellable,
                                               GAsyncReadyCallback          callback,
                                               gpointer                     user_data);
  gboolean           (*remove_webhook_finish) (GAsyncResult                *result,
                                               GError                     **error);

  /* How people write an account, for address books and the customer
   * panel; each may be NULL where the platform has no such thing.
   * Handles come as the identities keep them, with or without their "@". */

  /* The handle in a profile's address, if it is one of this platform's;
   * @declared says that the address is known to be, so that addresses
   * that other networks write alike count too. */
  char *             (*handle_from_address)   (const char                  *address,
                                               gboolean                     declared);
  /* A handle as a person writes it, checked. */
  char *             (*handle_from_text)      (const char                  *text);
  /* The handle that names the account anywhere, such as "@user@server";
   * NULL when the handle is that already. */
  char *             (*dup_full_handle)       (const char                  *handle,
                                               const char                  *server_url);
  /* The profile's address as an address book keeps it. */
  char *             (*dup_profile_address)   (const char                  *handle,
                                               const char                  *server_url);
  /* The profile's address as a browser opens it. */
  char *             (*dup_profile_link)      (const char                  *handle,
                                               const char                  *server_url);
};

const ConciergePlatform *concierge_platform_lookup          (const char               *id);
const ConciergePlatform *concierge_platform_get             (guint                     index);
gboolean                 concierge_platform_has             (const ConciergePlatform  *platform,
                                                             ConciergePlatformFlags    flags);

const char              *concierge_platform_name            (const char               *id);
const char              *concierge_platform_icon_name       (const char               *id);

ConciergeChannel        *concierge_platform_new_channel     (SoupSession              *session,
                                                             ConciergeAccount         *account,
                                                             const char               *secret_json,
                                                             GError                  **error);

G_END_DECLS
