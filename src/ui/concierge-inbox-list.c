/* concierge-inbox-list.c
 *
 * The inbox sidebar's content: the search entry and the list of threads
 * from the cache, with its empty states.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "store/concierge-inbox-model.h"
#include "concierge-inbox-list.h"
#include "concierge-thread-row.h"
#include "concierge-ui.h"

struct _ConciergeInboxList
{
  GtkWidget            parent_instance;

  ConciergeStore      *store;
  ConciergeInboxModel *model;
  GtkSingleSelection  *selection;
  GHashTable          *bound_rows; /* row → its ConciergeThread */
  guint                tick_id;
  GSettings           *settings;
  ConciergeResponseTargets *targets;

  /* The thread the agent chose. Rows move when threads change; the choice
   * stays with the thread, not the position. */
  gint64               selected_id;
  guint                selected_position; /* where it was last seen */
  ConciergeThread     *waiting_for;     /* a chosen row still loading */
  gulong               waiting_id;
  guint                in_model_change : 1;
  guint                was_at_top : 1;
  guint                ready : 1;

  /* Template widgets */
  GtkSearchEntry      *search_entry;
  GtkStack            *stack;
  GtkListView         *list_view;
};

G_DEFINE_FINAL_TYPE (ConciergeInboxList, concierge_inbox_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_THREAD,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
update_page (ConciergeInboxList *self)
{
  const char *page;

  if (self->model == NULL)
    page = "opening";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    page = "list";
  else if (concierge_inbox_model_get_loading (self->model))
    page = gtk_stack_get_visible_child_name (self->stack);
  else if (concierge_inbox_query_has_search (concierge_inbox_model_get_query (self->model)))
    page = "no-results";
  else
    page = "empty";

  concierge_stack_show (self->stack, page);

  if (!self->ready && (g_str_equal (page, "list") || g_str_equal (page, "empty") ||
                       g_str_equal (page, "no-results")))
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
}

static ConciergeInboxQuery
default_query (const char *search)
{
  ConciergeInboxQuery query = {
    .status_mask = (1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING),
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
    .search = (char *) search,
  };

  /* A search looks through every conversation, resolved ones too. */
  if (search != NULL && search[0] != '\0')
    query.status_mask = 0;

  return query;
}

static void
search_changed_cb (ConciergeInboxList *self)
{
  ConciergeInboxQuery query = default_query (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  if (self->model != NULL)
    concierge_inbox_model_set_query (self->model, &query);
}

static void
stop_search_cb (ConciergeInboxList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Rows */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              ConciergeInboxList       *self)
{
  gtk_list_item_set_child (item, concierge_thread_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             ConciergeInboxList       *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  ConciergeThread *thread = gtk_list_item_get_item (item);

  concierge_thread_row_set_targets (CONCIERGE_THREAD_ROW (row), self->targets);
  concierge_thread_row_set_thread (CONCIERGE_THREAD_ROW (row), thread, now_seconds ());
  g_hash_table_insert (self->bound_rows, row, g_object_ref (thread));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               ConciergeInboxList       *self)
{
  g_hash_table_remove (self->bound_rows, gtk_list_item_get_child (item));
}

/* Waiting times grow while nobody touches anything. */
static gboolean
tick_cb (gpointer user_data)
{
  ConciergeInboxList *self = user_data;
  GHashTableIter iter;
  gpointer row, thread;
  gint64 now = now_seconds ();

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, &thread))
    {
      concierge_thread_row_set_targets (row, self->targets);
      concierge_thread_row_set_thread (row, thread, now);
    }

  return G_SOURCE_CONTINUE;
}

/* Preferences changed the business hours or a target. */
static void
targets_changed_cb (ConciergeInboxList *self)
{
  g_clear_pointer (&self->targets, concierge_response_targets_unref);
  self->targets = concierge_response_targets_new_for_settings (self->settings);
  tick_cb (self);
}

/* Selection */

static void concierge_inbox_list_select_position (ConciergeInboxList *self,
                                                  guint               position);

static ConciergeThread *
selected_item (ConciergeInboxList *self)
{
  ConciergeThread *thread;

  if (self->selection == NULL)
    return NULL;

  thread = gtk_single_selection_get_selected_item (self->selection);
  if (thread == NULL || concierge_thread_is_placeholder (thread))
    return NULL;

  return thread;
}

static void
selection_changed_cb (ConciergeInboxList *self)
{
  ConciergeThread *thread;
  gint64 id;

  if (self->in_model_change)
    return;

  g_clear_signal_handler (&self->waiting_id, self->waiting_for);
  g_clear_object (&self->waiting_for);

  /* A row chosen before its page arrived counts once it has loaded. */
  thread = self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
  if (thread != NULL && concierge_thread_is_placeholder (thread))
    {
      self->waiting_for = g_object_ref (thread);
      self->waiting_id = g_signal_connect_swapped (thread, "changed", G_CALLBACK (selection_changed_cb), self);
      return;
    }

  thread = selected_item (self);
  id = thread ? concierge_thread_get_id (thread) : 0;
  if (id == self->selected_id && thread == NULL)
    return;

  self->selected_id = id;
  if (thread != NULL)
    self->selected_position = gtk_single_selection_get_selected (self->selection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_THREAD]);
}

static GtkAdjustment *
vertical_adjustment (ConciergeInboxList *self)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
}

static void
model_changing_cb (ConciergeInboxList *self)
{
  GtkAdjustment *adjustment = vertical_adjustment (self);

  self->in_model_change = TRUE;
  self->was_at_top = adjustment == NULL || gtk_adjustment_get_value (adjustment) <= 0;
}

static void
model_changed_cb (ConciergeInboxList *self,
                  guint               changed_at,
                  guint               removed,
                  guint               added)
{
  ConciergeThread *thread;
  int position;

  self->in_model_change = FALSE;
  update_page (self);

  /* A thread that comes in at the top is seen: the list stays at the top
   * where it was, rather than keeping the row that was first in view. */
  if (self->was_at_top && changed_at == 0 && added > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);

  if (self->selected_id == 0)
    return;

  /* Put the selection back on the chosen thread wherever it went. */
  thread = selected_item (self);
  if (thread != NULL && concierge_thread_get_id (thread) == self->selected_id)
    return;

  /* Looked up by id: asking the model for items would load them. */
  position = concierge_inbox_model_find (self->model, self->selected_id);
  if (position >= 0)
    {
      self->in_model_change = TRUE;
      gtk_single_selection_set_selected (self->selection, position);
      self->selected_position = position;
      self->in_model_change = FALSE;
      return;
    }

  /* The thread left the view, resolved or snoozed: the agent goes on with
   * the one that took its place. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    concierge_inbox_list_select_position (self, MIN (self->selected_position,
                                                     g_list_model_get_n_items (G_LIST_MODEL (self->model)) - 1));
  else
    {
      self->selected_id = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_THREAD]);
    }
}

static void
concierge_inbox_list_select_position (ConciergeInboxList *self,
                                      guint               position)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/**
 * concierge_inbox_list_select_next:
 * @step: 1 for the next thread, -1 for the one before
 *
 * Chooses the thread after or before the chosen one, or the first when
 * none is chosen.
 *
 * Returns: whether there was one to choose
 */
gboolean
concierge_inbox_list_select_next (ConciergeInboxList *self,
                                  int                 step)
{
  guint n, selected;
  gint64 position;

  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), FALSE);

  if (self->model == NULL || (n = g_list_model_get_n_items (G_LIST_MODEL (self->model))) == 0)
    return FALSE;

  selected = gtk_single_selection_get_selected (self->selection);
  if (selected == GTK_INVALID_LIST_POSITION || self->selected_id == 0)
    position = 0;
  else
    position = (gint64) selected + step;
  if (position < 0 || position >= n)
    return FALSE;

  concierge_inbox_list_select_position (self, position);
  return TRUE;
}

ConciergeThread *
concierge_inbox_list_get_selected_thread (ConciergeInboxList *self)
{
  ConciergeThread *thread;

  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), NULL);

  thread = selected_item (self);
  if (thread == NULL || concierge_thread_get_id (thread) != self->selected_id)
    return NULL;

  return thread;
}

/**
 * concierge_inbox_list_select_thread:
 *
 * Chooses the thread, as if the agent had clicked it.
 *
 * Returns: whether the inbox shows it
 */
gboolean
concierge_inbox_list_select_thread (ConciergeInboxList *self,
                                    gint64              thread_id)
{
  int position;

  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), FALSE);

  if (self->model == NULL || (position = concierge_inbox_model_find (self->model, thread_id)) < 0)
    return FALSE;

  concierge_inbox_list_select_position (self, position);
  return TRUE;
}

void
concierge_inbox_list_set_store (ConciergeInboxList *self,
                                ConciergeStore     *store)
{
  ConciergeInboxQuery query = default_query (NULL);

  g_return_if_fail (CONCIERGE_IS_INBOX_LIST (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  self->model = concierge_inbox_model_new (store, &query);

  /* Connected before the selection model exists, so that it runs first. */
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_changing_cb), self,
                           G_CONNECT_SWAPPED);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
  update_page (self);
}

gboolean
concierge_inbox_list_get_ready (ConciergeInboxList *self)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), FALSE);

  return self->ready;
}

void
concierge_inbox_list_focus_search (ConciergeInboxList *self)
{
  g_return_if_fail (CONCIERGE_IS_INBOX_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
concierge_inbox_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ConciergeInboxList *self = CONCIERGE_INBOX_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED_THREAD:
      g_value_set_object (value, concierge_inbox_list_get_selected_thread (self));
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_inbox_list_dispose (GObject *object)
{
  ConciergeInboxList *self = CONCIERGE_INBOX_LIST (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->targets, concierge_response_targets_unref);
  g_clear_object (&self->settings);
  g_clear_signal_handler (&self->waiting_id, self->waiting_for);
  g_clear_object (&self->waiting_for);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_INBOX_LIST);

  G_OBJECT_CLASS (concierge_inbox_list_parent_class)->dispose (object);
}

static void
concierge_inbox_list_class_init (ConciergeInboxListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = concierge_inbox_list_dispose;
  object_class->get_property = concierge_inbox_list_get_property;

  properties[PROP_SELECTED_THREAD] =
    g_param_spec_object ("selected-thread", NULL, NULL, CONCIERGE_TYPE_THREAD,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether the inbox shows what the cache holds: its first rows, or that
   * there are none. */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-inbox-list.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
}

static void
concierge_inbox_list_init (ConciergeInboxList *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound_rows = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->settings = g_settings_new (BASE_ID);
  self->targets = concierge_response_targets_new_for_settings (self->settings);
  concierge_response_targets_watch (self->settings, G_CALLBACK (targets_changed_cb), self);

  self->tick_id = g_timeout_add_seconds (30, tick_cb, self);
  update_page (self);
}
