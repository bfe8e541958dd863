/* concierge-saved-reply-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_SAVED_REPLY_DIALOG (concierge_saved_reply_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeSavedReplyDialog, concierge_saved_reply_dialog, CONCIERGE, SAVED_REPLY_DIALOG,
                      AdwMessageDialog)

ConciergeSavedReplyDialog *concierge_saved_reply_dialog_new       (GtkWindow                 *parent,
                                                                   ConciergeSavedReply       *reply);
ConciergeSavedReply       *concierge_saved_reply_dialog_get_reply (ConciergeSavedReplyDialog *self);

G_END_DECLS
