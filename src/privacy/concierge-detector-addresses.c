/* concierge-detector-addresses.c
 *
 * Postal addresses: streets with a house number, and postcodes with
 * their town.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-detector-private.h"

/* Words that follow a five-digit number which is a count, not a
 * postcode. */
static const char * const counted_words[] = {
  "euro", "eur", "kunden", "kundinnen", "haushalt", "stück", "mal", "menschen", "leute", "nutzer",
  "user", "tage", "tagen", "stunden", "minuten", "sekunden", "jahre", "jahren", "monate", "monaten",
  "mbit", "kbit", "gbit", "gb", "mb", "kb", "tb", "punkte", "seiten", "zeilen", "dollar", "franken",
  "pfund", "kilometer", "km", "meter", "zeichen", "nachrichten", "mails", "e-mails", "anrufe",
  "follower", "einwohner", "beschwerden", "anschl", "vertr", "ger", "router", "bytes", "downloads",
  "klicks", "views", "likes", "sterne", "bewertungen", "eintr", "fälle", "fällen", "personen",
  "mitarbeit", "tickets", "anfragen", "vorgänge", "bestellungen", "pakete", "sendungen", "liter",
  "watt", "volt", "hz", "mhz", "ghz", "dinge", "mitglieder", "abonnent", "zuschauer", "besucher",
  "people", "customers", "users", "households", "points", "pages", "messages", "calls", NULL
};

static gboolean
starts_with_any (const char         *s,
                 gsize               n,
                 const char * const *words)
{
  char c = n > 0 ? lower (s[0]) : '\0';

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] == c && match_word (s, n, words[i]) > 0)
      return TRUE;
  return FALSE;
}

/* Whether a word that starts with a capital letter, as a town's name
 * does, begins at @i. */
static gboolean
is_capitalized_at (const Scan *scan,
                   gsize       i)
{
  gunichar c;

  if (i >= scan->n)
    return FALSE;
  c = g_utf8_get_char_validated (scan->s + i, scan->n - i);
  return c != (gunichar) -1 && c != (gunichar) -2 && g_unichar_isupper (c);
}

/* Postcodes with their town: "10115 Berlin", "79098 Freiburg", "60311
 * Frankfurt am Main"; after a street also in lower case, as people type:
 * "eisenbahnstr 88 04315 leipzig". */
void
detector_scan_postcodes (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 0; i + 6 < scan->n; i++)
    {
      gsize city = i + 6, end;
      gboolean after_street = FALSE;

      if (!is_digit (s[i]) || (i > 0 && (is_word (s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ',' ||
                                         s[i - 1] == '-' || s[i - 1] == '/' || s[i - 1] == '+')))
        continue;
      if (!is_digit (s[i + 1]) || !is_digit (s[i + 2]) || !is_digit (s[i + 3]) || !is_digit (s[i + 4]) ||
          s[i + 5] != ' ' || (s[i] == '0' && s[i + 1] == '0'))
        {
          while (i + 1 < scan->n && is_digit (s[i + 1]))
            i++;
          continue;
        }

      for (guint k = scan->hits->len; k > 0 && !after_street; k--)
        {
          const Hit *hit = &g_array_index (scan->hits, Hit, k - 1);

          after_street = hit->type == CONCIERGE_FINDING_POSTAL_ADDRESS && hit->end <= i && i - hit->end <= 2;
        }
      if (!is_capitalized_at (scan, city) && !(after_street && is_alpha (s[city])))
        continue;
      if (starts_with_any (s + city, scan->n - city, counted_words))
        continue;
      end = detector_word_end (scan, city);
      if (end - city < 2)
        continue;
      /* "… am Main", "… an der Oder" */
      if (end + 4 < scan->n && (strncmp (s + end, " am ", 4) == 0 || strncmp (s + end, " an ", 4) == 0) &&
          is_capitalized_at (scan, end + 4))
        end = detector_word_end (scan, end + 4);

      add_hit (scan, CONCIERGE_FINDING_POSTAL_ADDRESS, i, end, after_street ? 0.95 : 0.85);
      i = end;
    }
}

/* Streets with a house number: "Hauptstraße 12", "Berliner Str. 45",
 * "Am Markt 3a", "In den Gärten 14", "Karl-Marx-Allee 90" */

static const char * const street_endings[] = {
  "straße", "strasse", "str.", "str", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer", "chaussee",
  "steig", "pfad", "markt", "graben", "stieg", "zeile", "promenade", "kamp", "wall", "hof", "berg",
  "feld", "garten", "gärten", "hafen", "tor", "brücke", "park", "bach", "anger", "steg", "wiese", NULL
};

/* Words that make "Am …" or "Im …" a street */
static const char * const street_prefixes[] = {
  "Am", "An", "Im", "In", "Auf", "Zum", "Zur", "Unter", "Hinter", "Vor", "Alt", "Alte", "Alter", "Neue",
  "Neuer", "Große", "Großer", "Kleine", "Kleiner", NULL
};

/* After these a number counts something: "Straße 2 Tage" */
static const char * const unit_words[] = {
  "uhr", "min", "std", "stunde", "tag", "woche", "monat", "jahr", "mal", "euro", "eur", "€", "%",
  "mbit", "gb", "mb", "x ", "prozent", "minute", "sekunde", "stück", "grad", "hours", "days", "times",
  "minutes", "weeks", "months", "years", NULL
};

typedef enum
{
  NO_STREET,
  STREET_COMPOUND,   /* "Hauptstraße", "Karl-Marx-Allee" */
  STREET_WORD,       /* "Straße", "Str.", "Allee" on their own: "Berliner Str." */
} StreetKind;

/* Lower case, these end street names that people type in lower case too. */
static const char * const lowercase_street_endings[] = {
  "straße", "strasse", "str.", "str", "allee", "gasse", NULL
};

static StreetKind
street_kind (const Scan *scan,
             gsize       word,
             gsize       length)
{
  g_autofree char *folded = g_utf8_strdown (scan->s + word, length);
  gsize folded_length = strlen (folded);
  gboolean capitalized = is_capitalized_at (scan, word);

  for (guint k = 0; street_endings[k] != NULL; k++)
    {
      gsize ending = strlen (street_endings[k]);

      if (folded_length == ending && strcmp (folded, street_endings[k]) == 0)
        return STREET_WORD;
      if (folded_length > ending && strcmp (folded + folded_length - ending, street_endings[k]) == 0)
        {
          if (capitalized)
            return STREET_COMPOUND;
          for (guint m = 0; lowercase_street_endings[m] != NULL; m++)
            if (strcmp (street_endings[k], lowercase_street_endings[m]) == 0)
              return STREET_COMPOUND;
        }
    }
  return NO_STREET;
}

/* Capitalised words that "Im", "Am" or "Auf" put before a number without
 * making it an address */
static const char * const not_streets[] = {
  "Kapitel", "Seite", "Abschnitt", "Punkt", "Schritt", "Jahr", "Monat", "Tag", "Moment", "Tarif",
  "Vertrag", "Paket", "Raum", "Zimmer", "Stock", "Level", "Teil", "Artikel", "Absatz", "Paragraph",
  "Ticket", "Fall", "Vorgang", "Kanal", "Modus", "Schnitt", "Durchschnitt", "Prinzip", "Grunde",
  "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
  "November", "Dezember", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag",
  "Sonntag", "Wochenende", "Ende", "Anfang", "Router", "Handy", "Portal", "Formular", NULL
};

static gboolean
is_word_in (const Scan         *scan,
            gsize               word,
            gsize               length,
            const char * const *words)
{
  for (guint k = 0; words[k] != NULL; k++)
    if (strlen (words[k]) == length && memcmp (words[k], scan->s + word, length) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_street_prefix (const char *word,
                  gsize       length)
{
  for (guint k = 0; street_prefixes[k] != NULL; k++)
    if (strlen (street_prefixes[k]) == length && memcmp (street_prefixes[k], word, length) == 0)
      return TRUE;
  return FALSE;
}

/* The word before @i, across one space: its start, or @i when there is
 * none. */
static gsize
previous_word (const Scan *scan,
               gsize       i)
{
  gsize end = i, start;

  if (end == 0 || scan->s[end - 1] != ' ')
    return i;
  end--;
  start = end;
  while (start > 0 && (is_word (scan->s[start - 1]) || scan->s[start - 1] == '-' || scan->s[start - 1] == '.'))
    start--;
  /* A dot ends "Str." but starts no word. */
  while (start < end && scan->s[start] == '.')
    start++;
  return start < end ? start : i;
}

static gsize
word_length (const Scan *scan,
             gsize       start)
{
  gsize end = start;

  while (end < scan->n && (is_word (scan->s[end]) || scan->s[end] == '-' || scan->s[end] == '.'))
    end++;
  /* "Str." keeps its dot; a sentence's full stop does not matter here. */
  return end - start;
}

/* Reads a house number at @i: "12", "3a", "12-14", "7/9"; returns its
 * end, or @i. */
static gsize
read_house_number (const Scan *scan,
                   gsize       i)
{
  const char *s = scan->s;
  guint value;
  gsize j = read_number (scan, i, 3, &value);

  if (j == i || value == 0 || (j < scan->n && is_digit (s[j])))
    return i;
  if (j < scan->n && is_alpha (s[j]) && (j + 1 >= scan->n || !is_word (s[j + 1])))
    j++;
  if (j + 1 < scan->n && (s[j] == '-' || s[j] == '/') && is_digit (s[j + 1]))
    {
      gsize k = read_number (scan, j + 1, 3, &value);

      if (k < scan->n && is_alpha (s[k]) && (k + 1 >= scan->n || !is_word (s[k + 1])))
        k++;
      j = k;
    }
  if (j < scan->n && (is_word (s[j]) || ((s[j] == ',' || s[j] == '.') && j + 1 < scan->n && is_digit (s[j + 1]))))
    return i;
  return j;
}

/* "Am Markt", "An der Alster", "In den Gärten", "Zum Alten Hafen": the
 * prefix that makes the words before @word a street, or @word. */
static gsize
street_prefix_before (const Scan *scan,
                      gsize       word)
{
  gsize start = word;

  for (guint steps = 0; steps < 3; steps++)
    {
      gsize before = previous_word (scan, start);
      gsize length = word_length (scan, before);

      if (before == start)
        break;
      if (is_street_prefix (scan->s + before, length))
        return before;
      if (!is_capitalized_at (scan, before) &&
          !(length == 3 && (strncmp (scan->s + before, "der", 3) == 0 || strncmp (scan->s + before, "den", 3) == 0 ||
                            strncmp (scan->s + before, "dem", 3) == 0 || strncmp (scan->s + before, "die", 3) == 0)))
        break;
      start = before;
    }
  return word;
}

/* "Berliner Str.", "Schönhauser Allee", "breite str.": the adjective
 * before a street word, or @word. */
static gsize
street_adjective_before (const Scan *scan,
                         gsize       word)
{
  gsize before = previous_word (scan, word);
  gsize length = word_length (scan, before);

  if (before == word || length < 4 || is_capitalized_at (scan, before) != is_capitalized_at (scan, word))
    return word;
  if (strncmp (scan->s + before + length - 2, "er", 2) != 0 && scan->s[before + length - 1] != 'e')
    return word;
  return before;
}

void
detector_scan_streets (Scan *scan)
{
  const char *s = scan->s;

  for (gsize i = 1; i < scan->n; i++)
    {
      gsize number_end, word, start, after, length;
      StreetKind kind;

      if (!is_digit (s[i]) || s[i - 1] != ' ' || (i > 1 && !is_word (s[i - 2]) && s[i - 2] != '.'))
        continue;
      number_end = read_house_number (scan, i);
      if (number_end == i)
        continue;

      /* "Straße 2 Tage", "Am Montag 15 Uhr" */
      after = number_end;
      while (after < scan->n && s[after] == ' ')
        after++;
      if (after < scan->n && starts_with_any (s + after, scan->n - after, unit_words))
        continue;

      word = previous_word (scan, i);
      if (word == i)
        continue;
      length = word_length (scan, word);
      kind = street_kind (scan, word, length);
      if (kind == NO_STREET && (!is_capitalized_at (scan, word) || is_word_in (scan, word, length, not_streets)))
        continue;

      start = street_prefix_before (scan, word);
      if (start == word && kind == STREET_WORD)
        start = street_adjective_before (scan, word);
      if (start == word && kind != STREET_COMPOUND)
        continue;

      add_hit (scan, CONCIERGE_FINDING_POSTAL_ADDRESS, start, number_end, 0.85);
      i = number_end;
    }
}
