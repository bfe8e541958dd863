/* concierge-detector-references.c
 *
 * Customer, order and contract numbers: after the words that name them,
 * or in the company's own formats.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-detector-private.h"

/* Customer, order and contract numbers, after the words that name them */

static const char * const number_keywords[] = {
  "kundennummer", "kunden-nummer", "kundennr", "kunden-nr", "kd.-nr", "kd-nr", "kd.nr", "kdnr",
  "kd. nr", "kundenkennung", "customer number", "customer no", "customer id", "customer-id",
  "customer #", "bestellnummer", "bestell-nr", "bestellnr", "order number", "order no", "order id",
  "order #", "auftragsnummer", "auftrags-nr", "auftragsnr", "vertragsnummer", "vertrags-nr",
  "vertragsnr", "vertragskontonummer", "vertragskonto-nr", "vertragskonto", "contract number", "contract no", "contract id", "mitgliedsnummer", "member number",
  "membership number", NULL
};

/* Words between the name of a number and the number */
static const char * const number_fillers[] = {
  "ist", "lautet", "is", "war", "was", "nr.", "nr", "no.", "no", "#", "number", NULL
};

/* Between two numbers that one keyword names */
static const char * const number_joiners[] = {
  " und ", " and ", " sowie ", " oder ", " or ", ", ", " / ", NULL
};

/* Reads "K-448109", "V 2039 4881 1", "302-8841175-2290316", "33.918.204":
 * a few letters at most, then digits in groups. Returns the end, or @i. */
static gsize
read_reference (const Scan *scan,
                gsize       i)
{
  const char *s = scan->s;
  gsize j = i, end = i;
  guint letters = 0, digits = 0;

  while (j < scan->n && is_alpha (s[j]) && letters < 3)
    {
      j++;
      letters++;
    }
  if (letters > 0)
    {
      if (j < scan->n && is_alpha (s[j]))
        return i;
      if (j < scan->n && (s[j] == '-' || s[j] == ' '))
        j++;
    }

  while (j < scan->n)
    {
      if (is_digit (s[j]))
        {
          digits++;
          end = ++j;
          continue;
        }
      if ((s[j] == '-' || s[j] == '.' || s[j] == '/' || s[j] == ' ') && j + 1 < scan->n && is_digit (s[j + 1]))
        {
          j++;
          continue;
        }
      break;
    }
  if (digits < 4 || (end < scan->n && is_alpha (s[end])))
    return i;
  return end;
}

void
detector_scan_references (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 0; i < scan->n; i++)
    {
      gsize j, end;
      guint fillers = 0;
      char c = lower (s[i]);

      char c2;

      if (i > 0 && is_word (s[i - 1]))
        continue;
      /* Every keyword starts with one of these pairs of letters. */
      c2 = i + 1 < scan->n ? lower (s[i + 1]) : '\0';
      if (!((c == 'k' && (c2 == 'u' || c2 == 'd')) || (c == 'c' && (c2 == 'u' || c2 == 'o')) ||
            (c == 'b' && c2 == 'e') || (c == 'o' && c2 == 'r') || (c == 'a' && c2 == 'u') ||
            (c == 'v' && c2 == 'e') || (c == 'm' && (c2 == 'i' || c2 == 'e'))))
        continue;
      j = detector_match_any (scan, i, number_keywords);
      /* "order now" names no order */
      if (j == i || (j < scan->n && is_alpha (s[j])))
        continue;

      /* "Kundennummer: 123", "customer number is 123", "Kd.-Nr. 5830-17" */
      while (j < scan->n)
        {
          gsize k = j;

          while (k < scan->n && (s[k] == ' ' || s[k] == ':' || s[k] == '.' || s[k] == '-'))
            k++;
          if (fillers < 2 && !is_digit (s[k]))
            {
              gsize f = detector_match_any (scan, k, number_fillers);

              if (f > k && (f >= scan->n || !is_word (s[f])))
                {
                  j = f;
                  fillers++;
                  continue;
                }
            }
          j = k;
          break;
        }

      end = read_reference (scan, j);
      if (end == j)
        continue;
      add_hit (scan, CONCIERGE_FINDING_CUSTOMER_NUMBER, j, end, 0.9);

      /* "V-2023-118204 (Strom) und V-2023-118205 (Gas)": the keyword
       * names the numbers that follow it, too. */
      while (TRUE)
        {
          gsize k = end, from, to;

          if (k + 1 < scan->n && s[k] == ' ' && s[k + 1] == '(')
            {
              gsize close = k + 2;

              while (close < scan->n && close - k < 24 && s[close] != ')')
                close++;
              if (close >= scan->n || s[close] != ')')
                break;
              k = close + 1;
            }
          from = detector_match_any (scan, k, number_joiners);
          if (from == k || (to = read_reference (scan, from)) == from)
            break;
          add_hit (scan, CONCIERGE_FINDING_CUSTOMER_NUMBER, from, to, 0.85);
          end = to;
        }
      i = end;
    }
}

/* @patterns: (element-type GRegex): the company's customer number formats */
void
detector_scan_patterns (GPtrArray *patterns,
                        Scan      *scan)
{
  for (guint k = 0; k < patterns->len; k++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      g_regex_match_full (g_ptr_array_index (patterns, k), scan->s, scan->n, 0, 0, &match, NULL);
      while (g_match_info_matches (match))
        {
          int start, end;

          if (g_match_info_fetch_pos (match, 0, &start, &end) && end > start)
            add_hit (scan, CONCIERGE_FINDING_CUSTOMER_NUMBER, start, end, 0.9);
          g_match_info_next (match, NULL);
        }
    }
}
