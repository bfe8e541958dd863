/* concierge-composer-private.h
 *
 * The composer's insides, shared with the part that sends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-composer.h"
#include "concierge-saved-reply-popover.h"
#include "concierge-spell-checker.h"

G_BEGIN_DECLS

struct _ConciergeComposer
{
  GtkWidget         parent_instance;

  ConciergeStore   *store;
  ConciergeSync    *sync;
  GSignalGroup     *sync_signals;
  ConciergeThread  *thread;
  GCancellable     *cancellable;    /* until the composer goes */
  GSettings        *settings;       /* the company's own data, for the guard */
  ConciergeSpellChecker *spell_checker;
  ConciergeLanguage reply_language;
  ConciergeAddress  reply_address;
  char             *inserted_reply; /* a saved reply as inserted, filled in */
  char             *template_text;  /* what the template warning is about */
  gint64            draft_thread_id;
  guint             draft_timeout_id;
  guint             note_mode : 1;
  guint             can_send : 1;
  /* The platform takes no reply in this thread now. */
  guint             window_closed : 1;
  guint             loading_draft : 1;

  /* Template widgets */
  GtkLabel         *audience_label;
  GtkImage         *note_image;
  GtkRevealer      *template_revealer;
  GtkMenuButton    *saved_reply_button;
  ConciergeSavedReplyPopover *saved_reply_popover;
  GtkLabel         *template_label;
  GtkTextView      *text_view;
  GtkLabel         *counter_label;
  GtkButton        *send_button;
  GtkLabel         *error_label;
  GtkLabel         *spelling_label;
  GtkLabel         *posts_limit_label;
};

char *_concierge_composer_dup_text              (ConciergeComposer *self);
void  _concierge_composer_hide_template_warning (ConciergeComposer *self);

G_END_DECLS
