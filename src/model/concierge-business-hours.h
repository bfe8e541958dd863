/* concierge-business-hours.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* When the team answers: opening times per weekday and holidays, in one
 * time zone. Waiting time counts only then. */
typedef struct _ConciergeBusinessHours ConciergeBusinessHours;

/* Where a customer's waiting stands against its target. */
typedef enum
{
  CONCIERGE_WAITING_NORMAL,
  CONCIERGE_WAITING_WARNING,   /* at 75 % of the target */
  CONCIERGE_WAITING_BREACHED,
} ConciergeWaitingState;

#define CONCIERGE_WAITING_WARNING_PERCENT 75

ConciergeBusinessHours *concierge_business_hours_new         (GTimeZone              *time_zone);
void                    concierge_business_hours_unref       (ConciergeBusinessHours *self);
void                    concierge_business_hours_set_day     (ConciergeBusinessHours *self,
                                                              GDateWeekday            weekday,
                                                              guint                   open_minute,
                                                              guint                   close_minute);
void                    concierge_business_hours_add_holiday (ConciergeBusinessHours *self,
                                                              GDateYear               year,
                                                              GDateMonth              month,
                                                              GDateDay                day);
gboolean                concierge_business_hours_parse_holiday (const char           *text,
                                                              GDate                  *date);
gint64                  concierge_business_hours_elapsed     (ConciergeBusinessHours *self,
                                                              gint64                  from,
                                                              gint64                  to);
gint64                  concierge_business_hours_next_change (ConciergeBusinessHours *self,
                                                              gint64                  time,
                                                              gint64                  limit,
                                                              gboolean               *open);
gint64                  concierge_business_hours_deadline    (ConciergeBusinessHours *self,
                                                              gint64                  from,
                                                              gint64                  seconds);

ConciergeWaitingState   concierge_waiting_state              (gint64                  waited,
                                                              gint64                  target);

/* A platform that takes replies only for a while after the customer's
 * last message: below this much left, the agent is told. */
#define CONCIERGE_REPLY_WINDOW_WARNING (4 * 60 * 60)

gint64                  concierge_reply_window_left          (guint                   window_seconds,
                                                              gint64                  last_incoming,
                                                              gint64                  now);

/* The team's promise: business hours, and how long a customer waits at
 * most for the first answer and for each later one. */
typedef struct
{
  ConciergeBusinessHours *hours;
  gint64                  first_response;  /* seconds of business time */
  gint64                  next_response;
} ConciergeResponseTargets;

ConciergeResponseTargets *concierge_response_targets_new_for_settings (GSettings                *settings);
void                      concierge_response_targets_watch  (GSettings                *settings,
                                                             GCallback                 changed,
                                                             gpointer                  object);
ConciergeResponseTargets *concierge_response_targets_ref    (ConciergeResponseTargets *self);
void                      concierge_response_targets_unref  (ConciergeResponseTargets *self);
ConciergeWaitingState     concierge_response_targets_check  (ConciergeResponseTargets *self,
                                                             gint64                    waiting_since,
                                                             gboolean                  answered_before,
                                                             gint64                    now,
                                                             gint64                   *waited,
                                                             gint64                   *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeBusinessHours, concierge_business_hours_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeResponseTargets, concierge_response_targets_unref)

G_END_DECLS
