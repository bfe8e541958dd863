/* concierge-attachment.c
 *
 * A file a message brings, with what the platform said of it; the cache
 * keeps the bytes of those small enough to read offline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-attachment-private.h"

G_DEFINE_FINAL_TYPE (ConciergeAttachment, concierge_attachment, G_TYPE_OBJECT)

/* As the store writes them; never translated. */
static const char * const kind_names[] = {
  [CONCIERGE_ATTACHMENT_DOCUMENT] = "document",
  [CONCIERGE_ATTACHMENT_VOICE] = "voice",
  [CONCIERGE_ATTACHMENT_AUDIO] = "audio",
  [CONCIERGE_ATTACHMENT_VIDEO] = "video",
  [CONCIERGE_ATTACHMENT_VIDEO_NOTE] = "video_note",
  [CONCIERGE_ATTACHMENT_STICKER] = "sticker",
};

static void
concierge_attachment_finalize (GObject *object)
{
  ConciergeAttachment *self = CONCIERGE_ATTACHMENT (object);

  g_free (self->source);
  g_free (self->name);
  g_free (self->mime_type);

  G_OBJECT_CLASS (concierge_attachment_parent_class)->finalize (object);
}

static void
concierge_attachment_class_init (ConciergeAttachmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_attachment_finalize;
}

static void
concierge_attachment_init (ConciergeAttachment *self)
{
}

/**
 * concierge_attachment_new:
 * @source: the platform's reference to the file, such as a file id
 * @name: (nullable): the file's name, if it has one
 * @mime_type: (nullable): its type as the platform said
 * @size: in bytes, or 0 when unknown
 * @duration: in seconds, or 0
 */
ConciergeAttachment *
concierge_attachment_new (ConciergeAttachmentKind  kind,
                          const char              *source,
                          const char              *name,
                          const char              *mime_type,
                          gint64                   size,
                          gint64                   duration)
{
  ConciergeAttachment *self;

  g_return_val_if_fail (source != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_ATTACHMENT, NULL);
  self->kind = kind;
  self->source = g_strdup (source);
  self->name = g_strdup (name ? name : "");
  self->mime_type = g_strdup (mime_type ? mime_type : "");
  self->size = MAX (size, 0);
  self->duration = MAX (duration, 0);
  return self;
}

/* The store's id, once it keeps the attachment. */
gint64 concierge_attachment_get_id (ConciergeAttachment *self) { return self->id; }
ConciergeAttachmentKind concierge_attachment_get_kind (ConciergeAttachment *self) { return self->kind; }
const char *concierge_attachment_get_source (ConciergeAttachment *self) { return self->source; }
/* Empty for none. */
const char *concierge_attachment_get_name (ConciergeAttachment *self) { return self->name; }
const char *concierge_attachment_get_mime_type (ConciergeAttachment *self) { return self->mime_type; }
gint64 concierge_attachment_get_size (ConciergeAttachment *self) { return self->size; }
gint64 concierge_attachment_get_duration (ConciergeAttachment *self) { return self->duration; }
/* Whether the cache holds its bytes for offline reading. */
gboolean concierge_attachment_is_cached (ConciergeAttachment *self) { return self->cached; }
/* Whether its download failed too often to be tried again. */
gboolean concierge_attachment_has_failed (ConciergeAttachment *self) { return self->failed; }

const char *
concierge_attachment_kind_to_string (ConciergeAttachmentKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), "document");

  return kind_names[kind];
}

gboolean
concierge_attachment_kind_from_string (const char              *string,
                                       ConciergeAttachmentKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (string, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}
