/* concierge-history-row.c
 *
 * A conversation in the customer panel's history of every channel: what
 * was last written, its status, platform and time, whether it is public,
 * and whether it is a complaint. Rows are updated in place as the
 * customer's conversations change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-history-row.h"
#include "concierge-ui.h"

static const char *
status_name (ConciergeThreadStatus status)
{
  switch (status)
    {
    case CONCIERGE_THREAD_OPEN:
      return C_("conversation status", "Open");
    case CONCIERGE_THREAD_PENDING:
      return C_("conversation status", "Waiting for the customer");
    case CONCIERGE_THREAD_SNOOZED:
      return C_("conversation status", "Snoozed");
    case CONCIERGE_THREAD_RESOLVED:
      return C_("conversation status", "Resolved");
    default:
      return "";
    }
}

static GtkWidget *
badge_new (const char *text,
           const char *style)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_add_css_class (badge, "visibility-badge");
  gtk_widget_add_css_class (badge, style);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  return badge;
}

/**
 * concierge_history_row_mark_open:
 * @open_thread_id: the conversation open beside the panel, or 0
 *
 * The open conversation is marked, and needs no opening. Marking it in
 * place rather than filling the list anew keeps the row the agent just
 * clicked, and the focus on it.
 */
void
concierge_history_row_mark_open (GtkWidget *row,
                                 gint64     open_thread_id)
{
  GVariant *target;
  gboolean open;

  g_return_if_fail (GTK_IS_LIST_BOX_ROW (row));

  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));
  open = target != NULL && g_variant_get_int64 (target) == open_thread_id;

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "subtitle-label"),
                      g_object_get_data (G_OBJECT (row), open ? "open-subtitle" : "subtitle"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), !open);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), open ? NULL : "win.show-thread");
}

/**
 * concierge_history_row_new:
 *
 * Lighter than an AdwActionRow, which matters in a history of hundreds:
 * a title, a line under it, and the badges.
 *
 * Returns: a row to fill with concierge_history_row_update()
 */
GtkWidget *
concierge_history_row_new (void)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *badges = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *visibility = badge_new ("", "public");
  GtkWidget *complaint = badge_new (_("Complaint"), "personal-data");

  gtk_widget_add_css_class (row, "panel-row");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), subtitle);
  gtk_box_append (GTK_BOX (badges), visibility);
  gtk_box_append (GTK_BOX (badges), complaint);
  gtk_widget_set_valign (badges, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), badges);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data (G_OBJECT (row), "title", title);
  g_object_set_data (G_OBJECT (row), "subtitle-label", subtitle);
  g_object_set_data (G_OBJECT (row), "visibility", visibility);
  g_object_set_data (G_OBJECT (row), "complaint", complaint);
  return row;
}

/**
 * concierge_history_row_update:
 * @now: the time that times read against, in seconds since the epoch
 * @open_thread_id: the conversation open beside the panel, or 0
 *
 * Shows @thread in @row, which opens it when activated unless it is open.
 */
void
concierge_history_row_update (GtkWidget       *row,
                              ConciergeThread *thread,
                              gint64           now,
                              gint64           open_thread_id)
{
  GtkWidget *visibility = g_object_get_data (G_OBJECT (row), "visibility");
  g_autofree char *time = concierge_format_time (concierge_thread_get_last_activity_at (thread), now);
  gboolean is_public = concierge_thread_get_visibility (thread) == CONCIERGE_VISIBILITY_PUBLIC;
  const char *snippet = concierge_thread_get_snippet (thread);
  const char *platform = concierge_platform_name (concierge_thread_get_platform (thread));

  g_return_if_fail (GTK_IS_LIST_BOX_ROW (row) && visibility != NULL);

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "title"), snippet[0] ? snippet : _("No messages"));
  /* Translators: a conversation's status, platform and time: "Resolved · Mastodon · 14:30" */
  g_object_set_data_full (G_OBJECT (row), "subtitle",
                          g_strdup_printf (_("%s · %s · %s"), status_name (concierge_thread_get_status (thread)),
                                           platform, time), g_free);
  /* Translators: the conversation open beside the panel, its platform and time: "Open now · Mastodon · 14:30" */
  g_object_set_data_full (G_OBJECT (row), "open-subtitle",
                          g_strdup_printf (_("Open now · %s · %s"), platform, time), g_free);

  gtk_label_set_text (GTK_LABEL (visibility), is_public ? _("Public") : _("Private"));
  gtk_widget_remove_css_class (visibility, is_public ? "private" : "public");
  gtk_widget_add_css_class (visibility, is_public ? "public" : "private");
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "complaint"), concierge_thread_is_complaint (thread));

  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "x", concierge_thread_get_id (thread));
  concierge_history_row_mark_open (row, open_thread_id);
}
