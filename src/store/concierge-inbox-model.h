/* concierge-inbox-model.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_INBOX_MODEL (concierge_inbox_model_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeInboxModel, concierge_inbox_model, CONCIERGE, INBOX_MODEL, GObject)

ConciergeInboxModel       *concierge_inbox_model_new         (ConciergeStore            *store,
                                                              const ConciergeInboxQuery *query);
const ConciergeInboxQuery *concierge_inbox_model_get_query   (ConciergeInboxModel       *self);
void                       concierge_inbox_model_set_query   (ConciergeInboxModel       *self,
                                                              const ConciergeInboxQuery *query);
gboolean                   concierge_inbox_model_get_loading (ConciergeInboxModel       *self);
gboolean                   concierge_inbox_model_get_limited (ConciergeInboxModel       *self);
guint                      concierge_inbox_model_get_cached  (ConciergeInboxModel       *self);
void                       concierge_inbox_model_reload      (ConciergeInboxModel       *self);
int                        concierge_inbox_model_find        (ConciergeInboxModel       *self,
                                                              gint64                     thread_id);

G_END_DECLS
