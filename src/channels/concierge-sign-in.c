/* concierge-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-sign-in.h"

G_DEFINE_INTERFACE (ConciergeSignIn, concierge_sign_in, G_TYPE_OBJECT)

static void
concierge_sign_in_default_init (ConciergeSignInInterface *iface)
{
}

/**
 * concierge_sign_in_begin_async:
 *
 * Prepares the sign-in with the server, so that
 * concierge_sign_in_get_authorize_uri() can tell where the browser goes.
 */
void
concierge_sign_in_begin_async (ConciergeSignIn     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_SIGN_IN (self));

  CONCIERGE_SIGN_IN_GET_IFACE (self)->begin_async (self, cancellable, callback, user_data);
}

gboolean
concierge_sign_in_begin_finish (ConciergeSignIn  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN (self), FALSE);

  return CONCIERGE_SIGN_IN_GET_IFACE (self)->begin_finish (self, result, error);
}

/**
 * concierge_sign_in_get_authorize_uri:
 * @out_of_band: whether the server shows a code for the agent to paste,
 *   instead of sending the browser back to Concierge
 *
 * Returns: (transfer full): the page where the agent allows access
 */
char *
concierge_sign_in_get_authorize_uri (ConciergeSignIn *self,
                                     gboolean         out_of_band)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN (self), NULL);

  return CONCIERGE_SIGN_IN_GET_IFACE (self)->get_authorize_uri (self, out_of_band);
}

/**
 * concierge_sign_in_complete_async:
 * @pasted: (nullable): what the agent pasted; %NULL waits for the browser
 *   to come back
 */
void
concierge_sign_in_complete_async (ConciergeSignIn     *self,
                                  const char          *pasted,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_SIGN_IN (self));

  CONCIERGE_SIGN_IN_GET_IFACE (self)->complete_async (self, pasted, cancellable, callback, user_data);
}

/**
 * concierge_sign_in_complete_finish:
 * @secret_json: (out): what the keyring keeps for the account
 *
 * Returns: (transfer full): the account that signed in, not saved yet
 */
ConciergeAccount *
concierge_sign_in_complete_finish (ConciergeSignIn  *self,
                                   GAsyncResult     *result,
                                   char            **secret_json,
                                   GError          **error)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN (self), NULL);

  return CONCIERGE_SIGN_IN_GET_IFACE (self)->complete_finish (self, result, secret_json, error);
}
