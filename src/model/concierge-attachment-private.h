/* concierge-attachment-private.h
 *
 * An attachment's fields, for the store that reads and writes them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-attachment.h"

G_BEGIN_DECLS

struct _ConciergeAttachment
{
  GObject                 parent_instance;
  gint64                  id;
  ConciergeAttachmentKind kind;
  char                   *source;      /* the platform's reference to it */
  char                   *name;
  char                   *mime_type;
  gint64                  size;
  gint64                  duration;
  gboolean                cached;
  gboolean                failed;      /* its download failed too often */
};

G_END_DECLS
