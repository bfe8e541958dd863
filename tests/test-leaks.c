/* test-leaks.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "test-leaks.h"

static GMutex log_lock;
static GString *captured;
static gboolean show_debug;

static void
keep (const char *text,
      gssize      length)
{
  g_mutex_lock (&log_lock);
  g_string_append_len (captured, text, length);
  g_string_append_c (captured, '\n');
  g_mutex_unlock (&log_lock);
}

/* Every field, not only MESSAGE: a structured message may carry the URL
 * it failed on in a field of its own. */
static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    keep (fields[i].value, fields[i].length);

  if ((log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0 && !show_debug)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
capture_printerr (const char *text)
{
  keep (text, -1);
  fputs (text, stderr);
}

void
test_capture_log (void)
{
  g_assert_null (captured);
  captured = g_string_new (NULL);
  show_debug = g_getenv ("G_MESSAGES_DEBUG") != NULL && g_getenv ("G_MESSAGES_DEBUG")[0] != '\0';
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_set_printerr_handler (capture_printerr);
}

char *
test_captured_log (void)
{
  char *copy;

  g_assert_nonnull (captured);
  g_mutex_lock (&log_lock);
  copy = g_strndup (captured->str, captured->len);
  g_mutex_unlock (&log_lock);
  return copy;
}

gboolean
test_file_holds (const char *path,
                 const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;
  gsize needle_length = strlen (needle);
  const char *end, *at;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  /* The file is binary: no string function that stops at a zero. memchr()
   * goes to each place the first byte stands, which keeps a file of many
   * megabytes quick under AddressSanitizer too. */
  end = contents + length;
  for (at = contents; (at = memchr (at, needle[0], end - at)) != NULL && at + needle_length <= end; at++)
    if (memcmp (at, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_absent_from_tree (const char *secret,
                         const char *path,
                         const char *except)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (except != NULL && g_str_equal (child, except))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        assert_absent_from_tree (secret, child, except);
      /* A file that went while we looked, a journal say, held nothing. */
      else if (test_file_holds (child, secret))
        g_error ("The secret was written to %s", child);
    }
}

static void
assert_absent_from_settings (const char *secret)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_auto(GStrv) schemas = NULL;

  if (source == NULL)
    return;
  g_settings_schema_source_list_schemas (source, TRUE, &schemas, NULL);
  for (guint i = 0; schemas[i] != NULL; i++)
    {
      g_autoptr(GSettings) settings = NULL;
      g_autoptr(GSettingsSchema) schema = NULL;
      g_auto(GStrv) keys = NULL;

      if (!g_str_has_prefix (schemas[i], BASE_ID))
        continue;
      settings = g_settings_new (schemas[i]);
      g_object_get (settings, "settings-schema", &schema, NULL);
      keys = g_settings_schema_list_keys (schema);
      for (guint k = 0; keys[k] != NULL; k++)
        {
          g_autoptr(GVariant) value = g_settings_get_value (settings, keys[k]);
          g_autofree char *text = g_variant_print (value, FALSE);

          if (strstr (text, secret) != NULL)
            g_error ("The secret was written to the setting %s %s", schemas[i], keys[k]);
        }
    }
}

void
test_assert_never_written (const char *secret,
                           const char *dir,
                           const char *except)
{
  g_autofree char *log = test_captured_log ();
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "concierge", NULL);
  g_autofree char *cache_dir = g_build_filename (g_get_user_cache_dir (), "concierge", NULL);

  g_assert_true (secret != NULL && secret[0] != '\0');
  if (strstr (log, secret) != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (log, "\n", -1);

      /* Which messages, without the secret itself. */
      for (guint i = 0; lines[i] != NULL; i++)
        if (strstr (lines[i], secret) != NULL)
          {
            g_auto(GStrv) pieces = g_strsplit (lines[i], secret, -1);
            g_autofree char *shown = g_strjoinv ("<the secret>", pieces);

            g_test_message ("Logged: %s", shown);
          }
      g_error ("The secret was logged");
    }
  assert_absent_from_tree (secret, dir, except);
  assert_absent_from_tree (secret, data_dir, NULL);
  assert_absent_from_tree (secret, cache_dir, NULL);
  assert_absent_from_settings (secret);
}
