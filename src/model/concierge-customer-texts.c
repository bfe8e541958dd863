/* concierge-customer-texts.c
 *
 * The customer reads these, not the agent: they follow the language and
 * form of address of the conversation, whatever language the app speaks.
 * That is why they are not in the translation catalogue, where gettext
 * would pick them by the agent's locale. A language Concierge learns to
 * guess for customers gets its texts here, German in both forms.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-customer-texts.h"

/* Each text in English, and in German with "Sie" and with "du". */
static const struct
{
  const char *english;
  const char *german_formal;
  const char *german_informal;
} texts[CONCIERGE_N_CUSTOMER_TEXTS] = {
  [CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING] = {
    "Hello, thank you for your message! We are looking into it and will carry on here, in private. Your "
    "public post can be read by anyone, so we suggest you delete it.",
    "Hallo, danke für Ihre Nachricht! Wir kümmern uns darum und schreiben Ihnen hier privat weiter. Ihren "
    "öffentlichen Beitrag können alle lesen – wir empfehlen Ihnen, ihn zu löschen.",
    "Hallo, danke für deine Nachricht! Wir kümmern uns darum und schreiben dir hier privat weiter. Deinen "
    "öffentlichen Beitrag können alle lesen – wir empfehlen dir, ihn zu löschen.",
  },
  [CONCIERGE_CUSTOMER_TEXT_PRIVATE_OPENING_DATA] = {
    "Hello, thank you for your message! We are looking into it and will carry on here, in private. Your "
    "public post shows personal data ({}) that anyone can read, so we suggest you delete it.",
    "Hallo, danke für Ihre Nachricht! Wir kümmern uns darum und schreiben Ihnen hier privat weiter. Ihr "
    "öffentlicher Beitrag zeigt persönliche Daten ({}), die alle lesen können – wir empfehlen Ihnen, ihn zu "
    "löschen.",
    "Hallo, danke für deine Nachricht! Wir kümmern uns darum und schreiben dir hier privat weiter. Dein "
    "öffentlicher Beitrag zeigt persönliche Daten ({}), die alle lesen können – wir empfehlen dir, ihn zu "
    "löschen.",
  },
  [CONCIERGE_CUSTOMER_TEXT_PUBLIC_SENT_PRIVATELY] = {
    "Thank you! We have sent you a direct message so that we can sort this out confidentially.",
    "Danke! Wir haben Ihnen eine Direktnachricht geschickt, um das vertraulich zu klären.",
    "Danke! Wir haben dir eine Direktnachricht geschickt, um das vertraulich zu klären.",
  },
  [CONCIERGE_CUSTOMER_TEXT_PUBLIC_INVITATION] = {
    "Thank you! So that your details do not stay public, please write to us privately: {}",
    "Danke! Damit Ihre Daten nicht öffentlich bleiben, schreiben Sie uns bitte privat: {}",
    "Danke! Damit deine Daten nicht öffentlich bleiben, schreib uns bitte privat: {}",
  },
  [CONCIERGE_CUSTOMER_TEXT_PUBLIC_WRITE_PRIVATELY] = {
    "Thank you! So that your details do not stay public, please write to us privately, and we will take "
    "care of it there.",
    "Danke! Damit Ihre Daten nicht öffentlich bleiben, schreiben Sie uns bitte privat – dort kümmern wir uns "
    "darum.",
    "Danke! Damit deine Daten nicht öffentlich bleiben, schreib uns bitte privat – dort kümmern wir uns darum.",
  },
};

/**
 * concierge_customer_text_dup:
 * @language: the customer's; unknown is German, as a conversation starts
 * @address: how the customer is addressed in German; unknown is "Sie"
 * @value: (nullable): what stands for "{}" in the text
 *
 * Returns: (transfer full): the text as the customer reads it
 */
char *
concierge_customer_text_dup (ConciergeCustomerText  text,
                             ConciergeLanguage      language,
                             ConciergeAddress       address,
                             const char            *value)
{
  const char *written, *hole;

  g_return_val_if_fail (text < CONCIERGE_N_CUSTOMER_TEXTS, NULL);

  if (language == CONCIERGE_LANGUAGE_ENGLISH)
    written = texts[text].english;
  else if (address == CONCIERGE_ADDRESS_INFORMAL)
    written = texts[text].german_informal;
  else
    written = texts[text].german_formal;

  hole = strstr (written, "{}");
  if (hole == NULL)
    return g_strdup (written);
  return g_strdup_printf ("%.*s%s%s", (int) (hole - written), written, value ? value : "", hole + 2);
}
