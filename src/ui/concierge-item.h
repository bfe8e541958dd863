/* concierge-item.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONCIERGE_TYPE_ITEM (concierge_item_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeItem, concierge_item, CONCIERGE, ITEM, GObject)

gpointer concierge_item_get_data          (ConciergeItem *self);
void     concierge_item_store_set_array   (GListStore    *store,
                                           GPtrArray     *array);
void     concierge_item_store_append_part (GListStore    *store,
                                           GPtrArray     *array,
                                           guint          start,
                                           guint          end);

G_END_DECLS
