/* test-reply-text.c
 *
 * Saved replies' variables, and what the customer's own words tell about
 * the language and the form of address to answer in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "model/concierge-customer-texts.h"
#include "model/concierge-reply-text.h"
#include "privacy/concierge-detector.h"

static const ConciergeReplyVariables known = {
  .customer_name = "Jana Becker",
  .agent_name = "Mira Schulte",
  .platform = "Mastodon",
  .ticket = "#4711",
};

static void
test_variables_are_filled (void)
{
  g_autofree char *filled = NULL;

  filled = concierge_reply_fill_variables ("Hallo {customer.first_name}, hier ist {agent.name} vom Support. "
                                           "Ihre Anfrage {ticket} auf {thread.platform} ist bei uns, "
                                           "{customer.name}.", &known);
  g_assert_cmpstr (filled, ==, "Hallo Jana, hier ist Mira Schulte vom Support. Ihre Anfrage #4711 auf "
                               "Mastodon ist bei uns, Jana Becker.");
}

static void
test_unknown_variables_stay_visible (void)
{
  g_autofree char *filled = NULL;
  g_autoptr(GArray) spans = NULL;
  ConciergeTextSpan *span;

  /* An unknown name stays as it is, to be seen and filled in; braces that
   * are no variable are text. */
  filled = concierge_reply_fill_variables ("Hallo {customer.first_name}, Ihr Tarif {customer.tariff} "
                                           "kostet {5 €} und {}.", &known);
  g_assert_cmpstr (filled, ==, "Hallo Jana, Ihr Tarif {customer.tariff} kostet {5 €} und {}.");

  spans = concierge_reply_find_variables (filled);
  g_assert_cmpuint (spans->len, ==, 1);
  span = &g_array_index (spans, ConciergeTextSpan, 0);
  g_assert_cmpuint (span->start, ==, 22);
  g_assert_cmpuint (span->end, ==, 39);
}

static void
test_missing_customer_data_stays_visible (void)
{
  ConciergeReplyVariables handle_only = { .customer_name = "@kunde4711", .agent_name = "", .platform = "Telegram" };
  ConciergeReplyVariables nothing = { NULL, NULL, NULL, NULL };
  g_autofree char *filled = NULL;
  g_autofree char *empty = NULL;
  g_autoptr(GArray) spans = NULL;

  /* A handle is no first name, and an empty agent name is no name. */
  filled = concierge_reply_fill_variables ("Hallo {customer.first_name}, {agent.name} hier. "
                                           "Sie schreiben über {thread.platform}.", &handle_only);
  g_assert_cmpstr (filled, ==, "Hallo {customer.first_name}, {agent.name} hier. Sie schreiben über Telegram.");
  spans = concierge_reply_find_variables (filled);
  g_assert_cmpuint (spans->len, ==, 2);

  empty = concierge_reply_fill_variables ("{ticket} {customer.name}", &nothing);
  g_assert_cmpstr (empty, ==, "{ticket} {customer.name}");
}

static void
test_first_names (void)
{
  struct { const char *name; const char *first; } cases[] = {
    { "Jana Becker", "Jana" },
    { "Jana 🌻", "Jana" },
    { "  Mehmet Yılmaz ", "Mehmet" },
    { "Anna-Lena Groß", "Anna-Lena" },
    { "@jana", NULL },
    { "kunde4711", NULL },
    { "jana_b", NULL },
    { "J", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *first = concierge_reply_first_name (cases[i].name);

      g_assert_cmpstr (first, ==, cases[i].first);
    }
}

static void
test_normalized_replies_compare (void)
{
  g_autofree char *a = concierge_reply_normalize ("@jana@customers.example Danke für Ihre Geduld!\n\n  Wir melden uns.");
  g_autofree char *b = concierge_reply_normalize ("@tom DANKE für Ihre   Geduld! Wir melden uns.");
  g_autofree char *c = concierge_reply_normalize ("Danke für Ihre Geduld, Jana! Wir melden uns.");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

static void
test_language_is_guessed (void)
{
  const char * const german[] = { "@support Seit heute Morgen kein Internet, der Router blinkt rot.", NULL };
  const char * const english[] = { "@support Does my SIM work for roaming in Switzerland?", NULL };
  const char * const mixed[] = { "Hallo, ich habe eine Frage.", "Sorry, I wrote in German. Can you help me?",
                                 "Thanks for the quick answer!", NULL };
  const char * const nothing[] = { "👍", "12345", NULL };

  g_assert_cmpint (concierge_reply_guess_language (german), ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (concierge_reply_guess_language (english), ==, CONCIERGE_LANGUAGE_ENGLISH);
  g_assert_cmpint (concierge_reply_guess_language (mixed), ==, CONCIERGE_LANGUAGE_ENGLISH);
  g_assert_cmpint (concierge_reply_guess_language (nothing), ==, CONCIERGE_LANGUAGE_UNKNOWN);
  g_assert_cmpint (concierge_reply_guess_language (NULL), ==, CONCIERGE_LANGUAGE_UNKNOWN);
}

static void
test_address_is_guessed (void)
{
  const char * const formal[] = { "Sehr geehrte Damen und Herren, können Sie mir bitte helfen?", NULL };
  const char * const formal_possessive[] = { "Ich warte seit Tagen auf Ihre Antwort.", NULL };
  const char * const informal[] = { "Könnt ihr mal nachsehen? Ich warte seit Tagen.", NULL };
  const char * const informal_du[] = { "Du, kannst du mir sagen, wann der Techniker kommt?", NULL };
  /* "Sie" at the start of a sentence may be "they". */
  const char * const ambiguous[] = { "Sie haben mir gestern geschrieben.", NULL };
  const char * const english[] = { "Can you help me with my bill?", NULL };

  g_assert_cmpint (concierge_reply_guess_address (formal), ==, CONCIERGE_ADDRESS_FORMAL);
  g_assert_cmpint (concierge_reply_guess_address (formal_possessive), ==, CONCIERGE_ADDRESS_FORMAL);
  g_assert_cmpint (concierge_reply_guess_address (informal), ==, CONCIERGE_ADDRESS_INFORMAL);
  g_assert_cmpint (concierge_reply_guess_address (informal_du), ==, CONCIERGE_ADDRESS_INFORMAL);
  g_assert_cmpint (concierge_reply_guess_address (ambiguous), ==, CONCIERGE_ADDRESS_UNKNOWN);
  g_assert_cmpint (concierge_reply_guess_address (english), ==, CONCIERGE_ADDRESS_UNKNOWN);
}

/* What Concierge proposes to write to a customer follows the customer's
 * language and form of address, as their messages show them, with the app
 * in English: Lena writes German without a "du", so she reads "Sie". */
static void
test_customer_texts_follow_the_customer (void)
{
  static const char * const lena[] = {
    "@support Die Gutschrift über 39,99 € ist immer noch nicht da! Meine IBAN ist DE89 3704 0044 0532 0130 00, "
    "das schreibe ich jetzt zum dritten Mal.", NULL };
  static const char * const ben[] = { "Hey, kannst du mir sagen, warum mein Internet weg ist? Danke dir!", NULL };
  static const char * const emma[] = { "@support Does my SIM work for roaming in Switzerland?", NULL };
  ConciergeLanguage language = concierge_reply_guess_language (lena);
  ConciergeAddress address = concierge_reply_guess_address (lena);
  guint kinds = (1u << CONCIERGE_FINDING_IBAN) | (1u << CONCIERGE_FINDING_PHONE);
  g_autofree char *described = concierge_detector_describe_kinds_for_customer (kinds, language);
  g_autofree char *opening = NULL;
  g_autofree char *acknowledgement = NULL;
  g_autofree char *invitation = NULL;
  g_autofree char *informal = NULL;
  g_autofree char *english = NULL;

  g_assert_cmpint (language, ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpstr (described, ==, "IBAN, Telefonnummer");
  opening = concierge_customer_text_dup (CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING_DATA, language, address, described);
  g_assert_cmpstr (opening, ==, "Hallo, danke für Ihre Nachricht! Wir kümmern uns darum und schreiben Ihnen hier "
                                "privat weiter. Ihr öffentlicher Beitrag zeigt persönliche Daten (IBAN, "
                                "Telefonnummer), die alle lesen können – wir empfehlen Ihnen, ihn zu löschen.");
  acknowledgement = concierge_customer_text_dup (CONCIERGE_CUSTOMER_TEXT_PUBLIC_SENT_PRIVATELY, language, address,
                                                 NULL);
  g_assert_cmpstr (acknowledgement, ==, "Danke! Wir haben Ihnen eine Direktnachricht geschickt, um das vertraulich "
                                        "zu klären.");

  /* A customer who writes "du" is written to with "du". */
  language = concierge_reply_guess_language (ben);
  address = concierge_reply_guess_address (ben);
  g_assert_cmpint (language, ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (address, ==, CONCIERGE_ADDRESS_INFORMAL);
  invitation = concierge_customer_text_dup (CONCIERGE_CUSTOMER_TEXT_PUBLIC_INVITATION, language, address,
                                            "https://t.me/HilfeBot?start=case-7");
  g_assert_cmpstr (invitation, ==, "Danke! Damit deine Daten nicht öffentlich bleiben, schreib uns bitte privat: "
                                   "https://t.me/HilfeBot?start=case-7");
  informal = concierge_customer_text_dup (CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING, language, address, NULL);
  g_assert_nonnull (strstr (informal, "danke für deine Nachricht"));
  g_assert_null (strstr (informal, "Ihnen"));

  /* And an English one in English. */
  language = concierge_reply_guess_language (emma);
  g_assert_cmpint (language, ==, CONCIERGE_LANGUAGE_ENGLISH);
  english = concierge_customer_text_dup (CONCIERGE_CUSTOMER_TEXT_PUBLIC_WRITE_PRIVATELY, language,
                                         concierge_reply_guess_address (emma), NULL);
  g_assert_cmpstr (english, ==, "Thank you! So that your details do not stay public, please write to us "
                                "privately, and we will take care of it there.");
}

int
main (int   argc,
      char *argv[])
{
  /* The app in English, as the agent may run it. */
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reply-text/variables-are-filled", test_variables_are_filled);
  g_test_add_func ("/reply-text/unknown-variables-stay-visible", test_unknown_variables_stay_visible);
  g_test_add_func ("/reply-text/missing-customer-data-stays-visible", test_missing_customer_data_stays_visible);
  g_test_add_func ("/reply-text/first-names", test_first_names);
  g_test_add_func ("/reply-text/normalized-replies-compare", test_normalized_replies_compare);
  g_test_add_func ("/reply-text/language-is-guessed", test_language_is_guessed);
  g_test_add_func ("/reply-text/address-is-guessed", test_address_is_guessed);
  g_test_add_func ("/reply-text/customer-texts-follow-the-customer", test_customer_texts_follow_the_customer);

  return g_test_run ();
}
