/* concierge-conversation-view.c
 *
 * The conversation pane's content: the messages of the chosen thread, read
 * from the cache, under a bar that says who can read them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-conversation-view.h"
#include "concierge-ui.h"

/* One message. Message text is only ever set as plain text. */

#define CONCIERGE_TYPE_MESSAGE_ROW (concierge_message_row_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMessageRow, concierge_message_row, CONCIERGE, MESSAGE_ROW, GtkWidget)

struct _ConciergeMessageRow
{
  GtkWidget  parent_instance;

  GtkWidget *bubble;
  GtkLabel  *author_label;
  GtkLabel  *time_label;
  GtkLabel  *body_label;
};

G_DEFINE_FINAL_TYPE (ConciergeMessageRow, concierge_message_row, GTK_TYPE_WIDGET)

static void
concierge_message_row_set_message (ConciergeMessageRow *self,
                                   ConciergeMessage    *message,
                                   const char          *customer_name)
{
  ConciergeIdentity *author = concierge_message_get_author (message);
  gboolean incoming = concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN;
  g_autofree char *time = NULL;
  g_autofree char *accessible = NULL;
  const char *name;

  if (!incoming)
    name = _("You");
  else if (author != NULL && concierge_identity_get_display_name (author)[0] != '\0')
    name = concierge_identity_get_display_name (author);
  else if (author != NULL)
    name = concierge_identity_get_handle (author);
  else
    name = customer_name;

  time = concierge_format_time (concierge_message_get_created_at (message),
                                g_get_real_time () / G_USEC_PER_SEC);
  if (concierge_message_get_edited_at (message) != 0)
    {
      /* Translators: after a message's time, when the customer changed the message */
      g_autofree char *with_edit = g_strdup_printf (_("%s · edited"), time);

      g_free (time);
      time = g_steal_pointer (&with_edit);
    }

  gtk_label_set_text (self->author_label, name);
  gtk_label_set_text (self->time_label, time);
  gtk_label_set_text (self->body_label, concierge_message_get_body (message));

  gtk_widget_set_halign (self->bubble, incoming ? GTK_ALIGN_START : GTK_ALIGN_END);
  gtk_widget_remove_css_class (self->bubble, incoming ? "outgoing" : "incoming");
  gtk_widget_add_css_class (self->bubble, incoming ? "incoming" : "outgoing");

  /* Translators: a message's accessible name: author, time, text */
  accessible = g_strdup_printf (_("%s, %s: %s"), name, time, concierge_message_get_body (message));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
concierge_message_row_dispose (GObject *object)
{
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (concierge_message_row_parent_class)->dispose (object);
}

static void
concierge_message_row_class_init (ConciergeMessageRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_message_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, body_label);
}

static void
concierge_message_row_init (ConciergeMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The view */

struct _ConciergeConversationView
{
  GtkWidget         parent_instance;

  ConciergeStore   *store;
  ConciergeThread  *thread;
  GListStore       *messages;
  GCancellable     *cancellable;
  guint             stick_to_bottom : 1;

  /* Template widgets */
  GtkStack         *stack;
  GtkWidget        *visibility_bar;
  GtkImage         *visibility_image;
  GtkLabel         *visibility_label;
  GtkScrolledWindow *scrolled_window;
  GtkListView      *list_view;
};

G_DEFINE_FINAL_TYPE (ConciergeConversationView, concierge_conversation_view, GTK_TYPE_WIDGET)

static void
setup_message_cb (GtkSignalListItemFactory  *factory,
                  GtkListItem               *item,
                  ConciergeConversationView *self)
{
  gtk_list_item_set_child (item, g_object_new (CONCIERGE_TYPE_MESSAGE_ROW, NULL));
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_message_cb (GtkSignalListItemFactory  *factory,
                 GtkListItem               *item,
                 ConciergeConversationView *self)
{
  concierge_message_row_set_message (CONCIERGE_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                     gtk_list_item_get_item (item),
                                     self->thread ? concierge_thread_get_contact_name (self->thread) : "");
}

/* A newly opened conversation starts at its latest message. */
static void
upper_changed_cb (GtkAdjustment             *adjustment,
                  GParamSpec                *pspec,
                  ConciergeConversationView *self)
{
  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static void
value_changed_cb (GtkAdjustment             *adjustment,
                  ConciergeConversationView *self)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >= bottom - 1;
}

static void
messages_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergeConversationView *self;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  messages = concierge_store_load_messages_finish (CONCIERGE_STORE (object), result, &error);
  if (messages == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading messages failed: %s", error->message);
      return;
    }

  self = user_data;
  self->stick_to_bottom = TRUE;
  g_list_store_splice (self->messages, 0, g_list_model_get_n_items (G_LIST_MODEL (self->messages)),
                       messages->pdata, messages->len);
}

static void
load_messages (ConciergeConversationView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->thread == NULL || self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  concierge_store_load_messages_async (self->store, concierge_thread_get_id (self->thread),
                                       self->cancellable, messages_loaded_cb, self);
}

static void
update_visibility_bar (ConciergeConversationView *self)
{
  g_autofree char *text = NULL;
  const char *platform = concierge_platform_name (concierge_thread_get_platform (self->thread));
  gboolean is_public = concierge_thread_get_visibility (self->thread) == CONCIERGE_VISIBILITY_PUBLIC;

  if (is_public)
    /* Translators: %s is a platform, like Mastodon */
    text = g_strdup_printf (_("Public on %s: everyone can read this conversation and your replies"), platform);
  else
    /* Translators: %s is a platform, like Mastodon */
    text = g_strdup_printf (_("Private on %s: only you and the customer read this conversation"), platform);

  gtk_label_set_text (self->visibility_label, text);
  gtk_image_set_from_icon_name (self->visibility_image,
                                is_public ? "concierge-public-symbolic" : "concierge-private-symbolic");
  gtk_widget_remove_css_class (self->visibility_bar, is_public ? "private" : "public");
  gtk_widget_add_css_class (self->visibility_bar, is_public ? "public" : "private");
}

/* New messages of the open thread arrive as a change of the thread. */
static void
threads_changed_cb (ConciergeConversationView *self,
                    GPtrArray                 *threads)
{
  for (guint i = 0; self->thread != NULL && i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);

      if (concierge_thread_get_id (thread) == concierge_thread_get_id (self->thread))
        {
          g_set_object (&self->thread, thread);
          update_visibility_bar (self);
          load_messages (self);
          return;
        }
    }
}

void
concierge_conversation_view_set_store (ConciergeConversationView *self,
                                       ConciergeStore            *store)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (threads_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

void
concierge_conversation_view_set_thread (ConciergeConversationView *self,
                                        ConciergeThread           *thread)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (!thread || CONCIERGE_IS_THREAD (thread));

  if (thread != NULL && self->thread != NULL &&
      concierge_thread_get_id (thread) == concierge_thread_get_id (self->thread))
    return;

  g_set_object (&self->thread, thread);
  g_list_store_remove_all (self->messages);

  if (thread == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      concierge_stack_show (self->stack, "empty");
      return;
    }

  update_visibility_bar (self);
  concierge_stack_show (self->stack, "messages");
  load_messages (self);
}

static void
concierge_conversation_view_dispose (GObject *object)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->thread);
  g_clear_object (&self->store);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_CONVERSATION_VIEW);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (concierge_conversation_view_parent_class)->dispose (object);
}

static void
concierge_conversation_view_class_init (ConciergeConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_conversation_view_dispose;

  g_type_ensure (CONCIERGE_TYPE_MESSAGE_ROW);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, visibility_bar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, visibility_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, visibility_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, list_view);
}

static void
concierge_conversation_view_init (ConciergeConversationView *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkListItemFactory *factory;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->messages = g_list_store_new (CONCIERGE_TYPE_MESSAGE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_message_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_message_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->messages))));
  gtk_list_view_set_model (self->list_view, selection);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (upper_changed_cb), self, 0);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (value_changed_cb), self, 0);
  concierge_stack_show (self->stack, "empty");
}
