/* concierge-model-private.h
 *
 * The fields of the model objects, for the store that fills them from rows.
 * Nothing above the store includes this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-attachment-private.h"
#include "concierge-model.h"

G_BEGIN_DECLS

struct _ConciergeAccount
{
  GObject  parent_instance;
  gint64   id;
  char    *platform;
  char    *display_name;
  char    *handle;
  char    *server_url;
  char    *remote_user_id;
  gboolean signed_out;
};

struct _ConciergeIdentity
{
  GObject  parent_instance;
  gint64   id;
  gint64   contact_id;
  char    *platform;
  char    *server_url;
  char    *remote_id;
  char    *handle;
  char    *display_name;
};

struct _ConciergeContact
{
  GObject     parent_instance;
  gint64      id;
  char       *fields[CONCIERGE_CONTACT_N_FIELDS]; /* never NULL */
  GListStore *identities;
  gint64      created_at;
  ConciergeLanguage language;  /* as the agent chose; unknown until then */
  ConciergeAddress  address;
};

struct _ConciergeThread
{
  GObject               parent_instance;
  gint64                id;
  gint64                account_id;
  gint64                contact_id;
  char                 *contact_name;
  char                 *platform;
  ConciergeVisibility   visibility;
  ConciergeAudience     audience;      /* unknown where the platform has none */
  char                 *remote_id;
  char                 *snippet;
  ConciergeThreadStatus status;
  gint64                snooze_until;
  gint64                waiting_since;
  gint64                first_response_at;
  gint64                last_activity_at;
  gint64                last_incoming_at;
  gint64                moved_to_id;
  guint                 personal_data; /* kinds found, one bit each */
  ConciergeRowFacts    *row_facts;     /* what its inbox row shows */
  guint                 unread : 1;
  guint                 placeholder : 1;
  guint                 complaint : 1;     /* tagged "complaint" */
};

struct _ConciergeMessage
{
  GObject             parent_instance;
  gint64              id;
  gint64              thread_id;
  char               *remote_id;
  ConciergeDirection  direction;
  ConciergeIdentity  *author;
  char               *body;
  gint64              created_at;
  gint64              edited_at;
  ConciergeSendState  send_state;
  char               *send_error;
  char               *content_warning;
  char               *personal_data;   /* where it stands, for the conversation */
  char               *thread_remote_id; /* a sent message's, if the platform said */
  ConciergeVisibility visibility;
  ConciergeAudience   audience;        /* unknown where the platform has none */
  ConciergeTakenDown  taken_down;
  char               *hidden_reason;   /* why it was hidden: "spam" */
  char               *moderation_error; /* why the platform refused its hiding or showing */
  gint64              deleted_at;      /* when the cache noticed; 0 if not */
  gboolean            sent_elsewhere;  /* the agent's, not through this Concierge */
  gboolean            note;            /* an internal note, never sent */
  GPtrArray          *images;          /* (nullable) of ConciergeImage */
  GPtrArray          *attachments;     /* (nullable) of ConciergeAttachment */
};

struct _ConciergeImage
{
  GObject             parent_instance;
  gint64              id;
  char               *source;          /* the platform's reference to it */
  char               *description;
  guint               width;
  guint               height;
  ConciergeImageState state;
};

struct _ConciergeSavedReply
{
  GObject             parent_instance;
  gint64              id;
  char               *title;
  char               *text;
  ConciergeLanguage   language;
  ConciergeAddress    address;
  gint64              updated_at;
};

ConciergeAccount  *concierge_account_new_empty  (void);
ConciergeIdentity *concierge_identity_new_empty (void);
ConciergeContact  *concierge_contact_new_empty  (void);
ConciergeThread   *concierge_thread_new_empty   (void);
void               concierge_thread_update_from (ConciergeThread *self,
                                                 ConciergeThread *newer);
ConciergeMessage  *concierge_message_new_empty  (void);
ConciergeImage    *concierge_image_new_empty    (void);

G_END_DECLS
