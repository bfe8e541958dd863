/* concierge-thread-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-business-hours.h"
#include "concierge-thread-row.h"

struct _ConciergeThreadRow
{
  GtkWidget  parent_instance;

  GtkWidget *content;
  AdwAvatar *avatar;
  GtkLabel  *name_label;
  GtkLabel  *time_label;
  GtkImage  *waiting_image;
  GtkLabel  *visibility_label;
  GtkWidget *personal_data_badge;
  GtkImage  *platform_image;
  GtkLabel  *platform_label;
  GtkLabel  *reply_window_label;
  GtkWidget *unread_image;
  GtkLabel  *snippet_label;

  ConciergeThread *thread;
  gulong     changed_id;
  guint      reply_window;   /* the platform's, in seconds; 0 for none */

  guint      loaded : 1;
};

G_DEFINE_FINAL_TYPE (ConciergeThreadRow, concierge_thread_row, GTK_TYPE_WIDGET)

/* Restyling is the costly part of rebinding a row while scrolling, so a
 * class is only touched when it changes. */
static void
set_css_class (GtkWidget  *widget,
               const char *css_class,
               gboolean    enabled)
{
  if (gtk_widget_has_css_class (widget, css_class) == enabled)
    return;

  if (enabled)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* A row shows one line of the snippet. Shaping only what fits keeps
 * scrolling through a large inbox smooth. */
#define SNIPPET_CHARS 64

static void
set_snippet (GtkLabel   *label,
             const char *snippet)
{
  const char *end;

  if (g_utf8_strlen (snippet, SNIPPET_CHARS + 1) <= SNIPPET_CHARS)
    {
      gtk_label_set_text (label, snippet);
      return;
    }

  end = g_utf8_offset_to_pointer (snippet, SNIPPET_CHARS);
  {
    g_autofree char *shown = g_strndup (snippet, end - snippet);

    gtk_label_set_text (label, shown);
  }
}

/* The waiting time in business time, and where it stands against the
 * target, in words, with an icon and a colour: colour is never the only
 * sign. */
static char *
show_waiting (ConciergeThreadRow      *self,
              const ConciergeRowFacts *facts,
              gint64                   now,
              const char             **state_text)
{
  const char *icon = NULL;
  gint64 waited;
  ConciergeWaitingState state = concierge_row_facts_waiting_state (facts, now, &waited);

  *state_text = NULL;
  switch (state)
    {
    case CONCIERGE_WAITING_WARNING:
      icon = "appointment-soon-symbolic";
      *state_text = _("due soon");
      break;
    case CONCIERGE_WAITING_BREACHED:
      icon = "appointment-missed-symbolic";
      *state_text = _("overdue");
      break;
    case CONCIERGE_WAITING_NORMAL:
    default:
      break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->waiting_image), icon != NULL);
  if (icon != NULL)
    gtk_image_set_from_icon_name (self->waiting_image, icon);
  set_css_class (GTK_WIDGET (self->time_label), "waiting-warning", state == CONCIERGE_WAITING_WARNING);
  set_css_class (GTK_WIDGET (self->waiting_image), "waiting-warning", state == CONCIERGE_WAITING_WARNING);
  set_css_class (GTK_WIDGET (self->time_label), "waiting-breached", state == CONCIERGE_WAITING_BREACHED);
  set_css_class (GTK_WIDGET (self->waiting_image), "waiting-breached", state == CONCIERGE_WAITING_BREACHED);

  return concierge_format_waiting (waited);
}

static void
update (ConciergeThreadRow *self,
        gint64              now)
{
  const char *state_text = NULL;
  g_autofree char *reply_window = NULL;
  ConciergeThread *thread = self->thread;
  ConciergeRowFacts *facts = concierge_thread_get_row_facts (thread);
  g_autofree char *time = NULL;
  g_autofree char *accessible = NULL;
  const char *name, *visibility, *platform, *personal_data;
  gboolean is_public;
  gint64 waiting_since;

  /* A row still loading keeps whatever it showed, unseen: emptying every
   * label only to fill it again a moment later would lay the row out
   * twice, and that is most of the cost of a scrolled frame. A thread
   * comes with its row's facts once the store read it for the inbox. */
  self->loaded = !concierge_thread_is_placeholder (thread) && facts != NULL;
  gtk_widget_set_opacity (self->content, self->loaded ? 1.0 : 0.0);
  if (!self->loaded)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Loading…"), -1);
      return;
    }

  name = facts->name;
  personal_data = facts->personal_data;
  is_public = concierge_thread_get_visibility (thread) == CONCIERGE_VISIBILITY_PUBLIC;
  visibility = is_public ? _("Public") : _("Private");
  platform = concierge_platform_name (concierge_thread_get_platform (thread));
  waiting_since = concierge_thread_get_waiting_since (thread);

  /* Setting an avatar's text restyles it; rows are rebound with the same
   * customer often while scrolling. */
  if (g_strcmp0 (adw_avatar_get_text (self->avatar), name) != 0)
    adw_avatar_set_text (self->avatar, name);
  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->visibility_label, visibility);
  set_css_class (GTK_WIDGET (self->visibility_label), "public", is_public);
  set_css_class (GTK_WIDGET (self->visibility_label), "private", !is_public);
  gtk_widget_set_visible (self->personal_data_badge, personal_data != NULL);
  gtk_label_set_text (self->platform_label, platform);
  gtk_image_set_from_icon_name (self->platform_image,
                                concierge_platform_icon_name (concierge_thread_get_platform (thread)));
  set_snippet (self->snippet_label, concierge_thread_get_snippet (thread));
  gtk_widget_set_visible (self->unread_image, concierge_thread_get_unread (thread));

  if (waiting_since != 0)
    time = show_waiting (self, facts, now, &state_text);
  else
    {
      time = concierge_format_time (concierge_thread_get_last_activity_at (thread), now);
      gtk_widget_set_visible (GTK_WIDGET (self->waiting_image), FALSE);
      set_css_class (GTK_WIDGET (self->time_label), "waiting-warning", FALSE);
      set_css_class (GTK_WIDGET (self->time_label), "waiting-breached", FALSE);
    }
  gtk_label_set_text (self->time_label, time);
  set_css_class (GTK_WIDGET (self->time_label), "dim-label", waiting_since == 0);

  /* GtkListView rows have no name of their own in GTK 4.8. */
  if (waiting_since != 0 && state_text != NULL)
    /* Translators: a row's accessible name: customer, public or private,
     * platform, waiting time, "due soon" or "overdue", message snippet */
    accessible = g_strdup_printf (_("%s, %s on %s, waiting %s, %s: %s"), name, visibility, platform,
                                  time, state_text, concierge_thread_get_snippet (thread));
  else if (waiting_since != 0)
    /* Translators: a row's accessible name: customer, public or private,
     * platform, waiting time, message snippet */
    accessible = g_strdup_printf (_("%s, %s on %s, waiting %s: %s"), name, visibility, platform,
                                  time, concierge_thread_get_snippet (thread));
  else
    /* Translators: a row's accessible name: customer, public or private,
     * platform, message snippet */
    accessible = g_strdup_printf (_("%s, %s on %s: %s"), name, visibility, platform,
                                  concierge_thread_get_snippet (thread));
  if (personal_data != NULL)
    {
      /* Translators: added to a row's accessible name: %s is the row's name, then the kinds of
       * personal data found, as in "IBAN, phone number" */
      g_autofree char *flagged = g_strdup_printf (_("%s (personal data in public: %s)"), accessible, personal_data);

      g_free (accessible);
      accessible = g_steal_pointer (&flagged);
    }
  reply_window = concierge_describe_reply_window (self->reply_window, concierge_thread_get_last_incoming_at (thread),
                                                  now);
  gtk_widget_set_visible (GTK_WIDGET (self->reply_window_label), reply_window != NULL);
  if (reply_window != NULL)
    {
      /* Translators: added to a row's accessible name: %s is the row's name, then how long the platform
       * still takes replies, as in "3 h left to reply" */
      g_autofree char *with_window = g_strdup_printf (_("%s (%s)"), accessible, reply_window);

      gtk_label_set_text (self->reply_window_label, reply_window);
      g_free (accessible);
      accessible = g_steal_pointer (&with_window);
    }
  if (concierge_thread_get_unread (thread))
    {
      /* Translators: added to a row's accessible name when it has unread messages */
      g_autofree char *unread = g_strdup_printf (_("%s (unread)"), accessible);

      g_free (accessible);
      accessible = g_steal_pointer (&unread);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

/* A row that finished loading, or whose thread changed, updates itself:
 * the inbox fills in the same object, so the list keeps this widget. */
static void
thread_changed_cb (ConciergeThreadRow *self)
{
  update (self, g_get_real_time () / G_USEC_PER_SEC);
}

/**
 * concierge_thread_row_set_reply_window:
 * @seconds: how long the thread's platform takes replies after the
 *   customer's last message; 0 for no limit
 */
void
concierge_thread_row_set_reply_window (ConciergeThreadRow *self,
                                       guint               seconds)
{
  g_return_if_fail (CONCIERGE_IS_THREAD_ROW (self));

  self->reply_window = seconds;
}

/**
 * concierge_thread_row_set_thread:
 * @now: the time waiting times are counted to, in Unix seconds
 *
 * Shows @thread, and follows its ConciergeThread::changed from now on.
 */
void
concierge_thread_row_set_thread (ConciergeThreadRow *self,
                                 ConciergeThread    *thread,
                                 gint64              now)
{
  g_return_if_fail (CONCIERGE_IS_THREAD_ROW (self));
  g_return_if_fail (CONCIERGE_IS_THREAD (thread));

  if (thread != self->thread)
    {
      g_clear_signal_handler (&self->changed_id, self->thread);
      g_set_object (&self->thread, thread);
      self->changed_id = g_signal_connect_swapped (thread, "changed", G_CALLBACK (thread_changed_cb), self);
    }

  update (self, now);
}

static void
concierge_thread_row_dispose (GObject *object)
{
  ConciergeThreadRow *self = CONCIERGE_THREAD_ROW (object);

  g_clear_signal_handler (&self->changed_id, self->thread);
  g_clear_object (&self->thread);

  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_THREAD_ROW);

  G_OBJECT_CLASS (concierge_thread_row_parent_class)->dispose (object);
}

static void
concierge_thread_row_class_init (ConciergeThreadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = concierge_thread_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-thread-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, content);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, waiting_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, reply_window_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, visibility_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, personal_data_badge);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, platform_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, platform_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, unread_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeThreadRow, snippet_label);
}

static void
concierge_thread_row_init (ConciergeThreadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * concierge_thread_row_is_loaded:
 *
 * Returns: whether the row shows a thread rather than waiting for its page
 */
gboolean
concierge_thread_row_is_loaded (ConciergeThreadRow *self)
{
  g_return_val_if_fail (CONCIERGE_IS_THREAD_ROW (self), FALSE);

  return self->loaded;
}

GtkWidget *
concierge_thread_row_new (void)
{
  return g_object_new (CONCIERGE_TYPE_THREAD_ROW, NULL);
}
