/* concierge-conversation-view-private.h
 *
 * The conversation view's insides, shared with its actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-banner.h"
#include "concierge-composer.h"
#include "concierge-conversation-view.h"
#include "concierge-move-progress.h"

G_BEGIN_DECLS

struct _ConciergeConversationView
{
  GtkWidget         parent_instance;

  ConciergeStore   *store;
  GSignalGroup     *store_signals;
  ConciergeSync    *sync;
  ConciergeThread  *thread;
  GListStore       *messages;
  GCancellable     *cancellable;    /* until the view goes */
  GCancellable     *messages_cancellable;
  GSettings        *settings;       /* the company's own data, for the move */
  ConciergeMove    *move;           /* the thread's latest move, or NULL */
  GCancellable     *move_cancellable;
  GHashTable       *textures;       /* image id → GdkTexture, of this thread */
  GCancellable     *images_cancellable;
  GCancellable     *deleted_cancellable;
  GCancellable     *contact_cancellable;
  ConciergeContact *contact;        /* the thread's customer, once loaded */
  ConciergeLanguage reply_language; /* chosen, or guessed from the customer */
  ConciergeAddress  reply_address;
  guint             stick_to_bottom : 1;

  /* Template widgets */
  GtkStack         *stack;
  ConciergeBanner  *banner;
  ConciergeMoveProgress *move_progress;
  GtkScrolledWindow *scrolled_window;
  GtkListView      *list_view;
  ConciergeComposer *composer;
};

ConciergeChannel *_concierge_conversation_view_get_channel         (ConciergeConversationView      *self);
void              _concierge_conversation_view_class_actions_init (ConciergeConversationViewClass *klass);
void              _concierge_conversation_view_actions_init       (ConciergeConversationView      *self);
gboolean          _concierge_conversation_view_can_hide           (ConciergeConversationView      *self);
void              _concierge_conversation_view_class_hide_actions_init (ConciergeConversationViewClass *klass);

G_END_DECLS
