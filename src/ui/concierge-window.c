/* concierge-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-window.h"

struct _ConciergeWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwLeaflet           *leaflet;
  AdwFlap              *flap;
  GtkWidget            *inbox_pane;
  GtkWidget            *conversation_pane;
  AdwHeaderBar         *conversation_header_bar;
  GtkWidget            *customer_pane;
};

G_DEFINE_FINAL_TYPE (ConciergeWindow, concierge_window, ADW_TYPE_APPLICATION_WINDOW)

static void
concierge_window_update_title_buttons (ConciergeWindow *self)
{
  gboolean customer_beside;

  g_assert (CONCIERGE_IS_WINDOW (self));

  /* The window controls belong at the right edge. While the customer panel
   * stands beside the conversation, they are in the panel's header bar. */
  customer_beside = adw_flap_get_reveal_flap (self->flap) && !adw_flap_get_folded (self->flap);
  adw_header_bar_set_show_end_title_buttons (self->conversation_header_bar, !customer_beside);
}

static void
concierge_window_show_inbox_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
}

static void
concierge_window_show_conversation_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->flap));
}

static void
concierge_window_toggle_customer_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
concierge_window_save_state (ConciergeWindow *self)
{
  gboolean maximized;

  g_assert (CONCIERGE_IS_WINDOW (self));

  maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  /* A maximized window's size says nothing about the size it should return
   * to, so keep the last unmaximized one. */
  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
concierge_window_close_request (GtkWindow *window)
{
  concierge_window_save_state (CONCIERGE_WINDOW (window));

  return GTK_WINDOW_CLASS (concierge_window_parent_class)->close_request (window);
}

static void
concierge_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CONCIERGE_TYPE_WINDOW);

  G_OBJECT_CLASS (concierge_window_parent_class)->dispose (object);
}

static void
concierge_window_finalize (GObject *object)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (concierge_window_parent_class)->finalize (object);
}

static void
concierge_window_class_init (ConciergeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = concierge_window_dispose;
  object_class->finalize = concierge_window_finalize;

  window_class->close_request = concierge_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, inbox_pane);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, conversation_pane);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, conversation_header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, customer_pane);
  gtk_widget_class_bind_template_callback (widget_class, concierge_window_update_title_buttons);

  gtk_widget_class_install_action (widget_class, "win.show-inbox", NULL,
                                   concierge_window_show_inbox_action);
  gtk_widget_class_install_action (widget_class, "win.show-conversation", NULL,
                                   concierge_window_show_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-customer", NULL,
                                   concierge_window_toggle_customer_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-customer", NULL);
}

static void
concierge_window_init (ConciergeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (BASE_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  concierge_window_update_title_buttons (self);
}

ConciergeWindow *
concierge_window_new (ConciergeApplication *application)
{
  g_return_val_if_fail (CONCIERGE_IS_APPLICATION (application), NULL);

  return g_object_new (CONCIERGE_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
