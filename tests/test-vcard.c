/* test-vcard.c
 *
 * Customers in and out of vCard and CSV files: the examples RFC 6350 prints,
 * a vCard 3.0 file as Evolution writes one, what Concierge writes read back,
 * and files that are broken, too old or too large.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "interchange/concierge-vcard.h"

/* Files */

static char *
fixture_text (const char *name,
              gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "vcard", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

/* Reads @text, which must give customers. */
static GPtrArray *
parse_ok (const char *text,
          gsize       length)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *contacts = concierge_vcard_parse (text, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (contacts);
  return contacts;
}

static GPtrArray *
parse_fixture (const char *name)
{
  gsize length = 0;
  g_autofree char *text = fixture_text (name, &length);

  return parse_ok (text, length);
}

/* The one customer of a vCard 4.0 card of @lines, named Jane Doe unless
 * they name someone. */
static ConciergeContact *
parse_card (const char *lines,
            gboolean    add_fn)
{
  g_autofree char *card = g_strconcat ("BEGIN:VCARD\r\nVERSION:4.0\r\n",
                                       add_fn ? "FN:Jane Doe\r\n" : "",
                                       lines, "END:VCARD\r\n", NULL);
  g_autoptr(GPtrArray) contacts = parse_ok (card, strlen (card));

  g_assert_cmpuint (contacts->len, ==, 1);
  return g_object_ref (g_ptr_array_index (contacts, 0));
}

/* A property example of the RFC is only content lines; SOURCES.md says how
 * they become a card. */
static ConciergeContact *
parse_example (const char *name,
               gboolean    add_fn)
{
  g_autofree char *lines = fixture_text (name, NULL);

  return parse_card (lines, add_fn);
}

static void
assert_list (ConciergeContact     *contact,
             ConciergeContactField field,
             const char * const   *expected)
{
  g_auto(GStrv) items = concierge_contact_dup_list (contact, field);

  g_assert_cmpstrv (items, expected);
}

static void
assert_identity (ConciergeContact *contact,
                 guint             position,
                 const char       *platform,
                 const char       *handle)
{
  GListModel *identities = concierge_contact_get_identities (contact);
  g_autoptr(ConciergeIdentity) identity = g_list_model_get_item (identities, position);

  g_assert_nonnull (identity);
  g_assert_cmpstr (concierge_identity_get_platform (identity), ==, platform);
  g_assert_cmpstr (concierge_identity_get_handle (identity), ==, handle);
  /* A file does not know these; the header says so. */
  g_assert_cmpstr (concierge_identity_get_remote_id (identity), ==, "");
  g_assert_cmpstr (concierge_identity_get_server_url (identity), ==, "");
  g_assert_cmpstr (concierge_identity_get_display_name (identity), ==, "");
}

static guint
n_identities (ConciergeContact *contact)
{
  return g_list_model_get_n_items (concierge_contact_get_identities (contact));
}

/* Reading must fail with words for the agent, and give nothing. */
static void
assert_refused (const char *text,
                gsize       length,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = concierge_vcard_parse (text, length, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (contacts);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

/* RFC 6350's examples */

static void
test_rfc_author (void)
{
  g_autoptr(GPtrArray) contacts = parse_fixture ("rfc6350-section-8.vcf");
  ConciergeContact *simon;

  g_assert_cmpuint (contacts->len, ==, 1);
  simon = g_ptr_array_index (contacts, 0);
  g_assert_cmpstr (concierge_contact_get_name (simon), ==, "Simon Perreault");
  g_assert_cmpstr (concierge_contact_get_field (simon, CONCIERGE_CONTACT_EMAIL), ==, "simon.perreault@viagenie.ca");
  /* PREF=1 picks the first TEL; the rest of the tel: URI stays. */
  g_assert_cmpstr (concierge_contact_get_field (simon, CONCIERGE_CONTACT_PHONE), ==, "+1-418-656-9254;ext=102");
  /* French is preferred, but Concierge knows only German and English. */
  g_assert_cmpint (concierge_contact_get_language (simon), ==, CONCIERGE_LANGUAGE_ENGLISH);
  g_assert_cmpint (concierge_contact_get_address (simon), ==, CONCIERGE_ADDRESS_UNKNOWN);
  g_assert_cmpstr (concierge_contact_get_field (simon, CONCIERGE_CONTACT_NOTE), ==, "");
  g_assert_cmpstr (concierge_contact_get_field (simon, CONCIERGE_CONTACT_TAGS), ==, "");
  /* A home page is no account. */
  g_assert_cmpuint (n_identities (simon), ==, 0);
}

static void
test_rfc_kind (void)
{
  g_autoptr(GPtrArray) individual = parse_fixture ("rfc6350-section-6.1.4-individual.vcf");
  g_autoptr(GPtrArray) org = parse_fixture ("rfc6350-section-6.1.4-org.vcf");
  g_autofree char *text = fixture_text ("rfc6350-section-6.1.4-individual.vcf", NULL);
  g_autoptr(GString) without_fn = g_string_new (text);
  g_autoptr(GPtrArray) from_org = NULL;

  g_assert_cmpuint (individual->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (g_ptr_array_index (individual, 0)), ==, "Jane Doe");
  g_assert_cmpuint (org->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (g_ptr_array_index (org, 0)), ==, "ABC Marketing");

  /* Without FN and N, the organisation's name is the name, its escaped
   * comma read. */
  g_assert_cmpuint (g_string_replace (without_fn, "FN:Jane Doe\r\n", "", 0), ==, 1);
  from_org = parse_ok (without_fn->str, without_fn->len);
  g_assert_cmpuint (from_org->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (g_ptr_array_index (from_org, 0)), ==, "ABC, Inc.");
}

static void
test_rfc_members (void)
{
  g_autoptr(GPtrArray) contacts = parse_fixture ("rfc6350-section-6.6.5.vcf");
  const char * const names[] = { "The Doe family", "John Doe", "Jane Doe", "Funky distribution list" };

  g_assert_cmpuint (contacts->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      ConciergeContact *contact = g_ptr_array_index (contacts, i);

      g_assert_cmpstr (concierge_contact_get_name (contact), ==, names[i]);
      /* A member's address is the member's, not the group's. */
      g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_EMAIL), ==, "");
      g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE), ==, "");
    }
}

static void
test_rfc_pid_matching (void)
{
  g_autoptr(GPtrArray) contacts = parse_fixture ("rfc6350-section-7.1.3.vcf");
  ConciergeContact *first, *second;

  /* Neither card has FN or N: the email address names them. */
  g_assert_cmpuint (contacts->len, ==, 2);
  first = g_ptr_array_index (contacts, 0);
  second = g_ptr_array_index (contacts, 1);
  g_assert_cmpstr (concierge_contact_get_name (first), ==, "jdoe@example.com");
  g_assert_cmpstr (concierge_contact_get_field (first, CONCIERGE_CONTACT_EMAIL), ==, "jdoe@example.com");
  g_assert_cmpstr (concierge_contact_get_name (second), ==, "john@example.com");
  g_assert_cmpstr (concierge_contact_get_field (second, CONCIERGE_CONTACT_EMAIL), ==, "john@example.com");
}

static void
test_rfc_synchronization (void)
{
  g_autoptr(GPtrArray) created = parse_fixture ("rfc6350-section-7.2.1.vcf");
  g_autoptr(GPtrArray) shared = parse_fixture ("rfc6350-section-7.2.3.vcf");
  g_autoptr(GPtrArray) simplified = parse_fixture ("rfc6350-section-7.2.5.vcf");
  ConciergeContact *contact;

  g_assert_cmpuint (created->len, ==, 1);
  contact = g_ptr_array_index (created, 0);
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "J. Doe");
  g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_EMAIL), ==, "jdoe@example.com");
  g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE), ==, "");

  g_assert_cmpuint (shared->len, ==, 1);
  contact = g_ptr_array_index (shared, 0);
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "J. Doe");
  g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE), ==, "+1-555-555-5555");

  /* PID is no preference: without PREF the first of each is taken. */
  g_assert_cmpuint (simplified->len, ==, 1);
  contact = g_ptr_array_index (simplified, 0);
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "J. Doe");
  g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_EMAIL), ==, "jdoe@example.com");
  g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE), ==, "+1-555-555-5555");
}

static void
test_rfc_folding (void)
{
  const char * const files[] = {
    "rfc6350-section-3.2-unfolded.txt",
    "rfc6350-section-3.2-folded-1.txt",
    "rfc6350-section-3.2-folded-2.txt",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(ConciergeContact) contact = parse_example (files[i], TRUE);

      g_test_message ("%s", files[i]);
      g_assert_cmpstr (concierge_contact_get_field (contact, CONCIERGE_CONTACT_NOTE), ==,
                       "This is a long description that exists on a long line.");
    }
}

static void
test_rfc_names (void)
{
  g_autoptr(ConciergeContact) fn = parse_example ("rfc6350-section-6.2.1.txt", FALSE);
  g_autoptr(ConciergeContact) n = parse_example ("rfc6350-section-6.2.2-1.txt", FALSE);
  g_autoptr(ConciergeContact) n_lists = parse_example ("rfc6350-section-6.2.2-2.txt", FALSE);

  g_assert_cmpstr (concierge_contact_get_name (fn), ==, "Mr. John Q. Public, Esq.");
  /* Without FN, N's parts in the order the name is said. */
  g_assert_cmpstr (concierge_contact_get_name (n), ==, "Mr. John Quinlan Public Esq.");
  g_assert_cmpstr (concierge_contact_get_name (n_lists), ==, "Dr. John Philip Paul Stevenson Jr. M.D. A.C.P.");
}

static void
test_rfc_communication (void)
{
  g_autoptr(ConciergeContact) tel = parse_example ("rfc6350-section-6.4.1.txt", TRUE);
  g_autoptr(ConciergeContact) work = parse_example ("rfc6350-section-6.4.2-1.txt", TRUE);
  g_autoptr(ConciergeContact) preferred = parse_example ("rfc6350-section-6.4.2-2.txt", TRUE);
  g_autoptr(ConciergeContact) impp = parse_example ("rfc6350-section-6.4.3.txt", TRUE);
  g_autoptr(ConciergeContact) lang = parse_example ("rfc6350-section-6.4.4.txt", TRUE);
  g_autofree char *first = fixture_text ("rfc6350-section-6.4.2-1.txt", NULL);
  g_autofree char *second = fixture_text ("rfc6350-section-6.4.2-2.txt", NULL);
  const char *orders[][2] = { { first, second }, { second, first } };

  g_assert_cmpstr (concierge_contact_get_field (tel, CONCIERGE_CONTACT_PHONE), ==, "+1-555-555-5555;ext=5555");
  g_assert_cmpstr (concierge_contact_get_field (work, CONCIERGE_CONTACT_EMAIL), ==, "jqpublic@xyz.example.com");
  g_assert_cmpstr (concierge_contact_get_field (preferred, CONCIERGE_CONTACT_EMAIL), ==, "jane_doe@example.com");
  /* XMPP is no platform Concierge answers on. */
  g_assert_cmpuint (n_identities (impp), ==, 0);
  g_assert_cmpint (concierge_contact_get_language (lang), ==, CONCIERGE_LANGUAGE_ENGLISH);

  /* Both EMAIL examples in one card: PREF=1 wins, before or after. */
  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autofree char *lines = g_strconcat (orders[i][0], orders[i][1], NULL);
      g_autoptr(ConciergeContact) jane = parse_card (lines, TRUE);

      g_assert_cmpstr (concierge_contact_get_field (jane, CONCIERGE_CONTACT_EMAIL), ==, "jane_doe@example.com");
    }
}

static void
test_rfc_explanatory (void)
{
  g_autoptr(ConciergeContact) one = parse_example ("rfc6350-section-6.7.1-1.txt", TRUE);
  g_autoptr(ConciergeContact) four = parse_example ("rfc6350-section-6.7.1-2.txt", TRUE);
  g_autoptr(ConciergeContact) note = parse_example ("rfc6350-section-6.7.2.txt", TRUE);
  g_autofree char *travel = fixture_text ("rfc6350-section-6.7.1-1.txt", NULL);
  g_autofree char *lines = g_strconcat (travel, "CATEGORIES:INTERNET,IETF\r\n", NULL);
  g_autoptr(ConciergeContact) both = NULL;

  assert_list (one, CONCIERGE_CONTACT_TAGS, (const char * const[]) { "TRAVEL AGENT", NULL });
  assert_list (four, CONCIERGE_CONTACT_TAGS,
               (const char * const[]) { "INTERNET", "IETF", "INDUSTRY", "INFORMATION TECHNOLOGY", NULL });
  g_assert_cmpstr (concierge_contact_get_field (note, CONCIERGE_CONTACT_NOTE), ==,
                   "This fax number is operational 0800 to 1715 EST, Mon-Fri.");

  /* Tags come from every CATEGORIES line. */
  both = parse_card (lines, TRUE);
  assert_list (both, CONCIERGE_CONTACT_TAGS,
               (const char * const[]) { "TRAVEL AGENT", "INTERNET", "IETF", NULL });
}

/* vCard 3.0, as Evolution writes it */

static void
assert_evolution_contacts (GPtrArray *contacts)
{
  ConciergeContact *juergen, *ayse;

  g_assert_cmpuint (contacts->len, ==, 2);

  juergen = g_ptr_array_index (contacts, 0);
  g_assert_cmpstr (concierge_contact_get_name (juergen), ==, "Jürgen Müller");
  /* No address is preferred, so the first is taken. */
  g_assert_cmpstr (concierge_contact_get_field (juergen, CONCIERGE_CONTACT_EMAIL), ==, "juergen.mueller@example.com");
  g_assert_cmpstr (concierge_contact_get_field (juergen, CONCIERGE_CONTACT_PHONE), ==, "+49 170 1234567");
  assert_list (juergen, CONCIERGE_CONTACT_TAGS, (const char * const[]) { "Stammkunde", "Newsletter", NULL });
  g_assert_cmpstr (concierge_contact_get_field (juergen, CONCIERGE_CONTACT_NOTE), ==,
                   "Ruft meist vormittags an, bevorzugt Rückruf statt E-Mail.\n"
                   "Vertrag V-2023-118 läuft bis März; Verlängerung angefragt.\n"
                   "Achtung: Umzug nach Bonn geplant.");
  g_assert_cmpstr (concierge_contact_get_field (juergen, CONCIERGE_CONTACT_CUSTOMER_NUMBER), ==, "");
  g_assert_cmpstr (concierge_contact_get_field (juergen, CONCIERGE_CONTACT_CONTRACTS), ==, "");
  g_assert_cmpint (concierge_contact_get_language (juergen), ==, CONCIERGE_LANGUAGE_UNKNOWN);
  /* The grouped URL is a Mastodon profile; the blog is none. */
  g_assert_cmpuint (n_identities (juergen), ==, 1);
  assert_identity (juergen, 0, "mastodon", "@jmueller@mastodon.example");

  ayse = g_ptr_array_index (contacts, 1);
  g_assert_cmpstr (concierge_contact_get_name (ayse), ==, "Ayşe Yılmaz");
  /* vCard 3.0 marks the preferred address with TYPE=PREF. */
  g_assert_cmpstr (concierge_contact_get_field (ayse, CONCIERGE_CONTACT_EMAIL), ==, "a.yilmaz@example.org");
  g_assert_cmpstr (concierge_contact_get_field (ayse, CONCIERGE_CONTACT_PHONE), ==, "+49 30 1234");
  g_assert_cmpstr (concierge_contact_get_field (ayse, CONCIERGE_CONTACT_TAGS), ==, "");
  g_assert_cmpstr (concierge_contact_get_field (ayse, CONCIERGE_CONTACT_NOTE), ==, "Kundin seit 2019.");
  g_assert_cmpuint (n_identities (ayse), ==, 1);
  assert_identity (ayse, 0, "telegram", "@ayse_yilmaz");
}

static void
test_evolution (void)
{
  gsize length = 0;
  g_autofree char *text = fixture_text ("evolution-3.0.vcf", &length);
  g_autoptr(GPtrArray) contacts = parse_ok (text, length);
  g_autoptr(GString) lf = g_string_new_len (text, length);
  g_autoptr(GString) lower = NULL;
  g_autoptr(GPtrArray) from_lf = NULL;
  g_autoptr(GPtrArray) from_lower = NULL;

  assert_evolution_contacts (contacts);

  /* The same with LF alone, as a file edited on Unix may end its lines. */
  g_assert_cmpuint (g_string_replace (lf, "\r\n", "\n", 0), >, 30);
  from_lf = parse_ok (lf->str, lf->len);
  assert_evolution_contacts (from_lf);

  /* Names and parameters in any case. */
  lower = g_string_new (text);
  g_string_replace (lower, "FN:", "fn:", 0);
  g_string_replace (lower, "EMAIL;TYPE=INTERNET,PREF", "Email;type=internet,pref", 0);
  g_string_replace (lower, "item1.TEL;TYPE=WORK", "ITEM1.tel;Type=work", 0);
  g_string_replace (lower, "item2.URL", "Item2.url", 0);
  from_lower = parse_ok (lower->str, lower->len);
  assert_evolution_contacts (from_lower);
}

static void
test_choices (void)
{
  const char *text =
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "N:Becker;Jana;;;\r\n"
    "EMAIL:mailto:jana@example.com\r\n"
    "EMAIL;PREF=2:jana.becker@example.org\r\n"
    "TEL;PREF=5:+49 30 5555\r\n"
    "TEL;TYPE=cell;PREF=3:+49 170 3333\r\n"
    "LANG;PREF=1:fr\r\n"
    "LANG;PREF=3:en-GB\r\n"
    "LANG;PREF=2:de-AT\r\n"
    "NOTE:Erste Notiz\r\n"
    "NOTE:Zweite Notiz\r\n"
    "X-CONCIERGE-CUSTOMER-NUMBER:K-4711\r\n"
    "X-CONCIERGE-CONTRACTS:V-1,V-2\r\n"
    "X-CONCIERGE-ORDERS:B-7\r\n"
    "X-CONCIERGE-ADDRESS:Informal\r\n"
    "X-SOCIALPROFILE;TYPE=mastodon:@jana@social.example\r\n"
    "IMPP:tg://resolve?domain=jana_becker\r\n"
    "URL:https://social.example/@jana\r\n"
    "URL:https://mastodon.example/@jana@Social.Example\r\n"
    "X-SOCIALPROFILE;type=Telegram:JanaB_2\r\n"
    "URL:https://www.youtube.com/@jana\r\n"
    "URL:https://t.me/joinchat\r\n"
    "URL:https://social.example/@jana/109876543210\r\n"
    "END:VCARD\r\n";
  g_autoptr(GPtrArray) contacts = parse_ok (text, strlen (text));
  ConciergeContact *jana = g_ptr_array_index (contacts, 0);

  g_assert_cmpstr (concierge_contact_get_name (jana), ==, "Jana Becker");
  g_assert_cmpstr (concierge_contact_get_field (jana, CONCIERGE_CONTACT_EMAIL), ==, "jana.becker@example.org");
  g_assert_cmpstr (concierge_contact_get_field (jana, CONCIERGE_CONTACT_PHONE), ==, "+49 170 3333");
  g_assert_cmpint (concierge_contact_get_language (jana), ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (concierge_contact_get_address (jana), ==, CONCIERGE_ADDRESS_INFORMAL);
  g_assert_cmpstr (concierge_contact_get_field (jana, CONCIERGE_CONTACT_NOTE), ==, "Erste Notiz\nZweite Notiz");
  g_assert_cmpstr (concierge_contact_get_field (jana, CONCIERGE_CONTACT_CUSTOMER_NUMBER), ==, "K-4711");
  assert_list (jana, CONCIERGE_CONTACT_CONTRACTS, (const char * const[]) { "V-1", "V-2", NULL });
  assert_list (jana, CONCIERGE_CONTACT_ORDERS, (const char * const[]) { "B-7", NULL });
  /* The profile addresses, on her server and as another shows it, are the
   * same account as the handle; YouTube, a t.me path that is no user and
   * a post are no accounts. */
  g_assert_cmpuint (n_identities (jana), ==, 3);
  assert_identity (jana, 0, "mastodon", "@jana@social.example");
  assert_identity (jana, 1, "telegram", "@jana_becker");
  assert_identity (jana, 2, "telegram", "@JanaB_2");
}

static void
test_fallback_names (void)
{
  struct { const char *lines; const char *name; } cases[] = {
    { "EMAIL;VALUE=uri:mailto:kunde@example.com\r\nTEL:+49 30 1234\r\n", "kunde@example.com" },
    { "TEL:+49 30 1234\r\nURL:https://t.me/kunde_4711\r\n", "@kunde_4711" },
    { "TEL;VALUE=uri:tel:+49-30-1234\r\n", "+49-30-1234" },
    { "FN:  \r\nN:;;;;\r\nORG:;Vertrieb\r\nTEL:+49 30 1234\r\n", "+49 30 1234" },
  };
  const char *nobody = "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:Niemand\r\nEND:VCARD\r\n"
                       "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jemand\r\nEND:VCARD\r\n";
  g_autoptr(GPtrArray) some = parse_ok (nobody, strlen (nobody));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConciergeContact) contact = parse_card (cases[i].lines, FALSE);

      g_assert_cmpstr (concierge_contact_get_name (contact), ==, cases[i].name);
    }

  /* A card that names nobody gives nobody. */
  g_assert_cmpuint (some->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (g_ptr_array_index (some, 0)), ==, "Jemand");
}

/* Writing, and reading back */

static ConciergeContact *
full_contact (void)
{
  ConciergeContact *contact = concierge_contact_new ("Jürgen Müller-Lüdenscheidt");
  g_autoptr(ConciergeIdentity) mastodon = concierge_identity_new ("mastodon", "", "109", "@jmueller@social.example",
                                                                 "Jürgen");
  g_autoptr(ConciergeIdentity) telegram = concierge_identity_new ("telegram", "", "424242", "@juergen_m", "J. M.");

  concierge_contact_set_field (contact, CONCIERGE_CONTACT_EMAIL, "juergen@müller.example");
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_PHONE, "+49 170 1234567");
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "K-4711;B");
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_CONTRACTS, "V-2023-118, V-2024-007");
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_ORDERS, "B-1; Ersatzteil, B-2\\Rückgabe");
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_TAGS, "Stammkunde, VIP; Gold, Rückruf erwünscht");
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_NOTE,
                               "Ruft vormittags an, bevorzugt Rückruf; nie nach 18 Uhr.\n"
                               "Pfad: C:\\Kunden\\Müller\\Verträge.pdf\r\n"
                               "Eine sehr lange Zeile mit Umlauten äöüÄÖÜß und Emoji 🌻🌻🌻 und €€€, die "
                               "sicher über fünfundsiebzig Oktette hinausgeht und deshalb umbrochen wird.\n"
                               "\tEingerückt, mit Tab.");
  concierge_contact_set_language (contact, CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL);
  concierge_contact_add_identity (contact, mastodon);
  concierge_contact_add_identity (contact, telegram);

  return contact;
}

/* Every physical line ends in CRLF, holds at most 75 octets and is UTF-8
 * on its own, so that no fold split a character. Returns how many lines
 * continue another. */
static guint
assert_lines_folded (const char *text)
{
  g_auto(GStrv) lines = NULL;
  guint n_lines, n_folded = 0;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
  for (guint i = 0; i + 1 < n_lines; i++)
    {
      g_assert_null (strchr (lines[i], '\n'));
      g_assert_null (strchr (lines[i], '\r'));
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_cmpuint (strlen (lines[i]), >, 0);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
      if (lines[i][0] == ' ')
        n_folded++;
    }
  return n_folded;
}

static void
assert_same_contact (ConciergeContact *read,
                     ConciergeContact *written)
{
  GListModel *written_identities = concierge_contact_get_identities (written);

  for (ConciergeContactField field = 0; field < CONCIERGE_CONTACT_N_FIELDS; field++)
    {
      g_autoptr(GString) expected = g_string_new (concierge_contact_get_field (written, field));

      if (field == CONCIERGE_CONTACT_NOTE)
        g_string_replace (expected, "\r\n", "\n", 0);
      g_test_message ("field %d", field);
      g_assert_cmpstr (concierge_contact_get_field (read, field), ==, expected->str);
    }
  g_assert_cmpint (concierge_contact_get_language (read), ==, concierge_contact_get_language (written));
  g_assert_cmpint (concierge_contact_get_address (read), ==, concierge_contact_get_address (written));

  g_assert_cmpuint (n_identities (read), ==, g_list_model_get_n_items (written_identities));
  for (guint i = 0; i < g_list_model_get_n_items (written_identities); i++)
    {
      g_autoptr(ConciergeIdentity) identity = g_list_model_get_item (written_identities, i);

      assert_identity (read, i, concierge_identity_get_platform (identity), concierge_identity_get_handle (identity));
    }
}

static void
test_round_trip (void)
{
  g_autoptr(ConciergeContact) full = full_contact ();
  g_autoptr(ConciergeContact) plain = concierge_contact_new ("Cher");
  g_autoptr(ConciergeContact) english = concierge_contact_new ("Ayşe Yılmaz");
  g_autoptr(ConciergeIdentity) local = concierge_identity_new ("mastodon", "", "7", "@ayse", "");
  ConciergeContact *written[3];
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) read = NULL;

  concierge_contact_set_language (english, CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_INFORMAL);
  concierge_contact_set_field (english, CONCIERGE_CONTACT_NOTE, "=1+1");
  /* An account of the agent's own server has no server in its handle. */
  concierge_contact_add_identity (english, local);

  written[0] = full;
  written[1] = plain;
  written[2] = english;
  text = concierge_vcard_write (written, G_N_ELEMENTS (written));
  g_test_message ("%s", text);

  g_assert_cmpuint (assert_lines_folded (text), >=, 4);
  g_assert_true (g_str_has_prefix (text, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jürgen Müller-Lüdenscheidt\r\n"));
  g_assert_nonnull (strstr (text, "\r\nN:Müller-Lüdenscheidt;Jürgen;;;\r\n"));
  g_assert_nonnull (strstr (text, "\r\nN:Cher;;;;\r\n"));
  g_assert_nonnull (strstr (text, "\r\nLANG:de\r\n"));
  g_assert_nonnull (strstr (text, "\r\nX-CONCIERGE-ADDRESS:formal\r\n"));
  g_assert_nonnull (strstr (text, "\r\nX-SOCIALPROFILE;TYPE=mastodon:https://social.example/@jmueller\r\n"));
  g_assert_nonnull (strstr (text, "\r\nX-SOCIALPROFILE;TYPE=telegram:https://t.me/juergen_m\r\n"));
  g_assert_nonnull (strstr (text, "\r\nX-SOCIALPROFILE;TYPE=mastodon:@ayse\r\n"));

  read = parse_ok (text, strlen (text));
  g_assert_cmpuint (read->len, ==, G_N_ELEMENTS (written));
  for (guint i = 0; i < G_N_ELEMENTS (written); i++)
    assert_same_contact (g_ptr_array_index (read, i), written[i]);
}

/* Folding counts octets: a line of two-, three- and four-octet characters
 * folds before each character that would not fit. */
static void
test_folding_keeps_characters (void)
{
  const char *alphabets[] = { "ä", "€", "🌻", "a€🌻ü" };

  for (guint i = 0; i < G_N_ELEMENTS (alphabets); i++)
    for (guint n = 40; n < 100; n++)
      {
        g_autoptr(GString) note = g_string_new (NULL);
        g_autoptr(ConciergeContact) contact = concierge_contact_new ("Kunde");
        g_autofree char *text = NULL;
        g_autoptr(GPtrArray) read = NULL;

        for (guint j = 0; j < n; j++)
          g_string_append (note, alphabets[i]);
        concierge_contact_set_field (contact, CONCIERGE_CONTACT_NOTE, note->str);
        text = concierge_vcard_write (&contact, 1);
        g_assert_cmpuint (assert_lines_folded (text), >, 0);
        read = parse_ok (text, strlen (text));
        g_assert_cmpstr (concierge_contact_get_field (g_ptr_array_index (read, 0), CONCIERGE_CONTACT_NOTE), ==,
                         note->str);
      }
}

/* Nothing in the model makes a field UTF-8, but a vCard must be: what is
 * not comes back as replacement characters, and folding still ends. */
static void
test_write_broken_text (void)
{
  g_autoptr(ConciergeContact) contact = concierge_contact_new ("Kunde");
  char note[201];
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GString) expected = g_string_new ("Ä");

  memset (note, 0x80, sizeof note - 1);
  note[sizeof note - 1] = '\0';
  memcpy (note, "Ä", 2);
  concierge_contact_set_field (contact, CONCIERGE_CONTACT_NOTE, note);
  text = concierge_vcard_write (&contact, 1);
  g_assert_cmpuint (assert_lines_folded (text), >, 0);

  read = parse_ok (text, strlen (text));
  for (guint i = 2; i < sizeof note - 1; i++)
    g_string_append_unichar (expected, 0xfffd);
  g_assert_cmpstr (concierge_contact_get_field (g_ptr_array_index (read, 0), CONCIERGE_CONTACT_NOTE), ==,
                   expected->str);
}

/* Files Concierge does not read */

static void
test_refuses_vcard_2_1 (void)
{
  const char *version =
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N:Doe;John\r\n"
    "FN:John Doe\r\n"
    "TEL;CELL:+1-555-555-5555\r\n"
    "END:VCARD\r\n";
  const char *quoted_printable =
    "BEGIN:VCARD\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "VERSION:2.1\r\n"
    "END:VCARD\r\n";
  const char *bare_quoted_printable =
    "BEGIN:VCARD\r\n"
    "NOTE;QUOTED-PRINTABLE:Zeile 1=0D=0AZeile 2\r\n"
    "END:VCARD\r\n";
  const char *after_a_good_card =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jana\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:John\r\nEND:VCARD\r\n";
  const char *version_5 = "BEGIN:VCARD\r\nVERSION:5.0\r\nFN:X\r\nEND:VCARD\r\n";

  assert_refused (version, strlen (version), "vCard 2.1");
  assert_refused (quoted_printable, strlen (quoted_printable), "vCard 2.1");
  assert_refused (bare_quoted_printable, strlen (bare_quoted_printable), "vCard 2.1");
  assert_refused (after_a_good_card, strlen (after_a_good_card), "line 5");
  assert_refused (version_5, strlen (version_5), "vCard 5.0");
}

/* The agent reads the version a file gives, but not all of a long one. */
static void
test_refuses_long_version (void)
{
  g_autofree char *long_version = g_strnfill (100000, '9');
  g_autofree char *text = g_strdup_printf ("BEGIN:VCARD\r\nVERSION:%s\r\nFN:X\r\nEND:VCARD\r\n", long_version);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = concierge_vcard_parse (text, strlen (text), &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (contacts);
  g_assert_nonnull (strstr (error->message, "vCard 999999999999."));
  g_assert_cmpuint (strlen (error->message), <, 200);
}

static void
test_refuses_broken_files (void)
{
  const char *cases[][2] = {
    { "", "no vCard" },
    { "Hallo, hier ist keine Visitenkarte.\n", "no vCard" },
    { "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "no vCard" },
    { "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jana\r\n", "line 1" },
    { "BEGIN:VCARD\r\nVERSION:4.0\r\nBEGIN:VCARD\r\nFN:Jana\r\nEND:VCARD\r\nEND:VCARD\r\n", "Line 3" },
    { "VERSION:4.0\r\nFN:Jana\r\nEND:VCARD\r\n", "Line 3" },
    { "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jana\r\nthis is no line\r\nEND:VCARD\r\n", "Line 4" },
    { "BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL;TYPE=\"work:jana@example.com\r\nEND:VCARD\r\n", "Line 3" },
    { "BEGIN:VCARD\r\nVERSION:4.0\r\n\xff\xfe" "FN:Jana\r\nEND:VCARD\r\n", "UTF-8" },
    { "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:J\xc3\r\nEND:VCARD\r\n", "UTF-8" },
  };
  static const char nul[] = "BEGIN:VCARD\r\nFN:Ja\0na\r\nEND:VCARD\r\n";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u", i);
      assert_refused (cases[i][0], strlen (cases[i][0]), cases[i][1]);
    }

  /* A NUL byte is no text, wherever it is. */
  assert_refused (nul, sizeof nul - 1, "UTF-8");
}

/* Whatever the bytes, reading gives customers or an error, never both,
 * never neither, and never reads past them. */
static void
assert_survives (const char *text,
                 gsize       length)
{
  g_autoptr(GError) error = NULL;
  /* A copy the size of the input alone, for AddressSanitizer to see any
   * read past it. */
  g_autofree char *copy = g_memdup2 (text, length);
  g_autoptr(GPtrArray) contacts = concierge_vcard_parse (length > 0 ? copy : NULL, length, &error);

  g_assert_true ((contacts == NULL) != (error == NULL));
  if (error != NULL)
    g_assert_cmpstr (error->message, !=, "");
}

static void
test_survives_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  gsize length = 0;
  g_autofree char *evolution = fixture_text ("evolution-3.0.vcf", &length);
  g_autofree char *author = fixture_text ("rfc6350-section-8.vcf", NULL);
  const char *alphabet = "BEGIN:VCARD;END=\",\\\r\n \t.\xc3\xbc";

  /* Every cut of a real file. */
  for (gsize cut = 0; cut <= length; cut++)
    assert_survives (evolution, cut);

  /* Bytes changed at random, in a real file and in nothing at all. */
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *mutated = g_strdup (i % 2 ? evolution : author);
      gsize mutated_length = strlen (mutated);
      char noise[256];
      gsize noise_length = g_rand_int_range (rand, 0, sizeof noise);

      for (guint j = 0; j < 8; j++)
        {
          gsize at = g_rand_int_range (rand, 0, mutated_length);

          mutated[at] = i % 3 ? alphabet[g_rand_int_range (rand, 0, strlen (alphabet))]
                              : (char) g_rand_int_range (rand, 0, 256);
        }
      assert_survives (mutated, mutated_length);

      for (gsize j = 0; j < noise_length; j++)
        noise[j] = i % 3 ? alphabet[g_rand_int_range (rand, 0, strlen (alphabet))]
                         : (char) g_rand_int_range (rand, 0, 256);
      assert_survives (noise, noise_length);
    }

  /* A picture is no text. */
  assert_survives ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
}

/* A file of @n_cards cards of @card_length octets each. */
static GString *
file_of_cards (guint n_cards,
               gsize card_length)
{
  const char *lines = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kunde\r\nNOTE:\r\nEND:VCARD\r\n";
  g_autofree char *note = NULL;
  g_autofree char *card = NULL;
  GString *text;

  g_assert_cmpuint (card_length, >=, strlen (lines));
  note = g_strnfill (card_length - strlen (lines), 'x');
  card = g_strdup_printf ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kunde\r\nNOTE:%s\r\nEND:VCARD\r\n", note);
  g_assert_cmpuint (strlen (card), ==, card_length);

  text = g_string_sized_new (n_cards * card_length + 64);
  for (guint i = 0; i < n_cards; i++)
    g_string_append (text, card);
  return text;
}

/* Files at the limits take AddressSanitizer minutes to read with the
 * unwinding the test script asks of it; the normal build reads them. */
static gboolean
skip_under_sanitizer (void)
{
#ifdef __SANITIZE_ADDRESS__
  g_test_skip ("files at the limits are read in the build without AddressSanitizer");
  return TRUE;
#else
  return FALSE;
#endif
}

static void
test_refuses_large_files (void)
{
  g_autoptr(GString) largest = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GString) many = NULL;

  if (skip_under_sanitizer ())
    return;

  /* Cards of 256 octets: as many as fit into the largest file Concierge
   * reads are fewer than the most cards it reads. */
  largest = file_of_cards (CONCIERGE_VCARD_MAX_SIZE / 256, 256);
  g_assert_cmpuint (largest->len, ==, CONCIERGE_VCARD_MAX_SIZE);
  contacts = parse_ok (largest->str, largest->len);
  g_assert_cmpuint (contacts->len, ==, CONCIERGE_VCARD_MAX_SIZE / 256);

  g_string_append_c (largest, '\n');
  assert_refused (largest->str, largest->len, "too large");

  g_clear_pointer (&contacts, g_ptr_array_unref);
  many = file_of_cards (CONCIERGE_VCARD_MAX_CARDS, 64);
  contacts = parse_ok (many->str, many->len);
  g_assert_cmpuint (contacts->len, ==, CONCIERGE_VCARD_MAX_CARDS);
  g_string_append (many, "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Noch einer\r\nEND:VCARD\r\n");
  assert_refused (many->str, many->len, "too many");
}

/* One card as large as a file may be, of accounts alone, must not take
 * longer to read than the file takes to fill. */
static void
test_many_accounts (void)
{
  g_autoptr(GString) text = g_string_new ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kunde\r\n");
  g_autoptr(GPtrArray) contacts = NULL;
  guint n = 0;

  if (skip_under_sanitizer ())
    return;

  /* Long names, for as few accounts as fill the file. */
  while (text->len < CONCIERGE_VCARD_MAX_SIZE - 200)
    g_string_append_printf (text, "URL:https://social.example/@%060u\r\n", n++);
  /* The first again, in other letters. */
  g_string_append_printf (text, "URL:https://SOCIAL.example/@%060u\r\nEND:VCARD\r\n", 0);

  contacts = parse_ok (text->str, text->len);
  g_assert_cmpuint (n_identities (g_ptr_array_index (contacts, 0)), ==, n);
}

/* CSV */

static void
test_csv (void)
{
  g_autoptr(ConciergeContact) full = full_contact ();
  g_autoptr(ConciergeContact) quoted = concierge_contact_new ("Jana \"JJ\" Becker, Berlin");
  g_autoptr(ConciergeContact) at = concierge_contact_new ("@jana");
  g_autoptr(ConciergeIdentity) telegram = concierge_identity_new ("telegram", "", "99", "", "");
  ConciergeContact *contacts[3];
  g_autofree char *csv = NULL;
  g_auto(GStrv) rows = NULL;

  concierge_contact_set_field (quoted, CONCIERGE_CONTACT_NOTE, "=HYPERLINK(\"http://example.com\";\"hier\")");
  concierge_contact_set_field (quoted, CONCIERGE_CONTACT_PHONE, "+49 30 1234");
  concierge_contact_set_field (quoted, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "-42");
  concierge_contact_set_field (quoted, CONCIERGE_CONTACT_ORDERS, "+SUM(A1)");
  concierge_contact_set_field (at, CONCIERGE_CONTACT_NOTE, "@SUMME(1;2)");
  /* An account without a handle is named by its id. */
  concierge_contact_add_identity (at, telegram);

  contacts[0] = full;
  contacts[1] = quoted;
  contacts[2] = at;
  csv = concierge_contacts_write_csv (contacts, G_N_ELEMENTS (contacts));
  g_test_message ("%s", csv);

  /* A quoted cell may hold a line break; a row ends in CRLF. */
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
  rows = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 6);
  g_assert_cmpstr (rows[5], ==, "");
  g_assert_cmpstr (rows[0], ==,
                   "\"Name\",\"Email\",\"Phone\",\"Customer Number\",\"Contracts\",\"Orders\",\"Tags\",\"Note\","
                   "\"Language\",\"Form of Address\",\"Accounts\"");
  g_assert_cmpstr (rows[1], ==,
                   "\"Jürgen Müller-Lüdenscheidt\",\"juergen@müller.example\",\"+49 170 1234567\",\"K-4711;B\","
                   "\"V-2023-118, V-2024-007\",\"B-1; Ersatzteil, B-2\\Rückgabe\","
                   "\"Stammkunde, VIP; Gold, Rückruf erwünscht\","
                   "\"Ruft vormittags an, bevorzugt Rückruf; nie nach 18 Uhr.\n"
                   "Pfad: C:\\Kunden\\Müller\\Verträge.pdf");
  g_assert_cmpstr (rows[2], ==,
                   "Eine sehr lange Zeile mit Umlauten äöüÄÖÜß und Emoji 🌻🌻🌻 und €€€, die "
                   "sicher über fünfundsiebzig Oktette hinausgeht und deshalb umbrochen wird.\n"
                   "\tEingerückt, mit Tab.\",\"German\",\"Formal (Sie)\","
                   "\"Mastodon @jmueller@social.example; Telegram @juergen_m\"");
  /* Quotes doubled; what a spreadsheet would run is kept text, and a phone
   * number or a negative number is left as it is. */
  g_assert_cmpstr (rows[3], ==,
                   "\"Jana \"\"JJ\"\" Becker, Berlin\",\"\",\"+49 30 1234\",\"-42\",\"\",\"'+SUM(A1)\",\"\","
                   "\"'=HYPERLINK(\"\"http://example.com\"\";\"\"hier\"\")\",\"\",\"\",\"\"");
  g_assert_cmpstr (rows[4], ==, "\"'@jana\",\"\",\"\",\"\",\"\",\"\",\"\",\"'@SUMME(1;2)\",\"\",\"\",\"Telegram 99\"");
}

static void
test_csv_empty (void)
{
  g_autofree char *csv = concierge_contacts_write_csv (NULL, 0);
  g_autofree char *vcard = concierge_vcard_write (NULL, 0);

  g_assert_true (g_str_has_prefix (csv, "\"Name\","));
  g_assert_true (g_str_has_suffix (csv, "\"Accounts\"\r\n"));
  /* The header row alone. */
  g_assert_true (strchr (csv, '\n') == csv + strlen (csv) - 1);
  g_assert_cmpstr (vcard, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vcard/rfc6350/author", test_rfc_author);
  g_test_add_func ("/vcard/rfc6350/kind", test_rfc_kind);
  g_test_add_func ("/vcard/rfc6350/members", test_rfc_members);
  g_test_add_func ("/vcard/rfc6350/pid-matching", test_rfc_pid_matching);
  g_test_add_func ("/vcard/rfc6350/synchronization", test_rfc_synchronization);
  g_test_add_func ("/vcard/rfc6350/folding", test_rfc_folding);
  g_test_add_func ("/vcard/rfc6350/names", test_rfc_names);
  g_test_add_func ("/vcard/rfc6350/communication", test_rfc_communication);
  g_test_add_func ("/vcard/rfc6350/explanatory", test_rfc_explanatory);
  g_test_add_func ("/vcard/evolution", test_evolution);
  g_test_add_func ("/vcard/choices", test_choices);
  g_test_add_func ("/vcard/fallback-names", test_fallback_names);
  g_test_add_func ("/vcard/round-trip", test_round_trip);
  g_test_add_func ("/vcard/folding-keeps-characters", test_folding_keeps_characters);
  g_test_add_func ("/vcard/write-broken-text", test_write_broken_text);
  g_test_add_func ("/vcard/refuses-vcard-2.1", test_refuses_vcard_2_1);
  g_test_add_func ("/vcard/refuses-long-version", test_refuses_long_version);
  g_test_add_func ("/vcard/refuses-broken-files", test_refuses_broken_files);
  g_test_add_func ("/vcard/survives-garbage", test_survives_garbage);
  g_test_add_func ("/vcard/refuses-large-files", test_refuses_large_files);
  g_test_add_func ("/vcard/many-accounts", test_many_accounts);
  g_test_add_func ("/vcard/csv", test_csv);
  g_test_add_func ("/vcard/csv-empty", test_csv_empty);

  return g_test_run ();
}
