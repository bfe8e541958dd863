/* concierge-saved-reply-popover.h
 *
 * Finds a saved reply as the agent types, those in the customer's language
 * and form of address first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_SAVED_REPLY_POPOVER (concierge_saved_reply_popover_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeSavedReplyPopover, concierge_saved_reply_popover, CONCIERGE, SAVED_REPLY_POPOVER,
                      GtkPopover)

void concierge_saved_reply_popover_set_store     (ConciergeSavedReplyPopover *self,
                                                  ConciergeStore             *store);
void concierge_saved_reply_popover_set_preferred (ConciergeSavedReplyPopover *self,
                                                  ConciergeLanguage           language,
                                                  ConciergeAddress            address);

G_END_DECLS
