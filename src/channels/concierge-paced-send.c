/* concierge-paced-send.c
 *
 * Platforms say in their answers' headers how fast the next requests may
 * come. A request that may not go out yet waits on the main context, not
 * in a thread, and a cancellation ends the wait at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-paced-send.h"

typedef struct
{
  SoupSession         *session;
  SoupMessage         *message;
  GCancellable        *cancellable;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
  GSource             *wait;
  GSource             *cancelled;
} Waiting;

static void
end_wait (Waiting *waiting)
{
  g_source_destroy (waiting->wait);
  g_source_unref (waiting->wait);
  if (waiting->cancelled != NULL)
    {
      g_source_destroy (waiting->cancelled);
      g_source_unref (waiting->cancelled);
    }
  /* Cancelled, libsoup fails it at once. */
  soup_session_send_and_read_async (waiting->session, waiting->message, G_PRIORITY_DEFAULT, waiting->cancellable,
                                    waiting->callback, waiting->user_data);
  g_object_unref (waiting->session);
  g_object_unref (waiting->message);
  g_clear_object (&waiting->cancellable);
  g_free (waiting);
}

static gboolean
waited_cb (gpointer data)
{
  end_wait (data);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  end_wait (data);
  return G_SOURCE_REMOVE;
}

/**
 * concierge_send_and_read_when:
 * @not_before: µs since the epoch; the request leaves no earlier
 *
 * As soup_session_send_and_read_async(), once @not_before has come: the
 * callback finishes with soup_session_send_and_read_finish().
 */
void
concierge_send_and_read_when (SoupSession         *session,
                              SoupMessage         *message,
                              gint64               not_before,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  gint64 wait = not_before - g_get_real_time ();
  Waiting *waiting;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  if (wait <= 0)
    {
      soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, cancellable, callback, user_data);
      return;
    }

  waiting = g_new0 (Waiting, 1);
  waiting->session = g_object_ref (session);
  waiting->message = g_object_ref (message);
  waiting->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  waiting->callback = callback;
  waiting->user_data = user_data;
  waiting->wait = g_timeout_source_new ((guint) MIN (wait / 1000 + 1, G_MAXUINT));
  g_source_set_callback (waiting->wait, waited_cb, waiting, NULL);
  g_source_attach (waiting->wait, g_main_context_get_thread_default ());
  if (cancellable != NULL)
    {
      waiting->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiting->cancelled, G_SOURCE_FUNC (wait_cancelled_cb), waiting, NULL);
      g_source_attach (waiting->cancelled, g_main_context_get_thread_default ());
    }
}
