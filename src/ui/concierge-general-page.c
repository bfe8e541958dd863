/* concierge-general-page.c
 *
 * Preferences → General: the agent's name in saved replies, running in
 * the background, notifications, how far back an account's first sync
 * reads, and the keyboard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-general-page.h"
#include "concierge-ui.h"

struct _ConciergeGeneralPage
{
  AdwPreferencesPage   parent_instance;

  GSettings           *settings;

  /* Template widgets */
  AdwPreferencesGroup *agent_group;
  AdwEntryRow         *agent_name_row;
  GtkSwitch           *background_switch;
  GtkSwitch           *login_switch;
  GtkSwitch           *private_messages_switch;
  GtkSwitch           *single_key_switch;
  GtkSwitch           *first_sync_switch;
  GtkSpinButton       *first_sync_spin;
  GtkSpinButton       *document_limit_spin;
};

G_DEFINE_FINAL_TYPE (ConciergeGeneralPage, concierge_general_page, ADW_TYPE_PREFERENCES_PAGE)

static void
concierge_general_page_dispose (GObject *object)
{
  ConciergeGeneralPage *self = CONCIERGE_GENERAL_PAGE (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (concierge_general_page_parent_class)->dispose (object);
}

/* One key for both: 0 reads the last 14 days, a number that many
 * conversations. */
static void
show_first_sync (ConciergeGeneralPage *self)
{
  int threads = g_settings_get_int (self->settings, "first-sync-threads");

  if (threads > 0)
    gtk_spin_button_set_value (self->first_sync_spin, threads);
  gtk_switch_set_active (self->first_sync_switch, threads > 0);
}

static void
first_sync_changed_cb (ConciergeGeneralPage *self)
{
  int threads = gtk_switch_get_active (self->first_sync_switch)
                  ? gtk_spin_button_get_value_as_int (self->first_sync_spin) : 0;

  if (threads != g_settings_get_int (self->settings, "first-sync-threads"))
    g_settings_set_int (self->settings, "first-sync-threads", threads);
}

static void
concierge_general_page_class_init (ConciergeGeneralPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = concierge_general_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-general-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, agent_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, agent_name_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, background_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, login_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, private_messages_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, single_key_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, first_sync_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, first_sync_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, document_limit_spin);
}

static void
concierge_general_page_init (ConciergeGeneralPage *self)
{
  g_autofree char *system_name = NULL;
  g_autofree char *agent_description = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  system_name = concierge_agent_name (NULL);
  /* Translators: %s is the user's name on this computer; keep {agent.name} as it is */
  agent_description = g_strdup_printf (_("Saved replies put your name where they say {agent.name}. Left empty, "
                                         "they use your name on this computer: %s."), system_name);
  adw_preferences_group_set_description (self->agent_group, agent_description);
}

ConciergeGeneralPage *
concierge_general_page_new (GSettings *settings)
{
  ConciergeGeneralPage *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONCIERGE_TYPE_GENERAL_PAGE, NULL);
  g_settings_bind (settings, "agent-name", self->agent_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "single-key-shortcuts", self->single_key_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "run-in-background", self->background_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-at-login", self->login_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-private-messages", self->private_messages_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "document-download-limit", self->document_limit_spin, "value", G_SETTINGS_BIND_DEFAULT);

  self->settings = g_object_ref (settings);
  show_first_sync (self);
  g_signal_connect_swapped (self->first_sync_switch, "notify::active", G_CALLBACK (first_sync_changed_cb), self);
  g_signal_connect_swapped (self->first_sync_spin, "value-changed", G_CALLBACK (first_sync_changed_cb), self);
  return self;
}
