/* concierge-customer-view.c
 *
 * The customer panel's content: who the customer is, their accounts on each
 * platform, and every conversation with them on any channel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-customer-view.h"
#include "concierge-ui.h"

struct _ConciergeCustomerView
{
  GtkWidget       parent_instance;

  ConciergeStore *store;
  gint64          contact_id;
  gint64          thread_id;
  GCancellable   *cancellable;
  GListStore     *identities;
  GListStore     *threads;

  /* Template widgets */
  GtkStack       *stack;
  AdwAvatar      *avatar;
  GtkLabel       *name_label;
  GtkListBox     *identities_list;
  GtkListBox     *threads_list;
};

G_DEFINE_FINAL_TYPE (ConciergeCustomerView, concierge_customer_view, GTK_TYPE_WIDGET)

static GtkWidget *
create_identity_row (gpointer item,
                     gpointer user_data)
{
  ConciergeIdentity *identity = item;
  GtkWidget *row = adw_action_row_new ();
  const char *handle = concierge_identity_get_handle (identity);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 handle[0] ? handle : concierge_identity_get_remote_id (identity));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               concierge_platform_name (concierge_identity_get_platform (identity)));
  return row;
}

static GtkWidget *
create_thread_row (gpointer item,
                   gpointer user_data)
{
  ConciergeCustomerView *self = user_data;
  ConciergeThread *thread = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *time = concierge_format_time (concierge_thread_get_last_activity_at (thread),
                                                 g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *subtitle = NULL;
  gboolean is_public = concierge_thread_get_visibility (thread) == CONCIERGE_VISIBILITY_PUBLIC;

  /* Translators: a conversation's place and time: "Public on Mastodon · 14:30" */
  subtitle = g_strdup_printf (_("%s on %s · %s"), is_public ? _("Public") : _("Private"),
                              concierge_platform_name (concierge_thread_get_platform (thread)), time);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), concierge_thread_get_snippet (thread));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (concierge_thread_get_id (thread) == self->thread_id)
    {
      GtkWidget *current = gtk_label_new (_("Open now"));

      gtk_widget_add_css_class (current, "dim-label");
      gtk_widget_add_css_class (current, "caption");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), current);
    }
  return row;
}

static void
contact_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergeCustomerView *self;
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *identities;
  guint n;

  contact = concierge_store_load_contact_finish (CONCIERGE_STORE (object), result, &error);
  if (contact == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading the customer failed: %s", error->message);
      return;
    }

  self = user_data;
  adw_avatar_set_text (self->avatar, concierge_contact_get_name (contact));
  gtk_label_set_text (self->name_label, concierge_contact_get_name (contact));

  identities = concierge_contact_get_identities (contact);
  g_list_store_remove_all (self->identities);
  n = g_list_model_get_n_items (identities);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) identity = g_list_model_get_item (identities, i);

      g_list_store_append (self->identities, identity);
    }

  concierge_stack_show (self->stack, "contact");
}

static void
threads_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergeCustomerView *self;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;

  threads = concierge_store_load_contact_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (threads == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading the customer's conversations failed: %s", error->message);
      return;
    }

  self = user_data;
  g_list_store_splice (self->threads, 0, g_list_model_get_n_items (G_LIST_MODEL (self->threads)),
                       threads->pdata, threads->len);
}

static void
load_contact (ConciergeCustomerView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  concierge_store_load_contact_async (self->store, self->contact_id, self->cancellable,
                                      contact_loaded_cb, self);
  concierge_store_load_contact_threads_async (self->store, self->contact_id, self->cancellable,
                                              threads_loaded_cb, self);
}

/* Another conversation with this customer may have started or changed. */
static void
threads_changed_cb (ConciergeCustomerView *self,
                    GPtrArray             *threads)
{
  for (guint i = 0; self->contact_id != 0 && i < threads->len; i++)
    {
      if (concierge_thread_get_contact_id (g_ptr_array_index (threads, i)) == self->contact_id)
        {
          concierge_store_load_contact_threads_async (self->store, self->contact_id, self->cancellable,
                                                      threads_loaded_cb, self);
          return;
        }
    }
}

void
concierge_customer_view_set_store (ConciergeCustomerView *self,
                                   ConciergeStore        *store)
{
  g_return_if_fail (CONCIERGE_IS_CUSTOMER_VIEW (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (threads_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

void
concierge_customer_view_set_thread (ConciergeCustomerView *self,
                                    ConciergeThread       *thread)
{
  gint64 contact_id;

  g_return_if_fail (CONCIERGE_IS_CUSTOMER_VIEW (self));

  contact_id = thread ? concierge_thread_get_contact_id (thread) : 0;
  if (contact_id != 0 && contact_id == self->contact_id &&
      concierge_thread_get_id (thread) == self->thread_id)
    return;
  self->thread_id = thread ? concierge_thread_get_id (thread) : 0;

  if (contact_id == 0 || self->store == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      self->contact_id = 0;
      concierge_stack_show (self->stack, "empty");
      return;
    }

  self->contact_id = contact_id;
  load_contact (self);
}

static void
concierge_customer_view_dispose (GObject *object)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_CUSTOMER_VIEW);
  g_clear_object (&self->identities);
  g_clear_object (&self->threads);

  G_OBJECT_CLASS (concierge_customer_view_parent_class)->dispose (object);
}

static void
concierge_customer_view_class_init (ConciergeCustomerViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_customer_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-customer-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, avatar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, name_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, identities_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, threads_list);
}

static void
concierge_customer_view_init (ConciergeCustomerView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->identities = g_list_store_new (CONCIERGE_TYPE_IDENTITY);
  self->threads = g_list_store_new (CONCIERGE_TYPE_THREAD);
  gtk_list_box_bind_model (self->identities_list, G_LIST_MODEL (self->identities),
                           create_identity_row, self, NULL);
  gtk_list_box_bind_model (self->threads_list, G_LIST_MODEL (self->threads),
                           create_thread_row, self, NULL);
  concierge_stack_show (self->stack, "empty");
}
