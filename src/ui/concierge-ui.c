/* concierge-ui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "model/concierge-business-hours.h"
#include "concierge-ui.h"

/**
 * concierge_widget_dispose_children:
 *
 * For the dispose() of a widget whose template's root child has no id: the
 * template children go first, then whatever else the widget still parents.
 */
void
concierge_widget_dispose_children (GtkWidget *widget,
                                   GType      widget_type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (widget, widget_type);
  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

/**
 * concierge_stack_show:
 *
 * Shows one page of @stack and hides the others, so that assistive
 * technology (which GTK 4.8 tells only whether a widget is visible) does not
 * read out the pages nobody sees.
 */
void
concierge_stack_show (GtkStack   *stack,
                      const char *name)
{
  GtkWidget *shown = gtk_stack_get_child_by_name (stack, name);

  g_return_if_fail (shown != NULL);

  gtk_widget_set_visible (shown, TRUE);
  gtk_stack_set_visible_child (stack, shown);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_visible (child, child == shown);
}

/**
 * concierge_file_chooser_new:
 * @slot: where a window keeps its one file chooser; one still open there is
 *   closed
 * @filter_name: the kind of file offered first, as in "Spreadsheets (CSV)"
 * @mime_type: that kind's MIME type
 * @suffix: and its file name suffix, without the dot
 *
 * A modal file chooser for one kind of file, with All Files beside it.
 *
 * Returns: (transfer none): the chooser, which @slot keeps until it answers
 *   (see concierge_file_chooser_take_file())
 */
GtkNativeDialog *
concierge_file_chooser_new (GtkNativeDialog      **slot,
                            GtkWindow             *parent,
                            const char            *title,
                            GtkFileChooserAction   action,
                            const char            *accept_label,
                            const char            *filter_name,
                            const char            *mime_type,
                            const char            *suffix)
{
  g_autoptr(GtkFileFilter) kind = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  g_return_val_if_fail (slot != NULL, NULL);

  gtk_file_filter_set_name (kind, filter_name);
  gtk_file_filter_add_mime_type (kind, mime_type);
  gtk_file_filter_add_suffix (kind, suffix);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  chooser = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), kind);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), kind);

  /* One at a time; it is ours until it answers. */
  if (*slot != NULL)
    gtk_native_dialog_destroy (*slot);
  g_clear_object (slot);
  *slot = GTK_NATIVE_DIALOG (chooser);
  return *slot;
}

/**
 * concierge_file_chooser_take_file:
 *
 * For a chooser's answer: lets go of @chooser, if @slot still keeps it.
 *
 * Returns: (transfer full) (nullable): the file chosen, or %NULL
 */
GFile *
concierge_file_chooser_take_file (GtkNativeDialog **slot,
                                  GtkNativeDialog  *chooser,
                                  int               response)
{
  GFile *file = NULL;

  g_return_val_if_fail (slot != NULL, NULL);

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (*slot == chooser)
    g_clear_object (slot);
  return file;
}

/**
 * concierge_text_view_dup_text:
 *
 * Returns: (transfer full): what the text view holds, without the space
 *   around it
 */
char *
concierge_text_view_dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/**
 * concierge_format_waiting:
 * @seconds: how long someone has waited
 *
 * Returns: a short duration for a row, like "12 min"
 */
char *
concierge_format_waiting (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;

  if (minutes < 60)
    /* Translators: a short waiting time in minutes, shown in a narrow column */
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 48 * 60)
    /* Translators: a short waiting time in hours, shown in a narrow column */
    return g_strdup_printf (_("%d h"), (int) (minutes / 60));
  /* Translators: a short waiting time in days, shown in a narrow column */
  return g_strdup_printf (_("%d d"), (int) (minutes / (24 * 60)));
}

/**
 * concierge_format_time:
 *
 * Returns: a message time as a person reads it: the time today, the weekday
 *   this week, or the date
 */
char *
concierge_format_time (gint64 unix_time,
                       gint64 now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);

  if (time == NULL || today == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (time) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (today))
    /* Translators: a message time today, see the strftime manual */
    return g_date_time_format (time, _("%H:%M"));
  if (now - unix_time < 6 * 24 * 3600)
    /* Translators: a message time this week: weekday and time, see the strftime manual */
    return g_date_time_format (time, _("%a %H:%M"));
  /* Translators: an older message's date, see the strftime manual */
  return g_date_time_format (time, _("%d.%m.%Y"));
}

/* Month names come from Concierge's own translations: the language it
 * speaks need not be the locale's (LANGUAGE=de with LANG=C.UTF-8, say), and
 * "1. December 2026" in a German sentence reads wrong. */
static const char *
month_name (int month)
{
  static const char * const months[] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"), NC_("month", "April"),
    NC_("month", "May"), NC_("month", "June"), NC_("month", "July"), NC_("month", "August"),
    NC_("month", "September"), NC_("month", "October"), NC_("month", "November"), NC_("month", "December"),
  };

  g_return_val_if_fail (month >= 1 && month <= 12, "");

  return g_dpgettext2 (NULL, "month", months[month - 1]);
}

/**
 * concierge_format_date:
 *
 * Returns: a day as a sentence names it, like "1 December 2026"
 */
char *
concierge_format_date (GDateTime *date)
{
  g_return_val_if_fail (date != NULL, NULL);

  /* Translators: a date: %1$d is the day, %2$s the month's name and %3$d the year, as in "1 December 2026" */
  return g_strdup_printf (_("%1$d %2$s %3$d"), g_date_time_get_day_of_month (date),
                          month_name (g_date_time_get_month (date)), g_date_time_get_year (date));
}

/**
 * concierge_format_date_time:
 *
 * Returns: a moment in this computer's time zone, with its date in words,
 *   like "1 December 2026, 10:15"
 */
char *
concierge_format_date_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autofree char *date = NULL;
  g_autofree char *clock = NULL;

  if (time == NULL)
    return g_strdup ("");

  date = concierge_format_date (time);
  /* Translators: a time of day, see the strftime manual */
  clock = g_date_time_format (time, _("%H:%M"));
  /* Translators: %1$s is a date, as in "1 December 2026", %2$s a time of day, as in "10:15" */
  return g_strdup_printf (_("%1$s, %2$s"), date, clock);
}

/**
 * concierge_sync_state_describe:
 * @icon_name: (out) (optional): an icon that shows the state beside the
 *   words, never instead of them
 *
 * Returns: an account's sync state in words: up to date, syncing, or what
 *   keeps it from syncing
 */
const char *
concierge_sync_state_describe (ConciergeSync  *sync,
                               gint64          account_id,
                               const char    **icon_name)
{
  const char *message = NULL;
  const char *text;
  const char *icon;

  switch (concierge_sync_get_state (sync, account_id, &message))
    {
    case CONCIERGE_SYNC_IDLE:
      text = _("Up to date");
      icon = "emblem-ok-symbolic";
      break;
    case CONCIERGE_SYNC_SYNCING:
      text = _("Syncing…");
      icon = "emblem-synchronizing-symbolic";
      break;
    case CONCIERGE_SYNC_OFFLINE:
      text = message;
      icon = "network-offline-symbolic";
      break;
    case CONCIERGE_SYNC_WAITING_FOR_KEY:
      text = message;
      icon = "changes-prevent-symbolic";
      break;
    case CONCIERGE_SYNC_RATE_LIMITED:
      text = message;
      icon = "alarm-symbolic";
      break;
    case CONCIERGE_SYNC_NEEDS_SIGN_IN:
    case CONCIERGE_SYNC_ERROR:
    default:
      text = message;
      icon = "dialog-warning-symbolic";
      break;
    }

  if (icon_name != NULL)
    *icon_name = icon;
  return text ? text : "";
}

/* The end of an address that a sentence, not the address, holds. */
static gsize
trim_address (const char *start,
              gsize       length)
{
  while (length > 0 && strchr (".,;:!?'\"", start[length - 1]) != NULL)
    length--;
  /* A closing bracket belongs to the address only if it opened one. */
  if (length > 0 && start[length - 1] == ')' && memchr (start, '(', length) == NULL)
    length--;
  return length;
}

/**
 * concierge_markup_with_links:
 * @text: a message, which is never parsed as markup
 *
 * Returns: (transfer full): Pango markup that shows @text as it is, with
 *   its web addresses (http and https only) as links
 */
char *
concierge_markup_with_links (const char *text)
{
  static GRegex *address;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup = g_string_new (NULL);
  const char *done = text;

  if (g_once_init_enter (&address))
    g_once_init_leave (&address, g_regex_new ("\\bhttps?://[^\\s<>\"]+", G_REGEX_CASELESS | G_REGEX_OPTIMIZE,
                                              0, NULL));

  g_regex_match (address, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      gsize length;
      g_autofree char *before = NULL;
      g_autofree char *escaped = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      length = trim_address (text + start, end - start);
      if (text + start >= done && length > strlen ("https://"))
        {
          before = g_markup_escape_text (done, text + start - done);
          escaped = g_markup_escape_text (text + start, length);
          g_string_append (markup, before);
          g_string_append_printf (markup, "<a href=\"%s\">%s</a>", escaped, escaped);
          done = text + start + length;
        }
      g_match_info_next (match, NULL);
    }

  {
    g_autofree char *rest = g_markup_escape_text (done, -1);

    g_string_append (markup, rest);
  }
  return g_string_free (markup, FALSE);
}

/**
 * concierge_describe_reply_window:
 * @window_seconds: how long the platform takes replies after the
 *   customer's last message; 0 for no limit
 * @last_incoming: when the customer last wrote
 *
 * Returns: (nullable): how long is left to reply, in words, once less than
 *   four hours are; %NULL before, or without a window
 */
char *
concierge_describe_reply_window (guint  window_seconds,
                                 gint64 last_incoming,
                                 gint64 now)
{
  gint64 left = concierge_reply_window_left (window_seconds, last_incoming, now);

  if (left >= CONCIERGE_REPLY_WINDOW_WARNING)
    return NULL;
  if (left == 0)
    return g_strdup (_("Too late to reply here"));
  if (left < 60 * 60)
    /* Translators: how long the platform still takes a reply */
    return g_strdup_printf (g_dngettext (NULL, "%d min left to reply", "%d min left to reply",
                                         (int) MAX (1, left / 60)),
                            (int) MAX (1, left / 60));
  /* Translators: how long the platform still takes a reply */
  return g_strdup_printf (g_dngettext (NULL, "%d h left to reply", "%d h left to reply", (int) (left / 3600)),
                          (int) (left / 3600));
}

/**
 * concierge_describe_posts_limit:
 * @platform_name: as the agent knows the platform
 * @limit: how many posts the platform takes from an account in a window
 *   of @seconds; 0 for no limit
 * @posted: how many the account made in the last @seconds
 *
 * Returns: (nullable): a warning once the account comes near the limit;
 *   %NULL before, or without a limit
 */
char *
concierge_describe_posts_limit (const char *platform_name,
                                guint       limit,
                                guint       seconds,
                                guint       posted)
{
  guint hours = MAX (seconds / 3600, 1);

  if (limit == 0 || posted < limit - limit / CONCIERGE_POSTS_LIMIT_WARNING_SHARE)
    return NULL;
  /* Translators: the platform's name, its limit of posts in so many hours,
   * and how many this account made in that time */
  return g_strdup_printf (g_dngettext (NULL, "%s allows %u posts in %u hour; this account has posted %u.",
                                       "%s allows %u posts in %u hours; this account has posted %u.", hours),
                          platform_name, limit, hours, posted);
}

/**
 * concierge_address_name:
 *
 * Returns: a form of address in a word, as in "formal", to follow a
 *   language's name
 */
const char *
concierge_address_name (ConciergeAddress address)
{
  switch (address)
    {
    case CONCIERGE_ADDRESS_FORMAL:
      /* Translators: the form of address; in German, "Sie" */
      return _("formal");
    case CONCIERGE_ADDRESS_INFORMAL:
      /* Translators: the form of address; in German, "du" */
      return _("informal");
    case CONCIERGE_ADDRESS_UNKNOWN:
    default:
      return _("unknown form of address");
    }
}

/**
 * concierge_agent_name:
 * @settings: (nullable): Concierge's settings, or %NULL for the name on
 *   this computer
 *
 * Returns: (transfer full): the agent's name, as saved replies sign with
 *   it: the one in the settings, or else the user's on this computer
 */
char *
concierge_agent_name (GSettings *settings)
{
  g_autofree char *name = settings ? g_settings_get_string (settings, "agent-name") : g_strdup ("");
  const char *real_name = g_get_real_name ();

  g_strstrip (name);
  if (name[0] != '\0')
    return g_steal_pointer (&name);
  /* GLib says "Unknown" when the system has no real name. */
  if (real_name[0] != '\0' && !g_str_equal (real_name, "Unknown"))
    return g_strdup (real_name);
  return g_strdup (g_get_user_name ());
}

/**
 * concierge_toast_new:
 * @text: what the toast says, as plain text
 *
 * A toast whose title is @text as it is. libadwaita 1.2 reads a toast's
 * title as Pango markup, and the texts here carry names, titles and
 * error messages that may hold "&" or "<".
 *
 * Returns: (transfer full): the toast
 */
AdwToast *
concierge_toast_new (const char *text)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  escaped = g_markup_escape_text (text, -1);
  return adw_toast_new (escaped);
}

/**
 * concierge_widget_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast in the preferences window that holds @widget, such as one
 * of its pages; a widget outside of one drops it.
 */
void
concierge_widget_add_toast (GtkWidget *widget,
                            AdwToast  *toast)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  root = gtk_widget_get_root (widget);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
  else
    g_object_unref (toast);
}

/* Lists with a row that says they are empty
 *
 * A list box's own placeholder is no row: it does not look like one in a
 * boxed list, and GTK 4.8 keeps it visible to screen readers while rows
 * hide it. The row that says a list is empty is an item of its own,
 * after the list's items, which the list's create_row function tells by
 * its type. */

/**
 * concierge_list_box_bind_models:
 * @items: the list's items
 * @after: the rows after them, such as a store of #GObject that holds the
 *   placeholder's item while concierge_list_store_set_placeholder() shows
 *   it
 * @create_row: makes the row of an item of either, as their types tell
 *
 * Binds @list to @items followed by @after.
 */
void
concierge_list_box_bind_models (GtkListBox                 *list,
                                GListModel                 *items,
                                GListModel                 *after,
                                GtkListBoxCreateWidgetFunc  create_row,
                                gpointer                    user_data)
{
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkFlattenListModel) rows = NULL;

  g_return_if_fail (GTK_IS_LIST_BOX (list));
  g_return_if_fail (G_IS_LIST_MODEL (items));
  g_return_if_fail (G_IS_LIST_MODEL (after));

  g_list_store_append (parts, items);
  g_list_store_append (parts, after);
  rows = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));
  gtk_list_box_bind_model (list, G_LIST_MODEL (rows), create_row, user_data, NULL);
}

/* Shows or hides the placeholder's row of a list bound by
 * concierge_list_box_bind_models(). */
void
concierge_list_store_set_placeholder (GListStore *placeholder,
                                      gboolean    shown)
{
  guint n;

  g_return_if_fail (G_IS_LIST_STORE (placeholder));

  n = g_list_model_get_n_items (G_LIST_MODEL (placeholder));
  if (shown && n == 0)
    {
      g_autoptr(GObject) item = g_object_new (G_TYPE_OBJECT, NULL);

      g_list_store_append (placeholder, item);
    }
  else if (!shown && n > 0)
    g_list_store_remove_all (placeholder);
}

/**
 * concierge_show_message:
 *
 * Tells of what must not go by as a toast does, such as a file that could
 * not be read, in a dialog with a Close button.
 */
void
concierge_show_message (GtkWindow  *parent,
                        const char *heading,
                        const char *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Callbacks that may outlive their widget
 *
 * A widget cancels its own cancellable when it goes, and every read it
 * started then comes back cancelled, touching nothing. A change that the
 * agent asked for, though, goes through all the same, so it is started
 * without that cancellable; its callback learns from a ConciergeCaller
 * whether the widget is still there before it shows anything. */

struct _ConciergeCaller
{
  gpointer        widget;      /* not owned: only while cancellable is not cancelled */
  GCancellable   *cancellable; /* the widget's, cancelled in its dispose */
  gpointer        data;
  GDestroyNotify  destroy;
};

/**
 * concierge_caller_new:
 * @widget: what started the call; not referenced
 * @cancellable: @widget's own, which its dispose cancels
 * @data: (nullable): what the callback needs besides, freed with @destroy
 */
ConciergeCaller *
concierge_caller_new (gpointer       widget,
                      GCancellable  *cancellable,
                      gpointer       data,
                      GDestroyNotify destroy)
{
  ConciergeCaller *caller;

  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);

  caller = g_new0 (ConciergeCaller, 1);
  caller->widget = widget;
  caller->cancellable = g_object_ref (cancellable);
  caller->data = data;
  caller->destroy = destroy;
  return caller;
}

/* Returns: (transfer none) (nullable): the widget, or %NULL once it went */
gpointer
concierge_caller_get_widget (ConciergeCaller *caller)
{
  return g_cancellable_is_cancelled (caller->cancellable) ? NULL : caller->widget;
}

gpointer
concierge_caller_get_data (ConciergeCaller *caller)
{
  return caller->data;
}

void
concierge_caller_free (ConciergeCaller *caller)
{
  if (caller->destroy != NULL)
    caller->destroy (caller->data);
  g_object_unref (caller->cancellable);
  g_free (caller);
}
