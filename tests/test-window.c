/* test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "channels/concierge-sync.h"
#include "concierge-application.h"
#include "concierge-settings-schema.h"
#include "test-util.h"
#include "ui/concierge-accounts-page.h"
#include "ui/concierge-audit-window.h"
#include "ui/concierge-composer.h"
#include "ui/concierge-conversation-view.h"
#include "ui/concierge-customer-view.h"
#include "ui/concierge-inbox-list.h"
#include "ui/concierge-preferences.h"
#include "ui/concierge-token-sign-in-page.h"
#include "ui/concierge-ui.h"
#include "ui/concierge-window.h"

/* The sandbox's Telegram bot */
#define TOKEN "7000000001:AAH-window-test-Hs5Kd9qW3mL7xV1bN4cZ"

static ConciergeApplication *app;

static void
wait_until (gboolean (*condition) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
window_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
leaflet_is_folded (gpointer data)
{
  return adw_leaflet_get_folded (data);
}

static gboolean
all_panes_mapped (gpointer data)
{
  GtkWidget *window = data;
  const char *panes[] = { "inbox_pane", "conversation_pane", "customer_pane" };

  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    {
      GObject *pane = gtk_widget_get_template_child (window, CONCIERGE_TYPE_WINDOW, panes[i]);

      if (!gtk_widget_get_mapped (GTK_WIDGET (pane)))
        return FALSE;
    }

  return TRUE;
}

/* @widget's template child @name, of its class @type */
static gpointer
child_of (gpointer    widget,
          GType       type,
          const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

/* The first widget of @type within @widget, depth first */
static gpointer
descendant_of (gpointer widget,
               GType    type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gpointer found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : descendant_of (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gpointer
template_child (ConciergeWindow *window,
                const char      *name)
{
  return child_of (window, CONCIERGE_TYPE_WINDOW, name);
}

static ConciergeWindow *
present_window (int width,
                int height)
{
  ConciergeWindow *window = concierge_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (window_is_mapped, window);

  return window;
}

static void
test_schema_check (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_settings_schema_check (&error));
  g_assert_no_error (error);
}

static void
test_window_size_is_remembered (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  ConciergeWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 1111);
  g_settings_set_int (settings, "window-height", 666);

  window = concierge_window_new (GTK_APPLICATION (app));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1111);
  g_assert_cmpint (height, ==, 666);

  gtk_window_destroy (GTK_WINDOW (window));

  /* A close button click on a window of another size saves that size. */
  window = present_window (987, 654);
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 987);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 654);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  window = concierge_window_new (GTK_APPLICATION (app));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 987);
  g_assert_cmpint (height, ==, 654);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_wide_window_shows_three_panes (void)
{
  ConciergeWindow *window = present_window (1300, 800);
  AdwLeaflet *leaflet = template_child (window, "leaflet");
  AdwFlap *flap = template_child (window, "flap");

  wait_until (all_panes_mapped, window);
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (adw_flap_get_folded (flap));
  g_assert_true (adw_flap_get_reveal_flap (flap));

  /* The window controls move to the conversation when the panel hides. */
  g_assert_false (adw_header_bar_get_show_end_title_buttons (template_child (window, "conversation_header_bar")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-customer", NULL);
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_true (adw_header_bar_get_show_end_title_buttons (template_child (window, "conversation_header_bar")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_narrow_window_folds_with_back_navigation (void)
{
  ConciergeWindow *window = present_window (400, 700);
  AdwLeaflet *leaflet = template_child (window, "leaflet");
  GtkWidget *inbox = template_child (window, "inbox_pane");
  GtkWidget *flap = template_child (window, "flap");

  wait_until (leaflet_is_folded, leaflet);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == inbox);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-conversation", NULL);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == flap);
  g_assert_true (adw_flap_get_folded (ADW_FLAP (flap)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-inbox", NULL);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == inbox);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Web addresses in a message become links; everything else shows as it
 * was written, markup and all. */
static void
test_message_links (void)
{
  const struct
  {
    const char *text;
    const char *markup;
  } cases[] = {
    { "Siehe https://wellenfunk.example/stoerung?ort=Leipzig&tag=2.",
      "Siehe <a href=\"https://wellenfunk.example/stoerung?ort=Leipzig&amp;tag=2\">"
      "https://wellenfunk.example/stoerung?ort=Leipzig&amp;tag=2</a>." },
    { "<b>laut</b> (http://a.example/x) & mehr",
      "&lt;b&gt;laut&lt;/b&gt; (<a href=\"http://a.example/x\">http://a.example/x</a>) &amp; mehr" },
    { "javascript:alert(1) ftp://files.example https://", "javascript:alert(1) ftp://files.example https://" },
    { "Kein Link", "Kein Link" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = concierge_markup_with_links (cases[i].text);
      GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));

      g_assert_cmpstr (markup, ==, cases[i].markup);
      /* What a person reads is the message, character for character. */
      gtk_label_set_markup (GTK_LABEL (label), markup);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, cases[i].text);
      g_object_unref (label);
    }
}

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_text (GTK_LABEL (widget)), text))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* A store on a real SQLite file, in a folder of its own */
static ConciergeStore *
open_store (char **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  ConciergeStore *store;

  *dir = g_dir_make_tmp ("concierge-window-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "cache.sqlite", NULL);
  store = test_open_store (path, &error);
  g_assert_no_error (error);
  return store;
}

/* The inbox sidebar alone, on @store, in a window of its own */
static GtkWidget *
present_inbox_list (ConciergeStore  *store,
                    GtkWidget      **window)
{
  GtkWidget *list = g_object_new (CONCIERGE_TYPE_INBOX_LIST, NULL);

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 400, 600);
  gtk_window_set_child (GTK_WINDOW (*window), list);
  concierge_inbox_list_set_store (CONCIERGE_INBOX_LIST (list), store);
  gtk_window_present (GTK_WINDOW (*window));
  return list;
}

static gboolean
shows_three_hours_left (gpointer data)
{
  return shows_label (data, "3 h left to reply");
}

#define POSTS_WARNING "Mastodon allows 300 posts in 3 hours; this account has posted 262."

static gboolean
shows_posts_warning (gpointer data)
{
  return shows_label (data, POSTS_WARNING);
}

/* A platform that takes 300 posts from an account in 3 hours: with 262
 * made, the composer says so, and not before a sixth of them is left. */
static void
test_composer_warns_near_the_posts_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(ConciergeStore) store = open_store (&dir);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(TestChannel) channel = NULL;
  g_autoptr(ConciergeIdentity) author = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GArray) index = NULL;
  ConciergeInboxQuery all = { .visibility = -1 };
  ConciergeIngest *ingest;
  ConciergeMessage *message;
  GtkWidget *window, *composer;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 thread_id;

  account = test_add_account (store, concierge_account_new ("mastodon", "Support", "@support",
                                                            "https://social.example", "1"));
  ingest = concierge_ingest_new (concierge_account_get_id (account));
  author = concierge_identity_new ("mastodon", "https://social.example", "7", "jana", "Jana");
  message = concierge_message_new ("1", CONCIERGE_DIRECTION_IN, "@support Hallo?", now - 4 * 3600);
  concierge_message_set_author (message, author);
  concierge_ingest_add_message (ingest, "1", CONCIERGE_VISIBILITY_PUBLIC, message);
  g_object_unref (message);
  /* 262 in the last 3 hours, and 20 before, which no longer count. */
  for (guint i = 0; i < 282; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("%u", 100 + i);
      gint64 ago = i < 262 ? 30 * (gint64) i : 3 * 3600 + 60 * (gint64) i;

      message = concierge_message_new (remote_id, CONCIERGE_DIRECTION_OUT, "@jana Danke!", now - ago);
      concierge_ingest_add_message (ingest, "1", CONCIERGE_VISIBILITY_PUBLIC, message);
      g_object_unref (message);
    }
  test_ingest (store, ingest, &error);
  g_assert_no_error (error);
  index = test_load_index (store, &all);
  g_assert_cmpuint (index->len, ==, 1);
  thread_id = g_array_index (index, ConciergeInboxEntry, 0).id;
  threads = test_load_threads (store, &thread_id, 1);

  sync = concierge_sync_new (store, NULL);
  channel = g_object_new (TEST_TYPE_CHANNEL, NULL);
  channel->account_id = concierge_account_get_id (account);
  channel->posts_limit = 300;
  channel->posts_limit_seconds = 3 * 60 * 60;
  concierge_sync_add_channel (sync, account, CONCIERGE_CHANNEL (channel));

  composer = g_object_new (CONCIERGE_TYPE_COMPOSER, NULL);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), composer);
  concierge_composer_set_store (CONCIERGE_COMPOSER (composer), store);
  concierge_composer_set_sync (CONCIERGE_COMPOSER (composer), sync);
  concierge_composer_set_thread (CONCIERGE_COMPOSER (composer), g_ptr_array_index (threads, 0));
  gtk_window_present (GTK_WINDOW (window));
  wait_until (shows_posts_warning, window);

  /* An internal note is not posted. */
  concierge_composer_set_note_mode (CONCIERGE_COMPOSER (composer), TRUE);
  g_assert_false (shows_posts_warning (window));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&sync);
  test_close_store (store);
  test_remove_tree (dir);

  {
    g_autofree char *below = concierge_describe_posts_limit ("Mastodon", 300, 3 * 3600, 249);
    g_autofree char *at = concierge_describe_posts_limit ("Mastodon", 300, 3 * 3600, 250);
    g_autofree char *unlimited = concierge_describe_posts_limit ("Telegram", 0, 0, 1000);

    g_assert_null (below);
    g_assert_cmpstr (at, ==, "Mastodon allows 300 posts in 3 hours; this account has posted 250.");
    g_assert_null (unlimited);
  }
}

typedef struct
{
  const char         *thread;
  gint64              ago;
  ConciergeVisibility visibility;
} Customer;

/* One thread for each customer, who wrote "Hallo?" @ago seconds ago. */
static void
ingest_customers (ConciergeStore   *store,
                  ConciergeAccount *account,
                  const Customer   *customers,
                  guint             n_customers)
{
  g_autoptr(GError) error = NULL;
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (account));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < n_customers; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("%u", i + 1);
      g_autoptr(ConciergeIdentity) author = concierge_identity_new ("mastodon", "https://social.example", remote_id,
                                                                    remote_id, customers[i].thread);
      ConciergeMessage *message = concierge_message_new (remote_id, CONCIERGE_DIRECTION_IN, "Hallo?",
                                                         now - customers[i].ago);

      concierge_message_set_author (message, author);
      concierge_ingest_add_message (ingest, customers[i].thread, customers[i].visibility, message);
      g_object_unref (message);
    }
  test_ingest (store, ingest, &error);
  g_assert_no_error (error);
}

/* With less than four hours of the platform's reply window left, the row
 * says how long; with more, it says nothing. */
static void
test_reply_window (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(ConciergeStore) store = open_store (&dir);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(TestChannel) channel = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *unlimited = NULL;
  GtkWidget *window, *list;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const Customer customers[] = {
    { "late", 21 * 3600 - 120, CONCIERGE_VISIBILITY_PRIVATE },
    { "early", 3600, CONCIERGE_VISIBILITY_PRIVATE },
  };

  account = test_add_account (store, concierge_account_new ("mastodon", "Support", "@support",
                                                            "https://social.example", "1"));
  ingest_customers (store, account, customers, G_N_ELEMENTS (customers));

  sync = concierge_sync_new (store, NULL);
  /* A test-only channel whose platform takes replies for 24 hours after
   * the customer's last message, as Facebook's does. */
  channel = g_object_new (TEST_TYPE_CHANNEL, NULL);
  channel->account_id = concierge_account_get_id (account);
  channel->reply_window_seconds = 24 * 60 * 60;
  concierge_sync_add_channel (sync, account, CONCIERGE_CHANNEL (channel));

  list = present_inbox_list (store, &window);
  concierge_inbox_list_set_sync (CONCIERGE_INBOX_LIST (list), sync);

  wait_until (shows_three_hours_left, window);
  g_assert_false (shows_label (window, "23 h left to reply"));
  g_assert_false (shows_label (window, "22 h left to reply"));

  closed = concierge_describe_reply_window (24 * 3600, now - 24 * 3600, now);
  g_assert_cmpstr (closed, ==, "Too late to reply here");
  unlimited = concierge_describe_reply_window (0, now - 30 * 3600, now);
  g_assert_null (unlimited);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&sync);
  test_close_store (store);
  test_remove_tree (dir);
}

typedef struct
{
  GtkWidget  *window;
  const char *text;
} Shown;

static gboolean
shows_text (gpointer data)
{
  Shown *shown = data;

  return shows_label (shown->window, shown->text);
}

/* The composer of @thread_remote_id's thread says @text, and takes a reply
 * or not. */
static void
assert_composer_window (ConciergeStore *store,
                        ConciergeSync  *sync,
                        const char     *thread_remote_id,
                        const char     *text,
                        gboolean        can_send)
{
  ConciergeInboxQuery all = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (store, &all);
  GtkWidget *composer = g_object_new (CONCIERGE_TYPE_COMPOSER, NULL);
  Shown shown = { gtk_window_new (), text };

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (store, &id, 1);

      if (g_str_equal (concierge_thread_get_remote_id (g_ptr_array_index (threads, 0)), thread_remote_id))
        {
          gtk_window_set_child (GTK_WINDOW (shown.window), composer);
          concierge_composer_set_store (CONCIERGE_COMPOSER (composer), store);
          concierge_composer_set_sync (CONCIERGE_COMPOSER (composer), sync);
          concierge_composer_set_thread (CONCIERGE_COMPOSER (composer), g_ptr_array_index (threads, 0));
        }
    }
  gtk_window_present (GTK_WINDOW (shown.window));
  wait_until (shows_text, &shown);
  concierge_composer_insert_reply (CONCIERGE_COMPOSER (composer), "Guten Tag!");
  g_assert_cmpint (concierge_composer_get_can_send (CONCIERGE_COMPOSER (composer)), ==, can_send);
  gtk_window_destroy (GTK_WINDOW (shown.window));
}

#define TAG_ALLOWED "Private reply: only the customer reads it · Only with the human-agent tag: the customer’s last " \
                    "message is more than 24 hours old, so the reply goes out with the tag. Use it for the " \
                    "customer’s request only."
#define TAG_REFUSED "Private reply: only the customer reads it · Only with the human-agent tag: the customer’s last " \
                    "message is more than 24 hours old, and this account may not use the tag (Preferences → " \
                    "Accounts). The customer must write first."
#define WRITE_FIRST "Private reply: only the customer reads it · The customer’s last message is more than 7 days " \
                    "old: the customer must write first. Sending is not possible until then."

/* A platform with a standard window of 24 hours for private threads and
 * 7 days with a permission, as Messenger's: within 24 hours nothing
 * special; then only with the tag, which the account may use or not;
 * after 7 days the customer must write first, and nothing is sent.
 * Public threads have no window. */
static void
test_composer_reply_window (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(ConciergeStore) store = open_store (&dir);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(TestChannel) channel = NULL;
  const Customer customers[] = {
    { "recent", 2 * 3600, CONCIERGE_VISIBILITY_PRIVATE },
    { "tag", 30 * 3600, CONCIERGE_VISIBILITY_PRIVATE },
    { "closed", 8 * 86400, CONCIERGE_VISIBILITY_PRIVATE },
    { "comment", 8 * 86400, CONCIERGE_VISIBILITY_PUBLIC },
  };

  account = test_add_account (store, concierge_account_new ("mastodon", "Support", "@support",
                                                            "https://social.example", "1"));
  ingest_customers (store, account, customers, G_N_ELEMENTS (customers));

  sync = concierge_sync_new (store, NULL);
  channel = g_object_new (TEST_TYPE_CHANNEL, NULL);
  channel->account_id = concierge_account_get_id (account);
  channel->reply_window_seconds = 24 * 60 * 60;
  channel->reply_window_private_only = TRUE;
  channel->reply_window_extended_seconds = 7 * 24 * 60 * 60;
  concierge_sync_add_channel (sync, account, CONCIERGE_CHANNEL (channel));

  assert_composer_window (store, sync, "recent", "Private reply: only the customer reads it", TRUE);
  assert_composer_window (store, sync, "tag", TAG_REFUSED, FALSE);
  assert_composer_window (store, sync, "closed", WRITE_FIRST, FALSE);
  assert_composer_window (store, sync, "comment", "Public reply: everyone can read it", TRUE);

  /* What the agent says in Preferences reaches the channel through the
   * sync, by the account. */
  {
    gint64 id = concierge_account_get_id (account);

    concierge_sync_set_extended_reply_accounts (sync, &id, 1);
  }
  g_assert_true (channel->reply_window_extension_allowed);
  assert_composer_window (store, sync, "tag", TAG_ALLOWED, TRUE);
  assert_composer_window (store, sync, "closed", WRITE_FIRST, FALSE);
  concierge_sync_set_extended_reply_accounts (sync, NULL, 0);
  g_assert_false (channel->reply_window_extension_allowed);

  g_clear_object (&sync);
  test_close_store (store);
  test_remove_tree (dir);
}

static gboolean
is_ready (gpointer data)
{
  return concierge_inbox_list_get_ready (data);
}

#define LIMITED_TEXT "Showing the first 3 conversations that match. Add words to narrow the search."
#define LIMITED_EMPTY_TEXT "None of the most recent conversations contains these words. Add words to narrow the search."

static gboolean
shows_limited (gpointer data)
{
  return shows_label (data, LIMITED_TEXT);
}

static gboolean
shows_one_row_alone (gpointer data)
{
  GtkListView *list_view = child_of (data, CONCIERGE_TYPE_INBOX_LIST, "list_view");

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_view))) == 1 &&
         !shows_label (data, LIMITED_TEXT);
}

static gboolean
shows_limited_empty (gpointer data)
{
  return shows_label (data, LIMITED_EMPTY_TEXT);
}

/* A search that matches more conversations than the inbox lists says so
 * below the search field, and says nothing once another word narrows it
 * down. One that looked through the newest conversations alone and found
 * none says so too, rather than that there are none. */
static void
test_search_says_when_it_shows_the_first (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(ConciergeStore) store = open_store (&dir);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeIdentity) author = NULL;
  GtkEditable *search;
  ConciergeIngest *ingest;
  GtkWidget *window, *list;

  account = test_add_account (store, concierge_account_new ("mastodon", "Support", "@support",
                                                            "https://social.example", "1"));
  author = concierge_identity_new ("mastodon", "https://social.example", "7", "sabine", "Sabine Krüger");
  ingest = concierge_ingest_new (concierge_account_get_id (account));
  /* A word in more messages than the store follows one by one, in an old
   * conversation below 200 others. */
  for (guint i = 0; i < 4100; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("z%u", i);
      g_autofree char *text = g_strdup_printf ("Zählerstand %u", i);
      g_autoptr(ConciergeMessage) message = concierge_message_new (remote_id, CONCIERGE_DIRECTION_IN, text, 1000 + i);

      concierge_message_set_author (message, author);
      concierge_ingest_add_message (ingest, "zaehler", CONCIERGE_VISIBILITY_PRIVATE, message);
    }
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("%u", i + 1);
      g_autofree char *thread = g_strdup_printf ("rechnung-%u", i + 1);
      g_autofree char *text = g_strdup_printf ("Rechnung %u ist doppelt", i + 1);
      g_autoptr(ConciergeMessage) message = concierge_message_new (remote_id, CONCIERGE_DIRECTION_IN, text,
                                                                   100000 + i);

      concierge_message_set_author (message, author);
      concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PRIVATE, message);
    }
  test_ingest (store, ingest, &error);
  g_assert_no_error (error);
  concierge_store_set_search_limit (store, 3);

  list = present_inbox_list (store, &window);
  wait_until (is_ready, list);
  g_assert_false (shows_limited (window));

  search = child_of (list, CONCIERGE_TYPE_INBOX_LIST, "search_entry");
  gtk_editable_set_text (search, "rechnung");
  wait_until (shows_limited, window);
  gtk_editable_set_text (search, "rechnung 200");
  wait_until (shows_one_row_alone, list);
  gtk_editable_set_text (search, "zählerstand");
  wait_until (shows_limited_empty, window);
  g_assert_false (shows_label (window, "No conversation contains these words"));

  gtk_window_destroy (GTK_WINDOW (window));
  test_close_store (store);
  test_remove_tree (dir);
}

/* A window that closes goes at once: no call it started keeps it, and
 * each of them was cancelled when it went. Then whatever comes back must
 * touch nothing of it, which AddressSanitizer and the fatal warnings
 * watch; the store answers in order, so once a read queued now is back,
 * everything queued before it is, too. */
static void
close_while_busy (GtkWindow      *window,
                  ConciergeStore *store)
{
  g_autoptr(GPtrArray) replies = NULL;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (window);
  g_assert_null (window);

  replies = test_load_saved_replies (store);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
shows_telegram_account (gpointer data)
{
  return shows_label (data, "Support on Telegram");
}

static GtkWindow *
present_preferences (ConciergeStore *store,
                     ConciergeSync  *sync)
{
  GtkWindow *preferences = concierge_preferences_new (NULL, store, sync);

  gtk_window_present (preferences);
  return preferences;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
shows_message_dialog (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
account_is_signed_out (gpointer data)
{
  ConciergeStore *store = data;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  concierge_store_load_accounts_async (store, NULL, test_got_result, &result);
  accounts = concierge_store_load_accounts_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  return concierge_account_get_signed_out (g_ptr_array_index (accounts, 0));
}

/* Preferences closed while its calls are under way: whatever comes back
 * afterwards touches nothing of it, and what the agent asked for before
 * closing still happens. */
static void
test_preferences_closed_while_loading (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(ConciergeStore) store = open_store (&dir);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autofree char *url = NULL;
  GtkWindow *preferences;
  GtkWidget *token_page;

  /* A webhook makes Preferences ask whether to remove it once the check
   * comes back, unless it has closed. */
  sandbox = test_sandbox_start ("mastodon-token-unused", &url, "--telegram-token", TOKEN, "--telegram-webhook",
                                "https://bots.example/hook", NULL);
  account = test_add_account (store, concierge_account_new ("telegram", "Support", "@support_bot", url, "42"));
  sync = concierge_sync_new (store, NULL);

  /* Closed in the same main loop iteration in which it opened: the
   * accounts, the saved replies and the damaged caches are all still being
   * read. */
  close_while_busy (present_preferences (store, sync), store);

  /* Closed while it asks Telegram about a bot's token */
  preferences = present_preferences (store, sync);
  wait_until (shows_telegram_account, preferences);
  gtk_widget_activate_action (descendant_of (preferences, CONCIERGE_TYPE_ACCOUNTS_PAGE), "preferences.add-account",
                              "s", "telegram");
  token_page = descendant_of (preferences, CONCIERGE_TYPE_TOKEN_SIGN_IN_PAGE);
  g_assert_nonnull (token_page);
  gtk_editable_set_text (child_of (token_page, CONCIERGE_TYPE_TOKEN_SIGN_IN_PAGE, "token_row"), TOKEN);
  gtk_editable_set_text (child_of (token_page, CONCIERGE_TYPE_TOKEN_SIGN_IN_PAGE, "api_url_row"), url);
  gtk_widget_activate_action (token_page, "preferences.check-telegram", NULL);
  close_while_busy (preferences, store);

  /* Closed while it removes an account: the removal goes through. */
  preferences = present_preferences (store, sync);
  wait_until (shows_telegram_account, preferences);
  gtk_widget_activate_action (descendant_of (preferences, CONCIERGE_TYPE_ACCOUNTS_PAGE), "preferences.remove-account",
                              "(xs)", concierge_account_get_id (account), "Support on Telegram");
  /* The dialog comes once the store has counted the replies that wait. */
  wait_until (shows_message_dialog, NULL);
  adw_message_dialog_response (find_message_dialog (), "keep");
  close_while_busy (preferences, store);
  wait_until (account_is_signed_out, store);

  /* Nothing asked about the webhook for a window that had gone. */
  g_assert_null (find_message_dialog ());

  g_clear_object (&sync);
  test_sandbox_stop (g_steal_pointer (&sandbox));
  test_close_store (store);
  test_remove_tree (dir);
}

/* Shows @panel in a window of its own and closes it at once; the panel
 * goes with the window. */
static void
close_panel_while_busy (GtkWidget      *panel,
                        ConciergeStore *store)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_present (GTK_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (panel), (gpointer *) &panel);
  close_while_busy (GTK_WINDOW (window), store);
  g_assert_null (panel);
}

/* The panels that load as they are given a conversation, and the audit
 * log, closed in the same main loop iteration in which they opened. */
static void
test_panels_closed_while_loading (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(ConciergeStore) store = open_store (&dir);
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeIdentity) author = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  ConciergeIngest *ingest;
  ConciergeMessage *message;
  ConciergeThread *thread;
  GtkWidget *customer, *conversation;
  GtkWindow *window;

  account = test_add_account (store, concierge_account_new ("mastodon", "Support", "@support",
                                                            "https://social.example", "1"));
  ingest = concierge_ingest_new (concierge_account_get_id (account));
  author = concierge_identity_new ("mastodon", "https://social.example", "7", "sabine", "Sabine Krüger");
  message = concierge_message_new ("m1", CONCIERGE_DIRECTION_IN, "Meine Rechnung ist doppelt, IBAN DE02 1203 "
                                   "0000 0000 2020 51.", g_get_real_time () / G_USEC_PER_SEC - 600);
  concierge_message_set_author (message, author);
  concierge_ingest_add_message (ingest, "rechnung", CONCIERGE_VISIBILITY_PRIVATE, message);
  g_object_unref (message);
  test_ingest (store, ingest, &error);
  g_assert_no_error (error);
  index = test_load_index (store, &query);
  g_assert_cmpuint (index->len, ==, 1);
  threads = test_load_threads (store, &g_array_index (index, ConciergeInboxEntry, 0).id, 1);
  thread = g_ptr_array_index (threads, 0);
  g_assert_cmpint (concierge_thread_get_contact_id (thread), !=, 0);

  /* The customer panel reads the customer, their conversations, who else
   * they may be and what they wrote. */
  customer = g_object_new (CONCIERGE_TYPE_CUSTOMER_VIEW, NULL);
  concierge_customer_view_set_store (CONCIERGE_CUSTOMER_VIEW (customer), store);
  concierge_customer_view_set_thread (CONCIERGE_CUSTOMER_VIEW (customer), thread);
  close_panel_while_busy (customer, store);

  /* The conversation reads its messages, its move, its customer and its
   * draft. */
  conversation = g_object_new (CONCIERGE_TYPE_CONVERSATION_VIEW, NULL);
  concierge_conversation_view_set_store (CONCIERGE_CONVERSATION_VIEW (conversation), store);
  concierge_conversation_view_set_thread (CONCIERGE_CONVERSATION_VIEW (conversation), thread);
  close_panel_while_busy (conversation, store);

  window = concierge_audit_window_new (NULL, store, NULL);
  gtk_window_present (window);
  close_while_busy (window, store);

  test_close_store (store);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  adw_init ();

  /* Registering runs startup, so the actions and resources are there as in
   * the real application; NON_UNIQUE keeps it off any running instance. */
  app = concierge_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/settings/schema-check", test_schema_check);
  g_test_add_func ("/conversation/message-links", test_message_links);
  g_test_add_func ("/inbox/reply-window", test_reply_window);
  g_test_add_func ("/conversation/composer-reply-window", test_composer_reply_window);
  g_test_add_func ("/conversation/composer-warns-near-the-posts-limit", test_composer_warns_near_the_posts_limit);
  g_test_add_func ("/inbox/search-says-when-it-shows-the-first", test_search_says_when_it_shows_the_first);
  g_test_add_func ("/preferences/closed-while-loading", test_preferences_closed_while_loading);
  g_test_add_func ("/window/panels-closed-while-loading", test_panels_closed_while_loading);
  g_test_add_func ("/window/size-is-remembered", test_window_size_is_remembered);
  g_test_add_func ("/window/wide-shows-three-panes", test_wide_window_shows_three_panes);
  g_test_add_func ("/window/narrow-folds-with-back-navigation", test_narrow_window_folds_with_back_navigation);

  ret = g_test_run ();

  g_clear_object (&app);

  return ret;
}
