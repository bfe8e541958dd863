/* concierge-conversation-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_CONVERSATION_VIEW (concierge_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeConversationView, concierge_conversation_view, CONCIERGE, CONVERSATION_VIEW, GtkWidget)

void concierge_conversation_view_set_store  (ConciergeConversationView *self,
                                             ConciergeStore            *store);
void concierge_conversation_view_set_sync   (ConciergeConversationView *self,
                                             ConciergeSync             *sync);
void concierge_conversation_view_focus_composer (ConciergeConversationView *self);
void concierge_conversation_view_set_note_mode  (ConciergeConversationView *self,
                                                 gboolean                   note_mode);
void concierge_conversation_view_insert_reply   (ConciergeConversationView *self,
                                                 const char                *text);
void concierge_conversation_view_set_thread (ConciergeConversationView *self,
                                             ConciergeThread           *thread);

G_END_DECLS
