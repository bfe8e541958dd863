/* concierge-message-row.c
 *
 * One message of the conversation, with its images. Message text is only
 * ever set as plain text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "privacy/concierge-detector.h"
#include "concierge-attachment-row.h"
#include "concierge-message-row.h"
#include "concierge-ui.h"

struct _ConciergeMessageRow
{
  GtkWidget  parent_instance;

  GtkWidget *bubble;
  GtkLabel  *author_label;
  GtkLabel  *time_label;
  GtkLabel  *body_label;
  GtkWidget *personal_data_box;
  GtkLabel  *personal_data_label;
  GtkWidget *warning_box;
  GtkLabel  *warning_label;
  GtkToggleButton *warning_button;
  GtkWidget *state_box;
  GtkImage  *state_image;
  GtkLabel  *state_label;
  GtkButton *resend_button;
  GtkWidget *images_box;
  GtkWidget *files_box;
  GtkWidget *moderation_box;
  GtkImage  *moderation_image;
  GtkLabel  *moderation_label;
  GtkButton *moderation_button;
};

G_DEFINE_FINAL_TYPE (ConciergeMessageRow, concierge_message_row, GTK_TYPE_WIDGET)

/* Images, read from the cache and decoded off the main thread. A picture
 * asks for its image by id; one that was recycled for another image by the
 * time the texture is ready is left alone. */

#define IMAGE_MAX_WIDTH  360
#define IMAGE_MAX_HEIGHT 270

typedef struct
{
  GHashTable   *textures;     /* image id → GdkTexture, of the thread */
  GCancellable *cancellable;  /* until the thread is left */
  GWeakRef      frame;
  gint64        image_id;
} TextureLoad;

static void
texture_load_free (TextureLoad *load)
{
  g_hash_table_unref (load->textures);
  g_clear_object (&load->cancellable);
  g_weak_ref_clear (&load->frame);
  g_free (load);
}

/* In words, where the picture cannot be shown. */
static void
frame_show_text (GtkWidget  *frame,
                 const char *text)
{
  GtkWidget *picture = g_object_get_data (G_OBJECT (frame), "picture");
  GtkWidget *placeholder = g_object_get_data (G_OBJECT (frame), "placeholder");

  gtk_label_set_text (g_object_get_data (G_OBJECT (frame), "placeholder-label"), text);
  gtk_widget_set_visible (picture, FALSE);
  gtk_widget_set_visible (placeholder, TRUE);
}

static void
frame_show_texture (GtkWidget  *frame,
                    GdkTexture *texture)
{
  GtkWidget *picture = g_object_get_data (G_OBJECT (frame), "picture");
  GtkWidget *placeholder = g_object_get_data (G_OBJECT (frame), "placeholder");

  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  gtk_widget_set_visible (picture, TRUE);
  gtk_widget_set_visible (placeholder, FALSE);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
texture_decoded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TextureLoad *load = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GtkWidget) frame = g_weak_ref_get (&load->frame);
  g_autoptr(GError) error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      texture_load_free (load);
      return;
    }

  if (texture != NULL)
    g_hash_table_insert (load->textures, g_memdup2 (&load->image_id, sizeof load->image_id),
                         g_object_ref (texture));

  if (frame != NULL && GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (frame), "image-id")) == (gsize) load->image_id)
    {
      if (texture != NULL)
        frame_show_texture (frame, texture);
      else
        frame_show_text (frame, _("This image cannot be shown."));
    }
  texture_load_free (load);
}

static void
image_bytes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TextureLoad *load = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  bytes = concierge_store_load_image_finish (CONCIERGE_STORE (object), result, &error);
  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Reading an image failed: %s", error->message);
      texture_load_free (load);
      return;
    }

  task = g_task_new (NULL, load->cancellable, texture_decoded_cb, load);
  g_task_set_source_tag (task, image_bytes_cb);
  g_task_set_task_data (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

static GtkWidget *
image_frame_new (ConciergeImage *image)
{
  GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *placeholder = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  GtkWidget *label = gtk_label_new (NULL);
  const char *description = concierge_image_get_description (image);
  guint width = concierge_image_get_width (image);
  guint height = concierge_image_get_height (image);
  double scale;
  int shown_width = IMAGE_MAX_WIDTH, shown_height = IMAGE_MAX_HEIGHT;

  if (width > 0 && height > 0)
    {
      scale = MIN (1.0, MIN ((double) IMAGE_MAX_WIDTH / width, (double) IMAGE_MAX_HEIGHT / height));
      shown_width = MAX (48, (int) (width * scale));
      shown_height = MAX (48, (int) (height * scale));
    }

  gtk_widget_set_halign (frame, GTK_ALIGN_START);
  gtk_widget_add_css_class (frame, "message-image");
  gtk_widget_set_overflow (frame, GTK_OVERFLOW_HIDDEN);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, shown_width, shown_height);
  /* The author's description is what a screen reader reads, and what
   * a pointer shows. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description[0] ? description : _("Image without a description"), -1);
  if (description[0])
    gtk_widget_set_tooltip_text (picture, description);
  gtk_box_append (GTK_BOX (frame), picture);

  gtk_widget_set_size_request (placeholder, shown_width, MIN (shown_height, 120));
  gtk_widget_set_valign (icon, GTK_ALIGN_END);
  gtk_widget_set_vexpand (icon, TRUE);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_set_vexpand (label, TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (placeholder), icon);
  gtk_box_append (GTK_BOX (placeholder), label);
  gtk_box_append (GTK_BOX (frame), placeholder);

  g_object_set_data (G_OBJECT (frame), "picture", picture);
  g_object_set_data (G_OBJECT (frame), "placeholder", placeholder);
  g_object_set_data (G_OBJECT (frame), "placeholder-label", label);
  g_object_set_data (G_OBJECT (frame), "image-id", GSIZE_TO_POINTER ((gsize) concierge_image_get_id (image)));

  return frame;
}

/**
 * concierge_message_row_set_images:
 * @images: (nullable): the message's images
 * @textures: image id → GdkTexture, shared by the rows of one thread
 * @cancellable: cancelled when the thread is left
 *
 * Shows the images, from @textures where they were decoded already, else
 * read from @store's cache and decoded off the main thread.
 */
void
concierge_message_row_set_images (ConciergeMessageRow *self,
                                  GPtrArray           *images,
                                  ConciergeStore      *store,
                                  GHashTable          *textures,
                                  GCancellable        *cancellable)
{
  GtkWidget *box = self->images_box;
  GtkWidget *child;

  g_return_if_fail (CONCIERGE_IS_MESSAGE_ROW (self));
  g_return_if_fail (textures != NULL);

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
  gtk_widget_set_visible (box, images != NULL && images->len > 0);

  for (guint i = 0; images != NULL && i < images->len; i++)
    {
      ConciergeImage *image = g_ptr_array_index (images, i);
      GtkWidget *frame = image_frame_new (image);
      gint64 id = concierge_image_get_id (image);
      GdkTexture *texture;
      TextureLoad *load;

      gtk_box_append (GTK_BOX (box), frame);

      switch (concierge_image_get_state (image))
        {
        case CONCIERGE_IMAGE_NOT_CACHED:
          frame_show_text (frame, _("The image is not downloaded yet."));
          continue;
        case CONCIERGE_IMAGE_FAILED:
          frame_show_text (frame, _("The image could not be downloaded."));
          continue;
        case CONCIERGE_IMAGE_CACHED:
        default:
          break;
        }

      if ((texture = g_hash_table_lookup (textures, &id)) != NULL)
        {
          frame_show_texture (frame, texture);
          continue;
        }

      frame_show_text (frame, _("Loading image…"));
      load = g_new0 (TextureLoad, 1);
      load->textures = g_hash_table_ref (textures);
      load->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
      load->image_id = id;
      g_weak_ref_init (&load->frame, frame);
      concierge_store_load_image_async (store, id, cancellable, image_bytes_cb, load);
    }
}

/**
 * concierge_message_row_set_attachments:
 * @attachments: (nullable): the message's files
 * @store: the cache that keeps the downloaded ones
 *
 * Shows the files under the text, one row each.
 */
void
concierge_message_row_set_attachments (ConciergeMessageRow *self,
                                       GPtrArray           *attachments,
                                       ConciergeStore      *store)
{
  GtkWidget *child;

  g_return_if_fail (CONCIERGE_IS_MESSAGE_ROW (self));

  while ((child = gtk_widget_get_first_child (self->files_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->files_box), child);
  gtk_widget_set_visible (self->files_box, attachments != NULL && attachments->len > 0);

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    gtk_box_append (GTK_BOX (self->files_box),
                    concierge_attachment_row_new (g_ptr_array_index (attachments, i), store));
}

/* Personal data in the text: marked where it stands, and named below in
 * words, since a colour alone tells nothing to some. The text stays text;
 * the marks are attributes, not markup. Returns the kinds, or NULL. */
static char *
mark_personal_data (ConciergeMessageRow *self,
                    ConciergeMessage    *message)
{
  g_autoptr(GArray) findings = concierge_detector_parse_spans (concierge_message_get_personal_data (message));
  const char *body = concierge_message_get_body (message);
  glong length = g_utf8_strlen (body, -1);
  PangoAttrList *attributes = NULL;
  g_autofree char *kinds = NULL;

  for (guint k = 0; k < findings->len; k++)
    {
      const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, k);
      PangoAttribute *attribute;
      guint start, end;

      /* Spans from an older text of an edited message may not fit. */
      if (finding->end > (guint) length)
        continue;
      start = g_utf8_offset_to_pointer (body, finding->start) - body;
      end = g_utf8_offset_to_pointer (body, finding->end) - body;
      if (attributes == NULL)
        attributes = pango_attr_list_new ();
      attribute = pango_attr_background_new (0xf6f6, 0xd3d3, 0x2d2d);
      attribute->start_index = start;
      attribute->end_index = end;
      pango_attr_list_insert (attributes, attribute);
      /* Dark text on the mark, in a light or a dark style alike. */
      attribute = pango_attr_foreground_new (0x2424, 0x1f1f, 0x3131);
      attribute->start_index = start;
      attribute->end_index = end;
      pango_attr_list_insert (attributes, attribute);
      attribute = pango_attr_underline_new (PANGO_UNDERLINE_SINGLE);
      attribute->start_index = start;
      attribute->end_index = end;
      pango_attr_list_insert (attributes, attribute);
    }
  gtk_label_set_attributes (self->body_label, attributes);
  g_clear_pointer (&attributes, pango_attr_list_unref);

  kinds = concierge_detector_describe (findings);
  if (kinds != NULL)
    {
      g_autofree char *text = NULL;

      switch (concierge_message_get_taken_down (message))
        {
        case CONCIERGE_TAKEN_DOWN_HIDDEN:
          /* Translators: under a customer's message; %s is the kinds found, as in "IBAN, phone number" */
          text = g_strdup_printf (_("Personal data: %s. Hidden on the platform; only you still see it here."), kinds);
          break;
        case CONCIERGE_TAKEN_DOWN_REMOVED:
          /* Translators: under a customer's message; %s is the kinds found, as in "IBAN, phone number" */
          text = g_strdup_printf (_("Personal data: %s. Removed from the group; only you still see it here."), kinds);
          break;
        case CONCIERGE_TAKEN_DOWN_NONE:
        default:
          /* Translators: under a customer's message; %s is the kinds found, as in "IBAN, phone number" */
          text = g_strdup_printf (_("Personal data: %s"), kinds);
          break;
        }
      gtk_label_set_text (self->personal_data_label, text);
    }
  gtk_widget_set_visible (self->personal_data_box, kinds != NULL);
  return g_steal_pointer (&kinds);
}

/* What the state line says of a message that waits for nothing. */
static void
show_state_note (ConciergeMessageRow *self,
                 const char          *text,
                 const char          *icon)
{
  gtk_label_set_text (self->state_label, text);
  gtk_image_set_from_icon_name (self->state_image, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->resend_button), FALSE);
  gtk_widget_set_visible (self->state_box, TRUE);
}

/* Where a reply stands, in words and with an icon; colour is never the
 * only sign. A sent reply needs no word. */
static void
update_send_state (ConciergeMessageRow *self,
                   ConciergeMessage    *message)
{
  const char *error = concierge_message_get_send_error (message);
  g_autofree char *text = NULL;
  const char *icon = NULL;
  const char *button = NULL;

  switch (concierge_message_get_send_state (message))
    {
    case CONCIERGE_SEND_QUEUED:
      /* Translators: %s says why the last attempt failed */
      text = error ? g_strdup_printf (_("Not sent yet: %s Concierge tries again."), error)
                   : g_strdup (_("Waiting to be sent"));
      icon = "content-loading-symbolic";
      break;
    case CONCIERGE_SEND_SENDING:
      /* Translators: %s says why the last attempt failed */
      text = error ? g_strdup_printf (_("Not sent yet: %s Concierge tries again."), error)
                   : g_strdup (_("Sending…"));
      icon = "mail-send-symbolic";
      break;
    case CONCIERGE_SEND_FAILED:
      /* Translators: %s says why the reply was not sent */
      text = g_strdup_printf (_("Not sent: %s"), error ? error : "");
      icon = "dialog-error-symbolic";
      button = _("_Retry");
      break;
    case CONCIERGE_SEND_UNKNOWN:
      /* Translators: %s says why Concierge cannot tell */
      text = g_strdup_printf (_("Delivery unknown: %s Check the conversation on the platform before you send it again."),
                              error ? error : "");
      icon = "dialog-question-symbolic";
      button = _("Send _Again");
      break;
    case CONCIERGE_SEND_SENT:
    default:
      break;
    }

  gtk_widget_set_visible (self->state_box, text != NULL);
  if (text == NULL)
    return;

  gtk_label_set_text (self->state_label, text);
  gtk_image_set_from_icon_name (self->state_image, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->resend_button), button != NULL);
  if (button != NULL)
    {
      gtk_button_set_label (self->resend_button, button);
      gtk_button_set_use_underline (self->resend_button, TRUE);
      /* The target first: an action with a parameter and no target yet
       * would be a mismatch. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->resend_button), "x",
                                        concierge_message_get_id (message));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->resend_button), "conversation.resend");
    }
}

/* A content warning stands in for the text until the agent opens it. */
static void
warning_toggled_cb (ConciergeMessageRow *self)
{
  gboolean shown = gtk_toggle_button_get_active (self->warning_button);

  gtk_button_set_label (GTK_BUTTON (self->warning_button), shown ? _("_Hide") : _("_Show"));
  gtk_button_set_use_underline (GTK_BUTTON (self->warning_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->body_label), shown || !gtk_widget_get_visible (self->warning_box));
}

/* Messages that follow one from the same sender within a few minutes
 * stand under it, as one group: their sender is not named again, their
 * time is. */
#define GROUP_SECONDS (5 * 60)

static gboolean
continues (ConciergeMessage *message,
           ConciergeMessage *before)
{
  ConciergeIdentity *author = concierge_message_get_author (message);
  ConciergeIdentity *before_author = concierge_message_get_author (before);

  if (concierge_message_is_note (message) != concierge_message_is_note (before) ||
      concierge_message_get_direction (message) != concierge_message_get_direction (before) ||
      concierge_message_get_created_at (message) - concierge_message_get_created_at (before) > GROUP_SECONDS)
    return FALSE;
  if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_OUT)
    return TRUE;
  return author != NULL && before_author != NULL &&
         g_strcmp0 (concierge_identity_get_remote_id (author), concierge_identity_get_remote_id (before_author)) == 0;
}

/**
 * concierge_message_row_set_message:
 * @before: (nullable): the message above it, if any
 * @customer_name: who wrote it, when the message does not say
 */
void
concierge_message_row_set_message (ConciergeMessageRow *self,
                                   ConciergeMessage    *message,
                                   ConciergeMessage    *before,
                                   const char          *customer_name)
{
  gboolean grouped = before != NULL && continues (message, before);
  ConciergeIdentity *author = concierge_message_get_author (message);
  gboolean incoming = concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN;
  const char *warning;
  g_autofree char *time = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *found = NULL;
  gboolean deleted;
  const char *name;

  g_return_if_fail (CONCIERGE_IS_MESSAGE_ROW (self));
  g_return_if_fail (CONCIERGE_IS_MESSAGE (message));

  if (concierge_message_is_note (message))
    name = _("Internal note");
  else if (!incoming)
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
  gtk_widget_set_visible (GTK_WIDGET (self->author_label), !grouped);
  gtk_widget_set_margin_top (self->bubble, grouped ? 1 : 6);
  gtk_label_set_text (self->time_label, time);
  /* Addresses become links; the text itself is escaped, never read as
   * markup. */
  if (strstr (concierge_message_get_body (message), "http") != NULL)
    {
      g_autofree char *markup = concierge_markup_with_links (concierge_message_get_body (message));

      gtk_label_set_markup (self->body_label, markup);
    }
  else
    gtk_label_set_text (self->body_label, concierge_message_get_body (message));
  found = mark_personal_data (self, message);

  warning = concierge_message_get_content_warning (message);
  if (warning[0] != '\0')
    {
      /* Translators: %s is what the customer's post warns of */
      g_autofree char *text = g_strdup_printf (_("Content warning: %s"), warning);

      gtk_label_set_text (self->warning_label, text);
    }
  gtk_widget_set_visible (self->warning_box, warning[0] != '\0');
  gtk_toggle_button_set_active (self->warning_button, FALSE);
  warning_toggled_cb (self);

  gtk_widget_set_halign (self->bubble, incoming ? GTK_ALIGN_START : GTK_ALIGN_END);
  gtk_widget_remove_css_class (self->bubble, incoming ? "outgoing" : "incoming");
  gtk_widget_add_css_class (self->bubble, incoming ? "incoming" : "outgoing");
  /* A note must never pass for something the customer read. */
  if (concierge_message_is_note (message))
    gtk_widget_add_css_class (self->bubble, "note");
  else
    gtk_widget_remove_css_class (self->bubble, "note");

  update_send_state (self, message);
  deleted = concierge_message_get_deleted_at (message) != 0;
  if (deleted)
    show_state_note (self, _("The customer deleted this message on the platform. Only you still see it here."),
                     "user-trash-symbolic");
  /* A reply from the web, a phone or a colleague: the customer got an
   * answer that nobody wrote here. */
  else if (concierge_message_is_sent_elsewhere (message))
    show_state_note (self, _("Answered outside Concierge, on the web or in another app"), "web-browser-symbolic");
  if (deleted)
    gtk_widget_add_css_class (GTK_WIDGET (self->body_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->body_label), "dim-label");

  /* Translators: a message's accessible name: author, time, text */
  accessible = g_strdup_printf (_("%s, %s: %s"), name, time,
                                warning[0] != '\0' ? gtk_label_get_text (self->warning_label)
                                                   : concierge_message_get_body (message));
  if (found != NULL)
    {
      /* Translators: after a message's accessible name; %s is the kinds of personal data found */
      g_autofree char *with_found = g_strdup_printf (_("%s (personal data: %s)"), accessible, found);

      g_free (accessible);
      accessible = g_steal_pointer (&with_found);
    }
  if (deleted)
    {
      /* Translators: after a message's accessible name */
      g_autofree char *with_deleted = g_strdup_printf (_("%s (deleted by the customer)"), accessible);

      g_free (accessible);
      accessible = g_steal_pointer (&with_deleted);
    }
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
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, personal_data_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, personal_data_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, warning_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, warning_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, warning_button);
  gtk_widget_class_bind_template_callback (widget_class, warning_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, state_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, state_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, resend_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, moderation_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, moderation_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, moderation_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, moderation_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, images_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMessageRow, files_box);
}

static void
concierge_message_row_init (ConciergeMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static gboolean
same_images (GPtrArray *a,
             GPtrArray *b)
{
  guint n = a ? a->len : 0;

  if (n != (b ? b->len : 0))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (concierge_image_get_id (g_ptr_array_index (a, i)) != concierge_image_get_id (g_ptr_array_index (b, i)) ||
        concierge_image_get_state (g_ptr_array_index (a, i)) != concierge_image_get_state (g_ptr_array_index (b, i)))
      return FALSE;
  return TRUE;
}

/**
 * concierge_hide_reason_describe:
 * @reason: as the store keeps it: "personal data", "spam", "abuse"
 *
 * Returns: (transfer full): the reason as the agent reads it
 */
char *
concierge_hide_reason_describe (const char *reason)
{
  ConciergeHideReason known;

  if (!concierge_hide_reason_from_string (reason, &known))
    return g_strdup (reason ? reason : "");
  switch (known)
    {
    case CONCIERGE_HIDE_SPAM:
      return g_strdup (C_("hide reason", "Spam"));
    case CONCIERGE_HIDE_ABUSE:
      return g_strdup (C_("hide reason", "Abuse"));
    case CONCIERGE_HIDE_PERSONAL_DATA:
    default:
      return g_strdup (C_("hide reason", "Personal data"));
    }
}

/**
 * concierge_message_row_set_moderation:
 * @can_hide: the platform hides customers' posts, and the thread is
 *   public
 * @platform: the platform's name, as the agent reads it
 *
 * Shows whether a customer's public post is hidden, and why, with the one
 * click that shows it again; or offers to hide it, where the platform can.
 * A hiding or showing that the platform refused says why, with the same
 * button to try again. Call after concierge_message_row_set_message().
 */
void
concierge_message_row_set_moderation (ConciergeMessageRow *self,
                                      ConciergeMessage    *message,
                                      gboolean             can_hide,
                                      const char          *platform)
{
  ConciergeTakenDown taken_down = concierge_message_get_taken_down (message);
  gboolean post = concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN &&
                  concierge_message_get_remote_id (message) != NULL && !concierge_message_is_note (message);
  gboolean hidden = taken_down == CONCIERGE_TAKEN_DOWN_HIDDEN;
  const char *refused = concierge_message_get_moderation_error (message);

  g_return_if_fail (CONCIERGE_IS_MESSAGE_ROW (self));

  gtk_widget_set_visible (self->moderation_box,
                          post && (hidden || (can_hide && taken_down == CONCIERGE_TAKEN_DOWN_NONE &&
                                              concierge_message_get_deleted_at (message) == 0)));
  gtk_widget_set_visible (GTK_WIDGET (self->moderation_label), hidden || refused != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->moderation_image), hidden || refused != NULL);
  gtk_image_set_from_icon_name (self->moderation_image,
                                refused != NULL ? "dialog-warning-symbolic" : "view-conceal-symbolic");
  if (refused != NULL)
    {
      /* Translators: under a customer's post whose hiding failed; the
       * first %s is the platform, as in "Facebook", the second its reason */
      g_autofree char *text = g_strdup_printf (hidden ? _("%s did not show this post again: %s")
                                                      : _("%s did not hide this post: %s"),
                                               platform, refused);

      gtk_label_set_text (self->moderation_label, text);
    }
  else if (hidden && concierge_message_get_hidden_reason (message) == NULL)
    gtk_label_set_text (self->moderation_label, _("Hidden on the platform. Only the author, their friends and you "
                                                  "still see it."));
  else if (hidden)
    {
      g_autofree char *reason = concierge_hide_reason_describe (concierge_message_get_hidden_reason (message));
      /* Translators: under a hidden customer's post; %s is the reason, as in "Spam" */
      g_autofree char *text = g_strdup_printf (_("Hidden: %s. Only the author, their friends and you still see "
                                                 "it."), reason);

      gtk_label_set_text (self->moderation_label, text);
    }

  /* The target first: an action with a parameter and no target yet
   * warns. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->moderation_button), "x",
                                    concierge_message_get_id (message));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->moderation_button),
                                  hidden ? "conversation.unhide-post" : "conversation.hide-post");
  gtk_button_set_label (self->moderation_button, hidden ? _("Show _Again") : _("_Hide…"));
}

/* Whether a row that shows @a shows @b as it is: a row is set again only
 * when something it shows changed. */
gboolean
concierge_message_row_shows_same (ConciergeMessage *a,
                                  ConciergeMessage *b)
{
  return concierge_message_get_id (a) == concierge_message_get_id (b) &&
         concierge_message_is_note (a) == concierge_message_is_note (b) &&
         concierge_message_get_send_state (a) == concierge_message_get_send_state (b) &&
         concierge_message_get_edited_at (a) == concierge_message_get_edited_at (b) &&
         g_strcmp0 (concierge_message_get_send_error (a), concierge_message_get_send_error (b)) == 0 &&
         g_strcmp0 (concierge_message_get_content_warning (a), concierge_message_get_content_warning (b)) == 0 &&
         g_strcmp0 (concierge_message_get_personal_data (a), concierge_message_get_personal_data (b)) == 0 &&
         concierge_message_get_taken_down (a) == concierge_message_get_taken_down (b) &&
         g_strcmp0 (concierge_message_get_hidden_reason (a), concierge_message_get_hidden_reason (b)) == 0 &&
         g_strcmp0 (concierge_message_get_moderation_error (a), concierge_message_get_moderation_error (b)) == 0 &&
         concierge_message_get_deleted_at (a) == concierge_message_get_deleted_at (b) &&
         same_images (concierge_message_get_images (a), concierge_message_get_images (b)) &&
         g_strcmp0 (concierge_message_get_body (a), concierge_message_get_body (b)) == 0;
}
