/* concierge-general-page.c
 *
 * Preferences → General: the agent's name in saved replies, running in
 * the background, notifications and the keyboard.
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

  /* Template widgets */
  AdwPreferencesGroup *agent_group;
  AdwEntryRow         *agent_name_row;
  GtkSwitch           *background_switch;
  GtkSwitch           *login_switch;
  GtkSwitch           *private_messages_switch;
  GtkSwitch           *single_key_switch;
};

G_DEFINE_FINAL_TYPE (ConciergeGeneralPage, concierge_general_page, ADW_TYPE_PREFERENCES_PAGE)

static void
concierge_general_page_class_init (ConciergeGeneralPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-general-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, agent_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, agent_name_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, background_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, login_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, private_messages_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergeGeneralPage, single_key_switch);
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
  return self;
}
