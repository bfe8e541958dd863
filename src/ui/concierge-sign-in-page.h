/* concierge-sign-in-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-platform.h"
#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_SIGN_IN_PAGE (concierge_sign_in_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (ConciergeSignInPage, concierge_sign_in_page, CONCIERGE, SIGN_IN_PAGE, GtkBox)

struct _ConciergeSignInPageClass
{
  GtkBoxClass parent_class;

  /* Fills the page in for its platform and account, before it shows;
   * returns the widget that takes the focus. */
  GtkWidget * (*prepare)    (ConciergeSignInPage *self);
  /* Lets go of a sign-in under way, as the page closes. */
  void        (*reset)      (ConciergeSignInPage *self);
};

void                     concierge_sign_in_page_set_feedback     (ConciergeSignInPage     *self,
                                                                  GtkLabel                *error_label,
                                                                  GtkSpinner              *spinner,
                                                                  const char              *action_name);

void                     concierge_sign_in_page_set_store        (ConciergeSignInPage     *self,
                                                                  ConciergeStore          *store,
                                                                  ConciergeSync           *sync,
                                                                  SoupSession             *session);
void                     concierge_sign_in_page_present          (ConciergeSignInPage     *self,
                                                                  AdwPreferencesWindow    *window,
                                                                  const ConciergePlatform *platform,
                                                                  ConciergeAccount        *again);
void                     concierge_sign_in_page_close            (ConciergeSignInPage     *self);

const ConciergePlatform *concierge_sign_in_page_get_platform     (ConciergeSignInPage     *self);
ConciergeAccount        *concierge_sign_in_page_get_signing_in_again (ConciergeSignInPage *self);
SoupSession             *concierge_sign_in_page_get_session      (ConciergeSignInPage     *self);
GCancellable            *concierge_sign_in_page_get_cancellable  (ConciergeSignInPage     *self);
GtkWindow               *concierge_sign_in_page_get_window       (ConciergeSignInPage     *self);
const char              *concierge_sign_in_page_get_title        (ConciergeSignInPage     *self);
void                     concierge_sign_in_page_show_error       (ConciergeSignInPage     *self,
                                                                  const char              *text);
void                     concierge_sign_in_page_set_busy         (ConciergeSignInPage     *self,
                                                                  gboolean                 busy);
void                     concierge_sign_in_page_add_toast        (ConciergeSignInPage     *self,
                                                                  AdwToast                *toast);
void                     concierge_sign_in_page_save_account     (ConciergeSignInPage     *self,
                                                                  ConciergeAccount        *account,
                                                                  const char              *secret_json);

G_END_DECLS
