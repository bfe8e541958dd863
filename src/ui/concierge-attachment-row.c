/* concierge-attachment-row.c
 *
 * A file in a message, under its text: an icon for its kind, its name and
 * size, and for a document the cache keeps a button that opens it in the
 * desktop's application for its type. The name is shown as text, never
 * as markup.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-attachment-row.h"

static const char *
kind_icon (ConciergeAttachmentKind kind)
{
  switch (kind)
    {
    case CONCIERGE_ATTACHMENT_VOICE:
    case CONCIERGE_ATTACHMENT_AUDIO:
      return "audio-x-generic-symbolic";
    case CONCIERGE_ATTACHMENT_VIDEO:
    case CONCIERGE_ATTACHMENT_VIDEO_NOTE:
      return "video-x-generic-symbolic";
    case CONCIERGE_ATTACHMENT_STICKER:
      return "image-x-generic-symbolic";
    case CONCIERGE_ATTACHMENT_DOCUMENT:
    default:
      return "text-x-generic-symbolic";
    }
}

/* What the file is, for one without a name of its own. */
static const char *
kind_name (ConciergeAttachmentKind kind)
{
  switch (kind)
    {
    case CONCIERGE_ATTACHMENT_VOICE:
      return _("Voice message");
    case CONCIERGE_ATTACHMENT_AUDIO:
      return _("Audio");
    case CONCIERGE_ATTACHMENT_VIDEO:
      return _("Video");
    case CONCIERGE_ATTACHMENT_VIDEO_NOTE:
      return _("Video message");
    case CONCIERGE_ATTACHMENT_STICKER:
      return _("Sticker");
    case CONCIERGE_ATTACHMENT_DOCUMENT:
    default:
      return _("Document");
    }
}

/* The largest document downloaded, in bytes, as the agent chose. */
static gint64
download_limit (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

  return (gint64) CLAMP (g_settings_get_int (settings, "document-download-limit"), 0, 20) * 1024 * 1024;
}

/* Its size and length, and for a document not at hand why. */
static char *
describe (ConciergeAttachment *attachment)
{
  gint64 size = concierge_attachment_get_size (attachment);
  gint64 duration = concierge_attachment_get_duration (attachment);
  g_autofree char *bytes = size > 0 ? g_format_size ((guint64) size) : g_strdup (_("Size unknown"));
  g_autofree char *extent = NULL;

  if (duration > 0)
    extent = g_strdup_printf ("%s, %d:%02d", bytes, (int) (duration / 60), (int) (duration % 60));
  else
    extent = g_steal_pointer (&bytes);

  /* One of unknown size is never downloaded, as it may be of any size. */
  if (concierge_attachment_get_kind (attachment) != CONCIERGE_ATTACHMENT_DOCUMENT ||
      concierge_attachment_is_cached (attachment) || size <= 0)
    return g_steal_pointer (&extent);
  if (concierge_attachment_has_failed (attachment))
    /* Translators: %s is the file's size */
    return g_strdup_printf (_("%s — Could not be downloaded"), extent);
  if (size > download_limit ())
    /* Translators: %s is the file's size, as in "24.1 MB" */
    return g_strdup_printf (_("%s — Larger than the download limit"), extent);
  /* Translators: %s is the file's size */
  return g_strdup_printf (_("%s — Not downloaded yet"), extent);
}

/* Opening: the bytes from the cache go to a file of their own under the
 * cache directory, which the desktop's application for the type opens. */

typedef struct
{
  GWeakRef  status;   /* the row's second line, for a failure */
  GFile    *file;
} Opening;

static void
opening_free (Opening *opening)
{
  g_weak_ref_clear (&opening->status);
  g_clear_object (&opening->file);
  g_free (opening);
}

static void
opening_failed (Opening    *opening,
                const char *message)
{
  g_autoptr(GtkLabel) status = g_weak_ref_get (&opening->status);

  if (status != NULL)
    gtk_label_set_text (status, message);
  opening_free (opening);
}

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_warning ("Could not open a file: %s", error->message);
      opening_failed (opening, _("No application on this computer opens this file."));
      return;
    }
  opening_free (opening);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_warning ("Could not write a file to open: %s", error->message);
      opening_failed (opening, _("The file could not be written to open it."));
      return;
    }

  uri = g_file_get_uri (opening->file);
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launched_cb, opening);
}

/* The file's name as the customer gave it, made safe for a path. */
static char *
file_name (ConciergeAttachment *attachment)
{
  const char *name = concierge_attachment_get_name (attachment);
  g_autofree char *base = g_path_get_basename (name[0] ? name : "file");
  char *safe = g_utf8_make_valid (base, -1);

  g_strdelimit (safe, "/\\:", '_');
  if (safe[0] == '.' || safe[0] == '\0')
    {
      g_autofree char *dotless = safe;

      safe = g_strconcat ("file", dotless, NULL);
    }
  return safe;
}

static void
file_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) parent = NULL;

  bytes = concierge_store_load_file_finish (CONCIERGE_STORE (object), result, &error);
  parent = g_file_get_parent (opening->file);
  if (bytes == NULL ||
      (!g_file_make_directory_with_parents (parent, NULL, &error) &&
       !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
    {
      g_warning ("Could not prepare a file to open: %s", error->message);
      opening_failed (opening, _("The file could not be read from the cache."));
      return;
    }

  g_file_replace_contents_bytes_async (opening->file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, written_cb, opening);
}

/* Where documents are written to be opened in another app. The cache
 * keeps their bytes; these copies are only for the other app to read. */
static char *
copies_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "concierge", "files", NULL);
}

static void
delete_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                        NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, NULL, NULL, NULL) && info != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      delete_tree (child);
    }
  g_file_delete (file, NULL, NULL);
}

static void
delete_copies_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autofree char *path = copies_dir ();
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  delete_tree (dir);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_attachment_row_delete_copies:
 *
 * Deletes the copies of documents written for other apps to open, off the
 * main thread: a customer forgotten since must not stay behind in them.
 * The app calls it when it starts, before any document is opened.
 */
void
concierge_attachment_row_delete_copies (void)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, concierge_attachment_row_delete_copies);
  g_task_run_in_thread (task, delete_copies_thread);
}

static void
open_clicked_cb (GtkButton *button,
                 GtkLabel  *status)
{
  ConciergeAttachment *attachment = g_object_get_data (G_OBJECT (button), "attachment");
  ConciergeStore *store = g_object_get_data (G_OBJECT (button), "store");
  Opening *opening = g_new0 (Opening, 1);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, concierge_attachment_get_id (attachment));
  g_autofree char *name = file_name (attachment);
  g_autofree char *dir = copies_dir ();
  g_autofree char *path = g_build_filename (dir, id, name, NULL);

  g_weak_ref_init (&opening->status, status);
  opening->file = g_file_new_for_path (path);
  concierge_store_load_file_async (store, concierge_attachment_get_id (attachment), NULL, file_loaded_cb, opening);
}

/**
 * concierge_attachment_row_new:
 * @store: the cache that keeps a downloaded document's bytes
 *
 * Returns: (transfer floating): the row for @attachment
 */
GtkWidget *
concierge_attachment_row_new (ConciergeAttachment *attachment,
                              ConciergeStore      *store)
{
  ConciergeAttachmentKind kind = concierge_attachment_get_kind (attachment);
  const char *name = concierge_attachment_get_name (attachment);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name (kind_icon (kind));
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (name[0] ? name : kind_name (kind));
  g_autofree char *description = describe (attachment);
  GtkWidget *status = gtk_label_new (description);
  g_autofree char *label = NULL;

  gtk_widget_add_css_class (row, "card");
  gtk_widget_add_css_class (row, "message-attachment");
  gtk_widget_set_halign (row, GTK_ALIGN_START);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
  gtk_widget_set_margin_start (icon, 12);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (texts, 8);
  gtk_widget_set_margin_bottom (texts, 8);
  gtk_widget_set_margin_end (texts, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (GTK_LABEL (title), FALSE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_widget_add_css_class (status, "caption");
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), status);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), texts);

  /* Translators: what a file in a message is, for a screen reader: its
   * kind, its name, then its size and state, as in "Document, Vertrag.pdf,
   * 48.2 kB" */
  label = g_strdup_printf (_("%s, %s, %s"), kind_name (kind), name[0] ? name : kind_name (kind), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  if (kind == CONCIERGE_ATTACHMENT_DOCUMENT && concierge_attachment_is_cached (attachment) &&
      concierge_attachment_get_id (attachment) > 0)
    {
      GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open"));
      g_autofree char *open_label = NULL;

      /* The button's name is its label; which file it opens, the row's
       * name says and the description repeats. GTK 4.8 would join a label
       * given here to the one on the button. */
      /* Translators: what the Open button of a file in a message does; %s is its name */
      open_label = g_strdup_printf (_("Opens “%s” in the application for its type"), name[0] ? name : kind_name (kind));
      gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, open_label, -1);
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      gtk_widget_set_margin_end (open, 12);
      g_object_set_data_full (G_OBJECT (open), "attachment", g_object_ref (attachment), g_object_unref);
      g_object_set_data_full (G_OBJECT (open), "store", g_object_ref (store), g_object_unref);
      g_signal_connect (open, "clicked", G_CALLBACK (open_clicked_cb), status);
      gtk_box_append (GTK_BOX (row), open);
    }

  return row;
}
