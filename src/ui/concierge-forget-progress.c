/* concierge-forget-progress.c
 *
 * How far forgetting a customer is: the step in words, and a bar that
 * shows how much of it is done where the store can tell, or keeps moving
 * where it cannot. The customer panel shows it above whichever customer
 * the agent turned to meanwhile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-forget-progress.h"
#include "concierge-ui.h"

/* How often the bar moves while a step's fraction cannot be known */
#define PULSE_MS 120

struct _ConciergeForgetProgress
{
  GtkWidget       parent_instance;

  double          fraction; /* of the current step, or -1 */
  guint           pulse_id;

  /* Template widgets */
  GtkLabel       *heading;
  GtkProgressBar *bar;
  GtkLabel       *step_label;
};

G_DEFINE_FINAL_TYPE (ConciergeForgetProgress, concierge_forget_progress, GTK_TYPE_WIDGET)

static gboolean
pulse_cb (gpointer data)
{
  ConciergeForgetProgress *self = data;

  gtk_progress_bar_pulse (self->bar);
  return G_SOURCE_CONTINUE;
}

/* Only while it is on screen */
static void
update_pulse (ConciergeForgetProgress *self)
{
  if (self->fraction < 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (self->pulse_id == 0)
        {
          gtk_progress_bar_pulse (self->bar);
          self->pulse_id = g_timeout_add (PULSE_MS, pulse_cb, self);
        }
    }
  else
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static const char *
step_text (ConciergeEraseStep step)
{
  switch (step)
    {
    case CONCIERGE_ERASE_DELETING:
      return _("Deleting conversations…");
    case CONCIERGE_ERASE_INDEX:
      return _("Removing search entries…");
    case CONCIERGE_ERASE_FILE:
      return _("Cleaning up the cache file…");
    case CONCIERGE_ERASE_DONE:
    default:
      return _("Done");
    }
}

/**
 * concierge_forget_progress_start:
 * @name: the customer's name
 */
void
concierge_forget_progress_start (ConciergeForgetProgress *self,
                                 const char              *name)
{
  g_autofree char *heading = NULL;

  g_return_if_fail (CONCIERGE_IS_FORGET_PROGRESS (self));
  g_return_if_fail (name != NULL);

  /* Translators: %s is the customer's name */
  heading = g_strdup_printf (_("Forgetting %s"), name);
  gtk_label_set_text (self->heading, heading);
  /* A screen reader names the bar as a person reads the heading. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bar), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  concierge_forget_progress_set_step (self, CONCIERGE_ERASE_DELETING, -1);
}

/**
 * concierge_forget_progress_set_step:
 * @fraction: how much of @step is done, or -1 when it cannot be known
 */
void
concierge_forget_progress_set_step (ConciergeForgetProgress *self,
                                    ConciergeEraseStep       step,
                                    double                   fraction)
{
  const char *text = step_text (step);

  g_return_if_fail (CONCIERGE_IS_FORGET_PROGRESS (self));

  gtk_label_set_text (self->step_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bar), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  self->fraction = fraction;
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->bar, fraction);
  update_pulse (self);
}

static void
concierge_forget_progress_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (concierge_forget_progress_parent_class)->map (widget);
  update_pulse (CONCIERGE_FORGET_PROGRESS (widget));
}

static void
concierge_forget_progress_unmap (GtkWidget *widget)
{
  g_clear_handle_id (&CONCIERGE_FORGET_PROGRESS (widget)->pulse_id, g_source_remove);
  GTK_WIDGET_CLASS (concierge_forget_progress_parent_class)->unmap (widget);
}

static void
concierge_forget_progress_dispose (GObject *object)
{
  g_clear_handle_id (&CONCIERGE_FORGET_PROGRESS (object)->pulse_id, g_source_remove);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_FORGET_PROGRESS);

  G_OBJECT_CLASS (concierge_forget_progress_parent_class)->dispose (object);
}

static void
concierge_forget_progress_class_init (ConciergeForgetProgressClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_forget_progress_dispose;
  widget_class->map = concierge_forget_progress_map;
  widget_class->unmap = concierge_forget_progress_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-forget-progress.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeForgetProgress, heading);
  gtk_widget_class_bind_template_child (widget_class, ConciergeForgetProgress, bar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeForgetProgress, step_label);
}

static void
concierge_forget_progress_init (ConciergeForgetProgress *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->fraction = -1;
}
