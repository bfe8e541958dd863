/* concierge-move-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-channel.h"
#include "model/concierge-model.h"
#include "store/concierge-store.h"

G_BEGIN_DECLS

#define CONCIERGE_TYPE_MOVE_DIALOG (concierge_move_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeMoveDialog, concierge_move_dialog, CONCIERGE, MOVE_DIALOG, AdwMessageDialog)

/* What the account can do for this customer. */
typedef struct
{
  const char         *platform;     /* "Mastodon" */
  const char         *customer;     /* their name */
  const char         *kinds;        /* "IBAN, phone number", or NULL */
  guint               personal_data; /* the same kinds, one bit each */
  ConciergeLanguage   language;     /* the customer's, which the texts to them follow */
  ConciergeAddress    address;
  gboolean            reachable;    /* it may write to them privately */
  const char         *invitation;   /* where they start a private chat, or NULL */
  ConciergePostAction post_action;
  /* Why a post with personal data stays, where the account could remove
   * posts elsewhere. */
  ConciergeRemoval    removal;
  /* Where the private message is a private reply to the customer's post
   * (Facebook): what the platform allows for that post, and the public
   * reply is the agent's choice. */
  gboolean            replies_to_post;
  ConciergeMoveOptions options;
} ConciergeMovePlan;

ConciergeMoveDialog *concierge_move_dialog_new              (GtkWindow               *parent,
                                                             const ConciergeMovePlan *plan,
                                                             GSettings               *settings);
char                *concierge_move_dialog_dup_private_text (ConciergeMoveDialog     *self);
char                *concierge_move_dialog_dup_public_text  (ConciergeMoveDialog     *self);
ConciergePostAction  concierge_move_dialog_get_post_action  (ConciergeMoveDialog     *self);
const char          *concierge_move_dialog_describe_private_reply (const ConciergeMovePlan *plan);

G_END_DECLS
