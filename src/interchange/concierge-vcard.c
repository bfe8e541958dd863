/* concierge-vcard.c
 *
 * A vCard file comes from anyone's address book, so reading it trusts
 * nothing in it: whatever it holds, it gives customers or an error that
 * says in words what is wrong, and it never reads past what it was given.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "channels/concierge-platform.h"
#include "channels/concierge-web-address.h"
#include "concierge-vcard.h"

/* RFC 6350 §3.2: a line holds at most 75 octets before it folds. */
#define FOLD_OCTETS 75
/* PREF runs from 1, the most preferred, to 100; none is less than all. */
#define NO_PREF 101

/* Reading */

typedef struct
{
  const char *p;
  const char *end;
  guint       next_number;
  GString    *line;
} LineReader;

/* Reads the next logical line into reader->line, unfolded: a physical line
 * that starts with a space or a tab continues the one before it. Folding
 * may have split a UTF-8 sequence, so the bytes are joined first and
 * checked afterwards. */
static gboolean
read_line (LineReader *reader,
           guint      *number)
{
  gboolean first = TRUE;

  if (reader->p >= reader->end)
    return FALSE;

  g_string_truncate (reader->line, 0);
  *number = reader->next_number;
  for (;;)
    {
      const char *newline = memchr (reader->p, '\n', reader->end - reader->p);
      const char *start = reader->p + (first ? 0 : 1);
      const char *stop = newline != NULL ? newline : reader->end;

      while (stop > start && stop[-1] == '\r')
        stop--;
      if (stop > start)
        g_string_append_len (reader->line, start, stop - start);

      reader->p = newline != NULL ? newline + 1 : reader->end;
      reader->next_number++;
      first = FALSE;
      if (reader->p >= reader->end || (*reader->p != ' ' && *reader->p != '\t'))
        return TRUE;
    }
}

typedef enum
{
  ENCODING_NONE,
  ENCODING_BASE64,
  ENCODING_QUOTED_PRINTABLE,
} Encoding;

/* One content line, as far as Concierge reads its parameters. */
typedef struct
{
  char       *name;   /* upper case, without its group */
  GPtrArray  *types;  /* lower case */
  guint       pref;
  Encoding    encoding;
  const char *value;  /* the rest of the line */
} Property;

static void
property_clear (Property *property)
{
  g_clear_pointer (&property->name, g_free);
  g_clear_pointer (&property->types, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Property, property_clear)

static gboolean
property_has_type (Property   *property,
                   const char *type)
{
  for (guint i = 0; property->types != NULL && i < property->types->len; i++)
    if (strcmp (g_ptr_array_index (property->types, i), type) == 0)
      return TRUE;
  return FALSE;
}

static Encoding
encoding_from_name (const char *name)
{
  if (g_ascii_strcasecmp (name, "b") == 0 || g_ascii_strcasecmp (name, "base64") == 0)
    return ENCODING_BASE64;
  if (g_ascii_strcasecmp (name, "quoted-printable") == 0)
    return ENCODING_QUOTED_PRINTABLE;
  return ENCODING_NONE;
}

static void
apply_parameter (Property   *property,
                 const char *name,
                 const char *value)
{
  if (g_ascii_strcasecmp (name, "TYPE") == 0)
    {
      /* A quoted value lists its types in one string: TYPE="work,voice". */
      g_auto(GStrv) types = g_strsplit (value, ",", -1);

      if (property->types == NULL)
        property->types = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; types[i] != NULL; i++)
        {
          g_strstrip (types[i]);
          if (types[i][0] != '\0')
            g_ptr_array_add (property->types, g_ascii_strdown (types[i], -1));
        }
    }
  else if (g_ascii_strcasecmp (name, "PREF") == 0)
    {
      guint64 pref;

      if (g_ascii_string_to_unsigned (value, 10, 1, 100, &pref, NULL))
        property->pref = MIN (property->pref, (guint) pref);
    }
  else if (g_ascii_strcasecmp (name, "ENCODING") == 0)
    property->encoding = encoding_from_name (value);
}

/* vCard 2.1 wrote parameters without names, "TEL;CELL:", and some 3.0
 * writers still do. */
static void
apply_bare_parameter (Property   *property,
                      const char *name)
{
  Encoding encoding = encoding_from_name (name);

  if (encoding != ENCODING_NONE)
    property->encoding = encoding;
  else
    apply_parameter (property, "TYPE", name);
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/* RFC 6350 §3.3: [group "."] name *(";" param) ":" value. Returns FALSE
 * for a line of another shape. */
static gboolean
parse_property (const char *line,
                Property   *property)
{
  const char *p = line, *name = line;

  property->pref = NO_PREF;

  /* A group ends at the last dot before the parameters. */
  for (; is_name_char (*p) || *p == '.'; p++)
    if (*p == '.')
      name = p + 1;
  if (p == name || (*p != ';' && *p != ':'))
    return FALSE;
  property->name = g_ascii_strup (name, p - name);

  while (*p == ';')
    {
      const char *start = ++p;
      g_autofree char *parameter = NULL;

      while (*p != '\0' && *p != '=' && *p != ';' && *p != ':' && *p != '"')
        p++;
      if (*p == '"')
        return FALSE;
      parameter = g_strndup (start, p - start);
      if (*p != '=')
        {
          apply_bare_parameter (property, parameter);
          continue;
        }

      do
        {
          g_autofree char *value = NULL;

          start = ++p;
          if (*p == '"')
            {
              const char *close = strchr (p + 1, '"');

              if (close == NULL)
                return FALSE;
              value = g_strndup (p + 1, close - p - 1);
              p = close + 1;
            }
          else
            {
              while (*p != '\0' && *p != ',' && *p != ';' && *p != ':')
                p++;
              value = g_strndup (start, p - start);
            }
          apply_parameter (property, parameter, value);
        }
      while (*p == ',');
    }

  if (*p != ':')
    return FALSE;
  property->value = p + 1;

  /* vCard 3.0 marked the preferred one in its types. */
  if (property_has_type (property, "pref"))
    property->pref = 1;

  return TRUE;
}

/* Undoes RFC 6350 §3.4's escapes. Some writers escape a colon too; an
 * escape nobody defined stays as it is. */
static char *
unescape (const char *start,
          const char *end)
{
  GString *text = g_string_sized_new (end - start);

  for (const char *p = start; p < end; p++)
    {
      if (*p != '\\' || p + 1 == end)
        {
          g_string_append_c (text, *p);
          continue;
        }

      p++;
      switch (*p)
        {
        case 'n':
        case 'N':
          g_string_append_c (text, '\n');
          break;
        case '\\':
        case ',':
        case ';':
        case ':':
          g_string_append_c (text, *p);
          break;
        default:
          g_string_append_c (text, '\\');
          g_string_append_c (text, *p);
          break;
        }
    }

  return g_string_free (text, FALSE);
}

static char *
unescape_stripped (const char *value)
{
  return g_strstrip (unescape (value, value + strlen (value)));
}

/* Splits at each separator that no backslash escapes; the parts keep
 * their escapes, for a compound value's lists to be split in turn. */
static GPtrArray *
split_escaped (const char *value,
               char        separator)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *part = value, *p;

  for (p = value; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == separator)
        {
          g_ptr_array_add (parts, g_strndup (part, p - part));
          part = p + 1;
        }
    }
  g_ptr_array_add (parts, g_strndup (part, p - part));

  return parts;
}

/* Adds a text list's items, as CATEGORIES has them, to @items. */
static void
add_list_items (GPtrArray  *items,
                const char *value)
{
  g_autoptr(GPtrArray) parts = split_escaped (value, ',');

  for (guint i = 0; i < parts->len; i++)
    {
      char *item = unescape_stripped (g_ptr_array_index (parts, i));

      if (item[0] != '\0')
        g_ptr_array_add (items, item);
      else
        g_free (item);
    }
}

/* N's parts in the order a name is said: honorific prefixes, given names,
 * additional names, family names, honorific suffixes. */
static char *
name_from_n (const char *value)
{
  static const guint order[] = { 3, 1, 2, 0, 4 };
  g_autoptr(GPtrArray) parts = split_escaped (value, ';');
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  GString *name = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i] < parts->len)
      add_list_items (words, g_ptr_array_index (parts, order[i]));
  for (guint i = 0; i < words->len; i++)
    {
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append (name, g_ptr_array_index (words, i));
    }

  if (name->len == 0)
    {
      g_string_free (name, TRUE);
      return NULL;
    }
  return g_string_free (name, FALSE);
}

static char *
first_part (const char *value)
{
  g_autoptr(GPtrArray) parts = split_escaped (value, ';');
  char *part = unescape_stripped (g_ptr_array_index (parts, 0));

  if (part[0] == '\0')
    g_clear_pointer (&part, g_free);
  return part;
}

/* "de", "de-AT" and "DE_de" are German. */
static ConciergeLanguage
language_from_tag (const char *tag)
{
  g_autofree char *primary = g_ascii_strdown (tag, strcspn (tag, "-_"));
  ConciergeLanguage language = CONCIERGE_LANGUAGE_UNKNOWN;

  if (!concierge_language_from_string (primary, &language))
    return CONCIERGE_LANGUAGE_UNKNOWN;
  return language;
}

/* Accounts */

/* X-SOCIALPROFILE, IMPP or URL: an account on a platform Concierge
 * answers on, or NULL. A TYPE that names the platform is taken at its
 * word; without one, the address's shape decides. */
static ConciergeIdentity *
identity_from_property (Property *property)
{
  g_autofree char *value = unescape_stripped (property->value);
  const ConciergePlatform *declared = NULL;
  const ConciergePlatform *platform;

  for (guint i = 0; declared == NULL && (platform = concierge_platform_get (i)) != NULL; i++)
    if (property_has_type (property, platform->id))
      declared = platform;

  for (guint i = 0; (platform = concierge_platform_get (i)) != NULL; i++)
    {
      g_autofree char *handle = NULL;

      if ((declared == NULL || declared == platform) && platform->handle_from_address != NULL &&
          (handle = platform->handle_from_address (value, declared != NULL)) != NULL)
        return concierge_identity_new (platform->id, "", "", handle, "");
    }

  if (declared != NULL && declared->handle_from_text != NULL)
    {
      g_autofree char *handle = declared->handle_from_text (value);

      if (handle != NULL)
        return concierge_identity_new (declared->id, "", "", handle, "");
    }

  return NULL;
}

/* Cards */

typedef struct
{
  guint             first_line;
  char             *fn;
  char             *n;
  char             *org;
  char             *email;
  guint             email_pref;
  char             *phone;
  guint             phone_pref;
  GString          *note;
  char             *customer_number;
  GPtrArray        *tags;
  GPtrArray        *contracts;
  GPtrArray        *orders;
  ConciergeLanguage language;
  guint             language_pref;
  ConciergeAddress  address;
  GPtrArray        *identities;
  GHashTable       *identity_keys;
} Card;

static void
card_clear (Card *card)
{
  g_free (card->fn);
  g_free (card->n);
  g_free (card->org);
  g_free (card->email);
  g_free (card->phone);
  if (card->note != NULL)
    g_string_free (card->note, TRUE);
  g_free (card->customer_number);
  g_clear_pointer (&card->tags, g_ptr_array_unref);
  g_clear_pointer (&card->contracts, g_ptr_array_unref);
  g_clear_pointer (&card->orders, g_ptr_array_unref);
  g_clear_pointer (&card->identities, g_ptr_array_unref);
  g_clear_pointer (&card->identity_keys, g_hash_table_unref);
  memset (card, 0, sizeof *card);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Card, card_clear)

static void
card_begin (Card *card,
            guint first_line)
{
  card_clear (card);
  card->first_line = first_line;
  card->email_pref = card->phone_pref = card->language_pref = NO_PREF + 1;
  card->tags = g_ptr_array_new_with_free_func (g_free);
  card->contracts = g_ptr_array_new_with_free_func (g_free);
  card->orders = g_ptr_array_new_with_free_func (g_free);
  card->identities = g_ptr_array_new_with_free_func (g_object_unref);
  card->identity_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Keeps @value when it is preferred over what @best holds: a lower PREF,
 * or the first of equals. */
static void
keep_preferred (char      **best,
                guint      *best_pref,
                char       *value,
                guint       pref)
{
  if (value[0] == '\0' || pref >= *best_pref)
    {
      g_free (value);
      return;
    }
  g_free (*best);
  *best = value;
  *best_pref = pref;
}

static void
keep_first (char **first,
            char  *value)
{
  if (*first == NULL && value != NULL && value[0] != '\0')
    *first = value;
  else
    g_free (value);
}

/* A card may name one account several times, as a profile and as a handle.
 * A set, not a search of those kept, since a file may hold a card of
 * nothing but accounts. */
static void
card_add_identity (Card              *card,
                   ConciergeIdentity *identity)
{
  g_autofree char *handle = g_ascii_strdown (concierge_identity_get_handle (identity), -1);
  char *key = g_strconcat (concierge_identity_get_platform (identity), " ", handle, NULL);

  if (!g_hash_table_add (card->identity_keys, key))
    {
      g_object_unref (identity);
      return;
    }
  g_ptr_array_add (card->identities, identity);
}

static gboolean
card_read (Card      *card,
           Property  *property,
           guint      number,
           GError   **error)
{
  const char *name = property->name;

  if (property->encoding == ENCODING_QUOTED_PRINTABLE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* Translators: %u is a line number */
                   _("Line %u of the file is quoted-printable, as only vCard 2.1 writes it. Concierge reads "
                     "vCard 3.0 and 4.0; export the contacts in one of those versions."), number);
      return FALSE;
    }
  /* Nothing Concierge reads is binary. */
  if (property->encoding == ENCODING_BASE64)
    return TRUE;

  if (strcmp (name, "VERSION") == 0)
    {
      g_autofree char *version = unescape_stripped (property->value);

      if (strcmp (version, "3.0") != 0 && strcmp (version, "4.0") != 0)
        {
          /* The version is the file's to say, at any length; the agent
           * needs only its start. */
          g_autofree char *shown = g_utf8_substring (version, 0, MIN (g_utf8_strlen (version, -1), 12));

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: the first %u is a line number; %s is a version, like 2.1 */
                       _("The card on line %u of the file is vCard %s. Concierge reads vCard 3.0 and 4.0; "
                         "export the contacts in one of those versions."), card->first_line, shown);
          return FALSE;
        }
    }
  else if (strcmp (name, "FN") == 0)
    keep_first (&card->fn, unescape_stripped (property->value));
  else if (strcmp (name, "N") == 0)
    keep_first (&card->n, name_from_n (property->value));
  else if (strcmp (name, "ORG") == 0)
    keep_first (&card->org, first_part (property->value));
  else if (strcmp (name, "EMAIL") == 0)
    {
      g_autofree char *email = unescape_stripped (property->value);

      keep_preferred (&card->email, &card->email_pref, g_strdup (concierge_web_address_skip_prefix (email, "mailto:")), property->pref);
    }
  else if (strcmp (name, "TEL") == 0)
    {
      g_autofree char *phone = unescape_stripped (property->value);

      keep_preferred (&card->phone, &card->phone_pref, g_strdup (concierge_web_address_skip_prefix (phone, "tel:")), property->pref);
    }
  else if (strcmp (name, "NOTE") == 0)
    {
      g_autofree char *note = unescape (property->value, property->value + strlen (property->value));

      if (note[0] != '\0' && card->note == NULL)
        card->note = g_string_new (note);
      else if (note[0] != '\0')
        g_string_append_printf (card->note, "\n%s", note);
    }
  else if (strcmp (name, "CATEGORIES") == 0)
    add_list_items (card->tags, property->value);
  else if (strcmp (name, "LANG") == 0)
    {
      g_autofree char *tag = unescape_stripped (property->value);
      ConciergeLanguage language = language_from_tag (tag);

      if (language != CONCIERGE_LANGUAGE_UNKNOWN && property->pref < card->language_pref)
        {
          card->language = language;
          card->language_pref = property->pref;
        }
    }
  else if (strcmp (name, "X-CONCIERGE-CUSTOMER-NUMBER") == 0)
    keep_first (&card->customer_number, unescape_stripped (property->value));
  else if (strcmp (name, "X-CONCIERGE-CONTRACTS") == 0)
    add_list_items (card->contracts, property->value);
  else if (strcmp (name, "X-CONCIERGE-ORDERS") == 0)
    add_list_items (card->orders, property->value);
  else if (strcmp (name, "X-CONCIERGE-ADDRESS") == 0)
    {
      g_autofree char *text = unescape_stripped (property->value);
      g_autofree char *address = g_ascii_strdown (text, -1);

      if (!concierge_address_from_string (address, &card->address))
        card->address = CONCIERGE_ADDRESS_UNKNOWN;
    }
  else if (strcmp (name, "X-SOCIALPROFILE") == 0 || strcmp (name, "IMPP") == 0 || strcmp (name, "URL") == 0)
    {
      ConciergeIdentity *identity = identity_from_property (property);

      if (identity != NULL)
        card_add_identity (card, identity);
    }

  return TRUE;
}

static void
set_list (ConciergeContact     *contact,
          ConciergeContactField field,
          GPtrArray            *items)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (items, NULL);
  joined = concierge_contact_join_list ((const char * const *) items->pdata);
  concierge_contact_set_field (contact, field, joined);
}

/* Returns NULL for a card that names nobody. */
static ConciergeContact *
card_to_contact (Card *card)
{
  const char *handle = NULL;
  const char *name;
  ConciergeContact *contact;

  if (card->identities->len > 0)
    handle = concierge_identity_get_handle (g_ptr_array_index (card->identities, 0));
  name = card->fn ? card->fn : card->n ? card->n : card->org ? card->org : card->email ? card->email
         : handle ? handle : card->phone;
  if (name == NULL)
    return NULL;

  contact = concierge_contact_new (name);
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_EMAIL, card->email);
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_PHONE, card->phone);
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_CUSTOMER_NUMBER, card->customer_number);
  set_list (contact, CONCIERGE_CONTACT_CONTRACTS, card->contracts);
  set_list (contact, CONCIERGE_CONTACT_ORDERS, card->orders);
  set_list (contact, CONCIERGE_CONTACT_TAGS, card->tags);
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_NOTE, card->note ? card->note->str : NULL);
  concierge_contact_set_language (contact, card->language, card->address);
  for (guint i = 0; i < card->identities->len; i++)
    concierge_contact_add_identity (contact, g_ptr_array_index (card->identities, i));

  return contact;
}

static gboolean
is_vcard (const char *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (value));

  return g_ascii_strcasecmp (stripped, "VCARD") == 0;
}

/* Refuses a file too large to read, and steps over a byte order mark, as
 * some editors write one. */
static gboolean
check_file (const char **text,
            gsize       *length,
            GError     **error)
{
  if (*text == NULL)
    *text = "";
  if (*length > CONCIERGE_VCARD_MAX_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* Translators: %u is 16 */
                   _("The file is too large. Concierge imports vCard files of up to %u MB."),
                   CONCIERGE_VCARD_MAX_SIZE / (1024 * 1024));
      return FALSE;
    }

  if (*length >= 3 && memcmp (*text, "\xef\xbb\xbf", 3) == 0)
    {
      *text += 3;
      *length -= 3;
    }

  return TRUE;
}

/**
 * concierge_vcard_parse:
 * @text: (array length=length): a file's contents, from anyone
 *
 * Reads every card of a vCard 3.0 or 4.0 file, as concierge-vcard.h
 * describes.
 *
 * Returns: (transfer full) (element-type ConciergeContact): the file's
 *   customers in its order, none of them saved yet; or %NULL with @error
 *   set to words for the agent
 */
GPtrArray *
concierge_vcard_parse (const char  *text,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GString) line = NULL;
  g_auto(Card) card = { 0 };
  LineReader reader;
  gboolean in_card = FALSE;
  guint n_cards = 0, number;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_file (&text, &length, error))
    return NULL;

  contacts = g_ptr_array_new_with_free_func (g_object_unref);
  line = g_string_new (NULL);
  reader = (LineReader) { text, text + length, 1, line };

  while (read_line (&reader, &number))
    {
      g_auto(Property) property = { 0 };

      if (!g_utf8_validate_len (line->str, line->len, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: %u is a line number */
                       _("Line %u of the file is not UTF-8 text. Save the contacts as UTF-8 and import them "
                         "again."), number);
          return NULL;
        }
      if (line->len == 0)
        continue;

      if (!parse_property (line->str, &property))
        {
          /* Outside a card, anything may stand: it is not read. */
          if (!in_card)
            continue;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: %u is a line number */
                       _("Line %u of the file is no vCard line."), number);
          return NULL;
        }

      if (strcmp (property.name, "BEGIN") == 0)
        {
          /* A card inside a card is vCard 2.1's AGENT, or a broken file;
           * refusing it keeps any depth of nesting harmless. */
          if (in_card)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           /* Translators: both %u are line numbers */
                           _("Line %u of the file begins a card inside the card on line %u."),
                           number, card.first_line);
              return NULL;
            }
          if (!is_vcard (property.value))
            continue;
          if (++n_cards > CONCIERGE_VCARD_MAX_CARDS)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           /* Translators: %u is 100000 */
                           _("The file holds too many contacts. Concierge imports up to %u at once."),
                           CONCIERGE_VCARD_MAX_CARDS);
              return NULL;
            }
          card_begin (&card, number);
          in_card = TRUE;
        }
      else if (strcmp (property.name, "END") == 0)
        {
          ConciergeContact *contact;

          if (!in_card)
            {
              if (!is_vcard (property.value))
                continue;
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           /* Translators: %u is a line number */
                           _("Line %u of the file ends a card that never began."), number);
              return NULL;
            }
          if ((contact = card_to_contact (&card)) != NULL)
            g_ptr_array_add (contacts, contact);
          card_clear (&card);
          in_card = FALSE;
        }
      else if (in_card && !card_read (&card, &property, number, error))
        return NULL;
    }

  if (in_card)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* Translators: %u is a line number */
                   _("The card on line %u of the file has no end. The file may be cut off."), card.first_line);
      return NULL;
    }
  if (n_cards == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The file holds no vCard."));
      return NULL;
    }

  return g_steal_pointer (&contacts);
}

/* Writing */

/* RFC 6350 §3.4. A line break is "\n" whatever it was; other control
 * characters have no place in a vCard. Nothing makes a field UTF-8, but a
 * vCard must be, and folding counts on it. */
static void
append_escaped (GString    *line,
                const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  for (const char *p = valid; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
        case ',':
        case ';':
          g_string_append_c (line, '\\');
          g_string_append_c (line, *p);
          break;
        case '\r':
          if (p[1] == '\n')
            p++;
          G_GNUC_FALLTHROUGH;
        case '\n':
          g_string_append (line, "\\n");
          break;
        default:
          if (((guchar) *p >= 0x20 && *p != 0x7f) || *p == '\t')
            g_string_append_c (line, *p);
          break;
        }
    }
}

/* Ends @line with CRLF and folds it at 75 octets, never inside a UTF-8
 * sequence; each continuation starts with a space. */
static void
append_folded (GString    *out,
               const char *line)
{
  gsize length = strlen (line), start = 0, limit = FOLD_OCTETS;

  while (length - start > limit)
    {
      gsize end = start + limit;

      while (end > start && ((guchar) line[end] & 0xc0) == 0x80)
        end--;
      g_string_append_len (out, line + start, end - start);
      g_string_append (out, "\r\n ");
      start = end;
      limit = FOLD_OCTETS - 1;
    }
  g_string_append (out, line + start);
  g_string_append (out, "\r\n");
}

static void
append_text (GString    *out,
             const char *name,
             const char *value)
{
  g_autoptr(GString) line = g_string_new (name);

  g_string_append_c (line, ':');
  append_escaped (line, value);
  append_folded (out, line->str);
}

static void
append_text_if_set (GString    *out,
                    const char *name,
                    const char *value)
{
  if (value != NULL && value[0] != '\0')
    append_text (out, name, value);
}

static void
append_list (GString              *out,
             const char           *name,
             ConciergeContact     *contact,
             ConciergeContactField field)
{
  g_auto(GStrv) items = concierge_contact_dup_list (contact, field);
  g_autoptr(GString) line = NULL;

  if (items[0] == NULL)
    return;

  line = g_string_new (name);
  g_string_append_c (line, ':');
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      append_escaped (line, items[i]);
    }
  append_folded (out, line->str);
}

/* The last word is the family name, the words before it the given names:
 * right for most of the names agents meet, and N is only a hint beside FN. */
static void
append_n (GString    *out,
          const char *name)
{
  g_auto(GStrv) split = g_strsplit_set (name, " \t", -1);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autoptr(GString) line = g_string_new ("N:");

  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0')
      g_ptr_array_add (words, split[i]);

  if (words->len > 0)
    append_escaped (line, g_ptr_array_index (words, words->len - 1));
  g_string_append_c (line, ';');
  for (guint i = 0; i + 1 < words->len; i++)
    {
      if (i > 0)
        g_string_append_c (line, ' ');
      append_escaped (line, g_ptr_array_index (words, i));
    }
  g_string_append (line, ";;;");
  append_folded (out, line->str);
}

/* An account as a profile address, or as its handle where it has no
 * address; NULL for one without a handle. */
static char *
identity_to_profile (ConciergeIdentity *identity)
{
  const ConciergePlatform *platform = concierge_platform_lookup (concierge_identity_get_platform (identity));
  const char *handle = concierge_identity_get_handle (identity);
  const char *name = handle[0] == '@' ? handle + 1 : handle;
  char *profile = NULL;

  if (name[0] == '\0')
    return NULL;
  if (platform->dup_profile_address != NULL)
    profile = platform->dup_profile_address (handle, concierge_identity_get_server_url (identity));
  return profile ? profile : g_strdup_printf ("@%s", name);
}

static void
append_identities (GString          *out,
                   ConciergeContact *contact)
{
  GListModel *identities = concierge_contact_get_identities (contact);

  for (guint i = 0; i < g_list_model_get_n_items (identities); i++)
    {
      g_autoptr(ConciergeIdentity) identity = g_list_model_get_item (identities, i);
      const char *platform = concierge_identity_get_platform (identity);
      g_autofree char *profile = NULL;
      g_autofree char *name = NULL;

      if (concierge_platform_lookup (platform) == NULL)
        continue;
      if ((profile = identity_to_profile (identity)) == NULL)
        continue;
      name = g_strdup_printf ("X-SOCIALPROFILE;TYPE=%s", platform);
      append_text (out, name, profile);
    }
}

static void
write_contact (GString          *out,
               ConciergeContact *contact)
{
  const char *language = concierge_language_to_string (concierge_contact_get_language (contact));
  const char *address = concierge_address_to_string (concierge_contact_get_address (contact));

  append_folded (out, "BEGIN:VCARD");
  append_folded (out, "VERSION:4.0");
  append_text (out, "FN", concierge_contact_get_name (contact));
  append_n (out, concierge_contact_get_name (contact));
  append_text_if_set (out, "EMAIL", concierge_contact_get_field (contact, CONCIERGE_CONTACT_EMAIL));
  /* RFC 6350 would rather have a tel: URI, but a number as the agent
   * wrote it, "+49 30 1234", is no URI; text is the other form TEL has. */
  append_text_if_set (out, "TEL", concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE));
  append_text_if_set (out, "LANG", language);
  append_list (out, "CATEGORIES", contact, CONCIERGE_CONTACT_TAGS);
  append_text_if_set (out, "NOTE", concierge_contact_get_field (contact, CONCIERGE_CONTACT_NOTE));
  append_text_if_set (out, "X-CONCIERGE-CUSTOMER-NUMBER",
                      concierge_contact_get_field (contact, CONCIERGE_CONTACT_CUSTOMER_NUMBER));
  append_list (out, "X-CONCIERGE-CONTRACTS", contact, CONCIERGE_CONTACT_CONTRACTS);
  append_list (out, "X-CONCIERGE-ORDERS", contact, CONCIERGE_CONTACT_ORDERS);
  append_text_if_set (out, "X-CONCIERGE-ADDRESS", address);
  append_identities (out, contact);
  append_folded (out, "END:VCARD");
}

/**
 * concierge_vcard_write:
 * @contacts: (array length=n_contacts): the customers
 *
 * Returns: (transfer full): a vCard 4.0 file of the customers, one card
 *   each, in their order
 */
char *
concierge_vcard_write (ConciergeContact * const *contacts,
                       guint                     n_contacts)
{
  GString *out;

  g_return_val_if_fail (contacts != NULL || n_contacts == 0, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < n_contacts; i++)
    {
      g_return_val_if_fail (CONCIERGE_IS_CONTACT (contacts[i]), g_string_free (out, TRUE));
      write_contact (out, contacts[i]);
    }

  return g_string_free (out, FALSE);
}

/* CSV */

static const char *
address_name (ConciergeAddress address)
{
  switch (address)
    {
    case CONCIERGE_ADDRESS_FORMAL:
      return _("Formal (Sie)");
    case CONCIERGE_ADDRESS_INFORMAL:
      return _("Informal (du)");
    case CONCIERGE_ADDRESS_UNKNOWN:
    default:
      return "";
    }
}

/* "Mastodon @user@server; Telegram @name". Platforms' names are their own
 * in every language. */
static char *
accounts_text (ConciergeContact *contact)
{
  GListModel *identities = concierge_contact_get_identities (contact);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (identities); i++)
    {
      g_autoptr(ConciergeIdentity) identity = g_list_model_get_item (identities, i);
      const char *id = concierge_identity_get_platform (identity);
      const ConciergePlatform *platform = concierge_platform_lookup (id);
      const char *handle = concierge_identity_get_handle (identity);
      g_autofree char *full = NULL;

      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append_printf (text, "%s ", concierge_platform_name (id));

      if (platform != NULL && platform->dup_full_handle != NULL &&
          (full = platform->dup_full_handle (handle, concierge_identity_get_server_url (identity))) != NULL)
        g_string_append (text, full);
      else if (handle[0] != '\0')
        g_string_append (text, handle);
      else
        g_string_append (text, concierge_identity_get_remote_id (identity));
    }

  return g_string_free (text, FALSE);
}

/**
 * concierge_contacts_write_csv:
 * @contacts: (array length=n_contacts): the customers
 *
 * Returns: (transfer full): a CSV file of the customers, with a header
 *   row in the agent's language, as concierge_csv_append_row() writes rows
 */
char *
concierge_contacts_write_csv (ConciergeContact * const *contacts,
                              guint                     n_contacts)
{
  static const char * const columns[] = {
    /* Translators: the columns of the file the customers are exported to */
    NC_("CSV column", "Name"),
    NC_("CSV column", "Email"),
    NC_("CSV column", "Phone"),
    NC_("CSV column", "Customer Number"),
    NC_("CSV column", "Contracts"),
    NC_("CSV column", "Orders"),
    NC_("CSV column", "Tags"),
    NC_("CSV column", "Note"),
    NC_("CSV column", "Language"),
    NC_("CSV column", "Form of Address"),
    NC_("CSV column", "Accounts"),
  };
  const char *header[G_N_ELEMENTS (columns)];
  GString *csv;

  g_return_val_if_fail (contacts != NULL || n_contacts == 0, NULL);

  csv = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    header[i] = g_dpgettext2 (NULL, "CSV column", columns[i]);
  concierge_csv_append_row (csv, header, G_N_ELEMENTS (header));

  for (guint i = 0; i < n_contacts; i++)
    {
      ConciergeContact *contact = contacts[i];
      ConciergeLanguage language;
      g_autofree char *accounts = NULL;
      const char *row[G_N_ELEMENTS (columns)];

      g_return_val_if_fail (CONCIERGE_IS_CONTACT (contact), g_string_free (csv, TRUE));

      language = concierge_contact_get_language (contact);
      accounts = accounts_text (contact);
      row[0] = concierge_contact_get_name (contact);
      row[1] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_EMAIL);
      row[2] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE);
      row[3] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_CUSTOMER_NUMBER);
      row[4] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_CONTRACTS);
      row[5] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_ORDERS);
      row[6] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_TAGS);
      row[7] = concierge_contact_get_field (contact, CONCIERGE_CONTACT_NOTE);
      row[8] = language != CONCIERGE_LANGUAGE_UNKNOWN ? concierge_language_name (language) : "";
      row[9] = address_name (concierge_contact_get_address (contact));
      row[10] = accounts;
      concierge_csv_append_row (csv, row, G_N_ELEMENTS (row));
    }

  return g_string_free (csv, FALSE);
}
