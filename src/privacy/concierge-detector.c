/* concierge-detector.c
 *
 * One pass over a normalised copy of the text: zero-width characters go,
 * other spaces become plain ones, dashes become hyphens, and a map leads
 * back to the original's characters. Then each kind of data has a scanner
 * of its own, in a file of its own; where findings overlap, the more
 * certain kind wins.
 *
 * Hand-written scanners rather than regular expressions: they check digits
 * while they read, skip the spaces and dots people put into numbers, and
 * keep the scan well above the speed that the inbox needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "concierge-detector-private.h"

/* Types */

static const struct
{
  const char *id;
  const char *label;
} finding_types[] = {
  [CONCIERGE_FINDING_IBAN] = { "iban", N_("IBAN") },
  [CONCIERGE_FINDING_PAYMENT_CARD] = { "payment_card", N_("payment card") },
  [CONCIERGE_FINDING_EMAIL] = { "email", N_("e-mail address") },
  [CONCIERGE_FINDING_PHONE] = { "phone", N_("phone number") },
  [CONCIERGE_FINDING_POSTAL_ADDRESS] = { "postal_address", N_("postal address") },
  [CONCIERGE_FINDING_DATE_OF_BIRTH] = { "date_of_birth", N_("date of birth") },
  [CONCIERGE_FINDING_CUSTOMER_NUMBER] = { "customer_number", N_("customer or order number") },
  [CONCIERGE_FINDING_TAX_ID] = { "tax_id", N_("tax ID") },
};

/* Which kind wins where two overlap: the ones whose check digits or
 * keywords make them surest. */
static const guint priority[] = {
  [CONCIERGE_FINDING_IBAN] = 8,
  [CONCIERGE_FINDING_PAYMENT_CARD] = 7,
  [CONCIERGE_FINDING_EMAIL] = 6,
  [CONCIERGE_FINDING_CUSTOMER_NUMBER] = 5,
  [CONCIERGE_FINDING_TAX_ID] = 4,
  [CONCIERGE_FINDING_DATE_OF_BIRTH] = 3,
  [CONCIERGE_FINDING_PHONE] = 2,
  [CONCIERGE_FINDING_POSTAL_ADDRESS] = 1,
};

const char *
concierge_finding_type_to_string (ConciergeFindingType type)
{
  g_return_val_if_fail (type < CONCIERGE_N_FINDING_TYPES, NULL);

  return finding_types[type].id;
}

gboolean
concierge_finding_type_from_string (const char           *id,
                                    ConciergeFindingType *type)
{
  for (guint i = 0; i < CONCIERGE_N_FINDING_TYPES; i++)
    if (g_strcmp0 (id, finding_types[i].id) == 0)
      {
        *type = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * concierge_finding_type_get_label:
 *
 * Returns: what the agent reads for @type, in lower case, as it stands in
 *   a list: "IBAN", "phone number"
 */
const char *
concierge_finding_type_get_label (ConciergeFindingType type)
{
  g_return_val_if_fail (type < CONCIERGE_N_FINDING_TYPES, NULL);

  return _(finding_types[type].label);
}

struct _ConciergeDetector
{
  GObject     parent_instance;

  GHashTable *allowed;   /* canonical keys of the company's own data */
  GPtrArray  *patterns;  /* GRegex, the company's customer number formats */
};

G_DEFINE_FINAL_TYPE (ConciergeDetector, concierge_detector, G_TYPE_OBJECT)

static void
concierge_detector_finalize (GObject *object)
{
  ConciergeDetector *self = CONCIERGE_DETECTOR (object);

  g_hash_table_unref (self->allowed);
  g_ptr_array_unref (self->patterns);

  G_OBJECT_CLASS (concierge_detector_parent_class)->finalize (object);
}

static void
concierge_detector_class_init (ConciergeDetectorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_detector_finalize;
}

static void
concierge_detector_init (ConciergeDetector *self)
{
  self->allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);
}

ConciergeDetector *
concierge_detector_new (void)
{
  return g_object_new (CONCIERGE_TYPE_DETECTOR, NULL);
}

/**
 * concierge_detector_new_for_settings:
 * @settings: (nullable): the app's settings, with the company's own data
 *   and customer number patterns from Preferences
 *
 * A pattern that is not a regular expression is left out: Preferences
 * refuses to save one, so only a hand-edited setting can hold it.
 */
ConciergeDetector *
concierge_detector_new_for_settings (GSettings *settings)
{
  ConciergeDetector *self = concierge_detector_new ();
  g_auto(GStrv) allowed = NULL;
  g_auto(GStrv) patterns = NULL;
  g_autoptr(GPtrArray) valid = NULL;

  if (settings == NULL)
    return self;

  allowed = g_settings_get_strv (settings, "privacy-allowed");
  patterns = g_settings_get_strv (settings, "customer-number-patterns");
  concierge_detector_set_allowed (self, (const char * const *) allowed);
  valid = g_ptr_array_new ();
  for (guint k = 0; patterns[k] != NULL; k++)
    {
      const char *one[] = { patterns[k], NULL };
      g_autoptr(GError) error = NULL;

      if (concierge_detector_set_patterns (self, one, &error))
        g_ptr_array_add (valid, patterns[k]);
      else
        g_warning ("Leaving out a customer number pattern: %s", error->message);
    }
  g_ptr_array_add (valid, NULL);
  concierge_detector_set_patterns (self, (const char * const *) valid->pdata, NULL);
  return self;
}

/* Normalising */

typedef struct
{
  GString *text;
  GArray  *chars;   /* guint per byte of @text: the original's character */
} Normalized;

static gboolean
is_invisible (gunichar c)
{
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD;
}

static gboolean
is_other_space (gunichar c)
{
  return c == 0x00A0 || c == 0x202F || c == 0x205F || c == 0x3000 || (c >= 0x2000 && c <= 0x200A);
}

static gboolean
is_dash (gunichar c)
{
  return c >= 0x2010 && c <= 0x2013;
}

/* Returns FALSE when @text is plain ASCII, which needs no copy; @length
 * is then its length. */
static gboolean
normalize (const char *text,
           Normalized *out,
           gsize      *length)
{
  const char *p;
  guint index = 0;

  for (p = text; *p != '\0' && (guchar) *p < 0x80; p++)
    ;
  *length = p - text;
  if (*p == '\0')
    return FALSE;

  out->text = g_string_sized_new (strlen (text));
  out->chars = g_array_sized_new (FALSE, FALSE, sizeof (guint), strlen (text) + 1);
  for (p = text; *p != '\0'; p = g_utf8_next_char (p), index++)
    {
      gunichar c = g_utf8_get_char (p);
      gsize before = out->text->len;

      if (is_invisible (c))
        continue;
      if (is_other_space (c))
        g_string_append_c (out->text, ' ');
      else if (is_dash (c))
        g_string_append_c (out->text, '-');
      else
        g_string_append_len (out->text, p, g_utf8_next_char (p) - p);
      for (gsize b = before; b < out->text->len; b++)
        g_array_append_val (out->chars, index);
    }
  g_array_append_val (out->chars, index);
  return TRUE;
}

/* Keys: the same data however it is written */

static char *
canonical_key (const Scan *scan,
               const Hit  *hit)
{
  GString *key = g_string_new (concierge_finding_type_to_string (hit->type));
  gsize start = hit->start;

  g_string_append_c (key, ':');

  /* "+49 30 …" and "030 …" are the same number. */
  if (hit->type == CONCIERGE_FINDING_PHONE)
    {
      g_autoptr(GString) digits = g_string_new (NULL);

      for (gsize k = start; k < hit->end; k++)
        if (is_digit (scan->s[k]))
          g_string_append_c (digits, scan->s[k]);
      if (scan->s[start] == '+')
        g_string_prepend (digits, "00");
      if (g_str_has_prefix (digits->str, "0049"))
        g_string_erase (digits, 1, 3);
      g_string_append (key, digits->str);
      return g_string_free (key, FALSE);
    }

  for (gsize k = start; k < hit->end; k++)
    {
      char c = lower (scan->s[k]);

      if (is_alnum (c) || (guchar) c >= 0x80)
        g_string_append_c (key, c);
    }
  if (hit->type == CONCIERGE_FINDING_POSTAL_ADDRESS)
    {
      char *found;

      /* "Kopernikusstraße", "Kopernikusstrasse" and "Kopernikusstr." */
      while ((found = strstr (key->str, "straße")) != NULL)
        g_string_erase (key, found - key->str + 3, 4);
      while ((found = strstr (key->str, "strasse")) != NULL)
        g_string_erase (key, found - key->str + 3, 4);
    }
  return g_string_free (key, FALSE);
}

/* Scanning */

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (priority[x->type] != priority[y->type])
    return priority[x->type] > priority[y->type] ? -1 : 1;
  return x->end > y->end ? -1 : x->end < y->end ? 1 : 0;
}

/* Where findings overlap, the one of higher priority stays. */
static void
resolve_overlaps (GArray *hits)
{
  guint kept = 0;

  g_array_sort (hits, compare_hits);
  for (guint k = 0; k < hits->len; k++)
    {
      Hit *hit = &g_array_index (hits, Hit, k);
      gboolean keep = TRUE;

      for (guint m = kept; m > 0 && keep; m--)
        {
          Hit *other = &g_array_index (hits, Hit, m - 1);

          if (other->end <= hit->start)
            break;
          if (priority[other->type] >= priority[hit->type])
            keep = FALSE;
          else
            {
              /* The earlier, weaker one gives way. */
              memmove (other, other + 1, (kept - m) * sizeof (Hit));
              kept--;
            }
        }
      if (keep)
        g_array_index (hits, Hit, kept++) = *hit;
    }
  g_array_set_size (hits, kept);
}

static GArray *
scan_hits (ConciergeDetector *self,
           const char        *text,
           gsize              length)
{
  Scan scan = { text, length, g_array_new (FALSE, FALSE, sizeof (Hit)) };
  gboolean digits = FALSE, at = FALSE, birth = FALSE;

  /* Most messages hold no digit and no "at": nothing to look for but
   * spelled-out e-mail addresses. Written dates need a word of birth. */
  for (gsize k = 0; k < length; k++)
    {
      char c = lower (text[k]);

      digits |= is_digit (c);
      /* "@", or "at" as a word of its own: "(at)", " at ", "[AT]" */
      at |= c == '@' ||
            (c == 'a' && k + 1 < length && lower (text[k + 1]) == 't' &&
             k > 0 && (text[k - 1] == ' ' || text[k - 1] == '(' || text[k - 1] == '[' || text[k - 1] == '{') &&
             (k + 2 == length || text[k + 2] == ' ' || text[k + 2] == ')' || text[k + 2] == ']' ||
              text[k + 2] == '}'));
      if (!birth && (c == 'g' || c == 'b' || c == 'd'))
        for (guint w = 0; birth_words[w] != NULL && !birth; w++)
          birth = birth_words[w][0] == c && match_word (text + k, length - k, birth_words[w]) > 0;
    }

  if (digits)
    {
      detector_scan_ibans (&scan);
      detector_scan_numbers (&scan);
      detector_scan_streets (&scan);
      detector_scan_postcodes (&scan);
      detector_scan_references (&scan);
      if (birth)
        detector_scan_written_dates (&scan);
    }
  if (at)
    detector_scan_emails (&scan);
  if (self->patterns->len > 0)
    detector_scan_patterns (self->patterns, &scan);

  resolve_overlaps (scan.hits);
  return scan.hits;
}

/**
 * concierge_detector_scan:
 * @text: UTF-8
 *
 * Returns: (transfer full) (element-type ConciergeFinding): what @text
 *   holds, in order, none overlapping another
 */
GArray *
concierge_detector_scan (ConciergeDetector *self,
                         const char        *text)
{
  Normalized normalized = { NULL, NULL };
  gboolean copied;
  const char *s;
  gsize n;
  g_autoptr(GArray) hits = NULL;
  GArray *findings;

  g_return_val_if_fail (CONCIERGE_IS_DETECTOR (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  copied = normalize (text, &normalized, &n);
  s = copied ? normalized.text->str : text;
  n = copied ? normalized.text->len : n;
  hits = scan_hits (self, s, n);

  findings = g_array_sized_new (FALSE, FALSE, sizeof (ConciergeFinding), hits->len);
  for (guint k = 0; k < hits->len; k++)
    {
      const Hit *hit = &g_array_index (hits, Hit, k);
      ConciergeFinding finding = { hit->type, hit->start, hit->end, hit->confidence };

      if (g_hash_table_size (self->allowed) > 0)
        {
          Scan scan = { s, n, NULL };
          g_autofree char *key = canonical_key (&scan, hit);

          if (g_hash_table_contains (self->allowed, key))
            continue;
        }
      if (copied)
        {
          finding.start = g_array_index (normalized.chars, guint, hit->start);
          finding.end = g_array_index (normalized.chars, guint, hit->end - 1) + 1;
        }
      else
        {
          /* ASCII: bytes are characters. */
          finding.start = hit->start;
          finding.end = hit->end;
        }
      g_array_append_val (findings, finding);
    }

  if (copied)
    {
      g_string_free (normalized.text, TRUE);
      g_array_unref (normalized.chars);
    }
  return findings;
}

/**
 * concierge_detector_set_allowed:
 * @allowed: (nullable): the company's own published data: its hotline,
 *   its IBAN, its support address
 *
 * These are neither flagged nor blocked, however they are written.
 */
void
concierge_detector_set_allowed (ConciergeDetector  *self,
                                const char * const *allowed)
{
  g_return_if_fail (CONCIERGE_IS_DETECTOR (self));

  g_hash_table_remove_all (self->allowed);
  for (guint k = 0; allowed != NULL && allowed[k] != NULL; k++)
    {
      Normalized normalized = { NULL, NULL };
      gsize length;
      gboolean copied = normalize (allowed[k], &normalized, &length);
      Scan scan = { copied ? normalized.text->str : allowed[k], copied ? normalized.text->len : length, NULL };
      g_autoptr(GArray) hits = scan_hits (self, scan.s, scan.n);

      for (guint m = 0; m < hits->len; m++)
        g_hash_table_add (self->allowed, canonical_key (&scan, &g_array_index (hits, Hit, m)));
      if (copied)
        {
          g_string_free (normalized.text, TRUE);
          g_array_unref (normalized.chars);
        }
    }
}

/**
 * concierge_detector_set_patterns:
 * @patterns: (nullable): regular expressions for the company's own
 *   customer numbers, as "WF-\d{8}"
 *
 * Returns: %FALSE with @error set when a pattern is not a regular
 *   expression; the patterns set before stay then
 */
gboolean
concierge_detector_set_patterns (ConciergeDetector   *self,
                                 const char * const  *patterns,
                                 GError             **error)
{
  g_autoptr(GPtrArray) compiled = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);

  g_return_val_if_fail (CONCIERGE_IS_DETECTOR (self), FALSE);

  for (guint k = 0; patterns != NULL && patterns[k] != NULL; k++)
    {
      g_autoptr(GError) local_error = NULL;
      GRegex *regex;

      if (patterns[k][0] == '\0')
        continue;
      regex = g_regex_new (patterns[k], G_REGEX_OPTIMIZE, 0, &local_error);
      if (regex == NULL)
        {
          /* Translators: %s is a pattern the agent typed, then why it is wrong */
          g_set_error (error, G_REGEX_ERROR, local_error->code, _("“%s” is not a pattern: %s"),
                       patterns[k], local_error->message);
          return FALSE;
        }
      g_ptr_array_add (compiled, regex);
    }

  g_ptr_array_unref (self->patterns);
  self->patterns = g_steal_pointer (&compiled);
  return TRUE;
}

/**
 * concierge_detector_describe:
 * @findings: (element-type ConciergeFinding): as scanned
 *
 * Returns: (transfer full) (nullable): what was found, each kind once:
 *   "IBAN, phone number"; %NULL when nothing was
 */
char *
concierge_detector_describe (GArray *findings)
{
  gboolean seen[CONCIERGE_N_FINDING_TYPES] = { FALSE };
  GString *text = NULL;

  for (guint k = 0; findings != NULL && k < findings->len; k++)
    {
      ConciergeFindingType type = g_array_index (findings, ConciergeFinding, k).type;

      if (seen[type])
        continue;
      seen[type] = TRUE;
      if (text == NULL)
        text = g_string_new (NULL);
      else
        /* Translators: between the kinds of data found, as in "IBAN, phone number" */
        g_string_append (text, _(", "));
      g_string_append (text, concierge_finding_type_get_label (type));
    }
  return text ? g_string_free (text, FALSE) : NULL;
}

/**
 * concierge_detector_describe_kinds:
 * @kinds: bit 1 << #ConciergeFindingType for each kind
 *
 * Returns: (transfer full) (nullable): the kinds in words: "IBAN, phone
 *   number"; %NULL for none
 */
char *
concierge_detector_describe_kinds (guint kinds)
{
  g_autoptr(GArray) findings = g_array_new (FALSE, FALSE, sizeof (ConciergeFinding));

  for (guint type = 0; type < CONCIERGE_N_FINDING_TYPES; type++)
    if (kinds & (1u << type))
      {
        ConciergeFinding finding = { type, 0, 0, 1.0 };

        g_array_append_val (findings, finding);
      }
  return concierge_detector_describe (findings);
}

/* What a customer reads about the data in their post: in their language,
 * whatever the agent's. Not in the translation catalogue, as the agent's
 * locale would choose from it. */
static const struct
{
  const char *english;
  const char *german;
} customer_words[] = {
  [CONCIERGE_FINDING_IBAN] = { "IBAN", "IBAN" },
  [CONCIERGE_FINDING_PAYMENT_CARD] = { "payment card", "Kartennummer" },
  [CONCIERGE_FINDING_EMAIL] = { "e-mail address", "E-Mail-Adresse" },
  [CONCIERGE_FINDING_PHONE] = { "phone number", "Telefonnummer" },
  [CONCIERGE_FINDING_POSTAL_ADDRESS] = { "postal address", "Postanschrift" },
  [CONCIERGE_FINDING_DATE_OF_BIRTH] = { "date of birth", "Geburtsdatum" },
  [CONCIERGE_FINDING_CUSTOMER_NUMBER] = { "customer or order number", "Kunden- oder Bestellnummer" },
  [CONCIERGE_FINDING_TAX_ID] = { "tax ID", "Steuer-ID" },
};

/**
 * concierge_detector_describe_kinds_for_customer:
 * @kinds: bit 1 << #ConciergeFindingType for each kind
 * @language: the customer's; unknown is German, as a conversation starts
 *
 * Returns: (transfer full) (nullable): the kinds in the customer's words:
 *   "IBAN, Telefonnummer"; %NULL for none
 */
char *
concierge_detector_describe_kinds_for_customer (guint             kinds,
                                                ConciergeLanguage language)
{
  GString *text = NULL;

  for (guint type = 0; type < CONCIERGE_N_FINDING_TYPES; type++)
    {
      if (!(kinds & (1u << type)))
        continue;
      if (text == NULL)
        text = g_string_new (NULL);
      else
        g_string_append (text, ", ");
      g_string_append (text, language == CONCIERGE_LANGUAGE_ENGLISH ? customer_words[type].english
                                                                    : customer_words[type].german);
    }
  return text ? g_string_free (text, FALSE) : NULL;
}

/* What the store keeps */

/**
 * concierge_detector_scan_for_store:
 * @spans: (out): where the findings stand, for
 *   concierge_detector_parse_spans(): "iban 12 39;phone 50 62"
 * @detector: a #ConciergeDetector
 *
 * A #ConciergeStoreScanner: the store calls it on its worker thread, which
 * a detector allows.
 *
 * Returns: the kinds found, bit 1 << #ConciergeFindingType each
 */
guint
concierge_detector_scan_for_store (const char  *text,
                                   char       **spans,
                                   gpointer     detector)
{
  g_autoptr(GArray) findings = concierge_detector_scan (detector, text);
  GString *written = g_string_new (NULL);
  guint kinds = 0;

  for (guint k = 0; k < findings->len; k++)
    {
      const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, k);

      kinds |= 1u << finding->type;
      g_string_append_printf (written, "%s%s %u %u", k ? ";" : "",
                              concierge_finding_type_to_string (finding->type), finding->start, finding->end);
    }
  *spans = g_string_free (written, FALSE);
  return kinds;
}

/**
 * concierge_detector_parse_spans:
 * @spans: as concierge_detector_scan_for_store() wrote them
 *
 * Returns: (transfer full) (element-type ConciergeFinding): the findings;
 *   what cannot be read is left out
 */
GArray *
concierge_detector_parse_spans (const char *spans)
{
  GArray *findings = g_array_new (FALSE, FALSE, sizeof (ConciergeFinding));
  g_auto(GStrv) items = g_strsplit (spans ? spans : "", ";", -1);

  for (guint k = 0; items[k] != NULL; k++)
    {
      g_auto(GStrv) parts = g_strsplit (items[k], " ", -1);
      ConciergeFinding finding = { 0, 0, 0, 1.0 };
      guint64 start, end;

      if (g_strv_length (parts) != 3 || !concierge_finding_type_from_string (parts[0], &finding.type) ||
          !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT, &start, NULL) ||
          !g_ascii_string_to_unsigned (parts[2], 10, 0, G_MAXUINT, &end, NULL) || start >= end)
        continue;
      finding.start = start;
      finding.end = end;
      g_array_append_val (findings, finding);
    }
  return findings;
}
