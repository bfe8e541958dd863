/* concierge-attachment.h
 *
 * A file a message brings: a document, a voice message, audio, video or a
 * sticker, kept as what it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CONCIERGE_ATTACHMENT_DOCUMENT,
  CONCIERGE_ATTACHMENT_VOICE,
  CONCIERGE_ATTACHMENT_AUDIO,
  CONCIERGE_ATTACHMENT_VIDEO,
  CONCIERGE_ATTACHMENT_VIDEO_NOTE,
  CONCIERGE_ATTACHMENT_STICKER,
} ConciergeAttachmentKind;

#define CONCIERGE_TYPE_ATTACHMENT (concierge_attachment_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeAttachment, concierge_attachment, CONCIERGE, ATTACHMENT, GObject)

ConciergeAttachment    *concierge_attachment_new          (ConciergeAttachmentKind  kind,
                                                           const char              *source,
                                                           const char              *name,
                                                           const char              *mime_type,
                                                           gint64                   size,
                                                           gint64                   duration);
gint64                  concierge_attachment_get_id       (ConciergeAttachment *self);
ConciergeAttachmentKind concierge_attachment_get_kind     (ConciergeAttachment *self);
const char             *concierge_attachment_get_source   (ConciergeAttachment *self);
const char             *concierge_attachment_get_name     (ConciergeAttachment *self);
const char             *concierge_attachment_get_mime_type (ConciergeAttachment *self);
gint64                  concierge_attachment_get_size     (ConciergeAttachment *self);
gint64                  concierge_attachment_get_duration (ConciergeAttachment *self);
gboolean                concierge_attachment_is_cached    (ConciergeAttachment *self);
gboolean                concierge_attachment_has_failed   (ConciergeAttachment *self);

const char             *concierge_attachment_kind_to_string   (ConciergeAttachmentKind kind);
gboolean                concierge_attachment_kind_from_string (const char              *string,
                                                               ConciergeAttachmentKind *kind);

G_END_DECLS
