/* concierge-detector.h
 *
 * Finds personal data in a customer's text: IBANs, payment cards, e-mail
 * addresses, phone numbers, postal addresses, dates of birth, customer,
 * order and contract numbers, and German tax IDs. The company's own
 * published data can be allowed, and the company's own customer number
 * formats added.
 *
 * A detector is immutable once set up, so any thread may scan with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

typedef enum
{
  CONCIERGE_FINDING_IBAN,
  CONCIERGE_FINDING_PAYMENT_CARD,
  CONCIERGE_FINDING_EMAIL,
  CONCIERGE_FINDING_PHONE,
  CONCIERGE_FINDING_POSTAL_ADDRESS,
  CONCIERGE_FINDING_DATE_OF_BIRTH,
  CONCIERGE_FINDING_CUSTOMER_NUMBER,
  CONCIERGE_FINDING_TAX_ID,
  CONCIERGE_N_FINDING_TYPES
} ConciergeFindingType;

typedef struct
{
  ConciergeFindingType type;
  /* In characters (Unicode code points) of the scanned text; @end is one
   * past the last. */
  guint                start;
  guint                end;
  /* From 0 to 1: how sure the detector is that this is personal data. */
  double               confidence;
} ConciergeFinding;

const char          *concierge_finding_type_to_string  (ConciergeFindingType  type);
gboolean             concierge_finding_type_from_string (const char          *id,
                                                         ConciergeFindingType *type);
const char          *concierge_finding_type_get_label  (ConciergeFindingType  type);

#define CONCIERGE_TYPE_DETECTOR (concierge_detector_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeDetector, concierge_detector, CONCIERGE, DETECTOR, GObject)

ConciergeDetector *concierge_detector_new          (void);
ConciergeDetector *concierge_detector_new_for_settings (GSettings         *settings);
void               concierge_detector_set_allowed  (ConciergeDetector    *self,
                                                    const char * const   *allowed);
gboolean           concierge_detector_set_patterns (ConciergeDetector    *self,
                                                    const char * const   *patterns,
                                                    GError              **error);
GArray            *concierge_detector_scan         (ConciergeDetector    *self,
                                                    const char           *text);
char              *concierge_detector_describe     (GArray               *findings);
char              *concierge_detector_describe_kinds (guint              kinds);
char              *concierge_detector_describe_kinds_for_customer (guint             kinds,
                                                                   ConciergeLanguage language);

guint              concierge_detector_scan_for_store (const char        *text,
                                                      char             **spans,
                                                      gpointer           detector);
GArray            *concierge_detector_parse_spans  (const char           *spans);

G_END_DECLS
