/* concierge-sign-in.h
 *
 * Signing in to an account through the browser, whatever the platform:
 * begin, send the browser to the authorize address, then complete,
 * waiting for the browser to come back or with a code the agent pasted.
 * A platform whose accounts sign in this way implements the interface;
 * its table entry makes one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_SIGN_IN (concierge_sign_in_get_type ())

G_DECLARE_INTERFACE (ConciergeSignIn, concierge_sign_in, CONCIERGE, SIGN_IN, GObject)

struct _ConciergeSignInInterface
{
  GTypeInterface parent_iface;

  void              (*begin_async)       (ConciergeSignIn      *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  gboolean          (*begin_finish)      (ConciergeSignIn      *self,
                                          GAsyncResult         *result,
                                          GError              **error);
  char *            (*get_authorize_uri) (ConciergeSignIn      *self,
                                          gboolean              out_of_band);
  void              (*complete_async)    (ConciergeSignIn      *self,
                                          const char           *pasted,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  ConciergeAccount *(*complete_finish)   (ConciergeSignIn      *self,
                                          GAsyncResult         *result,
                                          char                **secret_json,
                                          GError              **error);
};

void              concierge_sign_in_begin_async       (ConciergeSignIn      *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean          concierge_sign_in_begin_finish      (ConciergeSignIn      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
char             *concierge_sign_in_get_authorize_uri (ConciergeSignIn      *self,
                                                       gboolean              out_of_band);
void              concierge_sign_in_complete_async    (ConciergeSignIn      *self,
                                                       const char           *pasted,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
ConciergeAccount *concierge_sign_in_complete_finish   (ConciergeSignIn      *self,
                                                       GAsyncResult         *result,
                                                       char                **secret_json,
                                                       GError              **error);

G_END_DECLS
