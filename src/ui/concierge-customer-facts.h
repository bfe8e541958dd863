/* concierge-customer-facts.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

/* Something the customer wrote that the profile has a field for */
typedef struct
{
  ConciergeContactField field;
  char                 *value;
  char                 *subtitle; /* what kind of data, and when they wrote it */
} ConciergeCustomerFact;

GPtrArray *concierge_customer_facts_collect (GPtrArray        *messages,
                                             ConciergeContact *contact);
GtkWidget *concierge_customer_fact_row_new  (gpointer          item,
                                             gpointer          user_data);

G_END_DECLS
