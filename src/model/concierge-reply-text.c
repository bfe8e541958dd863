/* concierge-reply-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-reply-text.h"

/* A variable is a name in braces, as in {customer.first_name}. Longer
 * ones are text that happens to hold braces. */
#define MAX_VARIABLE_NAME 40

/* Returns the end of a variable that starts at @text's '{', or NULL. */
static const char *
variable_end (const char *text)
{
  const char *p = text + 1;

  if (!g_ascii_islower (*p) && *p != '_')
    return NULL;
  for (; *p != '}'; p++)
    if ((!g_ascii_islower (*p) && *p != '_' && *p != '.') || p - text > MAX_VARIABLE_NAME)
      return NULL;
  return p + 1;
}

static const char *
variable_value (const char                    *name,
                gsize                          length,
                const ConciergeReplyVariables *variables,
                char                         **owned)
{
#define IS(literal) (length == strlen (literal) && strncmp (name, literal, length) == 0)
  if (IS ("customer.name"))
    return variables->customer_name;
  if (IS ("customer.first_name"))
    return (*owned = concierge_reply_first_name (variables->customer_name));
  if (IS ("agent.name"))
    return variables->agent_name;
  if (IS ("thread.platform"))
    return variables->platform;
  if (IS ("ticket"))
    return variables->ticket;
  return NULL;
#undef IS
}

/**
 * concierge_reply_fill_variables:
 *
 * Puts in what each variable stands for. A variable Concierge does not
 * know, or one whose value is unknown, stays as it is, so that the agent
 * sees it and fills it in: concierge_reply_find_variables() finds them.
 *
 * Returns: (transfer full): the text with the variables filled in
 */
char *
concierge_reply_fill_variables (const char                    *text,
                                const ConciergeReplyVariables *variables)
{
  GString *filled;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (variables != NULL, NULL);

  filled = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0';)
    {
      const char *end = *p == '{' ? variable_end (p) : NULL;
      g_autofree char *owned = NULL;
      const char *value;

      if (end == NULL)
        {
          g_string_append_c (filled, *p++);
          continue;
        }

      value = variable_value (p + 1, end - p - 2, variables, &owned);
      if (value != NULL && value[0] != '\0')
        g_string_append (filled, value);
      else
        g_string_append_len (filled, p, end - p);
      p = end;
    }

  return g_string_free (filled, FALSE);
}

/**
 * concierge_reply_find_variables:
 *
 * Returns: (transfer full) (element-type ConciergeTextSpan): where the
 *   variables left in @text stand; a reply goes out without any
 */
GArray *
concierge_reply_find_variables (const char *text)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (ConciergeTextSpan));
  const char *p;

  g_return_val_if_fail (text != NULL, spans);

  for (p = text; *p != '\0'; p++)
    {
      const char *end = *p == '{' ? variable_end (p) : NULL;
      ConciergeTextSpan span;

      if (end == NULL)
        continue;
      span.start = g_utf8_pointer_to_offset (text, p);
      span.end = span.start + (end - p);
      g_array_append_val (spans, span);
      p = end - 1;
    }

  return spans;
}

/**
 * concierge_reply_first_name:
 * @name: (nullable): a customer's display name
 *
 * Returns: (transfer full) (nullable): the first word of @name when it
 *   reads like a name, not a handle such as "@jana" or "kunde4711"
 */
char *
concierge_reply_first_name (const char *name)
{
  g_autofree char *stripped = NULL;
  const char *p;
  gsize letters = 0;
  char *space;

  if (name == NULL)
    return NULL;

  stripped = g_strstrip (g_strdup (name));
  if ((space = strchr (stripped, ' ')) != NULL)
    *space = '\0';

  for (p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        letters++;
      else if (c != '-' && c != '\'' && c != 0x2019)
        return NULL;
    }

  /* A name starts with a capital; a handle rarely does. */
  if (letters < 2 || !g_unichar_isupper (g_utf8_get_char (stripped)))
    return NULL;
  return g_steal_pointer (&stripped);
}

/**
 * concierge_reply_normalize:
 *
 * Returns: (transfer full): @text as two replies are compared: without
 *   case, mentions of accounts, or differences in spacing
 */
char *
concierge_reply_normalize (const char *text)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  GString *normal;

  g_return_val_if_fail (text != NULL, NULL);

  folded = g_utf8_casefold (text, -1);
  words = g_strsplit_set (folded, " \t\n\r\f\v", -1);
  normal = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0' || words[i][0] == '@')
        continue;
      if (normal->len > 0)
        g_string_append_c (normal, ' ');
      g_string_append (normal, words[i]);
    }

  return g_string_free (normal, FALSE);
}

/* Guessing from the customer's own words */

typedef void (*WordFunc) (const char *word, gboolean sentence_start, gpointer data);

static void
for_each_word (const char * const *texts,
               WordFunc            func,
               gpointer            data)
{
  for (guint t = 0; texts != NULL && texts[t] != NULL; t++)
    {
      GString *word = g_string_new (NULL);
      gboolean sentence_start = TRUE, word_at_start = TRUE;

      for (const char *p = texts[t];; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c != 0 && (g_unichar_isalpha (c) || (word->len > 0 && (c == '\'' || c == 0x2019))))
            {
              if (word->len == 0)
                word_at_start = sentence_start;
              g_string_append_unichar (word, c);
              continue;
            }

          if (word->len > 0)
            {
              func (word->str, word_at_start, data);
              g_string_truncate (word, 0);
              sentence_start = FALSE;
            }
          if (c == '.' || c == '!' || c == '?' || c == '\n' || c == ':')
            sentence_start = TRUE;
          if (c == 0)
            break;
        }
      g_string_free (word, TRUE);
    }
}

static gboolean
in_list (const char         *word,
         const char * const *list)
{
  return g_strv_contains (list, word);
}

typedef struct
{
  int german;
  int english;
} LanguageScore;

static void
score_language (const char *word,
                gboolean    sentence_start,
                gpointer    data)
{
  static const char * const german[] = {
    "und", "der", "die", "das", "ich", "nicht", "ist", "mein", "meine", "meinen", "bitte", "danke",
    "wir", "ein", "eine", "einen", "mit", "für", "auf", "seit", "kein", "keine", "ja", "nein", "aber",
    "auch", "noch", "schon", "habe", "hat", "wird", "kann", "mir", "mich", "euch", "ihr", "du", "sie",
    "guten", "hallo", "wie", "warum", "wann", "immer", "heute", "gestern", "morgen", NULL
  };
  static const char * const english[] = {
    "the", "and", "is", "my", "not", "please", "thanks", "thank", "you", "we", "a", "an", "with",
    "for", "on", "since", "no", "does", "it", "i", "yes", "but", "also", "still", "have", "has",
    "will", "can", "me", "your", "hello", "hi", "how", "why", "when", "always", "today", "yesterday",
    "tomorrow", "what", "this", "that", NULL
  };
  LanguageScore *score = data;
  g_autofree char *lower = g_utf8_strdown (word, -1);

  if (in_list (lower, german))
    score->german++;
  else if (in_list (lower, english))
    score->english++;
  if (strstr (lower, "ä") || strstr (lower, "ö") || strstr (lower, "ü") || strstr (lower, "ß"))
    score->german++;
}

/**
 * concierge_reply_guess_language:
 * @texts: (nullable) (array zero-terminated=1): the customer's messages
 *
 * Returns: German or English, by the common words of each; unknown when
 *   the texts do not tell
 */
ConciergeLanguage
concierge_reply_guess_language (const char * const *texts)
{
  LanguageScore score = { 0, 0 };

  for_each_word (texts, score_language, &score);
  if (score.german == score.english)
    return CONCIERGE_LANGUAGE_UNKNOWN;
  return score.german > score.english ? CONCIERGE_LANGUAGE_GERMAN : CONCIERGE_LANGUAGE_ENGLISH;
}

typedef struct
{
  int formal;
  int informal;
} AddressScore;

static void
score_address (const char *word,
               gboolean    sentence_start,
               gpointer    data)
{
  /* Customers who du-ze a company often speak to it in the plural: "könnt
   * ihr". */
  static const char * const informal[] = {
    "du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "euch", "euer", "eure", "euren",
    "eurem", "ihr", "könnt", "habt", "seid", "hey", "moin", NULL
  };
  static const char * const formal[] = { "Sie", "Ihnen", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer", NULL };
  AddressScore *score = data;
  g_autofree char *lower = g_utf8_strdown (word, -1);

  /* At the start of a sentence every word has a capital: "Sie" there may
   * be "they", and "Ihr" the informal plural. */
  if (in_list (word, formal))
    {
      if (!sentence_start)
        score->formal++;
    }
  else if (in_list (lower, informal))
    score->informal++;
  if (g_str_equal (lower, "geehrte") || g_str_equal (lower, "geehrter"))
    score->formal += 2;
}

/**
 * concierge_reply_guess_address:
 * @texts: (nullable) (array zero-terminated=1): the customer's messages
 *
 * Returns: how a German-speaking customer addresses the company, which is
 *   how they expect to be addressed; unknown when the texts do not tell
 */
ConciergeAddress
concierge_reply_guess_address (const char * const *texts)
{
  AddressScore score = { 0, 0 };

  for_each_word (texts, score_address, &score);
  if (score.formal == score.informal)
    return CONCIERGE_ADDRESS_UNKNOWN;
  return score.formal > score.informal ? CONCIERGE_ADDRESS_FORMAL : CONCIERGE_ADDRESS_INFORMAL;
}
