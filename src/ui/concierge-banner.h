/* concierge-banner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_BANNER (concierge_banner_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeBanner, concierge_banner, CONCIERGE, BANNER, GtkWidget)

void concierge_banner_set_title        (ConciergeBanner *self,
                                        const char      *title);
void concierge_banner_set_subtitle     (ConciergeBanner *self,
                                        const char      *subtitle);
void concierge_banner_set_icon_name    (ConciergeBanner *self,
                                        const char      *icon_name);
void concierge_banner_set_audience     (ConciergeBanner   *self,
                                        ConciergeAudience  audience);
void concierge_banner_set_button       (ConciergeBanner *self,
                                        const char      *label,
                                        const char      *action_name);

G_END_DECLS
