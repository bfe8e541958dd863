/* concierge-move-progress.c
 *
 * Where each step of a move to private stands, with Retry on the step that
 * failed. The buttons activate the conversation's actions
 * conversation.retry-move, conversation.move-publicly and
 * conversation.open-private.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-move-progress.h"
#include "concierge-ui.h"

struct _ConciergeMoveProgress
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkLabel     *heading;
  AdwActionRow *rows[CONCIERGE_MOVE_N_STEPS];
  GtkImage     *icons[CONCIERGE_MOVE_N_STEPS];
  GtkButton    *retry_buttons[CONCIERGE_MOVE_N_STEPS];
  GtkButton    *publicly_button;
  AdwActionRow *private_row;
};

G_DEFINE_FINAL_TYPE (ConciergeMoveProgress, concierge_move_progress, GTK_TYPE_WIDGET)

static const char *
step_title (ConciergeMoveStep    step,
            ConciergePostAction  post_action)
{
  switch (step)
    {
    case CONCIERGE_MOVE_PRIVATE_MESSAGE:
      return _("1. Private message to the customer");
    case CONCIERGE_MOVE_PUBLIC_REPLY:
      return _("2. Public reply");
    case CONCIERGE_MOVE_POST:
    case CONCIERGE_MOVE_N_STEPS:
    default:
      return post_action == CONCIERGE_POST_HIDE ? _("3. Hide the post")
                                                : _("3. Remove the post from the group");
    }
}

/* In words and with an icon: colour is never the only sign. */
static void
show_step (ConciergeMoveProgress *self,
           const ConciergeMove   *move,
           ConciergeMoveStep      step)
{
  const char *error = move->errors[step];
  g_autofree char *subtitle = NULL;
  const char *icon = NULL;
  const char *button = NULL;
  gboolean earlier_open = FALSE;

  for (guint k = 0; k < step; k++)
    earlier_open |= move->states[k] != CONCIERGE_STEP_NONE && move->states[k] != CONCIERGE_STEP_DONE;

  switch (move->states[step])
    {
    case CONCIERGE_STEP_WAITING:
      if (earlier_open)
        subtitle = g_strdup (_("Waits for the step before"));
      else if (error != NULL)
        /* Translators: %s says why the last attempt failed */
        subtitle = g_strdup_printf (_("Not done yet: %s Concierge tries again."), error);
      else
        subtitle = g_strdup (_("Waiting to be sent"));
      icon = "content-loading-symbolic";
      break;
    case CONCIERGE_STEP_SENDING:
      subtitle = g_strdup (_("In progress…"));
      icon = "emblem-synchronizing-symbolic";
      break;
    case CONCIERGE_STEP_DONE:
      subtitle = g_strdup (_("Done"));
      icon = "emblem-ok-symbolic";
      break;
    case CONCIERGE_STEP_FAILED:
      /* Translators: %s says why the step failed */
      subtitle = g_strdup_printf (_("Failed: %s"), error ? error : "");
      icon = "dialog-error-symbolic";
      button = _("_Retry");
      break;
    case CONCIERGE_STEP_UNKNOWN:
      /* Translators: %s says why Concierge cannot tell */
      subtitle = g_strdup_printf (_("Delivery unknown: %s Check the conversation on the platform before you send "
                                    "it again."), error ? error : "");
      icon = "dialog-question-symbolic";
      button = _("Send _Again");
      break;
    case CONCIERGE_STEP_NONE:
    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->rows[step]), subtitle != NULL);
  if (subtitle == NULL)
    return;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[step]), step_title (step, move->post_action));
  adw_action_row_set_subtitle (self->rows[step], subtitle);
  gtk_image_set_from_icon_name (self->icons[step], icon);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_buttons[step]), button != NULL);
  if (button != NULL)
    gtk_button_set_label (self->retry_buttons[step], button);
}

/**
 * concierge_move_progress_set_move:
 * @platform: where the conversation is, as in "Telegram"
 * @shown_thread_id: the thread the progress shows in, which it does not
 *   offer to open
 */
void
concierge_move_progress_set_move (ConciergeMoveProgress *self,
                                  const ConciergeMove   *move,
                                  const char            *platform,
                                  gint64                 shown_thread_id)
{
  g_return_if_fail (CONCIERGE_IS_MOVE_PROGRESS (self));
  g_return_if_fail (move != NULL);

  if (move->states[CONCIERGE_MOVE_PRIVATE_MESSAGE] == CONCIERGE_STEP_NONE)
    gtk_label_set_text (self->heading, concierge_move_is_done (move) ? _("Asked the customer to write privately")
                                                                     : _("Asking the customer to write privately"));
  else
    gtk_label_set_text (self->heading, concierge_move_is_done (move) ? _("Moved to a private conversation")
                                                                     : _("Moving to a private conversation"));
  for (guint k = 0; k < CONCIERGE_MOVE_N_STEPS; k++)
    show_step (self, move, k);

  /* The post stays where it is, and the agent knows it. */
  if (move->post_action == CONCIERGE_POST_KEEP)
    {
      /* Translators: %s is a platform, like Mastodon */
      g_autofree char *kept = g_strdup_printf (_("The post stays visible: %s does not let Concierge hide it"),
                                               platform);

      gtk_widget_set_visible (GTK_WIDGET (self->rows[CONCIERGE_MOVE_POST]), TRUE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[CONCIERGE_MOVE_POST]), _("3. The post"));
      adw_action_row_set_subtitle (self->rows[CONCIERGE_MOVE_POST], kept);
      gtk_image_set_from_icon_name (self->icons[CONCIERGE_MOVE_POST], "dialog-information-symbolic");
      gtk_widget_set_visible (GTK_WIDGET (self->retry_buttons[CONCIERGE_MOVE_POST]), FALSE);
    }

  /* A private message the platform refused may be the customer's choice:
   * then the public reply asks them to write privately. */
  gtk_widget_set_visible (GTK_WIDGET (self->publicly_button),
                          move->states[CONCIERGE_MOVE_PRIVATE_MESSAGE] == CONCIERGE_STEP_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->private_row),
                          move->private_thread_id != 0 && move->private_thread_id != shown_thread_id);
}

static void
concierge_move_progress_dispose (GObject *object)
{
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_MOVE_PROGRESS);

  G_OBJECT_CLASS (concierge_move_progress_parent_class)->dispose (object);
}

static void
concierge_move_progress_class_init (ConciergeMoveProgressClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_move_progress_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-move-progress.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveProgress, heading);
  gtk_widget_class_bind_template_child_full (widget_class, "private_message_row", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, rows[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "public_reply_row", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, rows[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "post_row", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, rows[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "private_message_icon", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, icons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "public_reply_icon", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, icons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "post_icon", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, icons[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "private_message_retry", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, retry_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "public_reply_retry", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, retry_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "post_retry", FALSE,
                                             G_STRUCT_OFFSET (ConciergeMoveProgress, retry_buttons[2]));
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveProgress, publicly_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMoveProgress, private_row);
}

static void
concierge_move_progress_init (ConciergeMoveProgress *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
