/* concierge-detector-email.c
 *
 * E-mail addresses, also spelled out for fear of spam.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-detector-private.h"

/* E-mail addresses, also spelled out: "name (at) domain (dot) com" */

static inline gboolean
is_local_char (char c)
{
  return is_alnum (c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static inline gboolean
is_domain_char (char c)
{
  return is_alnum (c) || c == '-';
}

static const char * const at_signs[] = {
  " (at) ", "(at)", " [at] ", "[at]", " {at} ", "{at}", " @ ", "@ ", " @", "@", " at ", NULL
};
static const char * const dot_signs[] = {
  " (dot) ", "(dot)", " [dot] ", "[dot]", " {dot} ", "{dot}", " . ", " dot ", ".", NULL
};

void
detector_scan_emails (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 1; i < scan->n; i++)
    {
      gsize at_end, local_start, j, end, label;
      guint labels = 0;
      gboolean spelled;

      if (s[i] != '@' && s[i] != '(' && s[i] != '[' && s[i] != '{' && !(s[i] == ' ' && is_local_char (s[i - 1])))
        continue;
      at_end = detector_match_any (scan, i, at_signs);
      if (at_end == i)
        continue;
      spelled = memchr (s + i, '@', at_end - i) == NULL;

      /* The name before */
      local_start = i;
      while (local_start > 0 && is_local_char (s[local_start - 1]))
        local_start--;
      while (local_start < i && !is_alnum (s[local_start]))
        local_start++;
      if (local_start == i || !is_alnum (s[i - 1]))
        continue;
      /* "@support@mastodon.social" is a Mastodon handle. */
      if (local_start > 0 && s[local_start - 1] == '@')
        continue;

      /* The domain after: labels, and a dot between each */
      j = at_end;
      end = j;
      while (j < scan->n)
        {
          gsize dot;

          label = j;
          while (j < scan->n && is_domain_char (s[j]))
            j++;
          if (j == label)
            break;
          labels++;
          end = j;
          dot = detector_match_any (scan, j, dot_signs);
          if (dot == j || dot >= scan->n || !is_alnum (s[dot]))
            break;
          j = dot;
        }
      if (labels < 2)
        continue;

      /* The top-level domain is letters only. */
      for (label = end; label > at_end && is_domain_char (s[label - 1]); label--)
        ;
      if (end - label < 2 || end - label > 24)
        continue;
      {
        gboolean letters = TRUE;

        for (gsize k = label; k < end; k++)
          letters &= is_alpha (s[k]);
        if (!letters)
          continue;
      }

      add_hit (scan, CONCIERGE_FINDING_EMAIL, local_start, end, spelled ? 0.85 : 0.97);
      i = end;
    }
}
