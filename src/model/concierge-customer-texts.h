/* concierge-customer-texts.h
 *
 * The texts Concierge proposes to write to a customer, in the customer's
 * language and form of address rather than the agent's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "concierge-model.h"

G_BEGIN_DECLS

typedef enum
{
  /* The private message that picks up a public case. */
  CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING,
  /* The same, naming the personal data the public post shows: {}. */
  CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING_DATA,
  /* The public reply once the private message went out. */
  CONCIERGE_CUSTOMER_TEXT_PUBLIC_SENT_PRIVATELY,
  /* The public reply that asks the customer to write privately at {}. */
  CONCIERGE_CUSTOMER_TEXT_PUBLIC_INVITATION,
  /* The public reply that asks the customer to write privately. */
  CONCIERGE_CUSTOMER_TEXT_PUBLIC_WRITE_PRIVATELY,
  CONCIERGE_N_CUSTOMER_TEXTS
} ConciergeCustomerText;

char *concierge_customer_text_dup (ConciergeCustomerText  text,
                                   ConciergeLanguage      language,
                                   ConciergeAddress       address,
                                   const char            *value);

G_END_DECLS
