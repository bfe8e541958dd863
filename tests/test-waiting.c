/* test-waiting.c
 *
 * Waiting time in business time: opening hours, nights, weekends,
 * holidays and the days the clocks change, in Europe/Berlin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "model/concierge-business-hours.h"
#include "model/concierge-row-facts.h"

#define MINUTE 60
#define HOUR (60 * MINUTE)

static GTimeZone *berlin;

/* Unix time of a wall-clock time in Berlin. */
static gint64
at (int year,
    int month,
    int day,
    int hour,
    int minute)
{
  g_autoptr(GDateTime) time = g_date_time_new (berlin, year, month, day, hour, minute, 0);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

/* Monday to Friday, 08:00 to 18:00, as Concierge starts. */
static ConciergeBusinessHours *
office_hours (void)
{
  ConciergeBusinessHours *hours = concierge_business_hours_new (berlin);

  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_FRIDAY; day++)
    concierge_business_hours_set_day (hours, day, 8 * 60, 18 * 60);
  return hours;
}

static ConciergeBusinessHours *
every_hour (void)
{
  ConciergeBusinessHours *hours = concierge_business_hours_new (berlin);

  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    concierge_business_hours_set_day (hours, day, 0, 24 * 60);
  return hours;
}

static void
test_within_a_day (void)
{
  g_autoptr(ConciergeBusinessHours) hours = office_hours ();

  /* Monday, 2026-11-30 */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 9, 0), at (2026, 11, 30, 9, 45)), ==,
                   45 * MINUTE);
  /* Before opening, nothing counts; after closing neither. */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 6, 0), at (2026, 11, 30, 8, 10)), ==,
                   10 * MINUTE);
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 17, 50), at (2026, 11, 30, 23, 0)),
                   ==, 10 * MINUTE);
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 19, 0), at (2026, 11, 30, 23, 0)), ==,
                   0);
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 10, 0), at (2026, 11, 30, 9, 0)), ==,
                   0);
}

static void
test_nights_and_weekends (void)
{
  g_autoptr(ConciergeBusinessHours) hours = office_hours ();

  /* Monday 17:30 to Tuesday 08:30 */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 17, 30), at (2026, 12, 1, 8, 30)), ==,
                   HOUR);
  /* Friday 17:00 to Monday 09:00 */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 12, 4, 17, 0), at (2026, 12, 7, 9, 0)), ==,
                   2 * HOUR);
  /* Written on Saturday, read on Monday at 08:10 */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 12, 5, 10, 0), at (2026, 12, 7, 8, 10)), ==,
                   10 * MINUTE);
  /* A whole week */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 11, 30, 0, 0), at (2026, 12, 7, 0, 0)), ==,
                   50 * HOUR);
}

static void
test_holidays (void)
{
  g_autoptr(ConciergeBusinessHours) hours = office_hours ();
  GDate date;

  g_assert_true (concierge_business_hours_parse_holiday ("2026-12-25", &date));
  concierge_business_hours_add_holiday (hours, g_date_get_year (&date), g_date_get_month (&date),
                                        g_date_get_day (&date));
  concierge_business_hours_add_holiday (hours, 2026, G_DATE_DECEMBER, 24);
  g_assert_false (concierge_business_hours_parse_holiday ("2026-02-30", &date));
  g_assert_false (concierge_business_hours_parse_holiday ("25.12.2026", &date));
  g_assert_false (concierge_business_hours_parse_holiday ("2026-12-25x", &date));

  /* Wednesday 23rd, 17:30, to Monday 28th, 08:15: Thursday and Friday are
   * holidays, then the weekend. */
  g_assert_cmpint (concierge_business_hours_elapsed (hours, at (2026, 12, 23, 17, 30), at (2026, 12, 28, 8, 15)), ==,
                   45 * MINUTE);
  g_assert_cmpint (concierge_business_hours_deadline (hours, at (2026, 12, 23, 17, 30), HOUR), ==,
                   at (2026, 12, 28, 8, 30));
}

/* The clocks change on a Sunday night: the office's hours stay where the
 * clock says, and a day open all day is 23 or 25 hours long. */
static void
test_clock_changes (void)
{
  g_autoptr(ConciergeBusinessHours) office = office_hours ();
  g_autoptr(ConciergeBusinessHours) always = every_hour ();

  /* Summer time begins on 2026-03-29. */
  g_assert_cmpint (concierge_business_hours_elapsed (office, at (2026, 3, 27, 17, 0), at (2026, 3, 30, 9, 0)), ==,
                   2 * HOUR);
  g_assert_cmpint (concierge_business_hours_elapsed (always, at (2026, 3, 29, 0, 0), at (2026, 3, 30, 0, 0)), ==,
                   23 * HOUR);
  /* It ends on 2026-10-25. */
  g_assert_cmpint (concierge_business_hours_elapsed (office, at (2026, 10, 23, 17, 0), at (2026, 10, 26, 9, 0)), ==,
                   2 * HOUR);
  g_assert_cmpint (concierge_business_hours_elapsed (always, at (2026, 10, 25, 0, 0), at (2026, 10, 26, 0, 0)), ==,
                   25 * HOUR);
  /* A wait across the change counts real hours. */
  g_assert_cmpint (concierge_business_hours_deadline (always, at (2026, 10, 25, 1, 0), 3 * HOUR), ==,
                   at (2026, 10, 25, 1, 0) + 3 * HOUR);
  g_assert_cmpint (concierge_business_hours_deadline (office, at (2026, 3, 27, 17, 30), HOUR), ==,
                   at (2026, 3, 30, 8, 30));
}

static void
test_deadlines (void)
{
  g_autoptr(ConciergeBusinessHours) hours = office_hours ();
  g_autoptr(ConciergeBusinessHours) closed = concierge_business_hours_new (berlin);

  /* Friday 17:30, an hour's target: Monday 08:30 */
  g_assert_cmpint (concierge_business_hours_deadline (hours, at (2026, 12, 4, 17, 30), HOUR), ==,
                   at (2026, 12, 7, 8, 30));
  /* Written at night: the hour starts at opening. */
  g_assert_cmpint (concierge_business_hours_deadline (hours, at (2026, 12, 1, 3, 0), 45 * MINUTE), ==,
                   at (2026, 12, 1, 8, 45));
  g_assert_cmpint (concierge_business_hours_deadline (hours, at (2026, 12, 1, 9, 0), 0), ==, at (2026, 12, 1, 9, 0));
  /* The deadline and the elapsed time agree. */
  for (gint64 waited = 0; waited <= 30 * HOUR; waited += 97 * MINUTE)
    {
      gint64 from = at (2026, 12, 3, 16, 20);

      g_assert_cmpint (concierge_business_hours_elapsed (hours, from,
                                                         concierge_business_hours_deadline (hours, from, waited)),
                       ==, waited);
    }
  /* Never open, never due. */
  g_assert_cmpint (concierge_business_hours_deadline (closed, at (2026, 12, 1, 9, 0), HOUR), ==, G_MAXINT64);
  g_assert_cmpint (concierge_business_hours_elapsed (closed, at (2026, 12, 1, 9, 0), at (2026, 12, 9, 9, 0)), ==, 0);
}

/* When the office next opens or closes. */
static void
test_next_change (void)
{
  g_autoptr(ConciergeBusinessHours) office = office_hours ();
  g_autoptr(ConciergeBusinessHours) always = every_hour ();
  g_autoptr(ConciergeBusinessHours) closed = concierge_business_hours_new (berlin);
  gint64 far = at (2027, 1, 31, 0, 0);
  gboolean open;

  /* Tuesday 2026-12-01, 09:00: open until 18:00. */
  g_assert_cmpint (concierge_business_hours_next_change (office, at (2026, 12, 1, 9, 0), far, &open), ==,
                   at (2026, 12, 1, 18, 0));
  g_assert_true (open);
  /* At night: closed until 08:00. */
  g_assert_cmpint (concierge_business_hours_next_change (office, at (2026, 12, 1, 19, 0), far, &open), ==,
                   at (2026, 12, 2, 8, 0));
  g_assert_false (open);
  /* At closing time, closed; at opening time, open. */
  g_assert_cmpint (concierge_business_hours_next_change (office, at (2026, 12, 1, 18, 0), far, &open), ==,
                   at (2026, 12, 2, 8, 0));
  g_assert_false (open);
  g_assert_cmpint (concierge_business_hours_next_change (office, at (2026, 12, 2, 8, 0), far, &open), ==,
                   at (2026, 12, 2, 18, 0));
  g_assert_true (open);
  /* Friday evening: closed over the weekend. */
  g_assert_cmpint (concierge_business_hours_next_change (office, at (2026, 12, 4, 20, 0), far, &open), ==,
                   at (2026, 12, 7, 8, 0));
  g_assert_false (open);
  /* No change before the limit: the limit. */
  g_assert_cmpint (concierge_business_hours_next_change (office, at (2026, 12, 4, 20, 0), at (2026, 12, 6, 0, 0),
                                                         &open), ==, at (2026, 12, 6, 0, 0));
  g_assert_false (open);
  /* Open all day every day: midnight changes nothing. */
  g_assert_cmpint (concierge_business_hours_next_change (always, at (2026, 12, 1, 9, 0), far, &open), ==, far);
  g_assert_true (open);
  g_assert_cmpint (concierge_business_hours_next_change (closed, at (2026, 12, 1, 9, 0), far, &open), ==, far);
  g_assert_false (open);
}

/* A row's waiting clock, worked out once, tells the same business time
 * as counting it afresh at every moment of the days it covers. */
static void
test_row_clock (void)
{
  g_autoptr(ConciergeBusinessHours) office = office_hours ();
  g_autoptr(ConciergeBusinessHours) always = every_hour ();
  ConciergeBusinessHours *hours[] = { office, always };
  /* Thursday before the end of summer time, Friday evening, a Monday. */
  gint64 starts[] = { at (2026, 10, 22, 16, 20), at (2026, 12, 4, 17, 45), at (2026, 11, 30, 7, 10) };

  for (guint h = 0; h < G_N_ELEMENTS (hours); h++)
    for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
      {
        ConciergeResponseTargets targets = { hours[h], 2 * HOUR, HOUR };
        gint64 since = starts[i], made = since + 25 * MINUTE;
        g_autoptr(ConciergeRowFacts) facts = concierge_row_facts_new ("Erika Mustermann", NULL);

        concierge_row_facts_start_clock (facts, &targets, since, FALSE, made);
        for (gint64 now = made; now <= made + CONCIERGE_ROW_FACTS_HORIZON; now += 7 * MINUTE + 13)
          {
            gint64 expected = concierge_business_hours_elapsed (hours[h], since, now), waited;
            ConciergeWaitingState state = concierge_row_facts_waiting_state (facts, now, &waited);

            g_assert_cmpint (waited, ==, expected);
            g_assert_cmpint (state, ==, concierge_waiting_state (expected, 2 * HOUR));
            g_assert_false (concierge_row_facts_is_stale (facts, now));
          }
        g_assert_true (concierge_row_facts_is_stale (facts, made + CONCIERGE_ROW_FACTS_HORIZON + 1));

        /* A later answer has a target of its own. */
        concierge_row_facts_start_clock (facts, &targets, since, TRUE, made);
        g_assert_cmpint (concierge_row_facts_waiting_state (facts, made + 9 * 24 * HOUR, NULL), ==,
                         CONCIERGE_WAITING_BREACHED);
      }
}

/* Without targets, waiting counts calendar time and never turns due. */
static void
test_row_clock_without_targets (void)
{
  g_autoptr(ConciergeRowFacts) facts = concierge_row_facts_new ("Erika Mustermann", NULL);
  gint64 since = at (2026, 12, 5, 23, 0), waited;

  concierge_row_facts_start_clock (facts, NULL, since, FALSE, since + HOUR);
  g_assert_cmpint (concierge_row_facts_waiting_state (facts, since + 30 * 24 * HOUR, &waited), ==,
                   CONCIERGE_WAITING_NORMAL);
  g_assert_cmpint (waited, ==, 30 * 24 * HOUR);
  g_assert_false (concierge_row_facts_is_stale (facts, since + 300 * 24 * HOUR));
}

static void
test_waiting_states (void)
{
  g_assert_cmpint (concierge_waiting_state (44 * MINUTE, HOUR), ==, CONCIERGE_WAITING_NORMAL);
  g_assert_cmpint (concierge_waiting_state (45 * MINUTE, HOUR), ==, CONCIERGE_WAITING_WARNING);
  g_assert_cmpint (concierge_waiting_state (HOUR - 1, HOUR), ==, CONCIERGE_WAITING_WARNING);
  g_assert_cmpint (concierge_waiting_state (HOUR, HOUR), ==, CONCIERGE_WAITING_BREACHED);
  g_assert_cmpint (concierge_waiting_state (10 * HOUR, 0), ==, CONCIERGE_WAITING_NORMAL);
}

/* The settings as Preferences writes them, in the system's time zone. */
static void
test_targets_from_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(ConciergeResponseTargets) targets = NULL;
  const char *holidays[] = { "2026-12-01", "not a date", NULL };
  gint64 waited, target;

  /* Monday to Friday, 08:00 to 18:00; 60 and 120 minutes. */
  targets = concierge_response_targets_new_for_settings (settings);
  g_assert_cmpint (concierge_response_targets_check (targets, at (2026, 11, 30, 17, 30), FALSE,
                                                     at (2026, 12, 1, 8, 15), &waited, &target),
                   ==, CONCIERGE_WAITING_WARNING);
  g_assert_cmpint (waited, ==, 45 * MINUTE);
  g_assert_cmpint (target, ==, HOUR);
  g_assert_cmpint (concierge_response_targets_check (targets, at (2026, 11, 30, 17, 30), TRUE,
                                                     at (2026, 12, 1, 8, 15), NULL, &target),
                   ==, CONCIERGE_WAITING_NORMAL);
  g_assert_cmpint (target, ==, 2 * HOUR);
  g_clear_pointer (&targets, concierge_response_targets_unref);

  /* Tuesday off, Saturday mornings on, a tighter first answer. */
  g_settings_set_strv (settings, "holidays", holidays);
  g_settings_set_value (settings, "business-hours",
                        g_variant_new_parsed ("[(byte 1, uint16 480, uint16 1080), (6, 540, 780), (9, 0, 60)]"));
  g_settings_set_int (settings, "first-response-target", 15);
  targets = concierge_response_targets_new_for_settings (settings);
  g_assert_cmpint (concierge_response_targets_check (targets, at (2026, 11, 30, 17, 50), FALSE,
                                                     at (2026, 12, 5, 9, 10), &waited, NULL),
                   ==, CONCIERGE_WAITING_BREACHED);
  g_assert_cmpint (waited, ==, 20 * MINUTE);
  g_settings_reset (settings, "holidays");
  g_settings_reset (settings, "business-hours");
  g_settings_reset (settings, "first-response-target");
}

int
main (int   argc,
      char *argv[])
{
  /* The system's time zone, as the settings use it. */
  g_setenv ("TZ", "Europe/Berlin", TRUE);
  g_test_init (&argc, &argv, NULL);

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  if (berlin == NULL)
    g_error ("No time zone data for Europe/Berlin: install tzdata");

  g_test_add_func ("/waiting/within-a-day", test_within_a_day);
  g_test_add_func ("/waiting/nights-and-weekends", test_nights_and_weekends);
  g_test_add_func ("/waiting/holidays", test_holidays);
  g_test_add_func ("/waiting/clock-changes", test_clock_changes);
  g_test_add_func ("/waiting/deadlines", test_deadlines);
  g_test_add_func ("/waiting/states", test_waiting_states);
  g_test_add_func ("/waiting/next-change", test_next_change);
  g_test_add_func ("/waiting/row-clock", test_row_clock);
  g_test_add_func ("/waiting/row-clock-without-targets", test_row_clock_without_targets);
  g_test_add_func ("/waiting/targets-from-settings", test_targets_from_settings);

  return g_test_run ();
}
