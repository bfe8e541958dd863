/* concierge-saved-replies.c
 *
 * Reading a shared file trusts nothing in it: whatever it holds, it gives
 * saved replies that the store accepts, or an error that says in words
 * what is wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "model/concierge-json.h"
#include "concierge-saved-replies.h"

/* The format nests three levels deep. json-glib parses recursively, so
 * a file nested much deeper could exhaust the stack; it is refused first. */
#define MAX_DEPTH 32

/**
 * concierge_saved_replies_to_json:
 * @replies: (element-type ConciergeSavedReply): each with a language and
 *   a form of address, as the store keeps them
 *
 * Returns: (transfer full): the file's contents
 */
char *
concierge_saved_replies_to_json (GPtrArray *replies)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (replies != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, CONCIERGE_SAVED_REPLIES_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CONCIERGE_SAVED_REPLIES_VERSION);
  json_builder_set_member_name (builder, "replies");
  json_builder_begin_array (builder);
  for (guint i = 0; i < replies->len; i++)
    {
      ConciergeSavedReply *reply = g_ptr_array_index (replies, i);
      const char *language = concierge_language_to_string (concierge_saved_reply_get_language (reply));
      const char *address = concierge_address_to_string (concierge_saved_reply_get_address (reply));

      g_return_val_if_fail (language != NULL && address != NULL, NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, concierge_saved_reply_get_title (reply));
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, concierge_saved_reply_get_text (reply));
      json_builder_set_member_name (builder, "language");
      json_builder_add_string_value (builder, language);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

static void
set_not_ours (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("This is no file of saved replies that Concierge can read."));
}

static gboolean
is_version (JsonNode *node,
            gint64   *version)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *version = json_node_get_int (node);
  return TRUE;
}

static ConciergeSavedReply *
reply_from_node (JsonNode  *node,
                 guint      number,
                 GError   **error)
{
  JsonObject *object;
  const char *title, *text;
  ConciergeLanguage language;
  ConciergeAddress address;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      /* Translators: %u counts the replies in a file, from 1 */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Entry %u in the file is no saved reply."), number);
      return NULL;
    }
  object = json_node_get_object (node);

  title = concierge_json_string (object, "title");
  text = concierge_json_string (object, "text");
  if (title == NULL || title[0] == '\0')
    {
      /* Translators: %u counts the replies in a file, from 1 */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Saved reply %u in the file has no title."), number);
      return NULL;
    }
  if (text == NULL || text[0] == '\0')
    {
      /* Translators: %u counts the replies in a file, from 1 */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Saved reply %u in the file has no text."), number);
      return NULL;
    }
  if (g_utf8_strlen (title, -1) > CONCIERGE_SAVED_REPLY_MAX_LENGTH ||
      g_utf8_strlen (text, -1) > CONCIERGE_SAVED_REPLY_MAX_LENGTH)
    {
      /* Translators: the first %u counts the replies in a file, from 1; the second is 10000 */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Saved reply %u in the file is too long: a title or a text may have %u characters at most."),
                   number, CONCIERGE_SAVED_REPLY_MAX_LENGTH);
      return NULL;
    }
  if (!concierge_language_from_string (concierge_json_string (object, "language"), &language))
    {
      /* Translators: %u counts the replies in a file, from 1; keep "de" and "en" as they are */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Saved reply %u in the file has no language that Concierge knows: “de” for German or "
                     "“en” for English."), number);
      return NULL;
    }
  if (!concierge_address_from_string (concierge_json_string (object, "address"), &address))
    {
      /* Translators: %u counts the replies in a file, from 1; keep "formal" and "informal" as they are */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Saved reply %u in the file has no form of address that Concierge knows: “formal” or "
                     "“informal”."), number);
      return NULL;
    }

  return concierge_saved_reply_new (title, text, language, address);
}

/**
 * concierge_saved_replies_from_json:
 * @data: a file's contents, from anyone
 *
 * Returns: (transfer container) (element-type ConciergeSavedReply): the
 *   file's replies in its order, none of them saved yet; or %NULL with
 *   @error set to words for the agent
 */
GPtrArray *
concierge_saved_replies_from_json (const char  *data,
                                   gsize        length,
                                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) replies = NULL;
  JsonObject *object;
  JsonNode *root, *node;
  JsonArray *array;
  gint64 version;
  guint n;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* A byte order mark, as some editors write. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  if (length > CONCIERGE_SAVED_REPLIES_MAX_FILE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The file is too large for saved replies."));
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL) || !concierge_json_within_depth (data, length, MAX_DEPTH) ||
      !json_parser_load_from_data (parser, data, length, NULL))
    {
      set_not_ours (error);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_not_ours (error);
      return NULL;
    }
  object = json_node_get_object (root);
  if (g_strcmp0 (concierge_json_string (object, "format"), CONCIERGE_SAVED_REPLIES_FORMAT) != 0 ||
      !is_version (json_object_get_member (object, "version"), &version) || version < 1)
    {
      set_not_ours (error);
      return NULL;
    }
  if (version > CONCIERGE_SAVED_REPLIES_VERSION)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("A newer version of Concierge wrote these saved replies. Update Concierge to "
                             "import them."));
      return NULL;
    }

  node = json_object_get_member (object, "replies");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      set_not_ours (error);
      return NULL;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > CONCIERGE_SAVED_REPLIES_MAX)
    {
      /* Translators: %u is 10000 */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The file holds more saved replies than Concierge imports at once: %u at most."),
                   CONCIERGE_SAVED_REPLIES_MAX);
      return NULL;
    }

  replies = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      ConciergeSavedReply *reply = reply_from_node (json_array_get_element (array, i), i + 1, error);

      if (reply == NULL)
        return NULL;
      g_ptr_array_add (replies, reply);
    }

  return g_steal_pointer (&replies);
}

/* Reading and writing files */

/* At most the largest file that can be saved replies, and one byte more
 * to tell that it is larger: a special file may never end. */
static GBytes *
read_bounded (GFile         *file,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, error);
  g_autoptr(GByteArray) data = g_byte_array_new ();

  if (stream == NULL)
    return NULL;

  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (G_INPUT_STREAM (stream), 64 * 1024, cancellable, error);

      if (chunk == NULL)
        return NULL;
      if (g_bytes_get_size (chunk) == 0)
        break;
      g_byte_array_append (data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (data->len > CONCIERGE_SAVED_REPLIES_MAX_FILE)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(GBytes) bytes = NULL;
  GPtrArray *replies;
  GError *error = NULL;
  gsize length;
  const char *data;

  bytes = read_bounded (task_data, cancellable, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_bytes_get_data (bytes, &length);
  replies = concierge_saved_replies_from_json (data ? data : "", length, &error);
  if (replies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, replies, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_saved_replies_read_async:
 *
 * Reads and checks a file of saved replies on a worker thread: a file
 * can be large, and a frame must never wait for it.
 */
void
concierge_saved_replies_read_async (GFile               *file,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_saved_replies_read_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, read_in_thread);
}

/**
 * concierge_saved_replies_read_finish:
 *
 * Returns: (transfer container) (element-type ConciergeSavedReply): as
 *   concierge_saved_replies_from_json() returns them
 */
GPtrArray *
concierge_saved_replies_read_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * concierge_saved_replies_write_async:
 * @replies: (element-type ConciergeSavedReply): as
 *   concierge_saved_replies_to_json() takes them
 *
 * Writes @replies to @file, replacing it as a whole.
 */
void
concierge_saved_replies_write_async (GFile               *file,
                                     GPtrArray           *replies,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GBytes) bytes = NULL;
  GTask *task;
  char *json;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (replies != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_saved_replies_write_async);
  json = concierge_saved_replies_to_json (replies);
  if (json == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "A saved reply has no language or form of address");
      g_object_unref (task);
      return;
    }
  bytes = g_bytes_new_take (json, strlen (json));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, cancellable,
                                      written_cb, task);
}

gboolean
concierge_saved_replies_write_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
