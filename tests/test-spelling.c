/* test-spelling.c
 *
 * Spell checking in the composer, with the German and English
 * dictionaries Debian installs (hunspell-de-de, hunspell-en-us): which
 * words are underlined, what the context menu offers, and what its
 * actions do. Each test has its own HOME and XDG_CONFIG_HOME, so the
 * personal dictionary is the test's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "ui/concierge-spell-checker.h"

/* Runs the main context until nothing is ready: the checker's idles stay
 * ready for as long as they have work. */
static void
settle (void)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_main_context_pending (NULL))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
}

static GtkTextView *
new_view (const char *text)
{
  GtkTextView *view = g_object_ref_sink (GTK_TEXT_VIEW (gtk_text_view_new ()));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
  return view;
}

static ConciergeSpellChecker *
new_checker (GtkTextView *view,
             const char  *language)
{
  ConciergeSpellChecker *checker = concierge_spell_checker_new (view);

  concierge_spell_checker_set_language (checker, language);
  if (!concierge_spell_checker_get_available (checker))
    g_error ("no dictionary for %s: install hunspell-de-de and hunspell-en-us", language);
  settle ();
  return checker;
}

static GtkTextTag *
misspelled_tag (GtkTextView *view)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (view));
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, CONCIERGE_SPELL_CHECKER_TAG_NAME);

  g_assert_nonnull (tag);
  return tag;
}

/* The underlined stretches of text, in order, each with "|" after it. */
static char *
marked_words (GtkTextView *view)
{
  GtkTextTag *tag = misspelled_tag (view);
  GString *words = g_string_new (NULL);
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (view), &iter);
  while (gtk_text_iter_starts_tag (&iter, tag) || gtk_text_iter_forward_to_tag_toggle (&iter, tag))
    {
      GtkTextIter end = iter;
      g_autofree char *word = NULL;

      g_assert_true (gtk_text_iter_starts_tag (&iter, tag));
      gtk_text_iter_forward_to_tag_toggle (&end, tag);
      word = gtk_text_iter_get_text (&iter, &end);
      g_string_append_printf (words, "%s|", word);
      iter = end;
    }
  return g_string_free (words, FALSE);
}

static guint
count_marks (GtkTextView *view)
{
  GtkTextTag *tag = misspelled_tag (view);
  GtkTextIter iter;
  guint toggles = 0;

  gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (view), &iter);
  while (gtk_text_iter_forward_to_tag_toggle (&iter, tag))
    toggles++;
  return toggles / 2;
}

#define assert_marked(view, expected) \
  G_STMT_START { \
    g_autofree char *marked_ = marked_words (view); \
    g_assert_cmpstr (marked_, ==, expected); \
  } G_STMT_END

static char *
buffer_text (GtkTextView *view)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  return gtk_text_iter_get_text (&start, &end);
}

static void
place_cursor (GtkTextView *view,
              int          offset)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  gtk_text_buffer_place_cursor (buffer, &iter);
  settle ();
}

/* What the view's context menu adds: the suggestions, each with "|" after
 * it, then the other actions in brackets. */
static char *
menu_contents (GtkTextView *view)
{
  GMenuModel *menu = gtk_text_view_get_extra_menu (view);
  GString *contents = g_string_new (NULL);

  g_assert_nonnull (menu);
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      g_assert_nonnull (section);
      for (int k = 0; k < g_menu_model_get_n_items (section); k++)
        {
          g_autofree char *action = NULL;
          g_autofree char *label = NULL;
          g_autoptr(GVariant) target = NULL;

          g_assert_true (g_menu_model_get_item_attribute (section, k, G_MENU_ATTRIBUTE_ACTION, "s", &action));
          g_assert_true (g_menu_model_get_item_attribute (section, k, G_MENU_ATTRIBUTE_LABEL, "s", &label));
          target = g_menu_model_get_item_attribute_value (section, k, G_MENU_ATTRIBUTE_TARGET, NULL);
          if (g_str_equal (action, "spelling.replace"))
            {
              g_assert_cmpstr (g_variant_get_string (target, NULL), ==, label);
              g_string_append_printf (contents, "%s|", label);
            }
          else
            {
              g_string_append_printf (contents, "[%s]", action);
            }
        }
    }
  return g_string_free (contents, FALSE);
}

static void
assert_menu_empty (GtkTextView *view)
{
  g_autofree char *contents = menu_contents (view);

  g_assert_cmpstr (contents, ==, "");
}

/* Hunspell gives its costlier ways of finding suggestions (compound words,
 * which German dictionaries use throughout) a budget of a quarter second
 * of the process's CPU time, and drops what it has not tried by then.
 * Under AddressSanitizer, on a busy machine, that budget can run out
 * before the right word is found: there the menu's shape is checked, and
 * which words it offers only in the normal build. */
static void
assert_suggests (GtkTextView *view,
                 const char  *word)
{
  g_autofree char *contents = menu_contents (view);
  g_autofree char *item = g_strdup_printf ("%s|", word);
  g_auto(GStrv) parts = g_strsplit (contents, "|", -1);

#ifndef __SANITIZE_ADDRESS__
  g_assert_nonnull (strstr (contents, item));
#endif
  /* At most five suggestions, then the two actions. */
  g_assert_cmpuint (g_strv_length (parts) - 1, <=, 5);
  g_assert_true (g_str_has_suffix (contents, "[spelling.add][spelling.ignore]"));
}

static void
activate (GtkTextView *view,
          const char  *action,
          const char  *format,
          ...)
{
  g_autoptr(GVariant) parameter = NULL;
  va_list args;

  va_start (args, format);
  if (format != NULL)
    parameter = g_variant_ref_sink (g_variant_new_va (format, NULL, &args));
  va_end (args);

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (view), action, parameter));
  settle ();
}

static void
test_german (void)
{
  g_autoptr(GtkTextView) view = new_view ("Die Rechnugn kommt morgen");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  g_autofree char *text = NULL;

  assert_marked (view, "Rechnugn|");

  /* The cursor in the word points the menu at it. */
  place_cursor (view, 6);
  assert_suggests (view, "Rechnung");

  activate (view, "spelling.replace", "s", "Rechnung");
  text = buffer_text (view);
  g_assert_cmpstr (text, ==, "Die Rechnung kommt morgen");
  assert_marked (view, "");

  /* A correct word has nothing to offer. */
  assert_menu_empty (view);
}

static void
test_english (void)
{
  g_autoptr(GtkTextView) view = new_view ("I did not recieve it");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "en");

  assert_marked (view, "recieve|");

  /* At the end of the word counts as in it. */
  place_cursor (view, 17);
  assert_suggests (view, "receive");
}

static void
test_ignore (void)
{
  g_autoptr(GtkTextView) view = new_view ("Die Rechnugn kommt morgen. Rechnugn!");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  g_autoptr(GtkTextView) other_view = NULL;
  g_autoptr(ConciergeSpellChecker) other_checker = NULL;

  assert_marked (view, "Rechnugn|Rechnugn|");

  place_cursor (view, 5);
  activate (view, "spelling.ignore", NULL);
  assert_marked (view, "");
  assert_menu_empty (view);

  /* Only for this checker. */
  other_view = new_view ("Die Rechnugn kommt morgen");
  other_checker = new_checker (other_view, "de");
  assert_marked (other_view, "Rechnugn|");
}

/* Whether a word list of enchant's in this test's XDG_CONFIG_HOME has
 * @word. */
static gboolean
personal_words_contain (const char *word)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "enchant", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_str_has_suffix (name, ".dic") || !g_file_get_contents (file, &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      if (g_strv_contains ((const char * const *) lines, word))
        return TRUE;
    }
  return FALSE;
}

static void
test_add_to_dictionary (void)
{
  g_autoptr(GtkTextView) view = new_view ("Bitte fragen Sie Zwonkelbert, er kennt Zwonkelbert");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  g_autoptr(GtkTextView) other_view = NULL;
  g_autoptr(ConciergeSpellChecker) other_checker = NULL;

  assert_marked (view, "Zwonkelbert|Zwonkelbert|");

  place_cursor (view, 20);
  activate (view, "spelling.add", NULL);
  assert_marked (view, "");

  /* The personal word list is in the test's own configuration folder. */
  g_assert_true (personal_words_contain ("Zwonkelbert"));

  /* It stays in the dictionary for a checker that comes later. */
  other_view = new_view ("Zwonkelbert hilft Ihnen");
  other_checker = new_checker (other_view, "de");
  assert_marked (other_view, "");
}

static void
count_notify (guint *count)
{
  (*count)++;
}

static void
test_language_switch (void)
{
  g_autoptr(GtkTextView) view = new_view ("Die Rechnugn kommt morgen");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  guint notified = 0;

  g_signal_connect_swapped (checker, "notify::language", G_CALLBACK (count_notify), &notified);
  assert_marked (view, "Rechnugn|");

  concierge_spell_checker_set_language (checker, "en");
  g_assert_cmpstr (concierge_spell_checker_get_language (checker), ==, "en");
  settle ();
  assert_marked (view, "Rechnugn|kommt|morgen|");

  concierge_spell_checker_set_language (checker, "de");
  settle ();
  assert_marked (view, "Rechnugn|");
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_names_are_not_words (void)
{
  g_autoptr(GtkTextView) view = new_view ("Schreiben Sie an rechnugn@example.com oder @rechnugn, "
                                          "siehe https://example.com/rechnugn und (www.rechnugn.de) "
                                          "oder #rechnugn; Rechnugn2 ist keine Rechnugn.");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");

  assert_marked (view, "Rechnugn|");
}

static void
test_word_being_typed (void)
{
  g_autoptr(GtkTextView) view = new_view ("");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter;

  for (const char *p = "Die Rechnugn"; *p != '\0'; p++)
    {
      gtk_text_buffer_insert_at_cursor (buffer, p, 1);
      settle ();
    }
  /* Not while it is being written ... */
  assert_marked (view, "");

  /* ... but once it is. */
  gtk_text_buffer_insert_at_cursor (buffer, " ", 1);
  settle ();
  assert_marked (view, "Rechnugn|");

  /* An edit elsewhere is checked at once. */
  gtk_text_buffer_set_text (buffer, "Die Rechnung kommt", -1);
  settle ();
  assert_marked (view, "");
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 8);
  gtk_text_buffer_insert (buffer, &iter, "x", 1);
  settle ();
  assert_marked (view, "Rechxnung|");
}

static void
test_buffer_and_view_change (void)
{
  GtkTextView *view = new_view ("Die Rechnugn kommt morgen");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autoptr(GtkTextBuffer) old_buffer = g_object_ref (gtk_text_view_get_buffer (view));
  GtkTextTagTable *old_table = gtk_text_buffer_get_tag_table (old_buffer);

  assert_marked (view, "Rechnugn|");

  /* A new buffer is checked, and the old one keeps nothing of it. */
  gtk_text_buffer_set_text (buffer, "Ihre Lieferugn", -1);
  gtk_text_view_set_buffer (view, buffer);
  settle ();
  assert_marked (view, "Lieferugn|");
  g_assert_null (gtk_text_tag_table_lookup (old_table, CONCIERGE_SPELL_CHECKER_TAG_NAME));

  /* The view may go first; the checker then checks nothing. */
  g_object_unref (view);
  settle ();
  g_assert_null (concierge_spell_checker_get_view (checker));
  g_assert_null (gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer),
                                            CONCIERGE_SPELL_CHECKER_TAG_NAME));
  concierge_spell_checker_set_language (checker, "en");
  g_assert_true (concierge_spell_checker_get_available (checker));
  settle ();
}

static gboolean
is_marked_at (GtkTextView *view,
              int          offset)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, offset);
  return gtk_text_iter_has_tag (&iter, misspelled_tag (view));
}

static void
test_large_text (void)
{
  const char *line = "Die Rechnugn kommt morgen, die Lieferung vielleicht schon heute.\n";
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GtkTextView) view = new_view ("");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  gint64 deadline = g_get_monotonic_time () + 100 * G_USEC_PER_SEC;
  gint64 longest = 0;
  guint lines = 0, steps = 0, partial = 0;
  int last_line;
  g_autofree char *marked = NULL;

  while (text->len < 200000)
    {
      g_string_append (text, line);
      lines++;
    }
  last_line = g_utf8_strlen (text->str, -1) - g_utf8_strlen (line, -1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text->str, text->len);

  while (g_main_context_pending (NULL))
    {
      gint64 start = g_get_monotonic_time ();

      g_assert_cmpint (start, <, deadline);
      g_main_context_iteration (NULL, FALSE);
      longest = MAX (longest, g_get_monotonic_time () - start);
      steps++;
      /* The first line's word is marked, the last line's not yet. */
      if (is_marked_at (view, 4) && !is_marked_at (view, last_line + 4))
        partial++;
    }
  g_test_message ("%u lines in %u steps, %u of them part of the way, the longest %" G_GINT64_FORMAT " µs",
                  lines, steps, partial, longest);

  /* It was checked in steps, not all at once ... */
  g_assert_cmpuint (partial, >, 1);
  /* ... and to the end. */
  g_assert_cmpuint (count_marks (view), ==, lines);
  marked = marked_words (view);
  g_assert_cmpuint (strlen (marked), ==, lines * strlen ("Rechnugn|"));
}

static void
test_unavailable (void)
{
  g_autoptr(GtkTextView) view = new_view ("Die Rechnugn kommt morgen");
  g_autoptr(ConciergeSpellChecker) checker = concierge_spell_checker_new (view);

  /* Off until a language is set. */
  g_assert_false (concierge_spell_checker_get_available (checker));
  settle ();
  assert_marked (view, "");

  concierge_spell_checker_set_language (checker, "de");
  g_assert_true (concierge_spell_checker_get_available (checker));
  settle ();
  assert_marked (view, "Rechnugn|");

  /* No dictionary: no marks, and no warnings (they are fatal here). */
  concierge_spell_checker_set_language (checker, "tlh");
  g_assert_false (concierge_spell_checker_get_available (checker));
  settle ();
  assert_marked (view, "");
  assert_menu_empty (view);

  concierge_spell_checker_set_language (checker, NULL);
  g_assert_false (concierge_spell_checker_get_available (checker));

  /* A region without its own dictionary gets its language's. */
  concierge_spell_checker_set_language (checker, "de-CH");
  g_assert_true (concierge_spell_checker_get_available (checker));
  settle ();
  assert_marked (view, "Rechnugn|");
}

static void
wait_until_drawn (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  settle ();
}

/* GTK 4 makes no input events, so the tests call on the view's controllers
 * as a right-click or the Menu key would. */
static GtkEventController *
find_capture_controller (GtkWidget *widget,
                         GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type)
          && gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return g_steal_pointer (&controller);
    }
  g_assert_not_reached ();
}

static void
right_click (GtkTextView *view,
             int          offset)
{
  g_autoptr(GtkEventController) click = find_capture_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_CLICK);
  GtkTextIter iter;
  GdkRectangle location;
  int x, y;

  g_assert_cmpuint (gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (click)), ==, GDK_BUTTON_SECONDARY);
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, offset);
  gtk_text_view_get_iter_location (view, &iter, &location);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET,
                                         location.x + location.width / 4, location.y + location.height / 2,
                                         &x, &y);
  g_signal_emit_by_name (click, "pressed", 1, (double) x, (double) y);
}

static void
press_menu_key (GtkTextView *view)
{
  g_autoptr(GtkEventController) keys = find_capture_controller (GTK_WIDGET (view), GTK_TYPE_SHORTCUT_CONTROLLER);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (keys)); i++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (keys), i);
      g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

      if (strstr (trigger, "Menu") != NULL && strstr (trigger, "<Shift>F10") != NULL)
        {
          /* It declines, so that the view goes on to open the menu. */
          g_assert_false (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                        GTK_WIDGET (view), NULL));
          return;
        }
    }
  g_assert_not_reached ();
}

static int
cursor_offset (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter cursor;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_offset (&cursor);
}

static void
test_menu_follows_pointer_and_cursor (void)
{
  GtkWidget *window = gtk_window_new ();
  g_autoptr(GtkTextView) view = new_view ("Die Rechnugn kommt morgen, die Lieferugn auch");
  g_autoptr(ConciergeSpellChecker) checker = new_checker (view, "de");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 200);
  gtk_window_present (GTK_WINDOW (window));
  wait_until_drawn (GTK_WIDGET (view));
  assert_marked (view, "Rechnugn|Lieferugn|");

  place_cursor (view, 0);
  assert_menu_empty (view);

  /* A right-click moves the cursor to the word, and the menu is ready
   * before the view opens it. */
  right_click (view, 7);
  g_assert_cmpint (cursor_offset (view), ==, 7);
  assert_suggests (view, "Rechnung");
  settle ();
  assert_suggests (view, "Rechnung");

  /* In the selection, the selection stays for Cut and Copy. */
  gtk_text_buffer_get_iter_at_offset (buffer, &start, 27);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, 45);
  gtk_text_buffer_select_range (buffer, &start, &end);
  settle ();
  right_click (view, 35);
  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
  g_assert_cmpint (gtk_text_iter_get_offset (&start), ==, 27);
  g_assert_cmpint (gtk_text_iter_get_offset (&end), ==, 45);
  assert_suggests (view, "Lieferung");
  settle ();
  assert_suggests (view, "Lieferung");

  /* A word just typed is not underlined yet, but the Menu key finds it. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  for (const char *p = " Rechnugn"; *p != '\0'; p++)
    {
      gtk_text_buffer_insert_at_cursor (buffer, p, 1);
      settle ();
    }
  assert_marked (view, "Rechnugn|Lieferugn|");
  assert_menu_empty (view);
  press_menu_key (view);
  assert_suggests (view, "Rechnung");

  activate (view, "spelling.replace", "s", "Rechnung");
  assert_marked (view, "Rechnugn|Lieferugn|");
  text = buffer_text (view);
  g_assert_cmpstr (text, ==, "Die Rechnugn kommt morgen, die Lieferugn auch Rechnung");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  gtk_init ();

  g_test_add_func ("/spelling/german", test_german);
  g_test_add_func ("/spelling/english", test_english);
  g_test_add_func ("/spelling/ignore", test_ignore);
  g_test_add_func ("/spelling/add-to-dictionary", test_add_to_dictionary);
  g_test_add_func ("/spelling/language-switch", test_language_switch);
  g_test_add_func ("/spelling/names-are-not-words", test_names_are_not_words);
  g_test_add_func ("/spelling/word-being-typed", test_word_being_typed);
  g_test_add_func ("/spelling/buffer-and-view-change", test_buffer_and_view_change);
  g_test_add_func ("/spelling/large-text", test_large_text);
  g_test_add_func ("/spelling/unavailable", test_unavailable);
  g_test_add_func ("/spelling/menu-follows-pointer-and-cursor", test_menu_follows_pointer_and_cursor);

  return g_test_run ();
}
