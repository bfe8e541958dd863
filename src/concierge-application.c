/* concierge-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-application.h"
#include "ui/concierge-window.h"

struct _ConciergeApplication
{
  AdwApplication parent_instance;

  /* Set once the options parsed; GApplication reports a parse error only by
   * its exit status, and this tells that case apart. */
  guint options_parsed : 1;
};

G_DEFINE_FINAL_TYPE (ConciergeApplication, concierge_application, ADW_TYPE_APPLICATION)

/* Keys the window reads at start-up. A schema from an older build that lacks
 * one of them would make GSettings abort, so it counts as damaged. */
static const char * const required_keys[] = {
  "window-width",
  "window-height",
  "window-maximized",
};

/**
 * concierge_settings_schema_check:
 * @error: return location for a #GError
 *
 * Checks that the installed GSettings schema is present and complete before
 * anything calls g_settings_new(), which would abort the process instead of
 * telling the person why.
 *
 * Returns: %TRUE if the schema can be used
 */
gboolean
concierge_settings_schema_check (GError **error)
{
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_ID, TRUE);

  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Concierge cannot start: its settings schema “%s” is missing or damaged. "
                     "Reinstall Concierge, or start a development build with “./build-aux/dev run”."),
                   BASE_ID);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (required_keys); i++)
    {
      if (!g_settings_schema_has_key (schema, required_keys[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Concierge cannot start: its settings schema “%s” is out of date, "
                         "the key “%s” is missing. Reinstall Concierge, or rebuild it."),
                       BASE_ID, required_keys[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static int
concierge_application_handle_local_options (GApplication *app,
                                            GVariantDict *options)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  self->options_parsed = TRUE;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("concierge %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Without this, GTK would print criticals and crash when the first widget
   * is created; a person deserves a sentence instead. */
  if (!gtk_init_check ())
    {
      g_printerr ("%s\n", _("Concierge cannot open a display. Start it from a graphical session, "
                            "or set DISPLAY or WAYLAND_DISPLAY."));
      return EXIT_FAILURE;
    }

  if (!concierge_settings_schema_check (&error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  return G_APPLICATION_CLASS (concierge_application_parent_class)->handle_local_options (app, options);
}

static gboolean
concierge_application_local_command_line (GApplication   *app,
                                          char         ***arguments,
                                          int            *exit_status)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (app);
  gboolean handled;

  handled = G_APPLICATION_CLASS (concierge_application_parent_class)->local_command_line (app, arguments, exit_status);

  /* GApplication names the bad option but not the way out. */
  if (handled && *exit_status != EXIT_SUCCESS && !self->options_parsed)
    {
      g_printerr (_("Usage: %s [OPTION…]\n"), g_get_prgname ());
      g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
    }

  return handled;
}

static void
concierge_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (concierge_window_new (CONCIERGE_APPLICATION (app)));

  gtk_window_present (window);
}

static void
concierge_application_about_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  ConciergeApplication *self = user_data;
  static const char *developers[] = { "The Concierge developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "title", _("About Concierge"),
                         "application-name", _("Concierge"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Concierge developers"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/conciergedesk/concierge",
                         "issue-url", "https://github.com/conciergedesk/concierge/issues",
                         "copyright", "© 2026 The Concierge developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: Put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
concierge_application_quit_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  ConciergeApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closing each window first lets it save its size, as a click on its
   * close button would. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", concierge_application_about_action },
  { "quit", concierge_application_quit_action },
};

static void
concierge_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (concierge_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
concierge_application_class_init (ConciergeApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->local_command_line = concierge_application_local_command_line;
  app_class->handle_local_options = concierge_application_handle_local_options;
  app_class->startup = concierge_application_startup;
  app_class->activate = concierge_application_activate;
}

static void
concierge_application_init (ConciergeApplication *self)
{
  static const GOptionEntry main_entries[] = {
    { "version", 'v', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Answer customers on social networks and messengers."));
}

ConciergeApplication *
concierge_application_new (void)
{
  return g_object_new (CONCIERGE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The .Devel build shares the release build's resources. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
