/* concierge-customer-facts.c
 *
 * What a customer wrote privately that their profile has a field for, as
 * the customer panel offers it: an email address, a phone or customer
 * number, each with an Add button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-customer-facts.h"
#include "concierge-item.h"
#include "concierge-ui.h"
#include "privacy/concierge-detector.h"

/* The findings a profile has a field for */
static ConciergeContactField
fact_field (ConciergeFindingType type)
{
  if (type == CONCIERGE_FINDING_EMAIL)
    return CONCIERGE_CONTACT_EMAIL;
  if (type == CONCIERGE_FINDING_PHONE)
    return CONCIERGE_CONTACT_PHONE;
  if (type == CONCIERGE_FINDING_CUSTOMER_NUMBER)
    return CONCIERGE_CONTACT_CUSTOMER_NUMBER;
  return CONCIERGE_CONTACT_N_FIELDS;
}

static void
fact_free (ConciergeCustomerFact *fact)
{
  g_free (fact->value);
  g_free (fact->subtitle);
  g_free (fact);
}

/**
 * concierge_customer_facts_collect:
 * @messages: (element-type ConciergeMessage): the customer's private
 *   messages with personal data
 * @contact: (nullable): the customer as loaded
 *
 * Returns: (element-type ConciergeCustomerFact): each value once, and none
 *   the profile holds already
 */
GPtrArray *
concierge_customer_facts_collect (GPtrArray        *messages,
                                  ConciergeContact *contact)
{
  GPtrArray *facts = g_ptr_array_new_with_free_func ((GDestroyNotify) fact_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);
      const char *body = concierge_message_get_body (message);
      g_autoptr(GArray) findings = concierge_detector_parse_spans (concierge_message_get_personal_data (message));
      glong length = g_utf8_strlen (body, -1);

      for (guint k = 0; findings != NULL && k < findings->len; k++)
        {
          ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, k);
          ConciergeContactField field = fact_field (finding->type);
          g_autofree char *value = NULL;
          g_autofree char *time = NULL;
          ConciergeCustomerFact *fact;

          if (field == CONCIERGE_CONTACT_N_FIELDS || finding->end > length || finding->start >= finding->end)
            continue;
          value = g_utf8_substring (body, finding->start, finding->end);
          /* Already in the profile, or offered once already */
          if (contact != NULL && g_str_equal (concierge_contact_get_field (contact, field), value))
            continue;
          if (!g_hash_table_add (seen, g_strdup (value)))
            continue;

          time = concierge_format_time (concierge_message_get_created_at (message), now);
          fact = g_new0 (ConciergeCustomerFact, 1);
          fact->field = field;
          fact->value = g_steal_pointer (&value);
          /* Translators: what kind of data, and when the customer wrote it: "Email address · 14:30" */
          fact->subtitle = g_strdup_printf (_("%s · %s"), concierge_finding_type_get_label (finding->type), time);
          g_ptr_array_add (facts, fact);
        }
    }
  return facts;
}

/**
 * concierge_customer_fact_row_new:
 * @item: a #ConciergeItem of a #ConciergeCustomerFact
 *
 * Returns: the fact's row, with a button that adds it to the profile; a
 *   list box's create-widget function
 */
GtkWidget *
concierge_customer_fact_row_new (gpointer item,
                                 gpointer user_data)
{
  ConciergeCustomerFact *fact = concierge_item_get_data (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fact->value);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fact->subtitle);
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (add, _("Add to the Profile"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "customer.add-fact");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "(is)", (gint32) fact->field, fact->value);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), add);
  return row;
}

