/* concierge-model.h
 *
 * The plain objects every layer shares: accounts, customers and their
 * identities, threads and messages, and the agent's saved replies. They
 * are snapshots; the store hands out a new object when a row changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "concierge-attachment.h"
#include "concierge-row-facts.h"

G_BEGIN_DECLS

typedef enum
{
  CONCIERGE_VISIBILITY_PUBLIC,
  CONCIERGE_VISIBILITY_PRIVATE,
} ConciergeVisibility;

/* Whom a customer's post reaches, as Mastodon tells them apart: anyone,
 * anyone who opens it but not the public timelines, the author's
 * followers, or only whom it mentions. A reply keeps it. Unlisted and
 * followers-only posts are public conversations: more than the customer
 * read them. Unknown where a platform has no such thing; the visibility
 * then says it all. */
typedef enum
{
  CONCIERGE_AUDIENCE_UNKNOWN,
  CONCIERGE_AUDIENCE_PUBLIC,
  CONCIERGE_AUDIENCE_UNLISTED,
  CONCIERGE_AUDIENCE_FOLLOWERS,
  CONCIERGE_AUDIENCE_DIRECT,
} ConciergeAudience;

typedef enum
{
  CONCIERGE_THREAD_OPEN,
  CONCIERGE_THREAD_PENDING,
  CONCIERGE_THREAD_SNOOZED,
  CONCIERGE_THREAD_RESOLVED,
} ConciergeThreadStatus;

typedef enum
{
  CONCIERGE_DIRECTION_IN,
  CONCIERGE_DIRECTION_OUT,
} ConciergeDirection;

typedef enum
{
  CONCIERGE_SEND_QUEUED,
  CONCIERGE_SEND_SENDING,
  CONCIERGE_SEND_SENT,
  CONCIERGE_SEND_FAILED,
  CONCIERGE_SEND_UNKNOWN,
} ConciergeSendState;

/* What became of a customer's public post for personal data. */
typedef enum
{
  CONCIERGE_TAKEN_DOWN_NONE,
  CONCIERGE_TAKEN_DOWN_HIDDEN,
  CONCIERGE_TAKEN_DOWN_REMOVED,
} ConciergeTakenDown;

/* Whether the cache holds an image's bytes for offline reading. */
typedef enum
{
  CONCIERGE_IMAGE_NOT_CACHED,
  CONCIERGE_IMAGE_CACHED,
  /* It could not be downloaded, or was no image, more than once. */
  CONCIERGE_IMAGE_FAILED,
} ConciergeImageState;

/* The language a customer writes in, or a saved reply is written in. */
typedef enum
{
  CONCIERGE_LANGUAGE_UNKNOWN,
  CONCIERGE_LANGUAGE_GERMAN,
  CONCIERGE_LANGUAGE_ENGLISH,
} ConciergeLanguage;

/* How a customer is addressed; in German, "Sie" or "du". */
typedef enum
{
  CONCIERGE_ADDRESS_UNKNOWN,
  CONCIERGE_ADDRESS_FORMAL,   /* Sie */
  CONCIERGE_ADDRESS_INFORMAL, /* du */
} ConciergeAddress;

const char *concierge_visibility_to_string    (ConciergeVisibility    visibility);
gboolean    concierge_visibility_from_string  (const char            *string,
                                               ConciergeVisibility   *visibility);
/* "public", "unlisted", "followers", "direct". Unknown has no string. */
const char *concierge_audience_to_string      (ConciergeAudience      audience);
gboolean    concierge_audience_from_string    (const char            *string,
                                               ConciergeAudience     *audience);
/* Public or direct, as the visibility says; @audience where it is known. */
ConciergeAudience concierge_audience_or_visibility (ConciergeAudience   audience,
                                               ConciergeVisibility    visibility);
const char *concierge_thread_status_to_string (ConciergeThreadStatus  status);
gboolean    concierge_thread_status_from_string (const char          *string,
                                               ConciergeThreadStatus *status);
const char *concierge_direction_to_string     (ConciergeDirection     direction);
gboolean    concierge_direction_from_string   (const char            *string,
                                               ConciergeDirection    *direction);
const char *concierge_send_state_to_string    (ConciergeSendState     state);
gboolean    concierge_send_state_from_string  (const char            *string,
                                               ConciergeSendState    *state);
/* "de", "en"; "formal", "informal". Unknown has no string: NULL. */
const char *concierge_language_to_string      (ConciergeLanguage      language);
gboolean    concierge_language_from_string    (const char            *string,
                                               ConciergeLanguage     *language);
const char *concierge_address_to_string       (ConciergeAddress       address);
gboolean    concierge_address_from_string     (const char            *string,
                                               ConciergeAddress      *address);
/* "German", in the agent's language. */
const char *concierge_language_name           (ConciergeLanguage      language);

#define CONCIERGE_TYPE_ACCOUNT  (concierge_account_get_type ())
#define CONCIERGE_TYPE_CONTACT  (concierge_contact_get_type ())
#define CONCIERGE_TYPE_IDENTITY (concierge_identity_get_type ())
#define CONCIERGE_TYPE_THREAD   (concierge_thread_get_type ())
#define CONCIERGE_TYPE_MESSAGE  (concierge_message_get_type ())
#define CONCIERGE_TYPE_IMAGE    (concierge_image_get_type ())
#define CONCIERGE_TYPE_SAVED_REPLY (concierge_saved_reply_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeAccount, concierge_account, CONCIERGE, ACCOUNT, GObject)
G_DECLARE_FINAL_TYPE (ConciergeContact, concierge_contact, CONCIERGE, CONTACT, GObject)
G_DECLARE_FINAL_TYPE (ConciergeIdentity, concierge_identity, CONCIERGE, IDENTITY, GObject)
G_DECLARE_FINAL_TYPE (ConciergeThread, concierge_thread, CONCIERGE, THREAD, GObject)
G_DECLARE_FINAL_TYPE (ConciergeMessage, concierge_message, CONCIERGE, MESSAGE, GObject)
G_DECLARE_FINAL_TYPE (ConciergeImage, concierge_image, CONCIERGE, IMAGE, GObject)
G_DECLARE_FINAL_TYPE (ConciergeSavedReply, concierge_saved_reply, CONCIERGE, SAVED_REPLY, GObject)

/* Account: a platform account the agent answers from. */
ConciergeAccount  *concierge_account_new                (const char *platform,
                                                         const char *display_name,
                                                         const char *handle,
                                                         const char *server_url,
                                                         const char *remote_user_id);
gint64             concierge_account_get_id             (ConciergeAccount *self);
const char        *concierge_account_get_platform       (ConciergeAccount *self);
const char        *concierge_account_get_display_name   (ConciergeAccount *self);
const char        *concierge_account_get_handle         (ConciergeAccount *self);
const char        *concierge_account_get_server_url     (ConciergeAccount *self);
const char        *concierge_account_get_remote_user_id (ConciergeAccount *self);
gboolean           concierge_account_get_signed_out     (ConciergeAccount *self);

/* Identity: one handle of a customer on one platform. */
ConciergeIdentity *concierge_identity_new               (const char *platform,
                                                         const char *server_url,
                                                         const char *remote_id,
                                                         const char *handle,
                                                         const char *display_name);
gint64             concierge_identity_get_id            (ConciergeIdentity *self);
gint64             concierge_identity_get_contact_id    (ConciergeIdentity *self);
const char        *concierge_identity_get_platform      (ConciergeIdentity *self);
const char        *concierge_identity_get_server_url    (ConciergeIdentity *self);
const char        *concierge_identity_get_remote_id     (ConciergeIdentity *self);
const char        *concierge_identity_get_handle        (ConciergeIdentity *self);
const char        *concierge_identity_get_display_name  (ConciergeIdentity *self);

/* The text fields of a customer's profile. Contracts, orders and tags hold
 * a list each, written "a, b". */
typedef enum
{
  CONCIERGE_CONTACT_NAME,
  CONCIERGE_CONTACT_EMAIL,
  CONCIERGE_CONTACT_PHONE,
  CONCIERGE_CONTACT_CUSTOMER_NUMBER,
  CONCIERGE_CONTACT_CONTRACTS,
  CONCIERGE_CONTACT_ORDERS,
  CONCIERGE_CONTACT_TAGS,
  CONCIERGE_CONTACT_NOTE,
  CONCIERGE_CONTACT_N_FIELDS
} ConciergeContactField;

/* Contact: a customer, with their identities on every platform. */
ConciergeContact  *concierge_contact_new                (const char *name);
gint64             concierge_contact_get_id             (ConciergeContact *self);
const char        *concierge_contact_get_name           (ConciergeContact *self);
const char        *concierge_contact_get_field          (ConciergeContact     *self,
                                                         ConciergeContactField field);
void               concierge_contact_set_field          (ConciergeContact     *self,
                                                         ConciergeContactField field,
                                                         const char           *value);
char             **concierge_contact_dup_list           (ConciergeContact     *self,
                                                         ConciergeContactField field);
char              *concierge_contact_join_list          (const char * const   *items);
GListModel        *concierge_contact_get_identities     (ConciergeContact *self);
void               concierge_contact_add_identity       (ConciergeContact  *self,
                                                         ConciergeIdentity *identity);
ConciergeLanguage  concierge_contact_get_language       (ConciergeContact *self);
ConciergeAddress   concierge_contact_get_address        (ConciergeContact *self);
void               concierge_contact_set_language       (ConciergeContact *self,
                                                         ConciergeLanguage language,
                                                         ConciergeAddress  address);
gint64             concierge_contact_get_created_at     (ConciergeContact *self);

/* Thread: one conversation in the inbox. */
gint64             concierge_thread_get_id              (ConciergeThread *self);
gint64             concierge_thread_get_account_id      (ConciergeThread *self);
gint64             concierge_thread_get_contact_id      (ConciergeThread *self);
const char        *concierge_thread_get_contact_name    (ConciergeThread *self);
const char        *concierge_thread_get_platform        (ConciergeThread *self);
ConciergeVisibility concierge_thread_get_visibility     (ConciergeThread *self);
ConciergeAudience  concierge_thread_get_audience        (ConciergeThread *self);
const char        *concierge_thread_get_remote_id       (ConciergeThread *self);
const char        *concierge_thread_get_snippet         (ConciergeThread *self);
gboolean           concierge_thread_is_complaint        (ConciergeThread *self);
ConciergeThreadStatus concierge_thread_get_status       (ConciergeThread *self);
gint64             concierge_thread_get_snooze_until    (ConciergeThread *self);
gint64             concierge_thread_get_waiting_since   (ConciergeThread *self);
gint64             concierge_thread_get_first_response_at (ConciergeThread *self);
gint64             concierge_thread_get_last_activity_at (ConciergeThread *self);
gint64             concierge_thread_get_last_incoming_at (ConciergeThread *self);
gboolean           concierge_thread_get_unread          (ConciergeThread *self);
gint64             concierge_thread_get_moved_to_id     (ConciergeThread *self);
guint              concierge_thread_get_personal_data   (ConciergeThread *self);
gboolean           concierge_thread_is_placeholder      (ConciergeThread *self);
ConciergeRowFacts *concierge_thread_get_row_facts       (ConciergeThread *self);
void               concierge_thread_set_row_facts       (ConciergeThread   *self,
                                                         ConciergeRowFacts *facts);
char              *concierge_thread_dup_reference       (ConciergeThread *self);

/* Message: one post or direct message in a thread. */
/* An edit time for platforms that name none: the message, if the cache
 * has it with another text, was edited when it came again. */
#define CONCIERGE_EDITED_IF_CHANGED G_GINT64_CONSTANT (-1)
ConciergeMessage  *concierge_message_new                (const char        *remote_id,
                                                         ConciergeDirection direction,
                                                         const char        *body,
                                                         gint64             created_at);
void               concierge_message_set_edited_at      (ConciergeMessage  *self,
                                                         gint64             edited_at);
void               concierge_message_set_content_warning (ConciergeMessage *self,
                                                         const char        *content_warning);
void               concierge_message_set_author         (ConciergeMessage  *self,
                                                         ConciergeIdentity *author);
gint64             concierge_message_get_id             (ConciergeMessage *self);
gint64             concierge_message_get_thread_id      (ConciergeMessage *self);
const char        *concierge_message_get_remote_id      (ConciergeMessage *self);
ConciergeDirection concierge_message_get_direction      (ConciergeMessage *self);
ConciergeIdentity *concierge_message_get_author         (ConciergeMessage *self);
const char        *concierge_message_get_body           (ConciergeMessage *self);
gint64             concierge_message_get_created_at     (ConciergeMessage *self);
gint64             concierge_message_get_edited_at      (ConciergeMessage *self);
ConciergeSendState concierge_message_get_send_state     (ConciergeMessage *self);
ConciergeVisibility concierge_message_get_visibility    (ConciergeMessage *self);
void               concierge_message_set_audience       (ConciergeMessage  *self,
                                                         ConciergeAudience  audience);
ConciergeAudience  concierge_message_get_audience       (ConciergeMessage *self);
const char        *concierge_message_get_send_error     (ConciergeMessage *self);
const char        *concierge_message_get_content_warning (ConciergeMessage *self);
const char        *concierge_message_get_personal_data  (ConciergeMessage *self);
void               concierge_message_set_taken_down     (ConciergeMessage  *self,
                                                         ConciergeTakenDown taken_down);
ConciergeTakenDown concierge_message_get_taken_down     (ConciergeMessage *self);
void               concierge_message_set_thread_remote_id (ConciergeMessage *self,
                                                           const char       *thread_remote_id);
const char        *concierge_message_get_thread_remote_id (ConciergeMessage *self);
void               concierge_message_set_deleted_at     (ConciergeMessage  *self,
                                                         gint64             deleted_at);
gint64             concierge_message_get_deleted_at     (ConciergeMessage *self);
gboolean           concierge_message_is_note            (ConciergeMessage *self);
gboolean           concierge_message_is_sent_elsewhere  (ConciergeMessage *self);
const char        *concierge_message_get_hidden_reason  (ConciergeMessage *self);
void               concierge_message_set_moderation_error (ConciergeMessage *self,
                                                           const char       *moderation_error);
const char        *concierge_message_get_moderation_error (ConciergeMessage *self);
void               concierge_message_add_image          (ConciergeMessage  *self,
                                                         ConciergeImage    *image);
GPtrArray         *concierge_message_get_images         (ConciergeMessage *self);
void               concierge_message_add_attachment     (ConciergeMessage    *self,
                                                         ConciergeAttachment *attachment);
GPtrArray         *concierge_message_get_attachments    (ConciergeMessage *self);

/* Image: a picture in a message. */
ConciergeImage    *concierge_image_new                  (const char        *source,
                                                         const char        *description,
                                                         guint              width,
                                                         guint              height);
gint64             concierge_image_get_id               (ConciergeImage *self);
const char        *concierge_image_get_source           (ConciergeImage *self);
const char        *concierge_image_get_description      (ConciergeImage *self);
guint              concierge_image_get_width            (ConciergeImage *self);
guint              concierge_image_get_height           (ConciergeImage *self);
ConciergeImageState concierge_image_get_state           (ConciergeImage *self);

/* Saved reply: a text the agent answers with often, and personalises. */
ConciergeSavedReply *concierge_saved_reply_new          (const char          *title,
                                                         const char          *text,
                                                         ConciergeLanguage    language,
                                                         ConciergeAddress     address);
ConciergeSavedReply *concierge_saved_reply_copy         (ConciergeSavedReply *self);
gint64             concierge_saved_reply_get_id         (ConciergeSavedReply *self);
const char        *concierge_saved_reply_get_title      (ConciergeSavedReply *self);
void               concierge_saved_reply_set_title      (ConciergeSavedReply *self,
                                                         const char          *title);
const char        *concierge_saved_reply_get_text       (ConciergeSavedReply *self);
void               concierge_saved_reply_set_text       (ConciergeSavedReply *self,
                                                         const char          *text);
ConciergeLanguage  concierge_saved_reply_get_language   (ConciergeSavedReply *self);
void               concierge_saved_reply_set_language   (ConciergeSavedReply *self,
                                                         ConciergeLanguage    language);
ConciergeAddress   concierge_saved_reply_get_address    (ConciergeSavedReply *self);
void               concierge_saved_reply_set_address    (ConciergeSavedReply *self,
                                                         ConciergeAddress     address);
gint64             concierge_saved_reply_get_updated_at (ConciergeSavedReply *self);

gboolean           concierge_json_within_depth          (const char       *data,
                                                         gsize             length,
                                                         guint             max_depth);
void               concierge_csv_append_row             (GString            *csv,
                                                         const char * const *cells,
                                                         gsize               n_cells);

G_END_DECLS
