/* concierge-spell-checker.c
 *
 * Spell checking for a GtkTextView with enchant: misspelled words get the
 * red squiggle, and the context menu offers suggestions, "Add to
 * Dictionary" and "Ignore" for the word under the pointer or the cursor.
 *
 * What still needs checking is itself a tag over the buffer: an edit tags
 * the words around it, a new language tags everything, and an idle works
 * through the tagged text a few milliseconds at a time, so that pasting a
 * long text never holds up a frame. A tag moves with the text as it is
 * edited, which a list of offsets would not.
 *
 * Text is checked in runs without white space ("tokens"): a token is
 * what tells a link, an address or a mention from words, and some tokens
 * are one word to the dictionary ("E-Mail", "z.B.") but several to Pango.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <enchant.h>
#include <glib/gi18n.h>

#include "concierge-spell-checker.h"

/* How long one pass over unchecked text may run before GTK draws again. */
#define CHECK_BUDGET_USEC 4000

/* A run of text without white space this long is no word of a reply but a
 * pasted key or blob: it is not checked, and no search for the ends of a
 * word looks further than this. */
#define MAX_TOKEN_CHARS 1024

#define MAX_SUGGESTIONS 5

struct _ConciergeSpellChecker
{
  GObject             parent_instance;

  GtkTextView        *view;  /* weak */
  GtkTextBuffer      *buffer;
  GtkTextTag         *misspelled_tag;
  GtkTextTag         *unchecked_tag;
  GtkEventController *click;
  GtkEventController *menu_keys;
  GSimpleActionGroup *actions;
  GMenu              *menu;

  EnchantBroker      *broker;
  EnchantDict        *dict;
  char               *language;

  guint               check_source;
  gboolean            check_urgent;  /* check_source runs before drawing */
  guint               menu_source;

  /* The word being typed stays unmarked until the cursor leaves it, or it
   * would be marked at every letter: the cursor's offset after a keystroke
   * that typed or erased a letter, or -1. */
  int                 typing_offset;
  int                 deleted_chars;

  /* Where the context menu points: the cursor, or where the pointer was
   * right-clicked; and the misspelled word there, if any. */
  GtkTextMark        *menu_position;
  GtkTextMark        *word_start;
  GtkTextMark        *word_end;
  char               *word;
};

G_DEFINE_FINAL_TYPE (ConciergeSpellChecker, concierge_spell_checker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VIEW,
  PROP_LANGUAGE,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef void (*MisspelledFunc) (ConciergeSpellChecker *self,
                                const GtkTextIter     *start,
                                const GtkTextIter     *end,
                                gpointer               user_data);

static void queue_menu_update (ConciergeSpellChecker *self);

/* Tokens */

static gboolean
is_space (gunichar ch,
          gpointer user_data)
{
  /* U+FFFC stands for an embedded picture or widget. */
  return g_unichar_isspace (ch) || ch == 0xFFFC;
}

static gboolean
is_not_space (gunichar ch,
              gpointer user_data)
{
  return !is_space (ch, NULL);
}

/* Moves @iter back to the start of the token it is in. */
static void
backward_token_start (GtkTextIter *iter)
{
  GtkTextIter limit = *iter;

  gtk_text_iter_backward_chars (&limit, MAX_TOKEN_CHARS);
  if (gtk_text_iter_backward_find_char (iter, is_space, NULL, &limit))
    gtk_text_iter_forward_char (iter);
}

/* Moves @iter on to the end of the token it is in. */
static void
forward_token_end (GtkTextIter *iter)
{
  GtkTextIter limit = *iter;

  gtk_text_iter_forward_chars (&limit, MAX_TOKEN_CHARS);
  if (!is_space (gtk_text_iter_get_char (iter), NULL))
    gtk_text_iter_forward_find_char (iter, is_space, NULL, &limit);
}

/* Links, e-mail addresses, @mentions and #hashtags are names, not words. */
static gboolean
is_name (const char *token)
{
  const char *p = token;

  if (strchr (token, '@') != NULL || strstr (token, "://") != NULL)
    return TRUE;

  /* "(www.example.com)" and "„#Rechnung" too. */
  while (*p != '\0' && *p != '#' && !g_unichar_isalnum (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return *p == '#' || g_ascii_strncasecmp (p, "www.", 4) == 0;
}

static gboolean
has_digit (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isdigit (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static gboolean
dict_accepts (ConciergeSpellChecker *self,
              const char            *word,
              gssize                 length)
{
  /* enchant answers below zero when it fails, which is no reason to
   * underline a word. */
  return enchant_dict_check (self->dict, word, length) <= 0;
}

/* Whether the dictionary knows the token as a whole once the punctuation
 * around it is gone, as "E-Mail," or "z.B." or "don't". */
static gboolean
dict_accepts_token (ConciergeSpellChecker *self,
                    const char            *token)
{
  const char *start = token;
  const char *end = token + strlen (token);
  gboolean inner_punctuation = FALSE;

  while (start < end && !g_unichar_isalnum (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start && !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (end))))
    end = g_utf8_prev_char (end);

  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    if (!g_unichar_isalnum (g_utf8_get_char (p)))
      inner_punctuation = TRUE;

  /* A single word is the word check's to make. */
  if (!inner_punctuation)
    return FALSE;

  return dict_accepts (self, start, end - start)
         || (*end == '.' && dict_accepts (self, start, end - start + 1));
}

/* Calls @func for each misspelled word between @start and @end, which are
 * the ends of a token. */
static void
check_token (ConciergeSpellChecker *self,
             const GtkTextIter     *start,
             const GtkTextIter     *end,
             MisspelledFunc         func,
             gpointer               user_data)
{
  g_autofree char *token = NULL;
  GtkTextIter word_end = *start;

  if (gtk_text_iter_equal (start, end)
      || gtk_text_iter_get_offset (end) - gtk_text_iter_get_offset (start) >= MAX_TOKEN_CHARS)
    return;

  token = gtk_text_iter_get_slice (start, end);
  if (is_name (token) || dict_accepts_token (self, token))
    return;

  for (;;)
    {
      GtkTextIter previous = word_end;
      GtkTextIter word_start;
      g_autofree char *word = NULL;

      gtk_text_iter_forward_word_end (&word_end);
      if (gtk_text_iter_equal (&word_end, &previous)
          || gtk_text_iter_compare (&word_end, end) > 0
          || !gtk_text_iter_ends_word (&word_end))
        break;

      word_start = word_end;
      gtk_text_iter_backward_word_start (&word_start);
      if (gtk_text_iter_compare (&word_start, start) < 0)
        word_start = *start;

      word = gtk_text_iter_get_text (&word_start, &word_end);
      if (!has_digit (word) && !dict_accepts (self, word, -1))
        func (self, &word_start, &word_end, user_data);
    }
}

/* Checking */

/* A word ends where the cursor stands after it, so that counts as in it. */
static gboolean
word_holds (const GtkTextIter *start,
            const GtkTextIter *end,
            int                offset)
{
  return gtk_text_iter_get_offset (start) <= offset && offset <= gtk_text_iter_get_offset (end);
}

typedef struct
{
  int      typing_offset;
  gboolean deferred;
} MarkState;

static void
mark_word (ConciergeSpellChecker *self,
           const GtkTextIter     *start,
           const GtkTextIter     *end,
           gpointer               user_data)
{
  MarkState *state = user_data;

  if (word_holds (start, end, state->typing_offset))
    state->deferred = TRUE;
  else
    gtk_text_buffer_apply_tag (self->buffer, self->misspelled_tag, start, end);
}

/* Checks the unchecked text from @iter until @limit, a token at a time,
 * and leaves @iter where it stopped. Returns FALSE when @deadline came
 * first. */
static gboolean
check_until (ConciergeSpellChecker *self,
             GtkTextIter           *iter,
             const GtkTextIter     *limit,
             gint64                 deadline)
{
  for (;;)
    {
      GtkTextIter range_end;

      if (!gtk_text_iter_has_tag (iter, self->unchecked_tag)
          && !gtk_text_iter_forward_to_tag_toggle (iter, self->unchecked_tag))
        return TRUE;
      if (gtk_text_iter_compare (iter, limit) >= 0)
        return TRUE;

      range_end = *iter;
      gtk_text_iter_forward_to_tag_toggle (&range_end, self->unchecked_tag);
      backward_token_start (iter);

      while (gtk_text_iter_compare (iter, &range_end) < 0)
        {
          GtkTextIter gap = *iter;
          GtkTextIter token_start, token_end;
          MarkState state = { self->typing_offset, FALSE };

          if (is_space (gtk_text_iter_get_char (iter), NULL))
            gtk_text_iter_forward_find_char (iter, is_not_space, NULL, NULL);
          token_start = *iter;
          token_end = *iter;
          forward_token_end (&token_end);

          gtk_text_buffer_remove_tag (self->buffer, self->misspelled_tag, &token_start, &token_end);
          check_token (self, &token_start, &token_end, mark_word, &state);
          /* The word being typed is checked again once the cursor leaves. */
          gtk_text_buffer_remove_tag (self->buffer, self->unchecked_tag, &gap,
                                      state.deferred ? &token_start : &token_end);
          *iter = token_end;

          if (g_get_monotonic_time () >= deadline)
            return FALSE;
        }
    }
}

static gboolean
check_in_idle (gpointer user_data)
{
  ConciergeSpellChecker *self = user_data;
  gint64 deadline = g_get_monotonic_time () + CHECK_BUDGET_USEC;
  GtkTextIter start, end, line, iter;

  /* Where the user writes first, then the rest from the top. */
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_get_iter_at_mark (self->buffer, &line, gtk_text_buffer_get_insert (self->buffer));
  gtk_text_iter_set_line_offset (&line, 0);
  iter = line;
  if (check_until (self, &iter, &end, deadline)
      && (iter = start, check_until (self, &iter, &line, deadline)))
    {
      self->check_source = 0;
      self->check_urgent = FALSE;
      /* The word at the cursor may just have been marked or cleared. */
      queue_menu_update (self);
      return G_SOURCE_REMOVE;
    }

  if (self->check_urgent)
    {
      /* The rest waits for drawing and input. */
      self->check_urgent = FALSE;
      self->check_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, check_in_idle, self, NULL);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* An edit is checked before the next frame is drawn, so that a word and
 * its mark change together; only a long text takes longer. */
static void
queue_check (ConciergeSpellChecker *self)
{
  if (self->dict == NULL || self->check_urgent)
    return;

  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_urgent = TRUE;
  self->check_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, check_in_idle, self, NULL);
}

static void
mark_unchecked (ConciergeSpellChecker *self,
                GtkTextIter           *start,
                GtkTextIter           *end)
{
  if (self->dict == NULL)
    return;

  backward_token_start (start);
  forward_token_end (end);
  gtk_text_buffer_apply_tag (self->buffer, self->unchecked_tag, start, end);
  queue_check (self);
}

/* The actions act on the menu's word, and only while there is one. */
static void
set_word_actions_enabled (ConciergeSpellChecker *self,
                          gboolean               enabled)
{
  static const char * const names[] = { "replace", "add", "ignore" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), names[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
    }
}

static void
forget_word (ConciergeSpellChecker *self)
{
  g_clear_pointer (&self->word, g_free);
  g_menu_remove_all (self->menu);
  set_word_actions_enabled (self, FALSE);
}

/* After a new language or dictionary, every word may read differently. */
static void
recheck_all (ConciergeSpellChecker *self)
{
  GtkTextIter start, end;

  forget_word (self);
  if (self->buffer == NULL)
    return;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  if (self->dict != NULL)
    {
      gtk_text_buffer_apply_tag (self->buffer, self->unchecked_tag, &start, &end);
      queue_check (self);
    }
  else
    {
      g_clear_handle_id (&self->check_source, g_source_remove);
      self->check_urgent = FALSE;
      gtk_text_buffer_remove_tag (self->buffer, self->misspelled_tag, &start, &end);
      gtk_text_buffer_remove_tag (self->buffer, self->unchecked_tag, &start, &end);
    }
  queue_menu_update (self);
}

static gboolean
is_at_cursor (ConciergeSpellChecker *self,
              const GtkTextIter     *iter)
{
  GtkTextIter cursor;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
  return gtk_text_iter_equal (iter, &cursor);
}

static void
on_insert_text (ConciergeSpellChecker *self,
                GtkTextIter           *location,
                const char            *text,
                int                    length,
                GtkTextBuffer         *buffer)
{
  GtkTextIter start = *location;
  GtkTextIter end = *location;
  glong n_chars = g_utf8_strlen (text, length);

  if (n_chars == 1 && g_unichar_isalnum (g_utf8_get_char (text)) && is_at_cursor (self, location))
    self->typing_offset = gtk_text_iter_get_offset (location);
  else
    self->typing_offset = -1;

  gtk_text_iter_backward_chars (&start, n_chars);
  mark_unchecked (self, &start, &end);
}

static void
on_delete_range (ConciergeSpellChecker *self,
                 GtkTextIter           *start,
                 GtkTextIter           *end,
                 GtkTextBuffer         *buffer)
{
  self->deleted_chars = gtk_text_iter_get_offset (end) - gtk_text_iter_get_offset (start);
}

static void
on_delete_range_after (ConciergeSpellChecker *self,
                       GtkTextIter           *start,
                       GtkTextIter           *end,
                       GtkTextBuffer         *buffer)
{
  GtkTextIter region_start = *start;
  GtkTextIter region_end = *start;
  GtkTextIter before = *start;

  if (self->deleted_chars == 1 && is_at_cursor (self, start)
      && gtk_text_iter_backward_char (&before)
      && g_unichar_isalnum (gtk_text_iter_get_char (&before)))
    self->typing_offset = gtk_text_iter_get_offset (start);
  else
    self->typing_offset = -1;

  mark_unchecked (self, &region_start, &region_end);
}

static void
on_cursor_moved (ConciergeSpellChecker *self,
                 GParamSpec            *pspec,
                 GtkTextBuffer         *buffer)
{
  GtkTextIter cursor;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  if (self->typing_offset >= 0 && self->typing_offset != gtk_text_iter_get_offset (&cursor))
    {
      /* The cursor left the word it was typing. */
      self->typing_offset = -1;
      queue_check (self);
    }

  gtk_text_buffer_move_mark (buffer, self->menu_position, &cursor);
  queue_menu_update (self);
}

/* The menu */

typedef struct
{
  int         offset;
  gboolean    found;
  GtkTextIter start;
  GtkTextIter end;
} WordAt;

static void
find_word (ConciergeSpellChecker *self,
           const GtkTextIter     *start,
           const GtkTextIter     *end,
           gpointer               user_data)
{
  WordAt *at = user_data;

  if (!at->found && word_holds (start, end, at->offset))
    {
      at->found = TRUE;
      at->start = *start;
      at->end = *end;
    }
}

static char *
escape_mnemonics (const char *label)
{
  g_auto(GStrv) parts = g_strsplit (label, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
fill_menu (ConciergeSpellChecker *self)
{
  g_autoptr(GMenu) suggestions = g_menu_new ();
  g_autoptr(GMenu) commands = g_menu_new ();
  size_t n_suggestions = 0;
  char **list;

  list = enchant_dict_suggest (self->dict, self->word, -1, &n_suggestions);
  for (size_t i = 0, shown = 0; i < n_suggestions && shown < MAX_SUGGESTIONS; i++)
    {
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (g_str_equal (list[i], self->word))
        continue;
      /* Menu labels take an underscore for a mnemonic. */
      label = escape_mnemonics (list[i]);
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target_value (item, "spelling.replace", g_variant_new_string (list[i]));
      g_menu_append_item (suggestions, item);
      shown++;
    }
  if (list != NULL)
    enchant_dict_free_string_list (self->dict, list);

  /* Translators: in the context menu of a misspelled word */
  g_menu_append (commands, _("Add to Dictionary"), "spelling.add");
  /* Translators: in the context menu of a misspelled word; accepts it without adding it to the dictionary */
  g_menu_append (commands, _("Ignore"), "spelling.ignore");

  if (g_menu_model_get_n_items (G_MENU_MODEL (suggestions)) > 0)
    g_menu_append_section (self->menu, NULL, G_MENU_MODEL (suggestions));
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (commands));
}

/* Points the menu at the misspelled word at menu_position. Only for the
 * keyboard and the pointer, which are about to open the menu, is a word
 * that is not underlined yet (being typed, or not reached) looked up:
 * suggestions take German dictionaries a noticeable moment, too long
 * for every step of the cursor. */
static void
update_menu (ConciergeSpellChecker *self,
             gboolean               opening)
{
  g_autofree char *word = NULL;
  GtkTextIter position, start, end;
  WordAt at = { 0, };

  g_clear_handle_id (&self->menu_source, g_source_remove);
  if (self->buffer == NULL)
    return;

  gtk_text_buffer_get_iter_at_mark (self->buffer, &position, self->menu_position);
  if (self->dict != NULL
      && (opening
          || gtk_text_iter_has_tag (&position, self->misspelled_tag)
          || gtk_text_iter_ends_tag (&position, self->misspelled_tag)))
    {
      start = position;
      end = position;
      backward_token_start (&start);
      forward_token_end (&end);
      at.offset = gtk_text_iter_get_offset (&position);
      check_token (self, &start, &end, find_word, &at);
    }
  if (at.found)
    word = gtk_text_iter_get_text (&at.start, &at.end);

  /* The same word in the same place: the menu is right already, and an
   * open menu keeps still. */
  if (g_strcmp0 (word, self->word) == 0)
    {
      GtkTextIter old_start;

      gtk_text_buffer_get_iter_at_mark (self->buffer, &old_start, self->word_start);
      if (word == NULL || gtk_text_iter_equal (&old_start, &at.start))
        return;
    }

  forget_word (self);
  if (word == NULL)
    return;

  self->word = g_steal_pointer (&word);
  gtk_text_buffer_move_mark (self->buffer, self->word_start, &at.start);
  gtk_text_buffer_move_mark (self->buffer, self->word_end, &at.end);
  fill_menu (self);
  set_word_actions_enabled (self, TRUE);
}

static gboolean
update_menu_in_idle (gpointer user_data)
{
  ConciergeSpellChecker *self = user_data;

  self->menu_source = 0;
  update_menu (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
queue_menu_update (ConciergeSpellChecker *self)
{
  if (self->menu_source == 0)
    self->menu_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_menu_in_idle, self, NULL);
}

/* The menu is about to open at @iter. */
static void
prepare_menu_at (ConciergeSpellChecker *self,
                 const GtkTextIter     *iter)
{
  gtk_text_buffer_move_mark (self->buffer, self->menu_position, iter);
  update_menu (self, TRUE);
}

/* A right-click moves the cursor to the word under the pointer before the
 * view opens its menu, unless it falls into the selection, which then
 * stays for Cut and Copy. */
static void
on_secondary_pressed (ConciergeSpellChecker *self,
                      int                    n_press,
                      double                 x,
                      double                 y,
                      GtkGestureClick       *gesture)
{
  GtkTextIter iter, selection_start, selection_end;
  int buffer_x, buffer_y;

  if (self->view == NULL || self->buffer == NULL)
    return;

  gtk_text_view_window_to_buffer_coords (self->view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y,
                                         &buffer_x, &buffer_y);
  gtk_text_view_get_iter_at_location (self->view, &iter, buffer_x, buffer_y);
  if (!gtk_text_buffer_get_selection_bounds (self->buffer, &selection_start, &selection_end)
      || !gtk_text_iter_in_range (&iter, &selection_start, &selection_end))
    gtk_text_buffer_place_cursor (self->buffer, &iter);
  prepare_menu_at (self, &iter);
}

/* The Menu key and Shift+F10 open the menu at the cursor; this runs first
 * and lets the view go on to open it. */
static gboolean
on_menu_key (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  ConciergeSpellChecker *self = user_data;
  GtkTextIter cursor;

  if (self->buffer != NULL)
    {
      gtk_text_buffer_get_iter_at_mark (self->buffer, &cursor, gtk_text_buffer_get_insert (self->buffer));
      prepare_menu_at (self, &cursor);
    }
  return FALSE;
}

/* The menu's word, if the text still holds it where it was. */
static gboolean
get_word_bounds (ConciergeSpellChecker *self,
                 GtkTextIter           *start,
                 GtkTextIter           *end)
{
  g_autofree char *text = NULL;

  if (self->word == NULL || self->buffer == NULL)
    return FALSE;

  gtk_text_buffer_get_iter_at_mark (self->buffer, start, self->word_start);
  gtk_text_buffer_get_iter_at_mark (self->buffer, end, self->word_end);
  text = gtk_text_iter_get_text (start, end);
  return g_str_equal (text, self->word);
}

static void
replace_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ConciergeSpellChecker *self = user_data;
  const char *replacement = g_variant_get_string (parameter, NULL);
  gboolean editable;
  GtkTextIter start, end;

  if (self->view == NULL || !get_word_bounds (self, &start, &end))
    return;

  editable = gtk_text_view_get_editable (self->view);
  gtk_text_buffer_begin_user_action (self->buffer);
  if (gtk_text_buffer_delete_interactive (self->buffer, &start, &end, editable))
    gtk_text_buffer_insert_interactive (self->buffer, &start, replacement, -1, editable);
  gtk_text_buffer_end_user_action (self->buffer);
}

/* Accepting a word accepts it everywhere in the text: for good in the
 * personal dictionary, or for as long as this checker has the language. */
static void
accept_word (ConciergeSpellChecker *self,
             gboolean               for_good)
{
  GtkTextIter start, end;

  if (self->dict == NULL || !get_word_bounds (self, &start, &end))
    return;

  if (for_good)
    enchant_dict_add (self->dict, self->word, -1);
  else
    enchant_dict_add_to_session (self->dict, self->word, -1);
  gtk_text_buffer_remove_tag (self->buffer, self->misspelled_tag, &start, &end);
  recheck_all (self);
}

static void
add_activated (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  accept_word (user_data, TRUE);
}

static void
ignore_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  accept_word (user_data, FALSE);
}

static const GActionEntry action_entries[] = {
  { .name = "replace", .activate = replace_activated, .parameter_type = "s" },
  { .name = "add", .activate = add_activated },
  { .name = "ignore", .activate = ignore_activated },
};

/* The buffer */

static void
attach_buffer (ConciergeSpellChecker *self,
               GtkTextBuffer         *buffer)
{
  /* GNOME's red: PANGO_UNDERLINE_ERROR alone draws in the text's color. */
  static const GdkRGBA red = { 0.878, 0.106, 0.141, 1.0 };
  GtkTextIter start;

  self->buffer = g_object_ref (buffer);
  self->misspelled_tag = g_object_ref (gtk_text_buffer_create_tag (buffer, CONCIERGE_SPELL_CHECKER_TAG_NAME,
                                                                   "underline", PANGO_UNDERLINE_ERROR,
                                                                   "underline-rgba", &red,
                                                                   NULL));
  self->unchecked_tag = g_object_ref (gtk_text_buffer_create_tag (buffer, NULL, NULL));

  gtk_text_buffer_get_start_iter (buffer, &start);
  self->menu_position = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE));
  self->word_start = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE));
  self->word_end = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &start, FALSE));

  g_signal_connect_object (buffer, "insert-text", G_CALLBACK (on_insert_text), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (buffer, "delete-range", G_CALLBACK (on_delete_range), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "delete-range", G_CALLBACK (on_delete_range_after), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (buffer, "notify::cursor-position", G_CALLBACK (on_cursor_moved), self,
                           G_CONNECT_SWAPPED);

  self->typing_offset = -1;
  recheck_all (self);
}

static void
detach_buffer (ConciergeSpellChecker *self)
{
  GtkTextTagTable *table;

  g_clear_handle_id (&self->check_source, g_source_remove);
  g_clear_handle_id (&self->menu_source, g_source_remove);
  self->check_urgent = FALSE;
  forget_word (self);
  if (self->buffer == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->buffer, self);
  table = gtk_text_buffer_get_tag_table (self->buffer);
  gtk_text_tag_table_remove (table, self->misspelled_tag);
  gtk_text_tag_table_remove (table, self->unchecked_tag);
  gtk_text_buffer_delete_mark (self->buffer, self->menu_position);
  gtk_text_buffer_delete_mark (self->buffer, self->word_start);
  gtk_text_buffer_delete_mark (self->buffer, self->word_end);
  g_clear_object (&self->misspelled_tag);
  g_clear_object (&self->unchecked_tag);
  g_clear_object (&self->menu_position);
  g_clear_object (&self->word_start);
  g_clear_object (&self->word_end);
  g_clear_object (&self->buffer);
}

static void
on_view_buffer_changed (ConciergeSpellChecker *self,
                        GParamSpec            *pspec,
                        GtkTextView           *view)
{
  detach_buffer (self);
  /* A view that is being destroyed would make itself a new buffer. */
  if (!gtk_widget_in_destruction (GTK_WIDGET (view)))
    attach_buffer (self, gtk_text_view_get_buffer (view));
}

static void
on_view_finalized (gpointer  user_data,
                   GObject  *where_the_view_was)
{
  ConciergeSpellChecker *self = user_data;

  self->view = NULL;
  detach_buffer (self);
}

/* The checker */

ConciergeSpellChecker *
concierge_spell_checker_new (GtkTextView *view)
{
  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  return g_object_new (CONCIERGE_TYPE_SPELL_CHECKER, "view", view, NULL);
}

GtkTextView *
concierge_spell_checker_get_view (ConciergeSpellChecker *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SPELL_CHECKER (self), NULL);

  return self->view;
}

static void
collect_tag (const char * const lang_tag,
             const char * const provider_name,
             const char * const provider_desc,
             const char * const provider_file,
             void              *user_data)
{
  g_ptr_array_add (user_data, g_strdup (lang_tag));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "de" is de_DE if that is installed and any German otherwise; a locale
 * such as "de_AT" is itself first, then its language. */
static char *
find_dictionary (EnchantBroker *broker,
                 const char    *language)
{
  static const struct
  {
    const char *language;
    const char *tag;
  } usual[] = {
    { "de", "de_DE" },
    { "en", "en_US" },
  };
  g_autoptr(GPtrArray) installed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tag = NULL;
  g_autofree char *base = NULL;
  g_autofree char *prefix = NULL;
  const char *candidates[3];
  guint n_candidates = 0;

  tag = g_strndup (language, strcspn (language, ".@"));
  g_strdelimit (tag, "-", '_');
  base = g_strndup (tag, strcspn (tag, "_"));
  if (base[0] == '\0')
    return NULL;

  if (!g_str_equal (tag, base))
    candidates[n_candidates++] = tag;
  for (guint i = 0; i < G_N_ELEMENTS (usual); i++)
    if (g_str_equal (base, usual[i].language))
      candidates[n_candidates++] = usual[i].tag;
  candidates[n_candidates++] = base;
  for (guint i = 0; i < n_candidates; i++)
    if (enchant_broker_dict_exists (broker, candidates[i]))
      return g_strdup (candidates[i]);

  enchant_broker_list_dicts (broker, collect_tag, installed);
  g_ptr_array_sort (installed, compare_strings);
  prefix = g_strconcat (base, "_", NULL);
  for (guint i = 0; i < installed->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (installed, i), prefix))
      return g_strdup (g_ptr_array_index (installed, i));
  return NULL;
}

void
concierge_spell_checker_set_language (ConciergeSpellChecker *self,
                                      const char            *language)
{
  gboolean was_available;
  g_autofree char *tag = NULL;

  g_return_if_fail (CONCIERGE_IS_SPELL_CHECKER (self));

  if (g_strcmp0 (language, self->language) == 0)
    return;

  g_free (self->language);
  self->language = g_strdup (language);

  was_available = self->dict != NULL;
  if (self->dict != NULL)
    {
      enchant_broker_free_dict (self->broker, self->dict);
      self->dict = NULL;
    }
  if (language != NULL && (tag = find_dictionary (self->broker, language)) != NULL)
    self->dict = enchant_broker_request_dict (self->broker, tag);

  recheck_all (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
  if (was_available != (self->dict != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

const char *
concierge_spell_checker_get_language (ConciergeSpellChecker *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SPELL_CHECKER (self), NULL);

  return self->language;
}

gboolean
concierge_spell_checker_get_available (ConciergeSpellChecker *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SPELL_CHECKER (self), FALSE);

  return self->dict != NULL;
}

static void
concierge_spell_checker_constructed (GObject *object)
{
  ConciergeSpellChecker *self = CONCIERGE_SPELL_CHECKER (object);
  GtkGesture *click;
  GtkShortcutTrigger *trigger;

  G_OBJECT_CLASS (concierge_spell_checker_parent_class)->constructed (object);

  g_return_if_fail (GTK_IS_TEXT_VIEW (self->view));

  /* The capture phase sees the right-click before the view, which opens
   * its menu on it. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_secondary_pressed), self, G_CONNECT_SWAPPED);
  self->click = g_object_ref (GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_controller (GTK_WIDGET (self->view), self->click);

  trigger = gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                         gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK));
  self->menu_keys = g_object_ref (gtk_shortcut_controller_new ());
  gtk_event_controller_set_propagation_phase (self->menu_keys, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (self->menu_keys),
                                        gtk_shortcut_new (trigger, gtk_callback_action_new (on_menu_key, self, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->view), self->menu_keys);

  gtk_widget_insert_action_group (GTK_WIDGET (self->view), "spelling", G_ACTION_GROUP (self->actions));
  gtk_text_view_set_extra_menu (self->view, G_MENU_MODEL (self->menu));

  g_object_weak_ref (G_OBJECT (self->view), on_view_finalized, self);
  g_signal_connect_object (self->view, "notify::buffer", G_CALLBACK (on_view_buffer_changed), self,
                           G_CONNECT_SWAPPED);
  attach_buffer (self, gtk_text_view_get_buffer (self->view));
}

static void
concierge_spell_checker_dispose (GObject *object)
{
  ConciergeSpellChecker *self = CONCIERGE_SPELL_CHECKER (object);

  if (self->view != NULL)
    {
      GtkWidget *view = GTK_WIDGET (self->view);

      g_signal_handlers_disconnect_by_data (view, self);
      g_object_weak_unref (G_OBJECT (view), on_view_finalized, self);
      gtk_widget_remove_controller (view, self->click);
      gtk_widget_remove_controller (view, self->menu_keys);
      gtk_widget_insert_action_group (view, "spelling", NULL);
      if (gtk_text_view_get_extra_menu (self->view) == G_MENU_MODEL (self->menu))
        gtk_text_view_set_extra_menu (self->view, NULL);
      self->view = NULL;
    }
  detach_buffer (self);

  if (self->dict != NULL)
    {
      enchant_broker_free_dict (self->broker, self->dict);
      self->dict = NULL;
    }
  g_clear_object (&self->click);
  g_clear_object (&self->menu_keys);

  G_OBJECT_CLASS (concierge_spell_checker_parent_class)->dispose (object);
}

static void
concierge_spell_checker_finalize (GObject *object)
{
  ConciergeSpellChecker *self = CONCIERGE_SPELL_CHECKER (object);

  g_clear_pointer (&self->broker, enchant_broker_free);
  g_clear_object (&self->actions);
  g_clear_object (&self->menu);
  g_free (self->language);
  g_free (self->word);

  G_OBJECT_CLASS (concierge_spell_checker_parent_class)->finalize (object);
}

static void
concierge_spell_checker_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ConciergeSpellChecker *self = CONCIERGE_SPELL_CHECKER (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      g_value_set_object (value, self->view);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->dict != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_spell_checker_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ConciergeSpellChecker *self = CONCIERGE_SPELL_CHECKER (object);

  switch (prop_id)
    {
    case PROP_VIEW:
      self->view = g_value_get_object (value);
      break;
    case PROP_LANGUAGE:
      concierge_spell_checker_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_spell_checker_class_init (ConciergeSpellCheckerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = concierge_spell_checker_constructed;
  object_class->dispose = concierge_spell_checker_dispose;
  object_class->finalize = concierge_spell_checker_finalize;
  object_class->get_property = concierge_spell_checker_get_property;
  object_class->set_property = concierge_spell_checker_set_property;

  properties[PROP_VIEW] =
    g_param_spec_object ("view", NULL, NULL,
                         GTK_TYPE_TEXT_VIEW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
concierge_spell_checker_init (ConciergeSpellChecker *self)
{
  self->broker = enchant_broker_init ();
  self->menu = g_menu_new ();
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), action_entries,
                                   G_N_ELEMENTS (action_entries), self);
  self->typing_offset = -1;
}
