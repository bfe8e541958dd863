/* concierge-spell-checker.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The name of the tag that underlines misspelled words in the view's
 * buffer. */
#define CONCIERGE_SPELL_CHECKER_TAG_NAME "concierge-misspelled"

#define CONCIERGE_TYPE_SPELL_CHECKER (concierge_spell_checker_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeSpellChecker, concierge_spell_checker, CONCIERGE, SPELL_CHECKER, GObject)

/* Checks the spelling of @view's text as it changes, and takes over the
 * view's extra menu (gtk_text_view_set_extra_menu()) for suggestions,
 * "Add to Dictionary" and "Ignore", and the "spelling" action group on
 * the view. One checker per view; it lets go of the view when it is
 * finalized, and goes quiet when the view goes first.
 *
 * Checking is off until a language is set. */
ConciergeSpellChecker *concierge_spell_checker_new           (GtkTextView           *view);

GtkTextView           *concierge_spell_checker_get_view      (ConciergeSpellChecker *self);

/* @language: (nullable): "de", "en", or a locale such as "de_AT" or
 * "en-GB"; the nearest installed dictionary of that language is used.
 * %NULL turns checking off. */
void                   concierge_spell_checker_set_language  (ConciergeSpellChecker *self,
                                                              const char            *language);
const char            *concierge_spell_checker_get_language  (ConciergeSpellChecker *self);

/* Whether a dictionary for the language is installed, so that words are
 * being checked. When it is FALSE the text carries no marks, and the
 * interface should say so in words. Notifies "available". */
gboolean               concierge_spell_checker_get_available (ConciergeSpellChecker *self);

G_END_DECLS
