/* bench-startup.c
 *
 * Times how long the main window takes from construction to its first
 * painted frame, beside a plain AdwApplicationWindow measured in the same run
 * as the baseline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "concierge-application.h"
#include "ui/concierge-window.h"

#define ROUNDS 15

static gboolean painted;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

static void
realize_cb (GtkWidget *widget,
            gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static GtkWidget *
plain_window_new (ConciergeApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), adw_status_page_new ());
  return window;
}

static GtkWidget *
concierge_window_new_widget (ConciergeApplication *app)
{
  return GTK_WIDGET (concierge_window_new (app));
}

static double
first_frame_ms (ConciergeApplication *app,
                GtkWidget *(*create) (ConciergeApplication *))
{
  gint64 start = g_get_monotonic_time ();
  GtkWidget *window = create (app);
  double elapsed;

  painted = FALSE;
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
  while (!painted)
    g_main_context_iteration (NULL, TRUE);

  elapsed = (g_get_monotonic_time () - start) / 1000.0;
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return elapsed;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median_first_frame_ms (ConciergeApplication *app,
                       GtkWidget *(*create) (ConciergeApplication *))
{
  double samples[ROUNDS];

  /* One round first, so that both sides start with warm caches. */
  first_frame_ms (app, create);
  for (guint i = 0; i < ROUNDS; i++)
    samples[i] = first_frame_ms (app, create);
  qsort (samples, ROUNDS, sizeof (double), compare_doubles);
  return samples[ROUNDS / 2];
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConciergeApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  double window_ms, baseline_ms;

  adw_init ();

  app = concierge_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  baseline_ms = median_first_frame_ms (app, plain_window_new);
  window_ms = median_first_frame_ms (app, concierge_window_new_widget);

  g_print ("startup.window_first_frame_ms %.1f (baseline: empty AdwApplicationWindow %.1f; median of %d)\n",
           window_ms, baseline_ms, ROUNDS);

  return EXIT_SUCCESS;
}
