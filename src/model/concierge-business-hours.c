/* concierge-business-hours.c
 *
 * Waiting time in business time. A day's opening times are wall-clock
 * times in the team's time zone, so a day when the clocks change has its
 * hours where the clock says, and is an hour shorter or longer only where
 * the change falls inside them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "concierge-business-hours.h"

/* A customer who waited longer than this is not counted further: the row
 * says days anyway, and the loop over days stays short. */
#define MAX_DAYS 400

struct _ConciergeBusinessHours
{
  gatomicrefcount  ref_count;
  GTimeZone       *time_zone;
  /* Minutes after midnight, by GDateWeekday; open == close is closed. */
  guint            open[8];
  guint            close[8];
  GArray          *holidays;   /* guint32 Julian days */
};

/**
 * concierge_business_hours_new:
 * @time_zone: (nullable): the team's, or %NULL for the system's
 *
 * Returns: (transfer full): business hours closed every day, until set
 */
ConciergeBusinessHours *
concierge_business_hours_new (GTimeZone *time_zone)
{
  ConciergeBusinessHours *self = g_new0 (ConciergeBusinessHours, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->time_zone = time_zone ? g_time_zone_ref (time_zone) : g_time_zone_new_local ();
  self->holidays = g_array_new (FALSE, FALSE, sizeof (guint32));
  return self;
}

void
concierge_business_hours_unref (ConciergeBusinessHours *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_time_zone_unref (self->time_zone);
  g_array_unref (self->holidays);
  g_free (self);
}

/**
 * concierge_business_hours_set_day:
 * @open_minute: when the day's hours start, in minutes after midnight
 * @close_minute: when they end, up to 24 × 60; equal to @open_minute for
 *   a closed day
 */
void
concierge_business_hours_set_day (ConciergeBusinessHours *self,
                                  GDateWeekday            weekday,
                                  guint                   open_minute,
                                  guint                   close_minute)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (g_date_valid_weekday (weekday));
  g_return_if_fail (open_minute <= close_minute && close_minute <= 24 * 60);

  self->open[weekday] = open_minute;
  self->close[weekday] = close_minute;
}

void
concierge_business_hours_add_holiday (ConciergeBusinessHours *self,
                                      GDateYear               year,
                                      GDateMonth              month,
                                      GDateDay                day)
{
  GDate date;
  guint32 julian;

  g_return_if_fail (self != NULL);
  g_return_if_fail (g_date_valid_dmy (day, month, year));

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  julian = g_date_get_julian (&date);
  g_array_append_val (self->holidays, julian);
}

/**
 * concierge_business_hours_parse_holiday:
 * @text: a date as YYYY-MM-DD
 *
 * Returns: whether @text is a valid date, which is then in @date
 */
gboolean
concierge_business_hours_parse_holiday (const char *text,
                                        GDate      *date)
{
  guint year, month, day;
  char end;

  g_return_val_if_fail (date != NULL, FALSE);

  g_date_clear (date, 1);
  if (text == NULL || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static gboolean
is_holiday (ConciergeBusinessHours *self,
            const GDate            *date)
{
  guint32 julian = g_date_get_julian (date);

  for (guint i = 0; i < self->holidays->len; i++)
    if (g_array_index (self->holidays, guint32, i) == julian)
      return TRUE;
  return FALSE;
}

/* The day's business hours as Unix times; FALSE for a closed day. */
static gboolean
day_window (ConciergeBusinessHours *self,
            const GDate            *date,
            gint64                 *start,
            gint64                 *end)
{
  GDateWeekday weekday = g_date_get_weekday (date);
  guint open = self->open[weekday], close = self->close[weekday];
  g_autoptr(GDateTime) opens = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) closes = NULL;

  if (open == close || is_holiday (self, date))
    return FALSE;

  opens = g_date_time_new (self->time_zone, g_date_get_year (date), g_date_get_month (date),
                           g_date_get_day (date), open / 60, open % 60, 0);
  /* 24:00 is the next day's midnight. */
  if (close == 24 * 60)
    {
      midnight = g_date_time_new (self->time_zone, g_date_get_year (date), g_date_get_month (date),
                                  g_date_get_day (date), 0, 0, 0);
      closes = g_date_time_add_days (midnight, 1);
    }
  else
    closes = g_date_time_new (self->time_zone, g_date_get_year (date), g_date_get_month (date),
                              g_date_get_day (date), close / 60, close % 60, 0);
  if (opens == NULL || closes == NULL)
    return FALSE;

  *start = g_date_time_to_unix (opens);
  *end = g_date_time_to_unix (closes);
  return *end > *start;
}

static void
local_date (ConciergeBusinessHours *self,
            gint64                  unix_time,
            GDate                  *date)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->time_zone);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
}

/**
 * concierge_business_hours_elapsed:
 * @from: Unix time
 * @to: Unix time
 *
 * Returns: the seconds of business hours between @from and @to
 */
gint64
concierge_business_hours_elapsed (ConciergeBusinessHours *self,
                                  gint64                  from,
                                  gint64                  to)
{
  GDate date;
  gint64 total = 0;

  g_return_val_if_fail (self != NULL, 0);

  if (to <= from)
    return 0;

  local_date (self, from, &date);
  for (guint n = 0; n < MAX_DAYS; n++, g_date_add_days (&date, 1))
    {
      gint64 start, end;

      if (day_window (self, &date, &start, &end))
        {
          if (start >= to)
            break;
          total += MAX (0, MIN (end, to) - MAX (start, from));
        }
      else
        {
          /* A closed day still ends the count once it starts after @to. */
          g_autoptr(GDateTime) midnight = g_date_time_new (self->time_zone, g_date_get_year (&date),
                                                           g_date_get_month (&date), g_date_get_day (&date),
                                                           0, 0, 0);

          if (midnight != NULL && g_date_time_to_unix (midnight) >= to)
            break;
        }
    }
  return total;
}

/**
 * concierge_business_hours_next_change:
 * @time: Unix time
 * @limit: Unix time after @time: how far to look
 * @open: (out): whether the team is at work at @time
 *
 * Days that open when the day before closed, as at midnight in a
 * business that never closes, are one stretch: nothing changes between
 * them.
 *
 * Returns: when the team next starts or stops work after @time, in Unix
 *   time, or @limit if it does not before then
 */
gint64
concierge_business_hours_next_change (ConciergeBusinessHours *self,
                                      gint64                  time,
                                      gint64                  limit,
                                      gboolean               *open)
{
  GDate date;
  gint64 open_until = 0, days;

  g_return_val_if_fail (self != NULL, limit);
  g_return_val_if_fail (limit > time, limit);
  g_return_val_if_fail (open != NULL, limit);

  /* A day longer than 24 hours, as when the clocks go back, would only
   * make the last day looked at one that already lies past @limit. */
  days = MIN ((limit - time) / (24 * 60 * 60) + 2, MAX_DAYS);

  *open = FALSE;
  local_date (self, time, &date);
  for (gint64 n = 0; n < days; n++, g_date_add_days (&date, 1))
    {
      gint64 start, end;

      if (!day_window (self, &date, &start, &end) || end <= time)
        {
          /* A closed day ends the open stretch. */
          if (*open)
            break;
          continue;
        }
      if (start >= limit)
        break;
      if (!*open)
        {
          if (start > time)
            return start;
          *open = TRUE;
          open_until = end;
        }
      else if (start == open_until)
        open_until = end;
      else
        break;
      if (open_until >= limit)
        break;
    }

  return *open ? MIN (open_until, limit) : limit;
}

/**
 * concierge_business_hours_deadline:
 * @from: when the waiting began, in Unix time
 * @seconds: business time to wait
 *
 * Returns: when @seconds of business time have passed since @from, in Unix
 *   time, or %G_MAXINT64 if that is more than a year of days away
 */
gint64
concierge_business_hours_deadline (ConciergeBusinessHours *self,
                                   gint64                  from,
                                   gint64                  seconds)
{
  GDate date;
  gint64 left = MAX (seconds, 0);

  g_return_val_if_fail (self != NULL, G_MAXINT64);

  local_date (self, from, &date);
  for (guint n = 0; n < MAX_DAYS; n++, g_date_add_days (&date, 1))
    {
      gint64 start, end, available;

      if (!day_window (self, &date, &start, &end) || end <= from)
        continue;
      start = MAX (start, from);
      available = end - start;
      if (left <= available)
        return start + left;
      left -= available;
    }
  return G_MAXINT64;
}

/**
 * concierge_waiting_state:
 * @waited: business seconds the customer has waited
 * @target: the business seconds the team promises; 0 for none
 */
ConciergeWaitingState
concierge_waiting_state (gint64 waited,
                         gint64 target)
{
  if (target <= 0)
    return CONCIERGE_WAITING_NORMAL;
  if (waited >= target)
    return CONCIERGE_WAITING_BREACHED;
  if (waited * 100 >= target * CONCIERGE_WAITING_WARNING_PERCENT)
    return CONCIERGE_WAITING_WARNING;
  return CONCIERGE_WAITING_NORMAL;
}

static void
response_targets_clear (gpointer data)
{
  ConciergeResponseTargets *self = data;

  g_clear_pointer (&self->hours, concierge_business_hours_unref);
}

/**
 * concierge_response_targets_new_for_settings:
 * @settings: the app's settings, with first-response-target,
 *   next-response-target, business-hours and holidays
 *
 * Returns: (transfer full): the targets as the settings say now, in the
 *   system's time zone
 */
ConciergeResponseTargets *
concierge_response_targets_new_for_settings (GSettings *settings)
{
  /* Shared with the store's worker, which works out rows with them. */
  ConciergeResponseTargets *self = g_atomic_rc_box_new0 (ConciergeResponseTargets);
  g_autoptr(GVariant) days = g_settings_get_value (settings, "business-hours");
  g_auto(GStrv) holidays = g_settings_get_strv (settings, "holidays");
  GVariantIter iter;
  guint8 weekday;
  guint16 open, close;

  self->hours = concierge_business_hours_new (NULL);
  self->first_response = (gint64) g_settings_get_int (settings, "first-response-target") * 60;
  self->next_response = (gint64) g_settings_get_int (settings, "next-response-target") * 60;

  /* What a hand-edited setting gets wrong is left out, not guessed. */
  g_variant_iter_init (&iter, days);
  while (g_variant_iter_next (&iter, "(yqq)", &weekday, &open, &close))
    if (g_date_valid_weekday (weekday) && open <= close && close <= 24 * 60)
      concierge_business_hours_set_day (self->hours, weekday, open, close);
  for (guint i = 0; holidays[i] != NULL; i++)
    {
      GDate date;

      if (concierge_business_hours_parse_holiday (holidays[i], &date))
        concierge_business_hours_add_holiday (self->hours, g_date_get_year (&date), g_date_get_month (&date),
                                              g_date_get_day (&date));
    }
  return self;
}

/**
 * concierge_response_targets_watch:
 * @changed: called as changed (@object), when a setting the targets are
 *   made of changes
 * @object: a GObject, for as long as it lives
 */
void
concierge_response_targets_watch (GSettings *settings,
                                  GCallback  changed,
                                  gpointer   object)
{
  static const char * const keys[] = {
    "first-response-target", "next-response-target", "business-hours", "holidays",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *signal = g_strconcat ("changed::", keys[i], NULL);

      g_signal_connect_object (settings, signal, changed, object, G_CONNECT_SWAPPED);
    }
}

ConciergeResponseTargets *
concierge_response_targets_ref (ConciergeResponseTargets *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
concierge_response_targets_unref (ConciergeResponseTargets *self)
{
  g_atomic_rc_box_release_full (self, response_targets_clear);
}

/**
 * concierge_response_targets_check:
 * @waiting_since: when the customer's unanswered message came, in Unix time
 * @answered_before: whether the team answered in the thread before, which
 *   makes the next-response target the one that counts
 * @waited: (out) (optional): business seconds waited
 * @target: (out) (optional): business seconds allowed
 */
ConciergeWaitingState
concierge_response_targets_check (ConciergeResponseTargets *self,
                                  gint64                    waiting_since,
                                  gboolean                  answered_before,
                                  gint64                    now,
                                  gint64                   *waited,
                                  gint64                   *target)
{
  gint64 elapsed = concierge_business_hours_elapsed (self->hours, waiting_since, now);
  gint64 allowed = answered_before ? self->next_response : self->first_response;

  if (waited != NULL)
    *waited = elapsed;
  if (target != NULL)
    *target = allowed;
  return concierge_waiting_state (elapsed, allowed);
}

/**
 * concierge_reply_window_left:
 * @window_seconds: how long the platform takes replies after the
 *   customer's last message; 0 for no limit
 * @last_incoming: when the customer last wrote, or 0
 *
 * Returns: the seconds left to reply, 0 once the window closed, or
 *   %G_MAXINT64 without a window
 */
gint64
concierge_reply_window_left (guint  window_seconds,
                             gint64 last_incoming,
                             gint64 now)
{
  if (window_seconds == 0 || last_incoming == 0)
    return G_MAXINT64;
  return MAX (0, last_incoming + window_seconds - now);
}
