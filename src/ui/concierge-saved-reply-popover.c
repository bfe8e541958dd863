/* concierge-saved-reply-popover.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "concierge-saved-reply-popover.h"

struct _ConciergeSavedReplyPopover
{
  GtkPopover        parent_instance;

  ConciergeStore   *store;
  GCancellable     *cancellable;
  GPtrArray        *replies;    /* of ConciergeSavedReply, by title */
  GListStore       *shown;      /* the replies that match, best first */
  ConciergeLanguage language;
  ConciergeAddress  address;

  GtkSearchEntry   *search_entry;
  GtkListBox       *list_box;
};

G_DEFINE_FINAL_TYPE (ConciergeSavedReplyPopover, concierge_saved_reply_popover, GTK_TYPE_POPOVER)

enum {
  REPLY_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Lower comes first: the customer's language and form of address, then
 * their language, then the rest. English has no form of address. */
static int
rank (ConciergeSavedReplyPopover *self,
      ConciergeSavedReply        *reply)
{
  gboolean same_language = concierge_saved_reply_get_language (reply) == self->language;

  if (same_language && (self->language == CONCIERGE_LANGUAGE_ENGLISH ||
                        concierge_saved_reply_get_address (reply) == self->address))
    return 0;
  return same_language ? 1 : 2;
}

static gboolean
matches (ConciergeSavedReply *reply,
         const char          *search)
{
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;

  if (search == NULL || search[0] == '\0')
    return TRUE;
  title = g_utf8_casefold (concierge_saved_reply_get_title (reply), -1);
  text = g_utf8_casefold (concierge_saved_reply_get_text (reply), -1);
  return strstr (title, search) != NULL || strstr (text, search) != NULL;
}

static const char *
describe_language (ConciergeSavedReply *reply)
{
  if (concierge_saved_reply_get_language (reply) == CONCIERGE_LANGUAGE_ENGLISH)
    return _("English");
  if (concierge_saved_reply_get_address (reply) == CONCIERGE_ADDRESS_INFORMAL)
    return _("German · du");
  return _("German · Sie");
}

static GtkWidget *
row_new (gpointer item,
         gpointer user_data)
{
  ConciergeSavedReply *reply = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (concierge_saved_reply_get_title (reply));
  GtkWidget *language = gtk_label_new (describe_language (reply));
  GtkWidget *preview = gtk_label_new (concierge_saved_reply_get_text (reply));
  g_autofree char *accessible = NULL;

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (language, "caption");
  gtk_widget_add_css_class (language, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (preview), 0);
  gtk_label_set_ellipsize (GTK_LABEL (preview), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (preview), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (preview), 40);
  gtk_widget_add_css_class (preview, "dim-label");

  gtk_box_append (GTK_BOX (heading), title);
  gtk_box_append (GTK_BOX (heading), language);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), preview);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Translators: a saved reply's accessible name: its title, its language and form of address */
  accessible = g_strdup_printf (_("%s, %s"), concierge_saved_reply_get_title (reply), describe_language (reply));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static GtkWidget *
placeholder_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  /* The scrolled list asks its height for the popover's width, not for
   * the narrow one a wrapping label would take. */
  gtk_widget_set_size_request (label, 300, -1);
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static int
compare_ranked (gconstpointer a,
                gconstpointer b,
                gpointer      data)
{
  ConciergeSavedReplyPopover *self = data;
  ConciergeSavedReply *x = *(ConciergeSavedReply **) a;
  ConciergeSavedReply *y = *(ConciergeSavedReply **) b;

  return rank (self, x) - rank (self, y);
}

static void
fill (ConciergeSavedReplyPopover *self)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autofree char *search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);

  for (guint i = 0; self->replies != NULL && i < self->replies->len; i++)
    if (matches (g_ptr_array_index (self->replies, i), search))
      g_ptr_array_add (shown, g_ptr_array_index (self->replies, i));
  /* Stable: within a rank, by title as the store gave them. */
  g_ptr_array_sort_with_data (shown, compare_ranked, self);

  g_list_store_splice (self->shown, 0, g_list_model_get_n_items (G_LIST_MODEL (self->shown)),
                       shown->pdata, shown->len);

  gtk_list_box_set_placeholder (self->list_box,
                                placeholder_new (self->replies == NULL || self->replies->len == 0
                                                 ? _("No saved replies yet. Add them in Preferences, under "
                                                     "Saved Replies.")
                                                 : _("No saved reply matches your search.")));
  gtk_list_box_select_row (self->list_box, gtk_list_box_get_row_at_index (self->list_box, 0));
}

static void
replies_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergeSavedReplyPopover *self;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  replies = concierge_store_load_saved_replies_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (replies == NULL)
    g_warning ("Loading saved replies failed: %s", error->message);

  self = user_data;
  g_clear_pointer (&self->replies, g_ptr_array_unref);
  self->replies = g_steal_pointer (&replies);
  fill (self);
}

static void
load_replies (ConciergeSavedReplyPopover *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  concierge_store_load_saved_replies_async (self->store, self->cancellable, replies_loaded_cb, self);
}

static void
choose (ConciergeSavedReplyPopover *self,
        GtkListBoxRow              *row)
{
  g_autoptr(ConciergeSavedReply) reply = NULL;

  if (row != NULL)
    reply = g_list_model_get_item (G_LIST_MODEL (self->shown), gtk_list_box_row_get_index (row));
  if (reply == NULL)
    return;

  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[REPLY_CHOSEN], 0, reply);
}

static void
row_activated_cb (ConciergeSavedReplyPopover *self,
                  GtkListBoxRow              *row)
{
  choose (self, row);
}

static void
search_changed_cb (ConciergeSavedReplyPopover *self)
{
  fill (self);
}

/* Enter takes the best match, so that a title and Enter insert it. */
static void
search_activate_cb (ConciergeSavedReplyPopover *self)
{
  choose (self, gtk_list_box_get_selected_row (self->list_box));
}

static void
stop_search_cb (ConciergeSavedReplyPopover *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

/* Down goes from the search to the list. */
static gboolean
search_key_pressed_cb (GtkEventControllerKey      *controller,
                       guint                       keyval,
                       guint                       keycode,
                       GdkModifierType             state,
                       ConciergeSavedReplyPopover *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);

  if (keyval != GDK_KEY_Down || row == NULL)
    return FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

static void
concierge_saved_reply_popover_show (GtkWidget *widget)
{
  ConciergeSavedReplyPopover *self = CONCIERGE_SAVED_REPLY_POPOVER (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  fill (self);

  GTK_WIDGET_CLASS (concierge_saved_reply_popover_parent_class)->show (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
concierge_saved_reply_popover_dispose (GObject *object)
{
  ConciergeSavedReplyPopover *self = CONCIERGE_SAVED_REPLY_POPOVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->replies, g_ptr_array_unref);
  g_clear_object (&self->shown);

  G_OBJECT_CLASS (concierge_saved_reply_popover_parent_class)->dispose (object);
}

static void
concierge_saved_reply_popover_class_init (ConciergeSavedReplyPopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_saved_reply_popover_dispose;
  widget_class->show = concierge_saved_reply_popover_show;

  /**
   * ConciergeSavedReplyPopover::reply-chosen:
   * @reply: the saved reply the agent chose
   */
  signals[REPLY_CHOSEN] =
    g_signal_new ("reply-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CONCIERGE_TYPE_SAVED_REPLY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-saved-reply-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyPopover, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyPopover, list_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
concierge_saved_reply_popover_init (ConciergeSavedReplyPopover *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = g_list_store_new (CONCIERGE_TYPE_SAVED_REPLY);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->shown), row_new, NULL, NULL);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

void
concierge_saved_reply_popover_set_store (ConciergeSavedReplyPopover *self,
                                         ConciergeStore             *store)
{
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY_POPOVER (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  g_signal_connect_object (store, "saved-replies-changed", G_CALLBACK (load_replies), self, G_CONNECT_SWAPPED);
  load_replies (self);
}

/**
 * concierge_saved_reply_popover_set_preferred:
 *
 * Sets the customer's language and form of address: the replies that
 * match come first.
 */
void
concierge_saved_reply_popover_set_preferred (ConciergeSavedReplyPopover *self,
                                             ConciergeLanguage           language,
                                             ConciergeAddress            address)
{
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY_POPOVER (self));

  self->language = language;
  self->address = address;
  fill (self);
}
