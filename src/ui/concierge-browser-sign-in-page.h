/* concierge-browser-sign-in-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-sign-in-page.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_BROWSER_SIGN_IN_PAGE (concierge_browser_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeBrowserSignInPage, concierge_browser_sign_in_page, CONCIERGE, BROWSER_SIGN_IN_PAGE,
                      ConciergeSignInPage)

G_END_DECLS
