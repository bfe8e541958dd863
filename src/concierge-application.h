/* concierge-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONCIERGE_TYPE_APPLICATION (concierge_application_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeApplication, concierge_application, CONCIERGE, APPLICATION, AdwApplication)

ConciergeApplication *concierge_application_new          (void);

G_END_DECLS
