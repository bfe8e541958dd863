/* concierge-detector-scan.c
 *
 * The reading of words that scanners of several kinds share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-detector-private.h"

/* Matches one of @words at @i, in any case; returns its end or @i. */
gsize
detector_match_any (const Scan         *scan,
                    gsize               i,
                    const char * const *words)
{
  char c = i < scan->n ? lower (scan->s[i]) : '\0';

  for (guint k = 0; words[k] != NULL; k++)
    {
      gsize length;

      if (words[k][0] == c && (length = match_word (scan->s + i, scan->n - i, words[k])) > 0)
        return i + length;
    }
  return i;
}

/* Whether one of @words stands in s[from, to), in any case. */
gboolean
detector_has_any_between (const Scan         *scan,
                          gsize               from,
                          gsize               to,
                          const char * const *words)
{
  for (gsize i = from; i < to; i++)
    {
      char c = lower (scan->s[i]);

      for (guint k = 0; words[k] != NULL; k++)
        if (words[k][0] == c && match_word (scan->s + i, to - i, words[k]) > 0)
          return TRUE;
    }
  return FALSE;
}

gsize
detector_word_end (const Scan *scan,
                   gsize       i)
{
  while (i < scan->n && (is_word (scan->s[i]) || scan->s[i] == '-'))
    i++;
  return i;
}
