/* concierge-settings-schema.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-settings-schema.h"

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
