/* concierge-item.c
 *
 * An item of a list model for what the store returns as plain structs in
 * an array, so that a list box can be bound to the array. Each item keeps
 * the array, which owns the struct.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-item.h"

struct _ConciergeItem
{
  GObject    parent_instance;

  GPtrArray *array;
  gpointer   data;
};

G_DEFINE_FINAL_TYPE (ConciergeItem, concierge_item, G_TYPE_OBJECT)

static void
concierge_item_finalize (GObject *object)
{
  ConciergeItem *self = CONCIERGE_ITEM (object);

  g_clear_pointer (&self->array, g_ptr_array_unref);

  G_OBJECT_CLASS (concierge_item_parent_class)->finalize (object);
}

static void
concierge_item_class_init (ConciergeItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_item_finalize;
}

static void
concierge_item_init (ConciergeItem *self)
{
}

/**
 * concierge_item_get_data:
 *
 * Returns: (transfer none): the struct, owned by its array
 */
gpointer
concierge_item_get_data (ConciergeItem *self)
{
  g_return_val_if_fail (CONCIERGE_IS_ITEM (self), NULL);

  return self->data;
}

/**
 * concierge_item_store_append_part:
 * @store: a list store of #ConciergeItem
 * @array: the structs
 *
 * Appends an item for each of @array's structs from @start up to @end.
 */
void
concierge_item_store_append_part (GListStore *store,
                                  GPtrArray  *array,
                                  guint       start,
                                  guint       end)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (G_IS_LIST_STORE (store));
  g_return_if_fail (array != NULL && start <= end && end <= array->len);

  for (guint i = start; i < end; i++)
    {
      ConciergeItem *item = g_object_new (CONCIERGE_TYPE_ITEM, NULL);

      item->array = g_ptr_array_ref (array);
      item->data = g_ptr_array_index (array, i);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (store, g_list_model_get_n_items (G_LIST_MODEL (store)), 0, items->pdata, items->len);
}

/**
 * concierge_item_store_set_array:
 * @store: a list store of #ConciergeItem
 * @array: (nullable): the structs
 *
 * Replaces the items of @store by one for each of @array's structs.
 */
void
concierge_item_store_set_array (GListStore *store,
                                GPtrArray  *array)
{
  g_return_if_fail (G_IS_LIST_STORE (store));

  g_list_store_remove_all (store);
  if (array != NULL)
    concierge_item_store_append_part (store, array, 0, array->len);
}
