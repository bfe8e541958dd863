/* concierge-inbox-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_INBOX_LIST (concierge_inbox_list_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeInboxList, concierge_inbox_list, CONCIERGE, INBOX_LIST, GtkWidget)

void             concierge_inbox_list_set_store           (ConciergeInboxList *self,
                                                           ConciergeStore     *store);
void             concierge_inbox_list_set_sync            (ConciergeInboxList *self,
                                                          ConciergeSync      *sync);
ConciergeThread *concierge_inbox_list_get_selected_thread (ConciergeInboxList *self);
gboolean         concierge_inbox_list_select_thread       (ConciergeInboxList *self,
                                                           gint64              thread_id);
void             concierge_inbox_list_reveal_thread       (ConciergeInboxList *self,
                                                           gint64              thread_id);
gboolean         concierge_inbox_list_select_next         (ConciergeInboxList *self,
                                                          int                 step);
gboolean         concierge_inbox_list_get_ready           (ConciergeInboxList *self);
void             concierge_inbox_list_focus_search        (ConciergeInboxList *self);

G_END_DECLS
