/* concierge-move-dialog.c
 *
 * The preview before a public conversation moves to a private one: the
 * private message and the public reply, both editable, and what happens
 * to the customer's post. The defaults hold no personal data; the public
 * reply is checked again as the agent edits it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-customer-texts.h"
#include "privacy/concierge-detector.h"
#include "concierge-move-dialog.h"
#include "concierge-ui.h"

struct _ConciergeMoveDialog
{
  AdwMessageDialog    parent_instance;

  ConciergeDetector  *detector;
  ConciergePostAction post_action;
  gboolean            reachable;

  /* Template widgets */
  GtkWidget          *private_box;
  GtkLabel           *private_heading;
  GtkTextView        *private_text;
  GtkTextView        *public_text;
  GtkLabel           *public_error;
  GtkLabel           *post_label;
  GtkLabel           *path_label;
  GtkLabel           *private_reply_label;
  GtkSwitch          *public_check;
  GtkWidget          *public_switch_box;
  GtkWidget          *public_box;
};

G_DEFINE_FINAL_TYPE (ConciergeMoveDialog, concierge_move_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* Both texts must say something, and the public one nothing personal. */
static void
texts_changed_cb (ConciergeMoveDialog *self)
{
  g_autofree char *private_text = concierge_text_view_dup_text (self->private_text);
  g_autofree char *public_text = concierge_text_view_dup_text (self->public_text);
  g_autoptr(GArray) findings = concierge_detector_scan (self->detector, public_text);
  g_autofree char *kinds = NULL;
  gboolean answers_publicly = gtk_switch_get_active (self->public_check);

  gtk_widget_set_sensitive (self->public_box, answers_publicly);
  if (answers_publicly)
    kinds = concierge_detector_describe (findings);
  if (kinds != NULL)
    {
      /* Translators: %s is the kinds of personal data, as in "IBAN, phone number" */
      g_autofree char *text = g_strdup_printf (_("The public reply contains personal data: %s. Remove it "
                                                 "before the conversation moves."), kinds);

      gtk_label_set_text (self->public_error, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->public_error), kinds != NULL);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "move",
                                           kinds == NULL && (!answers_publicly || public_text[0] != '\0') &&
                                           (!self->reachable || private_text[0] != '\0'));
}

/**
 * concierge_move_dialog_describe_private_reply:
 *
 * Returns: (nullable): why the platform allows no private reply to the
 *   customer's post, or %NULL where it does or has none
 */
const char *
concierge_move_dialog_describe_private_reply (const ConciergeMovePlan *plan)
{
  if (!plan->replies_to_post)
    return NULL;
  switch (plan->options.private_reply)
    {
    case CONCIERGE_MOVE_CAN:
      return NULL;
    case CONCIERGE_MOVE_TOO_OLD:
      return _("No private reply: the comment is older than 7 days, and Facebook allows a private reply only "
               "within 7 days of a comment.");
    case CONCIERGE_MOVE_DONE_BEFORE:
      return _("No private reply: this comment has had its private reply already, and Facebook allows only "
               "one per comment.");
    case CONCIERGE_MOVE_CANNOT:
    default:
      return _("No private reply: Facebook allows none to this comment, for example because another page "
               "wrote it.");
    }
}

static char *
describe_post (const ConciergeMovePlan *plan)
{
  if (plan->replies_to_post && plan->kinds != NULL && plan->options.hide != CONCIERGE_MOVE_CAN)
    return g_strdup (_("Facebook does not let the page hide this comment, for example because the page or one of "
                       "its admins wrote it, or it is under a visitor’s post. It stays visible until its author "
                       "deletes it."));
  if (plan->replies_to_post && plan->post_action == CONCIERGE_POST_HIDE)
    return g_strdup (_("Then Concierge hides the comment, with “personal data” as the reason in the audit log. Its "
                       "author and their friends still see it."));
  switch (plan->post_action)
    {
    case CONCIERGE_POST_HIDE:
      return g_strdup (_("Then Concierge hides the customer’s post, with “personal data” as the reason in the "
                         "audit log."));
    case CONCIERGE_POST_REMOVE:
      return g_strdup (_("Then Concierge removes the customer’s message from the group, with “personal data” as "
                         "the reason in the audit log. This works where the bot is an administrator of the group "
                         "who may delete messages, within 48 hours of the message."));
    case CONCIERGE_POST_KEEP:
    default:
      if (plan->kinds == NULL)
        return g_strdup (_("The customer’s post stays as it is: it holds no personal data."));
      if (plan->removal == CONCIERGE_REMOVAL_NOT_PERMITTED)
        return g_strdup (_("The bot is not an administrator of this group who may delete messages, so the "
                           "customer’s message cannot be removed. Ask an administrator of the group to remove "
                           "it."));
      if (plan->removal == CONCIERGE_REMOVAL_TOO_OLD)
        return g_strdup (_("The customer’s message is older than 48 hours, so the bot can no longer remove it. "
                           "Ask an administrator of the group to remove it."));
      if (plan->reachable)
        /* Translators: %s is a platform, like Mastodon */
        return g_strdup_printf (_("%s does not let Concierge hide or remove the customer’s post, so it stays "
                                  "visible. The private message suggests that they delete it."), plan->platform);
      /* Translators: %s is a platform, like Mastodon */
      return g_strdup_printf (_("%s does not let Concierge hide or remove the customer’s post, so it stays "
                                "visible until they delete it."), plan->platform);
    }
}

/* The texts the customer reads are in their language and form of
 * address, not the agent's. */
static char *
default_private_text (const ConciergeMovePlan *plan)
{
  g_autofree char *kinds = concierge_detector_describe_kinds_for_customer (plan->personal_data, plan->language);

  return concierge_customer_text_dup (kinds ? CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING_DATA
                                            : CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING,
                                      plan->language, plan->address, kinds);
}

static char *
default_public_text (const ConciergeMovePlan *plan)
{
  ConciergeCustomerText text = CONCIERGE_CUSTOMER_TEXT_PUBLIC_WRITE_PRIVATELY;

  if (plan->reachable)
    text = CONCIERGE_CUSTOMER_TEXT_PUBLIC_SENT_PRIVATELY;
  else if (plan->invitation != NULL)
    text = CONCIERGE_CUSTOMER_TEXT_PUBLIC_INVITATION;
  return concierge_customer_text_dup (text, plan->language, plan->address, plan->invitation);
}

/**
 * concierge_move_dialog_new:
 * @settings: the company's own data, which the check of the public reply
 *   allows
 */
ConciergeMoveDialog *
concierge_move_dialog_new (GtkWindow               *parent,
                           const ConciergeMovePlan *plan,
                           GSettings               *settings)
{
  ConciergeMoveDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *post = NULL;
  g_autofree char *private_text = NULL;
  g_autofree char *public_text = NULL;

  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_MOVE_DIALOG, "transient-for", parent, NULL);
  self->detector = concierge_detector_new_for_settings (settings);
  self->post_action = plan->post_action;
  self->reachable = plan->reachable;

  /* Translators: %s is the customer's name */
  heading = g_strdup_printf (_("Private message to %s"), plan->customer);
  gtk_label_set_text (self->private_heading, heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                               plan->reachable && plan->replies_to_post
                               ? _("Concierge answers the comment with a private reply in Messenger, and in public "
                                   "too if you want, without any personal data. You can change the texts.")
                               : plan->reachable
                               ? _("Concierge first writes to the customer privately, then answers the post in "
                                   "public, without any personal data. You can change both texts.")
                               : _("Concierge answers the post in public, without any personal data, and asks the "
                                   "customer to write privately. You can change the text."));
  gtk_widget_set_visible (self->private_box, plan->reachable);
  /* Only a private reply lets the public answer go. */
  gtk_widget_set_visible (self->public_switch_box, plan->reachable && plan->replies_to_post);
  if (plan->reachable && plan->replies_to_post)
    {
      g_autofree char *until = concierge_format_date_time (plan->options.private_reply_until);
      /* Translators: %s is a date and time */
      g_autofree char *text = plan->options.private_reply_until != 0
                              ? g_strdup_printf (_("Facebook allows one private reply to this comment, until %s. "
                                                   "It opens a conversation in Messenger."), until)
                              : g_strdup (_("Facebook allows one private reply to this comment. It opens a "
                                            "conversation in Messenger."));

      gtk_label_set_text (self->private_reply_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->private_reply_label), plan->reachable && plan->replies_to_post);
  if (!plan->reachable && plan->replies_to_post)
    {
      /* Translators: the first %s is why there is no private reply */
      g_autofree char *path = g_strdup_printf (_("%s The public reply asks the customer to write privately "
                                                 "instead."), concierge_move_dialog_describe_private_reply (plan));

      gtk_label_set_text (self->path_label, path);
    }
  else if (!plan->reachable)
    {
      /* Translators: %s is the customer's name, then a platform */
      g_autofree char *path = g_strdup_printf (_("%s has not written to this account privately, and on %s it "
                                                 "cannot write to them first. The public reply asks them to "
                                                 "write privately instead."), plan->customer, plan->platform);

      gtk_label_set_text (self->path_label, path);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->path_label), !plan->reachable);

  private_text = default_private_text (plan);
  public_text = default_public_text (plan);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->private_text), private_text, -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->public_text), public_text, -1);
  post = describe_post (plan);
  gtk_label_set_text (self->post_label, post);

  texts_changed_cb (self);
  return self;
}

/**
 * concierge_move_dialog_dup_private_text:
 *
 * Returns: (transfer full) (nullable): the private message, or %NULL where
 *   the account cannot write to the customer privately
 */
char *
concierge_move_dialog_dup_private_text (ConciergeMoveDialog *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MOVE_DIALOG (self), NULL);

  return self->reachable ? concierge_text_view_dup_text (self->private_text) : NULL;
}

/**
 * concierge_move_dialog_dup_public_text:
 *
 * Returns: (transfer full) (nullable): the public reply, or %NULL where
 *   the agent answers only privately
 */
char *
concierge_move_dialog_dup_public_text (ConciergeMoveDialog *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MOVE_DIALOG (self), NULL);

  if (!gtk_switch_get_active (self->public_check))
    return NULL;
  return concierge_text_view_dup_text (self->public_text);
}

ConciergePostAction
concierge_move_dialog_get_post_action (ConciergeMoveDialog *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MOVE_DIALOG (self), CONCIERGE_POST_KEEP);

  return self->post_action;
}

static void
concierge_move_dialog_dispose (GObject *object)
{
  ConciergeMoveDialog *self = CONCIERGE_MOVE_DIALOG (object);

  g_clear_object (&self->detector);

  G_OBJECT_CLASS (concierge_move_dialog_parent_class)->dispose (object);
}

static void
concierge_move_dialog_class_init (ConciergeMoveDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_move_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-move-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, private_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, private_heading);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, private_text);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, public_text);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, public_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, post_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, path_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, private_reply_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, public_check);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, public_switch_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveDialog, public_box);
}

static void
concierge_move_dialog_init (ConciergeMoveDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (gtk_text_view_get_buffer (self->private_text), "changed",
                           G_CALLBACK (texts_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->public_text), "changed",
                           G_CALLBACK (texts_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->public_check, "notify::active", G_CALLBACK (texts_changed_cb), self,
                           G_CONNECT_SWAPPED);
}
