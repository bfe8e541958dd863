/* concierge-composer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_COMPOSER (concierge_composer_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeComposer, concierge_composer, CONCIERGE, COMPOSER, GtkWidget)

void     concierge_composer_set_store          (ConciergeComposer *self,
                                                ConciergeStore    *store);
void     concierge_composer_set_sync           (ConciergeComposer *self,
                                                ConciergeSync     *sync);
void     concierge_composer_set_thread         (ConciergeComposer *self,
                                                ConciergeThread   *thread);
void     concierge_composer_set_reply_language (ConciergeComposer *self,
                                                ConciergeLanguage  language,
                                                ConciergeAddress   address);
gboolean concierge_composer_get_note_mode      (ConciergeComposer *self);
void     concierge_composer_set_note_mode      (ConciergeComposer *self,
                                                gboolean           note_mode);
gboolean concierge_composer_get_can_send       (ConciergeComposer *self);
void     concierge_composer_send               (ConciergeComposer *self);
void     concierge_composer_send_anyway        (ConciergeComposer *self);
void     concierge_composer_edit_template      (ConciergeComposer *self);
void     concierge_composer_focus_text         (ConciergeComposer *self);
gboolean concierge_composer_text_has_focus     (ConciergeComposer *self);
void     concierge_composer_insert_reply       (ConciergeComposer *self,
                                                const char        *text);
void     concierge_composer_choose_saved_reply (ConciergeComposer *self);
void     concierge_composer_show_error         (ConciergeComposer *self,
                                                const char        *text);

G_END_DECLS
