/* concierge-customer-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_CUSTOMER_VIEW (concierge_customer_view_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeCustomerView, concierge_customer_view, CONCIERGE, CUSTOMER_VIEW, GtkWidget)

void     concierge_customer_view_set_store   (ConciergeCustomerView *self,
                                             ConciergeStore        *store);
void     concierge_customer_view_set_thread  (ConciergeCustomerView *self,
                                             ConciergeThread       *thread);
gboolean concierge_customer_view_get_loading (ConciergeCustomerView *self);

G_END_DECLS
