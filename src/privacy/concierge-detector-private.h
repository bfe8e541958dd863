/* concierge-detector-private.h
 *
 * What the detector's scanners share: the scan's working state, the
 * reading of characters and words, and the scanners themselves, one file
 * per kind of data. Only the detector's own files include this.
 *
 * The helpers that the scanners call at almost every character are static
 * inline here, so that each scanner's loop keeps them inlined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-detector.h"

G_BEGIN_DECLS

/* The scan's working state */

typedef struct
{
  ConciergeFindingType type;
  gsize                start;  /* bytes of the normalised text */
  gsize                end;
  double               confidence;
} Hit;

typedef struct
{
  const char *s;        /* the normalised text */
  gsize       n;
  GArray     *hits;
} Scan;

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static inline gboolean
is_alpha (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline gboolean
is_alnum (char c)
{
  return is_digit (c) || is_alpha (c);
}

/* Letters of any script continue a word: UTF-8 lead and continuation
 * bytes are all >= 0x80. */
static inline gboolean
is_word (char c)
{
  return is_alnum (c) || (guchar) c >= 0x80;
}

static inline char
lower (char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline void
add_hit (Scan                 *scan,
         ConciergeFindingType  type,
         gsize                 start,
         gsize                 end,
         double                confidence)
{
  Hit hit = { type, start, end, confidence };

  g_array_append_val (scan->hits, hit);
}

/* The length of @word (lower case) if @s starts with it in any case of its
 * ASCII letters, or 0. Comparing as it goes needs no strlen(): scans call
 * this at almost every position. */
static inline gsize
match_word (const char *s,
            gsize       n,
            const char *word)
{
  gsize k = 0;

  while (word[k] != '\0')
    {
      if (k >= n || lower (s[k]) != word[k])
        return 0;
      k++;
    }
  return k;
}

/* Reads a number of one to four digits at @i; returns its end, or @i. */
static inline gsize
read_number (const Scan *scan,
             gsize       i,
             guint       max_digits,
             guint      *value)
{
  gsize j = i;

  *value = 0;
  while (j < scan->n && j - i < max_digits && is_digit (scan->s[j]))
    *value = *value * 10 + (scan->s[j++] - '0');
  return j;
}

/* The words that speak of a birth: the scan looks for them before it
 * reads dates written out, and the dates' scanner around every date. */
static const char * const birth_words[] = {
  "geboren", "geb.", "geb ", "gebdat", "geburt", "jahrgang", "born", "birth", "dob", NULL
};

/* concierge-detector-scan.c */
gsize    detector_match_any       (const Scan         *scan,
                                   gsize               i,
                                   const char * const *words);
gboolean detector_has_any_between (const Scan         *scan,
                                   gsize               from,
                                   gsize               to,
                                   const char * const *words);
gsize    detector_word_end        (const Scan         *scan,
                                   gsize               i);

/* concierge-detector-numbers.c */
void     detector_scan_ibans      (Scan *scan);
void     detector_scan_numbers    (Scan *scan);

/* concierge-detector-dates.c */
gboolean detector_is_birth_context   (const Scan *scan,
                                      gsize       start,
                                      gsize       end);
gsize    detector_read_numeric_date  (const Scan *scan,
                                      gsize       i);
void     detector_scan_written_dates (Scan *scan);

/* concierge-detector-addresses.c */
void     detector_scan_streets    (Scan *scan);
void     detector_scan_postcodes  (Scan *scan);

/* concierge-detector-email.c */
void     detector_scan_emails     (Scan *scan);

/* concierge-detector-references.c */
void     detector_scan_references (Scan      *scan);
void     detector_scan_patterns   (GPtrArray *patterns,
                                   Scan      *scan);

G_END_DECLS
