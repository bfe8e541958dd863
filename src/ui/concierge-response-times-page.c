/* concierge-response-times-page.c
 *
 * Preferences → Response Times: how long a customer waits at most, and
 * the business hours and holidays that waiting time counts by.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "model/concierge-business-hours.h"
#include "concierge-response-times-page.h"
#include "concierge-string-list.h"

struct _ConciergeResponseTimesPage
{
  AdwPreferencesPage   parent_instance;

  GSettings           *settings;
  ConciergeStringList *holidays;

  /* Business hours, by GDateWeekday */
  GtkSwitch           *day_switches[8];
  GtkSpinButton       *day_opens[8];
  GtkSpinButton       *day_closes[8];
  guint                showing_hours : 1;

  /* Template widgets */
  GtkSpinButton       *first_target_spin;
  GtkSpinButton       *next_target_spin;
  AdwPreferencesGroup *hours_group;
  GtkListBox          *hours_list;
  GtkListBox          *holiday_list;
  GtkLabel            *holiday_error;
};

G_DEFINE_FINAL_TYPE (ConciergeResponseTimesPage, concierge_response_times_page, ADW_TYPE_PREFERENCES_PAGE)

/* A holiday is a date, written the one way that sorts and reads the same
 * in every language. */
static gboolean
check_holiday (const char  *value,
               char       **problem)
{
  GDate date;

  if (concierge_business_hours_parse_holiday (value, &date))
    return TRUE;
  /* Translators: %s is what was typed; keep YYYY-MM-DD as it is, or use your language's letters */
  *problem = g_strdup_printf (_("“%s” is no date. Write it as YYYY-MM-DD, for example 2026-12-24."), value);
  return FALSE;
}

static void
remove_string_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergeResponseTimesPage *self = CONCIERGE_RESPONSE_TIMES_PAGE (widget);
  const char *key, *value;

  g_variant_get (parameter, "(&s&s)", &key, &value);
  if (g_str_equal (key, concierge_string_list_get_key (self->holidays)))
    concierge_string_list_remove (self->holidays, value);
}

/* Business hours: a row per weekday, open or closed, from when to when */

static const char *
weekday_name (GDateWeekday weekday)
{
  switch (weekday)
    {
    case G_DATE_MONDAY:
      return _("Monday");
    case G_DATE_TUESDAY:
      return _("Tuesday");
    case G_DATE_WEDNESDAY:
      return _("Wednesday");
    case G_DATE_THURSDAY:
      return _("Thursday");
    case G_DATE_FRIDAY:
      return _("Friday");
    case G_DATE_SATURDAY:
      return _("Saturday");
    case G_DATE_SUNDAY:
      return _("Sunday");
    case G_DATE_BAD_WEEKDAY:
    default:
      return "";
    }
}

/* A time of day as the spin button shows it: 08:30 */
static gboolean
time_output_cb (GtkSpinButton *spin)
{
  int minutes = (int) gtk_spin_button_get_value (spin);
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

  /* Through the text inside: the spin button's own set_text reads the
   * text back as a number first, which a time is not. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (gtk_editable_get_delegate (GTK_EDITABLE (spin)), text);
  return TRUE;
}

/* And as a person types it: 8, 8:30 or 08:30 */
static int
time_input_cb (GtkSpinButton *spin,
               double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  guint hours = 0, minutes = 0;
  char end;
  int n = sscanf (text, "%u:%u%c", &hours, &minutes, &end);

  if ((n != 1 && n != 2) || hours > 24 || minutes > 59 || hours * 60 + minutes > 24 * 60)
    return GTK_INPUT_ERROR;
  *value = hours * 60 + minutes;
  return TRUE;
}

static void
write_business_hours (ConciergeResponseTimesPage *self)
{
  GVariantBuilder builder;

  if (self->showing_hours)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(yqq)"));
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      guint open = gtk_spin_button_get_value_as_int (self->day_opens[day]);
      guint close = gtk_spin_button_get_value_as_int (self->day_closes[day]);

      gtk_widget_set_sensitive (GTK_WIDGET (self->day_opens[day]), gtk_switch_get_active (self->day_switches[day]));
      gtk_widget_set_sensitive (GTK_WIDGET (self->day_closes[day]), gtk_switch_get_active (self->day_switches[day]));
      if (gtk_switch_get_active (self->day_switches[day]) && open < close)
        g_variant_builder_add (&builder, "(yqq)", (guint8) day, (guint16) open, (guint16) close);
    }
  g_settings_set_value (self->settings, "business-hours", g_variant_builder_end (&builder));
}

static void
show_business_hours (ConciergeResponseTimesPage *self)
{
  g_autoptr(GVariant) days = g_settings_get_value (self->settings, "business-hours");
  GVariantIter iter;
  guint8 weekday;
  guint16 open, close;

  self->showing_hours = TRUE;
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    gtk_switch_set_active (self->day_switches[day], FALSE);
  g_variant_iter_init (&iter, days);
  while (g_variant_iter_next (&iter, "(yqq)", &weekday, &open, &close))
    if (g_date_valid_weekday (weekday) && open < close && close <= 24 * 60)
      {
        gtk_switch_set_active (self->day_switches[weekday], TRUE);
        gtk_spin_button_set_value (self->day_opens[weekday], open);
        gtk_spin_button_set_value (self->day_closes[weekday], close);
      }
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      gboolean active = gtk_switch_get_active (self->day_switches[day]);

      gtk_widget_set_sensitive (GTK_WIDGET (self->day_opens[day]), active);
      gtk_widget_set_sensitive (GTK_WIDGET (self->day_closes[day]), active);
    }
  self->showing_hours = FALSE;
}

static GtkSpinButton *
time_spin_new (const char *accessible_name,
               guint       minutes)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 24 * 60, 15));

  g_signal_connect (spin, "output", G_CALLBACK (time_output_cb), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (time_input_cb), NULL);
  gtk_spin_button_set_value (spin, minutes);
  time_output_cb (spin);
  gtk_widget_set_valign (GTK_WIDGET (spin), GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return spin;
}

static void
build_business_hours (ConciergeResponseTimesPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *description = NULL;

  /* Translators: %s is a time zone's name or abbreviation, like CET */
  description = g_strdup_printf (_("Waiting time counts only during these hours, in this computer’s time zone "
                                   "(%s)."), g_date_time_get_timezone_abbreviation (now));
  adw_preferences_group_set_description (self->hours_group, description);

  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *dash = gtk_label_new ("–");
      g_autofree char *open_name = NULL;
      g_autofree char *close_name = NULL;
      g_autofree char *switch_name = NULL;

      /* Translators: accessible names of a weekday's controls; %s is the weekday */
      switch_name = g_strdup_printf (_("Open on %s"), weekday_name (day));
      open_name = g_strdup_printf (_("%s opens at"), weekday_name (day));
      close_name = g_strdup_printf (_("%s closes at"), weekday_name (day));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), weekday_name (day));
      self->day_opens[day] = time_spin_new (open_name, 8 * 60);
      self->day_closes[day] = time_spin_new (close_name, 18 * 60);
      self->day_switches[day] = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (self->day_switches[day]), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->day_switches[day]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      switch_name, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (dash), GTK_ACCESSIBLE_PROPERTY_LABEL, _("to"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->day_opens[day]));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dash);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->day_closes[day]));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->day_switches[day]));
      gtk_list_box_append (self->hours_list, row);

      g_signal_connect_object (self->day_switches[day], "notify::active", G_CALLBACK (write_business_hours), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->day_opens[day], "value-changed", G_CALLBACK (write_business_hours), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->day_closes[day], "value-changed", G_CALLBACK (write_business_hours), self,
                               G_CONNECT_SWAPPED);
    }
  show_business_hours (self);
}

static void
concierge_response_times_page_dispose (GObject *object)
{
  ConciergeResponseTimesPage *self = CONCIERGE_RESPONSE_TIMES_PAGE (object);

  g_clear_object (&self->holidays);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (concierge_response_times_page_parent_class)->dispose (object);
}

static void
concierge_response_times_page_class_init (ConciergeResponseTimesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_response_times_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-response-times-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeResponseTimesPage, first_target_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergeResponseTimesPage, next_target_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergeResponseTimesPage, hours_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeResponseTimesPage, hours_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeResponseTimesPage, holiday_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeResponseTimesPage, holiday_error);

  gtk_widget_class_install_action (widget_class, "preferences.remove-string", "(ss)", remove_string_action);
}

static void
concierge_response_times_page_init (ConciergeResponseTimesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

ConciergeResponseTimesPage *
concierge_response_times_page_new (GSettings *settings)
{
  ConciergeResponseTimesPage *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONCIERGE_TYPE_RESPONSE_TIMES_PAGE, NULL);
  self->settings = g_object_ref (settings);
  self->holidays = concierge_string_list_new (self->holiday_list, settings, "holidays",
                                              _("Add a Holiday, for Example 2026-12-24"), _("Add Holiday"),
                                              check_holiday, self->holiday_error);
  concierge_string_list_set_sorted (self->holidays, TRUE);

  g_settings_bind (settings, "first-response-target", self->first_target_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "next-response-target", self->next_target_spin, "value", G_SETTINGS_BIND_DEFAULT);
  build_business_hours (self);
  g_signal_connect_object (settings, "changed::business-hours", G_CALLBACK (show_business_hours), self,
                           G_CONNECT_SWAPPED);
  return self;
}
