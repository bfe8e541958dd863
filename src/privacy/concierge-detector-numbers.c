/* concierge-detector-numbers.c
 *
 * Numbers that a person owns: IBANs, payment cards, phone numbers and
 * German tax IDs. Their check digits and dialling rules tell them from
 * the other numbers in a text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-detector-private.h"

/* IBANs */

static const struct
{
  char  country[3];
  guint length;
} iban_lengths[] = {
  { "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 }, { "BA", 20 }, { "BE", 16 },
  { "BG", 22 }, { "BH", 22 }, { "BI", 27 }, { "BR", 29 }, { "BY", 28 }, { "CH", 21 }, { "CR", 22 },
  { "CY", 28 }, { "CZ", 24 }, { "DE", 22 }, { "DJ", 27 }, { "DK", 18 }, { "DO", 28 }, { "EE", 20 },
  { "EG", 29 }, { "ES", 24 }, { "FI", 18 }, { "FK", 18 }, { "FO", 18 }, { "FR", 27 }, { "GB", 22 },
  { "GE", 22 }, { "GI", 23 }, { "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HN", 28 }, { "HR", 21 },
  { "HU", 28 }, { "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 }, { "IT", 27 }, { "JO", 30 },
  { "KW", 30 }, { "KZ", 20 }, { "LB", 28 }, { "LC", 32 }, { "LI", 21 }, { "LT", 20 }, { "LU", 20 },
  { "LV", 21 }, { "LY", 25 }, { "MC", 27 }, { "MD", 24 }, { "ME", 22 }, { "MK", 19 }, { "MN", 20 },
  { "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NI", 28 }, { "NL", 18 }, { "NO", 15 }, { "OM", 23 },
  { "PK", 24 }, { "PL", 28 }, { "PS", 29 }, { "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 },
  { "RU", 33 }, { "SA", 24 }, { "SC", 31 }, { "SD", 18 }, { "SE", 24 }, { "SI", 19 }, { "SK", 24 },
  { "SM", 27 }, { "SO", 23 }, { "ST", 25 }, { "SV", 28 }, { "TL", 23 }, { "TN", 24 }, { "TR", 26 },
  { "UA", 29 }, { "VA", 22 }, { "VG", 24 }, { "XK", 20 }, { "YE", 30 },
};

static guint
iban_length (char a,
             char b)
{
  a = g_ascii_toupper (a);
  b = g_ascii_toupper (b);
  for (guint i = 0; i < G_N_ELEMENTS (iban_lengths); i++)
    if (iban_lengths[i].country[0] == a && iban_lengths[i].country[1] == b)
      return iban_lengths[i].length;
  return 0;
}

static gboolean
iban_is_valid (const char *iban,
               guint       length)
{
  guint remainder = 0;

  /* ISO 13616: the first four characters move to the end, letters count
   * from 10, and the number must leave 1 divided by 97. */
  for (guint k = 0; k < length; k++)
    {
      char c = g_ascii_toupper (iban[(k + 4) % length]);

      if (is_digit (c))
        remainder = (remainder * 10 + (c - '0')) % 97;
      else if (c >= 'A' && c <= 'Z')
        remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
      else
        return FALSE;
    }
  return remainder == 1;
}

/* The next character of a number that people may break up with a space,
 * a dot or a hyphen: returns its position, or @n. */
static gsize
skip_separator (const Scan *scan,
                gsize       i,
                guint       max)
{
  guint skipped = 0;

  while (i < scan->n && skipped < max &&
         (scan->s[i] == ' ' || scan->s[i] == '.' || scan->s[i] == '-'))
    {
      i++;
      skipped++;
    }
  return i;
}

void
detector_scan_ibans (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 0; i + 1 < scan->n; i++)
    {
      char iban[40];
      guint length, got = 0;
      gsize j, end = i;

      if (!is_alpha (s[i]) || (i > 0 && is_word (s[i - 1])))
        continue;

      /* The country, then two check digits, each character perhaps set
       * apart from the next. */
      j = i;
      while (got < 4 && j < scan->n)
        {
          if (got < 2 ? !is_alpha (s[j]) : !is_digit (s[j]))
            break;
          iban[got++] = s[j];
          end = j + 1;
          j = skip_separator (scan, j + 1, 1);
        }
      if (got < 4 || (length = iban_length (iban[0], iban[1])) == 0)
        continue;

      while (got < length && j < scan->n && is_alnum (s[j]))
        {
          iban[got++] = s[j];
          end = j + 1;
          j = skip_separator (scan, j + 1, 1);
        }
      if (got < length || (end < scan->n && is_alnum (s[end])))
        continue;
      if (!iban_is_valid (iban, length))
        continue;

      add_hit (scan, CONCIERGE_FINDING_IBAN, i, end, 0.99);
      i = end - 1;
    }
}

/* Numbers: payment cards, phone numbers, tax IDs, numeric dates,
 * postcodes */

typedef struct
{
  gsize    start;
  gsize    end;
  char     digits[48];
  guint    n;
  gboolean plus;
  gboolean grouped;   /* separated by anything at all */
  gboolean slashes;
} Run;

static gboolean
is_run_separator (char c)
{
  return c == ' ' || c == '-' || c == '/' || c == '.' || c == '(' || c == ')';
}

/* Reads the digits from @i on, across the spaces, hyphens, slashes, dots
 * and brackets that people write into phone and card numbers: at most
 * three of them in a row, one of which other than a space or bracket. */
static void
read_run (const Scan *scan,
          gsize       i,
          Run        *run)
{
  const char *s = scan->s;
  gsize j = i;

  memset (run, 0, sizeof *run);
  run->start = i;
  if (s[j] == '+')
    {
      run->plus = TRUE;
      j++;
    }
  else if (s[j] == '(')
    j++;

  while (j < scan->n)
    {
      if (is_digit (s[j]))
        {
          if (run->n < sizeof run->digits)
            run->digits[run->n] = s[j];
          run->n++;
          j++;
          run->end = j;
          continue;
        }

      if (is_run_separator (s[j]))
        {
          gsize k = j;
          guint marks = 0;

          while (k < scan->n && k - j < 3 && is_run_separator (s[k]))
            {
              if (s[k] == '-' || s[k] == '/' || s[k] == '.')
                marks++;
              k++;
            }
          /* "+49 (0)171 …": the trunk zero in brackets is no digit to
           * dial from abroad. */
          if (k + 1 < scan->n && s[k - 1] == '(' && s[k] == '0' && s[k + 1] == ')' &&
              (run->plus || (run->n >= 3 && run->digits[0] == '0' && run->digits[1] == '0')))
            {
              k += 2;
              while (k < scan->n && s[k] == ' ')
                k++;
              if (k < scan->n && is_digit (s[k]))
                {
                  run->grouped = TRUE;
                  j = k;
                  continue;
                }
              break;
            }
          if (k < scan->n && is_digit (s[k]) && marks <= 1)
            {
              for (gsize m = j; m < k; m++)
                run->slashes |= s[m] == '/';
              run->grouped = TRUE;
              j = k;
              continue;
            }
        }
      break;
    }
}

static gboolean
luhn_is_valid (const char *digits,
               guint       n)
{
  guint sum = 0;

  for (guint k = 0; k < n; k++)
    {
      guint d = digits[n - 1 - k] - '0';

      if (k % 2 == 1)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return sum % 10 == 0;
}

static guint
prefix_value (const char *digits,
              guint       length)
{
  guint value = 0;

  for (guint k = 0; k < length; k++)
    value = value * 10 + (digits[k] - '0');
  return value;
}

/* Whether the digits start the way a card network numbers its cards, at a
 * length it issues. */
static gboolean
is_card_issuer (const char *d,
                guint       n)
{
  guint two = prefix_value (d, 2), three = prefix_value (d, 3), four = prefix_value (d, 4);

  if (d[0] == '4')                                               /* Visa */
    return n == 13 || n == 16 || n == 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) /* Mastercard */
    return n == 16;
  if (two == 34 || two == 37)                                    /* American Express */
    return n == 15;
  if (four == 6011 || two == 65 || (three >= 644 && three <= 649)) /* Discover */
    return n >= 16 && n <= 19;
  if (four >= 3528 && four <= 3589)                              /* JCB */
    return n >= 16 && n <= 19;
  if (two == 36 || two == 38 || (three >= 300 && three <= 305))  /* Diners Club */
    return n >= 14 && n <= 19;
  if (two == 50 || (two >= 56 && two <= 69))                     /* Maestro */
    return n >= 12 && n <= 19;
  return FALSE;
}

/* The German tax ID: eleven digits, the first not 0; among the first ten
 * exactly one digit repeats, two or three times but not three in a row;
 * and the eleventh is the ISO 7064 MOD 11,10 check digit. */
static gboolean
tax_id_is_valid (const char *d)
{
  guint counts[10] = { 0 };
  guint repeated = 0, missing = 0, product = 10;

  if (d[0] == '0')
    return FALSE;
  for (guint k = 0; k < 10; k++)
    counts[d[k] - '0']++;
  for (guint k = 0; k < 10; k++)
    {
      if (counts[k] == 0)
        missing++;
      else if (counts[k] == 2 || counts[k] == 3)
        repeated++;
      else if (counts[k] > 3)
        return FALSE;
    }
  if (repeated != 1 || missing == 0)
    return FALSE;
  for (guint k = 0; k + 2 < 10; k++)
    if (d[k] == d[k + 1] && d[k] == d[k + 2])
      return FALSE;

  for (guint k = 0; k < 10; k++)
    {
      guint sum = (d[k] - '0' + product) % 10;

      if (sum == 0)
        sum = 10;
      product = (sum * 2) % 11;
    }
  return (11 - product) % 10 == (guint) (d[10] - '0');
}

static const char * const tax_words[] = {
  "steuer", "idnr", "id-nr", "identifikationsnummer", "tax", NULL
};

/* Whether a national number, after its trunk zero, reaches a person: a
 * landline's area code or a mobile network, not a service number such as
 * 0800, 0180, 0900 or 012. */
static gboolean
is_personal_national (const char *d,
                      guint       n)
{
  if (n < 3)
    return FALSE;
  if (d[0] == '1')
    return d[1] == '5' || d[1] == '6' || d[1] == '7';
  if ((d[0] == '8' || d[0] == '9') && d[1] == '0' && d[2] == '0')
    return FALSE;
  return d[0] != '0';
}

static void
classify_run (Scan      *scan,
              const Run *run)
{
  const char *d = run->digits;
  gsize date_end;

  if (run->n > sizeof run->digits)
    return;

  /* A date is no phone number, whatever its digits. */
  date_end = run->plus ? 0 : detector_read_numeric_date (scan, run->start);
  if (date_end != 0)
    {
      if (detector_is_birth_context (scan, run->start, date_end))
        add_hit (scan, CONCIERGE_FINDING_DATE_OF_BIRTH, run->start, date_end, 0.9);
      return;
    }

  /* A postcode is its own scanner's. */
  if (run->n == 5 && !run->grouped && !run->plus)
    return;

  if (!run->plus && run->n >= 12 && run->n <= 19 && d[0] != '0' && !run->slashes &&
      is_card_issuer (d, run->n) && luhn_is_valid (d, run->n))
    {
      add_hit (scan, CONCIERGE_FINDING_PAYMENT_CARD, run->start, run->end, 0.95);
      return;
    }

  if (!run->plus && run->n == 11 && !run->slashes && tax_id_is_valid (d))
    {
      gsize before = run->start > 60 ? run->start - 60 : 0;
      gboolean keyword = detector_has_any_between (scan, before, run->start, tax_words);

      add_hit (scan, CONCIERGE_FINDING_TAX_ID, run->start, run->end, keyword ? 0.95 : 0.7);
      return;
    }

  /* E.164 and German numbers: "+49 30 …", "0049 …", "030/…", "0171 …" */
  if ((run->plus && run->n >= 8 && run->n <= 15 && d[0] != '0' &&
       (d[0] != '4' || d[1] != '9' || is_personal_national (d + 2, run->n - 2))) ||
      (!run->plus && d[0] == '0' && d[1] == '0' && run->n >= 10 && run->n <= 17 && d[2] != '0' &&
       (d[2] != '4' || d[3] != '9' || is_personal_national (d + 4, run->n - 4))) ||
      (!run->plus && d[0] == '0' && run->n >= 7 && run->n <= 13 && is_personal_national (d + 1, run->n - 1)))
    add_hit (scan, CONCIERGE_FINDING_PHONE, run->start, run->end, run->plus || run->grouped ? 0.9 : 0.8);
}

void
detector_scan_numbers (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 0; i < scan->n; i++)
    {
      Run run;

      if (!(is_digit (s[i]) || ((s[i] == '+' || s[i] == '(') && i + 1 < scan->n && is_digit (s[i + 1]))))
        continue;
      /* Not inside a word, an amount or another number. */
      if (i > 0 && (is_word (s[i - 1]) || s[i - 1] == '+' ||
                    (i > 1 && is_digit (s[i - 2]) && (s[i - 1] == ',' || s[i - 1] == '.' ||
                                                     s[i - 1] == '-' || s[i - 1] == '/'))))
        {
          while (i + 1 < scan->n && is_digit (s[i + 1]))
            i++;
          continue;
        }

      read_run (scan, i, &run);
      if (run.n == 0)
        continue;
      /* Amounts and measures: "1.299,00 €", "250 Mbit" are no numbers of
       * a person. */
      if (run.end < scan->n &&
          (s[run.end] == '%' ||
           ((s[run.end] == ',' || s[run.end] == ':') && run.end + 1 < scan->n && is_digit (s[run.end + 1]))))
        {
          i = run.end;
          continue;
        }
      classify_run (scan, &run);
      i = run.end > i ? run.end - 1 : i;
    }
}
