/* test-privacy.c
 *
 * The personal-data detector against tests/data/pii-corpus.txt, which was
 * written before it, and tests/data/pii-holdout.txt, which another hand
 * wrote afterwards without the detector or the first corpus in view:
 * precision and recall for each kind of data, printed, and none below
 * 0.95. Then the promises the rest of the app relies on: offsets in
 * characters, the company's own data allowed however it is written, and
 * text that is huge or hostile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "privacy/concierge-detector.h"

#define MINIMUM 0.95

typedef struct
{
  ConciergeFindingType type;
  guint                start;
  guint                end;
} Expected;

typedef struct
{
  char   *text;
  GArray *expected;
  guint   line;
} Sentence;

static void
sentence_free (Sentence *sentence)
{
  g_free (sentence->text);
  g_array_unref (sentence->expected);
  g_free (sentence);
}

static char *
replace_placeholders (const char *line)
{
  g_autoptr(GString) text = g_string_new (line);

  g_string_replace (text, "<ZWSP>", "\u200b", 0);
  g_string_replace (text, "<NBSP>", "\u00a0", 0);
  return g_strdup (text->str);
}

/* "Bitte an [[iban|DE89 …]] überweisen" becomes the plain sentence and
 * where its items stand, in characters. */
static Sentence *
parse_sentence (const char *line,
                guint       number)
{
  g_autofree char *replaced = replace_placeholders (line);
  GString *text = g_string_new (NULL);
  Sentence *sentence = g_new0 (Sentence, 1);
  const char *p = replaced;

  sentence->line = number;
  sentence->expected = g_array_new (FALSE, FALSE, sizeof (Expected));
  while (*p != '\0')
    {
      const char *open = strstr (p, "[[");
      const char *bar, *close;
      g_autofree char *type_name = NULL;
      Expected expected;

      if (open == NULL)
        {
          g_string_append (text, p);
          break;
        }
      g_string_append_len (text, p, open - p);
      bar = strchr (open, '|');
      g_assert_nonnull (bar);
      close = strstr (bar, "]]");
      g_assert_nonnull (close);
      type_name = g_strndup (open + 2, bar - open - 2);
      if (!concierge_finding_type_from_string (type_name, &expected.type))
        g_error ("Line %u of the corpus names no kind of data: %s", number, type_name);
      expected.start = g_utf8_strlen (text->str, -1);
      g_string_append_len (text, bar + 1, close - bar - 1);
      expected.end = g_utf8_strlen (text->str, -1);
      g_array_append_val (sentence->expected, expected);
      p = close + 2;
    }
  sentence->text = g_string_free (text, FALSE);
  return sentence;
}

typedef struct
{
  GPtrArray *sentences;
  GPtrArray *allowed;
  GPtrArray *patterns;
} Corpus;

static void
load_corpus (Corpus     *corpus,
             const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (contents, -1, NULL));

  corpus->sentences = g_ptr_array_new_with_free_func ((GDestroyNotify) sentence_free);
  corpus->allowed = g_ptr_array_new_with_free_func (g_free);
  corpus->patterns = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] == '\0' || line[0] == '#')
        continue;
      if (g_str_has_prefix (line, "!allow "))
        g_ptr_array_add (corpus->allowed, replace_placeholders (line + strlen ("!allow ")));
      else if (g_str_has_prefix (line, "!pattern customer_number "))
        g_ptr_array_add (corpus->patterns, g_strdup (line + strlen ("!pattern customer_number ")));
      else if (line[0] == '!')
        g_error ("Line %u of the corpus is an unknown directive", i + 1);
      else
        g_ptr_array_add (corpus->sentences, parse_sentence (line, i + 1));
    }
  g_ptr_array_add (corpus->allowed, NULL);
  g_ptr_array_add (corpus->patterns, NULL);
}

static gboolean
overlaps (guint a_start,
          guint a_end,
          guint b_start,
          guint b_end)
{
  return a_start < b_end && b_start < a_end;
}

/* The sentence with the findings marked as the corpus marks items, for a
 * reader to compare. */
static char *
mark (const char *text,
      GArray     *findings)
{
  GString *marked = g_string_new (NULL);
  const char *p = text;
  guint position = 0;

  for (guint k = 0; k < findings->len; k++)
    {
      const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, k);

      for (; position < finding->start; position++, p = g_utf8_next_char (p))
        g_string_append_unichar (marked, g_utf8_get_char (p));
      g_string_append_printf (marked, "[[%s|", concierge_finding_type_to_string (finding->type));
      for (; position < finding->end; position++, p = g_utf8_next_char (p))
        g_string_append_unichar (marked, g_utf8_get_char (p));
      g_string_append (marked, "]]");
    }
  g_string_append (marked, p);
  return g_string_free (marked, FALSE);
}

static void
test_corpus (gconstpointer data)
{
  const char *name = data;
  g_autoptr(ConciergeDetector) detector = concierge_detector_new ();
  g_autoptr(GError) error = NULL;
  Corpus corpus;
  guint expected[CONCIERGE_N_FINDING_TYPES] = { 0 }, recalled[CONCIERGE_N_FINDING_TYPES] = { 0 };
  guint found[CONCIERGE_N_FINDING_TYPES] = { 0 }, correct[CONCIERGE_N_FINDING_TYPES] = { 0 };
  guint negatives = 0;
  gboolean good = TRUE;

  load_corpus (&corpus, name);
  concierge_detector_set_allowed (detector, (const char * const *) corpus.allowed->pdata);
  concierge_detector_set_patterns (detector, (const char * const *) corpus.patterns->pdata, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < corpus.sentences->len; i++)
    {
      Sentence *sentence = g_ptr_array_index (corpus.sentences, i);
      g_autoptr(GArray) findings = concierge_detector_scan (detector, sentence->text);
      gboolean wrong = FALSE;

      negatives += sentence->expected->len == 0;
      for (guint e = 0; e < sentence->expected->len; e++)
        {
          const Expected *item = &g_array_index (sentence->expected, Expected, e);
          gboolean hit = FALSE;

          for (guint f = 0; f < findings->len && !hit; f++)
            {
              const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, f);

              hit = finding->type == item->type && overlaps (finding->start, finding->end, item->start, item->end);
            }
          expected[item->type]++;
          recalled[item->type] += hit;
          wrong |= !hit;
        }
      for (guint f = 0; f < findings->len; f++)
        {
          const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, f);
          gboolean hit = FALSE;

          for (guint e = 0; e < sentence->expected->len && !hit; e++)
            {
              const Expected *item = &g_array_index (sentence->expected, Expected, e);

              hit = finding->type == item->type && overlaps (finding->start, finding->end, item->start, item->end);
            }
          found[finding->type]++;
          correct[finding->type] += hit;
          wrong |= !hit;
        }

      if (wrong)
        {
          g_autofree char *marked = mark (sentence->text, findings);

          g_test_message ("line %u, as found: %s", sentence->line, marked);
        }
    }

  g_test_message ("%u sentences, %u of them without personal data", corpus.sentences->len, negatives);
  g_test_message ("%-16s %5s %5s %9s %6s", "kind", "items", "found", "precision", "recall");
  for (guint type = 0; type < CONCIERGE_N_FINDING_TYPES; type++)
    {
      double precision = found[type] ? (double) correct[type] / found[type] : 1.0;
      double recall = expected[type] ? (double) recalled[type] / expected[type] : 1.0;

      g_test_message ("%-16s %5u %5u %9.3f %6.3f", concierge_finding_type_to_string (type), expected[type],
                      found[type], precision, recall);
      /* Each kind is tried on enough sentences to say something. */
      g_assert_cmpuint (expected[type], >=, 20);
      good &= precision >= MINIMUM && recall >= MINIMUM;
    }
  g_assert_cmpuint (negatives, >=, 100);
  g_assert_true (good);

  g_ptr_array_unref (corpus.sentences);
  g_ptr_array_unref (corpus.allowed);
  g_ptr_array_unref (corpus.patterns);
}

static GArray *
scan (const char *text)
{
  g_autoptr(ConciergeDetector) detector = concierge_detector_new ();

  return concierge_detector_scan (detector, text);
}

/* Offsets count characters, so that umlauts and emoji before an item do
 * not shift its highlight. */
static void
test_offsets_are_characters (void)
{
  static const char text[] = "Grüße 👋 — meine IBAN: DE89 3704 0044 0532 0130 00.";
  g_autoptr(GArray) findings = scan (text);
  const ConciergeFinding *finding;
  g_autofree char *item = NULL;
  const char *start;

  g_assert_cmpuint (findings->len, ==, 1);
  finding = &g_array_index (findings, ConciergeFinding, 0);
  g_assert_cmpint (finding->type, ==, CONCIERGE_FINDING_IBAN);
  start = g_utf8_offset_to_pointer (text, finding->start);
  item = g_strndup (start, g_utf8_offset_to_pointer (text, finding->end) - start);
  g_assert_cmpstr (item, ==, "DE89 3704 0044 0532 0130 00");
  g_assert_cmpfloat (finding->confidence, >, 0.9);
}

/* The company's hotline stays unflagged however a customer writes it; a
 * customer's number next to it does not. */
static void
test_allowed_however_written (void)
{
  g_autoptr(ConciergeDetector) detector = concierge_detector_new ();
  const char *allowed[] = { "030 5268 3300", "support@wellenfunk.de", NULL };
  g_autoptr(GArray) findings = NULL;

  concierge_detector_set_allowed (detector, allowed);
  findings = concierge_detector_scan (detector, "Ich rief +49 30 5268 3300 an, bitte ruft mich unter 0171 5528391 "
                                                "zurück, nicht über SUPPORT@wellenfunk.de");
  g_assert_cmpuint (findings->len, ==, 1);
  g_assert_cmpint (g_array_index (findings, ConciergeFinding, 0).type, ==, CONCIERGE_FINDING_PHONE);
  g_assert_cmpuint (g_array_index (findings, ConciergeFinding, 0).start, ==, 52);
}

static void
test_patterns (void)
{
  g_autoptr(ConciergeDetector) detector = concierge_detector_new ();
  const char *good[] = { "WF-\\d{8}", NULL };
  const char *bad[] = { "WF-(\\d{8}", NULL };
  g_autoptr(GArray) findings = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_detector_set_patterns (detector, good, &error));
  g_assert_false (concierge_detector_set_patterns (detector, bad, &error));
  g_assert_error (error, G_REGEX_ERROR, G_REGEX_ERROR_UNMATCHED_PARENTHESIS);
  /* The good ones stay. */
  findings = concierge_detector_scan (detector, "Hier WF-20481234, kein Internet");
  g_assert_cmpuint (findings->len, ==, 1);
  g_assert_cmpint (g_array_index (findings, ConciergeFinding, 0).type, ==, CONCIERGE_FINDING_CUSTOMER_NUMBER);
}

static void
test_describe (void)
{
  g_autoptr(GArray) findings = scan ("IBAN DE89 3704 0044 0532 0130 00, Telefon 0171 5528391, "
                                     "oder 030 4491827");
  g_autoptr(GArray) none = scan ("Seit heute Morgen kein Internet, der Router blinkt rot.");
  g_autofree char *text = concierge_detector_describe (findings);

  g_assert_cmpstr (text, ==, "IBAN, phone number");
  g_assert_null (concierge_detector_describe (none));
}

/* A message of megabytes of digits, markup, control characters and
 * broken number shapes ends, with sane findings. */
static void
test_hostile_text (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) findings = NULL;
  guint length;

  for (guint k = 0; k < 20000; k++)
    g_string_append (text, "<b>0</b>\x01 DE89 3704 ((((++++ 1.2.3.4.5 @@@ (at) (dot) 0171 ---- ");
  g_string_append (text, "0171 5528391");
  length = g_utf8_strlen (text->str, -1);
  findings = scan (text->str);
  for (guint k = 0; k < findings->len; k++)
    {
      const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, k);

      g_assert_cmpuint (finding->start, <, finding->end);
      g_assert_cmpuint (finding->end, <=, length);
    }
  g_assert_cmpuint (findings->len, >=, 1);
  g_assert_cmpint (g_array_index (findings, ConciergeFinding, findings->len - 1).type, ==,
                   CONCIERGE_FINDING_PHONE);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/privacy/corpus", "pii-corpus.txt", test_corpus);
  g_test_add_data_func ("/privacy/held-out-corpus", "pii-holdout.txt", test_corpus);
  g_test_add_func ("/privacy/offsets-are-characters", test_offsets_are_characters);
  g_test_add_func ("/privacy/allowed-however-written", test_allowed_however_written);
  g_test_add_func ("/privacy/patterns", test_patterns);
  g_test_add_func ("/privacy/describe", test_describe);
  g_test_add_func ("/privacy/hostile-text", test_hostile_text);

  return g_test_run ();
}
