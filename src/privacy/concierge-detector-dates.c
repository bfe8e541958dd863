/* concierge-detector-dates.c
 *
 * Dates of birth, in digits or written out, where the words around them
 * speak of a birth.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-detector-private.h"

/* Words of birth that speak of a party, not of a date of birth */
static const char * const party_words[] = {
  "geburtstagsfeier", "geburtstagsparty", "geburtstagsgeschenk", "birthday party", "birthday present", NULL
};

static gboolean
has_word_between (const Scan *scan,
                  gsize       from,
                  gsize       to,
                  const char *word)
{
  const char *words[] = { word, NULL };

  return detector_has_any_between (scan, from, to, words);
}

/* Whether a word of birth stands in s[from, to) that is no party's. */
static gboolean
has_birth_word_between (const Scan *scan,
                        gsize       from,
                        gsize       to)
{
  for (gsize i = from; i < to; i++)
    {
      char c = lower (scan->s[i]);

      for (guint k = 0; birth_words[k] != NULL; k++)
        if (birth_words[k][0] == c && match_word (scan->s + i, to - i, birth_words[k]) > 0 &&
            detector_match_any (scan, i, party_words) == i)
          return TRUE;
    }
  return FALSE;
}

/* Where the words around a date speak of a birth: "geboren am …", "geb.",
 * "Geburtsdatum", "born on …", "… geboren", or the star genealogists
 * write: "* 02.12.1968". */
gboolean
detector_is_birth_context (const Scan *scan,
                           gsize       start,
                           gsize       end)
{
  gsize before = start > 60 ? start - 60 : 0;
  gsize after = MIN (scan->n, end + 30);

  if ((start >= 1 && scan->s[start - 1] == '*') || (start >= 2 && scan->s[start - 2] == '*' && scan->s[start - 1] == ' '))
    return TRUE;
  return has_birth_word_between (scan, before, start) ||
         has_word_between (scan, end, after, "geboren") || has_word_between (scan, end, after, "born");
}

static gboolean
is_plausible_date (guint day,
                   guint month,
                   guint year)
{
  return day >= 1 && day <= 31 && month >= 1 && month <= 12 && year >= 1900 && year <= 2100;
}

/* "17.09.1983", "1.1.2000", "22.06.76", "03. 09. 1986", "05/12/1993",
 * "12/25/1990", "1962-11-03": returns where the date ends, or 0. */
gsize
detector_read_numeric_date (const Scan *scan,
                            gsize       i)
{
  const char *s = scan->s;
  guint a, b, c;
  gsize j, k, m;
  char separator;

  j = read_number (scan, i, 4, &a);
  if (j == i || j >= scan->n || (s[j] != '.' && s[j] != '/' && s[j] != '-'))
    return 0;
  separator = s[j];

  /* ISO: year first */
  if (j - i == 4)
    {
      k = read_number (scan, j + 1, 2, &b);
      if (k == j + 1 || k >= scan->n || s[k] != '-')
        return 0;
      m = read_number (scan, k + 1, 2, &c);
      return m > k + 1 && is_plausible_date (c, b, a) ? m : 0;
    }
  if (j - i > 2)
    return 0;

  k = j + 1;
  if (separator == '.' && k < scan->n && s[k] == ' ')
    k++;
  m = read_number (scan, k, 2, &b);
  if (m == k || m >= scan->n || s[m] != separator)
    return 0;
  k = m + 1;
  if (separator == '.' && k < scan->n && s[k] == ' ')
    k++;
  m = read_number (scan, k, 4, &c);
  if (m - k == 2)
    c += c > 30 ? 1900 : 2000;
  else if (m - k != 4)
    return 0;
  if (m < scan->n && is_digit (s[m]))
    return 0;

  /* Day first, as Germans write; month first as a last resort. */
  if (is_plausible_date (a, b, c) || (separator == '/' && is_plausible_date (b, a, c)))
    return m;
  return 0;
}

/* Dates of birth written out: "8. Januar 1969", "14 February 1988",
 * "3rd of June 1972", "March 7, 1995" */

static const char * const months[] = {
  "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
  "november", "dezember", "january", "february", "march", "may", "june", "july", "october", "december",
  "jan", "feb", "mär", "mar", "apr", "jun", "jul", "aug", "sep", "okt", "oct", "nov", "dez", "dec", NULL
};

/* Returns the end of a month's name at @i, or @i. */
static gsize
read_month (const Scan *scan,
            gsize       i)
{
  gsize end = detector_word_end (scan, i);

  for (guint k = 0; months[k] != NULL; k++)
    {
      gsize length = strlen (months[k]);

      if (end - i == length && g_ascii_strncasecmp (scan->s + i, months[k], length) == 0)
        return end;
      /* "März" in any case: only the ASCII letters fold. */
      if (end - i == length && lower (scan->s[i]) == months[k][0] &&
          memcmp (scan->s + i + 1, months[k] + 1, length - 1) == 0)
        return end;
    }
  return i;
}

void
detector_scan_written_dates (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 0; i < scan->n; i++)
    {
      gsize j, month_end, end = 0;
      guint day = 0, year = 0;

      if (!is_alpha (s[i]) || (i > 0 && is_word (s[i - 1])))
        continue;
      month_end = read_month (scan, i);
      if (month_end == i)
        continue;

      /* The day before: "8. Januar", "14 February", "3rd of June" */
      j = i;
      if (j >= 4 && strncmp (s + j - 4, " of ", 4) == 0)
        j -= 3;
      while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '.'))
        j--;
      if (j >= 2 && is_alpha (s[j - 1]) && is_alpha (s[j - 2]) && j >= 3 && is_digit (s[j - 3]))
        j -= 2;  /* 3rd, 9th, 1st, 22nd */
      if (j > 0 && is_digit (s[j - 1]))
        {
          gsize start = j - 1;

          if (start > 0 && is_digit (s[start - 1]))
            start--;
          read_number (scan, start, 2, &day);
          j = start;
        }
      else
        j = i;

      /* The year after, and a day after the month where none came before:
       * "March 7, 1995" */
      end = month_end;
      if (day == 0)
        {
          gsize k = end;

          while (k < scan->n && s[k] == ' ')
            k++;
          k = read_number (scan, k, 2, &day);
          while (k < scan->n && is_alpha (s[k]))
            k++;
          end = k;
          if (end < scan->n && s[end] == ',')
            end++;
        }
      while (end < scan->n && (s[end] == ' ' || s[end] == '.'))
        end++;
      if (read_number (scan, end, 4, &year) != end + 4)
        continue;
      end += 4;

      if (day >= 1 && day <= 31 && year >= 1900 && year <= 2100 && detector_is_birth_context (scan, j, end))
        add_hit (scan, CONCIERGE_FINDING_DATE_OF_BIRTH, j, end, 0.9);
      i = end - 1;
    }
}
