/* concierge-customer-view.c
 *
 * The customer panel: who the customer is, their details and accounts on
 * each platform, what they wrote privately that belongs in the profile,
 * other customers who may be the same person, and every conversation with
 * them on any channel. Every change here can be undone from its toast,
 * except forgetting the customer, which asks first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-customer-facts.h"
#include "concierge-customer-view.h"
#include "concierge-forget-dialog.h"
#include "concierge-forget-progress.h"
#include "concierge-history-row.h"
#include "concierge-item.h"
#include "concierge-merge-dialog.h"
#include "concierge-ui.h"

/* Conversations shown before "Show All": enough for most customers, and
 * few enough that a customer with hundreds fills the panel in a frame. */
#define FIRST_THREADS 20

/* What the toast's Undo takes back. */
typedef enum
{
  UNDO_NONE,
  UNDO_FIELD,
  UNDO_LANGUAGE,
  UNDO_MERGE,
} UndoKind;

typedef struct
{
  UndoKind              kind;
  gint64                contact_id;
  ConciergeContactField field;
  char                 *value;
  ConciergeLanguage     language;
  ConciergeAddress      address;
} Undo;

struct _ConciergeCustomerView
{
  GtkWidget          parent_instance;

  ConciergeStore    *store;
  gint64             contact_id;
  gint64             thread_id;
  GCancellable      *cancellable;      /* until the panel goes */
  GCancellable      *load_cancellable; /* the customer's loads */
  ConciergeContact  *contact;
  GPtrArray         *threads;
  GPtrArray         *suggestions;
  GListStore        *suggestion_items; /* of ConciergeItem: ConciergeMergeSuggestion */
  GListStore        *fact_items;       /* of ConciergeItem: ConciergeCustomerFact */
  guint              pending;
  gboolean           show_all;
  gboolean           filling_language;
  char              *shown_note;
  Undo               undo;
  AdwToast          *undo_toast;

  /* Template widgets */
  ConciergeForgetProgress *forget_progress;
  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  AdwAvatar         *avatar;
  GtkLabel          *name_label;
  GtkLabel          *since_label;
  GtkLabel          *complaints_label;
  AdwPreferencesGroup *suggestions_group;
  GtkListBox        *suggestions_list;
  AdwPreferencesGroup *facts_group;
  GtkListBox        *facts_list;
  AdwEntryRow       *name_row;
  AdwEntryRow       *email_row;
  AdwEntryRow       *phone_row;
  AdwEntryRow       *customer_number_row;
  AdwEntryRow       *contracts_row;
  AdwEntryRow       *orders_row;
  AdwEntryRow       *tags_row;
  AdwComboRow       *language_row;
  GtkTextView       *note_view;
  GtkListBox        *identities_list;
  AdwPreferencesGroup *threads_group;
  GtkListBox        *threads_list;
  GtkButton         *show_all_button;
};

G_DEFINE_FINAL_TYPE (ConciergeCustomerView, concierge_customer_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_contact (ConciergeCustomerView *self);

static AdwEntryRow *
field_row (ConciergeCustomerView *self,
           ConciergeContactField  field)
{
  switch (field)
    {
    case CONCIERGE_CONTACT_NAME:
      return self->name_row;
    case CONCIERGE_CONTACT_EMAIL:
      return self->email_row;
    case CONCIERGE_CONTACT_PHONE:
      return self->phone_row;
    case CONCIERGE_CONTACT_CUSTOMER_NUMBER:
      return self->customer_number_row;
    case CONCIERGE_CONTACT_CONTRACTS:
      return self->contracts_row;
    case CONCIERGE_CONTACT_ORDERS:
      return self->orders_row;
    case CONCIERGE_CONTACT_TAGS:
      return self->tags_row;
    case CONCIERGE_CONTACT_NOTE:
    case CONCIERGE_CONTACT_N_FIELDS:
    default:
      return NULL;
    }
}

static const char *
field_changed_message (ConciergeContactField field)
{
  switch (field)
    {
    case CONCIERGE_CONTACT_NAME:
      return _("Name changed");
    case CONCIERGE_CONTACT_EMAIL:
      return _("Email address changed");
    case CONCIERGE_CONTACT_PHONE:
      return _("Phone number changed");
    case CONCIERGE_CONTACT_CUSTOMER_NUMBER:
      return _("Customer number changed");
    case CONCIERGE_CONTACT_CONTRACTS:
      return _("Contracts changed");
    case CONCIERGE_CONTACT_ORDERS:
      return _("Orders changed");
    case CONCIERGE_CONTACT_TAGS:
      return _("Tags changed");
    case CONCIERGE_CONTACT_NOTE:
      return _("Note saved");
    case CONCIERGE_CONTACT_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Toasts show across the window where there is room for their words; the
 * panel's own overlay is for a panel on its own. */
static void
add_toast (ConciergeCustomerView *self,
           AdwToast              *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  adw_toast_overlay_add_toast (overlay ? ADW_TOAST_OVERLAY (overlay) : self->toast_overlay, toast);
}

/* For a callback that must not touch the panel once it went */
static ConciergeCaller *
caller_new (ConciergeCustomerView *self)
{
  return concierge_caller_new (self, self->cancellable, NULL, NULL);
}

static void
set_loading (ConciergeCustomerView *self,
             int                    change)
{
  gboolean was = self->pending > 0;

  self->pending = change > 0 ? self->pending + 1 : self->pending - 1;
  if (was != (self->pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Each of the panel's loads counts down once, whatever its end. A failure
 * other than a cancelled load is logged; the panel keeps what it had. */
static gboolean
loaded (ConciergeCustomerView *self,
        gboolean               ok,
        const GError          *error,
        const char            *what)
{
  set_loading (self, -1);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND))
    g_warning ("%s failed: %s", what, error->message);
  return ok;
}

static void
show_error (ConciergeCustomerView *self,
            const char            *what,
            const GError          *error)
{
  g_autoptr(AdwToast) toast = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_warning ("%s: %s", what, error->message);
  toast = concierge_toast_new (_("The cache could not be changed. Try again, or restart Concierge if it keeps failing."));
  adw_toast_set_timeout (toast, 0);
  add_toast (self, g_steal_pointer (&toast));
}

/* Undo */

static void
undo_clear (Undo *undo)
{
  g_clear_pointer (&undo->value, g_free);
  undo->kind = UNDO_NONE;
}

static void
undo_toast_dismissed_cb (AdwToast              *toast,
                         ConciergeCustomerView *self)
{
  if (self->undo_toast == toast)
    {
      self->undo_toast = NULL;
      undo_clear (&self->undo);
    }
}

static void undo_last (ConciergeCustomerView *self);

/* One thing can be undone at a time: the last. Its toast replaces the one
 * before, so an Undo button never takes back something else. */
static void
offer_undo (ConciergeCustomerView *self,
            const char            *title,
            Undo                  *undo)
{
  AdwToast *toast;

  if (self->undo_toast != NULL)
    {
      AdwToast *old = self->undo_toast;

      self->undo_toast = NULL;
      adw_toast_dismiss (old);
    }
  undo_clear (&self->undo);
  self->undo = *undo;

  toast = concierge_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_last), self, G_CONNECT_SWAPPED);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self, 0);
  self->undo_toast = toast;
  add_toast (self, toast);
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error) && self != NULL)
    show_error (self, "Changing the customer failed", error);
}

static void
undo_last (ConciergeCustomerView *self)
{
  Undo *undo = &self->undo;

  switch (undo->kind)
    {
    case UNDO_FIELD:
      concierge_store_set_contact_field_async (self->store, undo->contact_id, undo->field, undo->value,
                                               NULL, changed_cb, caller_new (self));
      break;
    case UNDO_LANGUAGE:
      concierge_store_set_contact_language_async (self->store, undo->contact_id, undo->language,
                                                  undo->address, NULL, changed_cb, caller_new (self));
      break;
    case UNDO_MERGE:
      concierge_store_undo_merge_async (self->store, undo->contact_id, NULL, changed_cb, caller_new (self));
      break;
    case UNDO_NONE:
    default:
      break;
    }
  self->undo_toast = NULL;
  undo_clear (undo);
}

/* Editing the profile */

static void
set_field (ConciergeCustomerView *self,
           ConciergeContactField  field,
           const char            *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (value));
  const char *old;

  if (self->contact == NULL)
    return;

  old = concierge_contact_get_field (self->contact, field);
  if (g_str_equal (old, stripped))
    return;
  /* A customer is never nameless: the name came from their account. */
  if (field == CONCIERGE_CONTACT_NAME && stripped[0] == '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), old);
      return;
    }

  offer_undo (self, field_changed_message (field),
              &(Undo) { UNDO_FIELD, self->contact_id, field, g_strdup (old) });
  /* The loaded profile follows at once, so that a second change undoes to
   * this value rather than the first. */
  concierge_contact_set_field (self->contact, field, stripped);
  concierge_store_set_contact_field_async (self->store, self->contact_id, field, stripped,
                                           NULL, changed_cb, caller_new (self));
}

static void
entry_row_apply_cb (AdwEntryRow           *row,
                    ConciergeCustomerView *self)
{
  for (ConciergeContactField field = 0; field < CONCIERGE_CONTACT_N_FIELDS; field++)
    if (field_row (self, field) == row)
      set_field (self, field, gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
note_focus_leave_cb (ConciergeCustomerView *self)
{
  g_autofree char *note = concierge_text_view_dup_text (self->note_view);

  if (self->contact != NULL && g_strcmp0 (note, self->shown_note) != 0)
    {
      g_free (self->shown_note);
      self->shown_note = g_strdup (note);
      set_field (self, CONCIERGE_CONTACT_NOTE, note);
    }
}

static const struct
{
  ConciergeLanguage language;
  ConciergeAddress  address;
} language_choices[] = {
  { CONCIERGE_LANGUAGE_UNKNOWN, CONCIERGE_ADDRESS_UNKNOWN },
  { CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL },
  { CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL },
  { CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_UNKNOWN },
};

static guint
language_position (ConciergeContact *contact)
{
  ConciergeLanguage language = concierge_contact_get_language (contact);
  ConciergeAddress address = concierge_contact_get_address (contact);

  if (language == CONCIERGE_LANGUAGE_ENGLISH)
    return 3;
  if (language == CONCIERGE_LANGUAGE_GERMAN)
    return address == CONCIERGE_ADDRESS_INFORMAL ? 2 : 1;
  return 0;
}

static void
language_selected_cb (ConciergeCustomerView *self)
{
  guint position = adw_combo_row_get_selected (self->language_row);

  if (self->filling_language || self->contact == NULL || position >= G_N_ELEMENTS (language_choices) ||
      position == language_position (self->contact))
    return;

  offer_undo (self, _("Language changed"),
              &(Undo) { .kind = UNDO_LANGUAGE, .contact_id = self->contact_id,
                        .language = concierge_contact_get_language (self->contact),
                        .address = concierge_contact_get_address (self->contact) });
  concierge_contact_set_language (self->contact, language_choices[position].language,
                                  language_choices[position].address);
  concierge_store_set_contact_language_async (self->store, self->contact_id,
                                              language_choices[position].language,
                                              language_choices[position].address,
                                              NULL, changed_cb, caller_new (self));
}

/* Filling the panel */

/* The agent may be typing in a field while the profile changes elsewhere;
 * what they type stays. */
static void
fill_entry (AdwEntryRow *row,
            const char  *value)
{
  if (gtk_widget_get_state_flags (GTK_WIDGET (row)) & GTK_STATE_FLAG_FOCUS_WITHIN)
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), value) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
}

/* The address of the customer's profile on the platform, as a browser
 * opens it; NULL where the handle does not tell it. */
static char *
identity_profile_url (ConciergeIdentity *identity)
{
  const ConciergePlatform *platform = concierge_platform_lookup (concierge_identity_get_platform (identity));
  const char *handle = concierge_identity_get_handle (identity);

  if (handle[0] != '@' || handle[1] == '\0' || platform == NULL || platform->dup_profile_link == NULL)
    return NULL;
  return platform->dup_profile_link (handle, concierge_identity_get_server_url (identity));
}

/* An account can be separated from a customer who has more than one. */
static GtkWidget *
create_identity_row (gpointer object,
                     gpointer user_data)
{
  ConciergeIdentity *identity = object;
  GListModel *identities = user_data; /* the list is bound to it */
  gboolean separable = g_list_model_get_n_items (identities) > 1;
  const char *platform = concierge_identity_get_platform (identity);
  const char *handle = concierge_identity_get_handle (identity);
  const char *display_name = concierge_identity_get_display_name (identity);
  g_autofree char *url = identity_profile_url (identity);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (concierge_platform_icon_name (platform));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 handle[0] ? handle : concierge_identity_get_remote_id (identity));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  gtk_widget_set_tooltip_text (row, handle);
  if (display_name[0] != '\0' && g_strcmp0 (display_name, handle) != 0)
    /* Translators: an account's platform and the name it shows: "Mastodon · Jana Kunde" */
    subtitle = g_strdup_printf (_("%s · %s"), concierge_platform_name (platform), display_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : concierge_platform_name (platform));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  concierge_platform_name (platform), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  if (url != NULL)
    {
      GtkWidget *open = gtk_button_new_from_icon_name ("adw-external-link-symbolic");
      /* Translators: %s is a platform, like Mastodon */
      g_autofree char *tooltip = g_strdup_printf (_("Open Profile on %s"), concierge_platform_name (platform));

      gtk_widget_set_tooltip_text (open, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (open, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "customer.open-profile");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "s", url);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
    }

  if (separable)
    {
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autoptr(GMenuItem) item = g_menu_item_new (_("_Separate From This Customer"), NULL);
      GtkWidget *button = gtk_menu_button_new ();

      g_menu_item_set_action_and_target_value (item, "customer.separate",
                                               g_variant_new_int64 (concierge_identity_get_id (identity)));
      g_menu_append_item (menu, item);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
      gtk_widget_set_tooltip_text (button, _("More About This Account"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("More About This Account"), -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

/* Rows are kept and filled anew rather than replaced: a customer's
 * history changes whenever one of their conversations does, and the row
 * the agent just clicked keeps the focus. */
static void
fill_threads (ConciergeCustomerView *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n = self->threads ? self->threads->len : 0;
  guint shown = self->show_all ? n : MIN (n, FIRST_THREADS);
  guint complaints = 0;
  g_autofree char *description = NULL;
  GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->threads_list));

  for (guint i = 0; i < n; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (self->threads, i);

      if (concierge_thread_is_complaint (thread))
        complaints++;
      if (i >= shown)
        continue;
      if (row == NULL)
        {
          row = concierge_history_row_new ();
          gtk_list_box_append (self->threads_list, row);
        }
      concierge_history_row_update (row, thread, now, self->thread_id);
      row = gtk_widget_get_next_sibling (row);
    }
  while (row != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (row);

      gtk_list_box_remove (self->threads_list, row);
      row = next;
    }

  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conversation on every channel, newest first",
                                              "%u conversations on every channel, newest first", n), n);
  adw_preferences_group_set_description (self->threads_group, description);

  gtk_widget_set_visible (GTK_WIDGET (self->show_all_button), shown < n);
  if (shown < n)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show All %u Conversation",
                                                             "Show All %u Conversations", n), n);

      gtk_button_set_label (self->show_all_button, label);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->complaints_label), complaints > 0);
  if (complaints > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Complaint",
                                                             "%u Complaints", complaints), complaints);

      gtk_label_set_text (self->complaints_label, label);
    }
}

static void
fill_contact (ConciergeCustomerView *self)
{
  ConciergeContact *contact = self->contact;
  GListModel *identities = concierge_contact_get_identities (contact);
  guint n_identities = g_list_model_get_n_items (identities);
  gint64 created_at = concierge_contact_get_created_at (contact);
  const char *note = concierge_contact_get_field (contact, CONCIERGE_CONTACT_NOTE);

  adw_avatar_set_text (self->avatar, concierge_contact_get_name (contact));
  gtk_label_set_text (self->name_label, concierge_contact_get_name (contact));

  gtk_widget_set_visible (GTK_WIDGET (self->since_label), created_at > 0);
  if (created_at > 0)
    {
      g_autoptr(GDateTime) since = g_date_time_new_from_unix_local (created_at);
      /* Translators: a date, as in "3 March 2025"; see the strftime() manual */
      g_autofree char *date = g_date_time_format (since, _("%-d %B %Y"));
      /* Translators: %s is a date, as in "3 March 2025" */
      g_autofree char *text = g_strdup_printf (_("Customer since %s"), date);

      gtk_label_set_text (self->since_label, text);
    }

  for (ConciergeContactField field = 0; field < CONCIERGE_CONTACT_N_FIELDS; field++)
    if (field_row (self, field) != NULL)
      fill_entry (field_row (self, field), concierge_contact_get_field (contact, field));

  self->filling_language = TRUE;
  adw_combo_row_set_selected (self->language_row, language_position (contact));
  self->filling_language = FALSE;

  if (!gtk_widget_has_focus (GTK_WIDGET (self->note_view)) && g_strcmp0 (note, self->shown_note) != 0)
    {
      g_free (self->shown_note);
      self->shown_note = g_strdup (note);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), note, -1);
    }

  /* Bound anew, as the rows' menus depend on how many there are */
  gtk_list_box_bind_model (self->identities_list, identities, create_identity_row, identities, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->identities_list), n_identities > 0);
}

static void
contact_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GError) error = NULL;

  contact = concierge_store_load_contact_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (!loaded (self, contact != NULL, error, "Loading the customer"))
    {
      /* Forgotten, or merged away, while it was shown */
      if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND))
        concierge_stack_show (self->stack, "empty");
      return;
    }

  g_set_object (&self->contact, contact);
  fill_contact (self);
  concierge_stack_show (self->stack, "contact");
}

static void
threads_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;

  threads = concierge_store_load_contact_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (!loaded (self, threads != NULL, error, "Loading the customer's conversations"))
    return;

  g_clear_pointer (&self->threads, g_ptr_array_unref);
  self->threads = g_steal_pointer (&threads);
  fill_threads (self);
}

static const char *
merge_reason (ConciergeMergeReason reason)
{
  switch (reason)
    {
    case CONCIERGE_MERGE_SAME_EMAIL:
      return _("Same email address");
    case CONCIERGE_MERGE_SAME_PHONE:
      return _("Same phone number");
    case CONCIERGE_MERGE_SAME_CUSTOMER_NUMBER:
      return _("Same customer number");
    case CONCIERGE_MERGE_SAME_CUSTOMER_NAME:
      return _("Same name");
    case CONCIERGE_MERGE_SAME_NAME:
    default:
      return _("Same name on another platform");
    }
}

/* A customer who may be the same person, and why */
static GtkWidget *
create_suggestion_row (gpointer item,
                       gpointer user_data)
{
  ConciergeMergeSuggestion *suggestion = concierge_item_get_data (item);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *merge = gtk_button_new_with_mnemonic (_("_Merge"));
  /* Translators: %s is a customer's name */
  g_autofree char *tooltip = g_strdup_printf (_("Merge %s Into This Customer"),
                                              concierge_contact_get_name (suggestion->contact));

  /* The button goes under the words: beside them, in a narrow panel
   * and in German, it left them a word a line. */
  gtk_box_append (GTK_BOX (box), concierge_merge_candidate_new (suggestion->contact,
                                                                merge_reason (suggestion->reason)));
  gtk_widget_set_halign (merge, GTK_ALIGN_END);
  gtk_widget_set_tooltip_text (merge, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (merge), "customer.merge");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (merge), "x",
                                    concierge_contact_get_id (suggestion->contact));
  gtk_box_append (GTK_BOX (box), merge);
  gtk_widget_add_css_class (row, "panel-row");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
suggestions_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(GError) error = NULL;

  suggestions = concierge_store_load_merge_suggestions_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (!loaded (self, suggestions != NULL, error, "Looking for the same customer"))
    return;

  concierge_item_store_set_array (self->suggestion_items, suggestions);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestions_group), suggestions->len > 0);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  self->suggestions = g_steal_pointer (&suggestions);
}

static void
facts_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) facts = NULL;
  g_autoptr(GError) error = NULL;

  messages = concierge_store_load_contact_facts_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (!loaded (self, messages != NULL, error, "Loading what the customer wrote"))
    return;

  facts = concierge_customer_facts_collect (messages, self->contact);
  concierge_item_store_set_array (self->fact_items, facts);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_group), facts->len > 0);
}

static void
load_contact (ConciergeCustomerView *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  /* Loads cancelled for newer ones still call back, each taking its share
   * of pending; those of a panel that went touch nothing. */
  for (guint i = 0; i < 4; i++)
    set_loading (self, 1);
  concierge_store_load_contact_async (self->store, self->contact_id, self->load_cancellable,
                                      contact_loaded_cb, caller_new (self));
  concierge_store_load_contact_threads_async (self->store, self->contact_id, self->load_cancellable,
                                              threads_loaded_cb, caller_new (self));
  concierge_store_load_merge_suggestions_async (self->store, self->contact_id, self->load_cancellable,
                                                suggestions_loaded_cb, caller_new (self));
  concierge_store_load_contact_facts_async (self->store, self->contact_id, self->load_cancellable,
                                            facts_loaded_cb, caller_new (self));
}

static void
show_contact (ConciergeCustomerView *self,
              gint64                 contact_id)
{
  if (contact_id != self->contact_id)
    {
      /* A note being written belongs to the customer it was written for. */
      if (self->contact != NULL)
        note_focus_leave_cb (self);
      self->show_all = FALSE;
      g_clear_object (&self->contact);
      g_clear_pointer (&self->shown_note, g_free);
    }
  self->contact_id = contact_id;

  if (contact_id == 0 || self->store == NULL)
    {
      g_cancellable_cancel (self->load_cancellable);
      concierge_stack_show (self->stack, "empty");
      return;
    }
  load_contact (self);
}

/* Another conversation with this customer may have started or changed, or
 * the open one may now belong to someone else. */
static void
threads_changed_cb (ConciergeCustomerView *self,
                    GPtrArray             *threads)
{
  gboolean ours = FALSE;

  for (guint i = 0; self->contact_id != 0 && i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);

      if (concierge_thread_get_id (thread) == self->thread_id &&
          concierge_thread_get_contact_id (thread) != self->contact_id)
        {
          show_contact (self, concierge_thread_get_contact_id (thread));
          return;
        }
      ours |= concierge_thread_get_contact_id (thread) == self->contact_id;
    }

  if (ours)
    {
      set_loading (self, 1);
      concierge_store_load_contact_threads_async (self->store, self->contact_id, self->load_cancellable,
                                                  threads_loaded_cb, caller_new (self));
    }
}

static void
contact_changed_cb (ConciergeCustomerView *self,
                    gint64                 contact_id)
{
  if (self->contact_id != 0 && (contact_id == 0 || contact_id == self->contact_id))
    load_contact (self);
}

static void
invalidated_cb (ConciergeCustomerView *self)
{
  if (self->contact_id != 0)
    load_contact (self);
}

/* Actions */

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error) && self != NULL)
    {
      if (self->undo_toast != NULL)
        adw_toast_dismiss (self->undo_toast);
      show_error (self, "Merging customers failed", error);
    }
}

static void
merge (ConciergeCustomerView *self,
       gint64                 other_id,
       const char            *other_name)
{
  if (other_id == self->contact_id || self->contact_id == 0)
    return;

  offer_undo (self, _("Customers merged"), &(Undo) { .kind = UNDO_MERGE, .contact_id = other_id });
  concierge_store_merge_contacts_async (self->store, self->contact_id, other_id, NULL,
                                        merged_cb, caller_new (self));
}

static void
concierge_customer_view_merge_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (widget);
  gint64 other_id = g_variant_get_int64 (parameter);

  for (guint i = 0; self->suggestions != NULL && i < self->suggestions->len; i++)
    {
      ConciergeMergeSuggestion *suggestion = g_ptr_array_index (self->suggestions, i);

      if (concierge_contact_get_id (suggestion->contact) == other_id)
        {
          gtk_widget_set_visible (GTK_WIDGET (self->suggestions_group), FALSE);
          merge (self, other_id, concierge_contact_get_name (suggestion->contact));
          return;
        }
    }
}

static void
merge_dialog_response_cb (ConciergeMergeDialog  *dialog,
                          const char            *response,
                          ConciergeCustomerView *self)
{
  g_autoptr(ConciergeContact) other = NULL;

  /* A panel that went merges nothing. */
  if (!g_str_equal (response, "merge") || self->cancellable == NULL)
    return;
  other = concierge_merge_dialog_ref_chosen (dialog);
  if (other != NULL)
    merge (self, concierge_contact_get_id (other), concierge_contact_get_name (other));
}

static void
concierge_customer_view_merge_search_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *parameter)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (widget);
  ConciergeMergeDialog *dialog;

  if (self->contact == NULL)
    return;

  /* The dialog lives as long as it is open. */
  dialog = concierge_merge_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->store, self->contact);
  g_signal_connect_object (dialog, "response", G_CALLBACK (merge_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
separated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeCustomerView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gint64 separated = concierge_store_separate_identity_finish (CONCIERGE_STORE (object), result, &error);

  if (self == NULL)
    return;
  if (separated == 0)
    {
      show_error (self, "Separating the account failed", error);
      return;
    }
  add_toast (self,
                               concierge_toast_new (_("The account is a customer of its own now")));
}

static void
concierge_customer_view_separate_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (widget);

  concierge_store_separate_identity_async (self->store, g_variant_get_int64 (parameter), NULL,
                                           separated_cb, caller_new (self));
}

static void
concierge_customer_view_add_fact_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (widget);
  const char *value;
  gint32 field;

  g_variant_get (parameter, "(i&s)", &field, &value);
  if (field < 0 || field >= CONCIERGE_CONTACT_N_FIELDS)
    return;
  set_field (self, field, value);
  if (field_row (self, field) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (field_row (self, field)), value);
}

static void
concierge_customer_view_show_all_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (widget);

  self->show_all = TRUE;
  fill_threads (self);
}

static void
concierge_customer_view_open_profile_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *parameter)
{
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), g_variant_get_string (parameter, NULL),
                GDK_CURRENT_TIME);
}

/* Forgetting */

/* Forgetting goes through once the agent confirmed it, when the panel
 * goes meanwhile. */
typedef struct
{
  ConciergeCustomerView *self;             /* only while its cancellable is not cancelled */
  GCancellable          *self_cancellable;
  ConciergeStore        *store;
  gint64                 contact_id;
  char                  *name;
} Forget;

static void
forget_free (Forget *forget)
{
  g_object_unref (forget->self_cancellable);
  g_object_unref (forget->store);
  g_free (forget->name);
  g_free (forget);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Forget, forget_free)

/* Each step of the store's, on the main thread. The panel may show
 * another customer by now, and the progress stays above them. */
static void
forget_progress_cb (ConciergeEraseStep step,
                    double             fraction,
                    gpointer           user_data)
{
  Forget *forget = user_data;

  /* The panel may be gone; forgetting goes on without it. */
  if (g_cancellable_is_cancelled (forget->self_cancellable))
    return;
  if (forget->self->forget_progress != NULL)
    concierge_forget_progress_set_step (forget->self->forget_progress, step, fraction);
}

/* One customer is forgotten at a time: the button waits until the cache
 * is cleaned up. */
static void
show_forgetting (ConciergeCustomerView *self,
                 const char            *name)
{
  if (self->forget_progress == NULL)
    return;

  if (name != NULL)
    concierge_forget_progress_start (self->forget_progress, name);
  gtk_widget_set_visible (GTK_WIDGET (self->forget_progress), name != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.forget", name == NULL);
}

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Forget) forget = user_data;
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  summary = concierge_store_summary_finish (CONCIERGE_STORE (object), result, &error);
  if (g_cancellable_is_cancelled (forget->self_cancellable))
    return;
  show_forgetting (forget->self, NULL);
  /* Forgetting without a tombstone would let the next sync bring them
   * back, so it waits for the key from the keyring. */
  if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY))
    {
      g_autoptr(AdwToast) toast = NULL;

      /* Translators: %s is the customer's name */
      title = g_strdup_printf (_("Nothing was deleted: forgetting %s needs the unlocked keyring. "
                                 "Unlock it, then try again."), forget->name);
      toast = concierge_toast_new (title);
      adw_toast_set_timeout (toast, 0);
      add_toast (forget->self, g_steal_pointer (&toast));
      return;
    }
  if (summary == NULL)
    {
      show_error (forget->self, "Forgetting the customer failed", error);
      return;
    }

  if (forget->self->contact_id == forget->contact_id)
    show_contact (forget->self, 0);
  /* Translators: %s is the customer's name */
  title = g_strdup_printf (_("%s is forgotten on this computer"), forget->name);
  add_toast (forget->self, concierge_toast_new (title));
}

static void
forget_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    Forget           *forget)
{
  if (!g_str_equal (response, "forget"))
    {
      forget_free (forget);
      return;
    }

  show_forgetting (forget->self, forget->name);
  /* The audit log keeps why, never whom. */
  concierge_store_forget_contact_async (forget->store, forget->contact_id,
                                        "the customer's request to be forgotten", forget_progress_cb, forget, NULL,
                                        forgotten_cb, forget);
}

static void
summarized_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Forget *forget = user_data;
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeForgetDialog *dialog;

  summary = concierge_store_summary_finish (CONCIERGE_STORE (object), result, &error);
  if (g_cancellable_is_cancelled (forget->self_cancellable))
    {
      forget_free (forget);
      return;
    }
  if (summary == NULL || gtk_widget_get_root (GTK_WIDGET (forget->self)) == NULL)
    {
      if (summary == NULL)
        show_error (forget->self, "Summarizing the customer failed", error);
      forget_free (forget);
      return;
    }

  dialog = concierge_forget_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (forget->self))),
                                       forget->name, summary);
  g_signal_connect (dialog, "response", G_CALLBACK (forget_response_cb), forget);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
concierge_customer_view_forget_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (widget);
  Forget *forget;

  if (self->contact == NULL)
    return;

  forget = g_new0 (Forget, 1);
  forget->self = self;
  forget->self_cancellable = g_object_ref (self->cancellable);
  forget->store = g_object_ref (self->store);
  forget->contact_id = self->contact_id;
  forget->name = g_strdup (concierge_contact_get_name (self->contact));
  concierge_store_summarize_contact_async (self->store, self->contact_id, NULL, summarized_cb, forget);
}

/* Public API */

void
concierge_customer_view_set_store (ConciergeCustomerView *self,
                                   ConciergeStore        *store)
{
  g_return_if_fail (CONCIERGE_IS_CUSTOMER_VIEW (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (threads_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "contact-changed", G_CALLBACK (contact_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "invalidated", G_CALLBACK (invalidated_cb), self,
                           G_CONNECT_SWAPPED);
}

void
concierge_customer_view_set_thread (ConciergeCustomerView *self,
                                    ConciergeThread       *thread)
{
  gint64 contact_id;
  gint64 thread_id;

  g_return_if_fail (CONCIERGE_IS_CUSTOMER_VIEW (self));

  contact_id = thread ? concierge_thread_get_contact_id (thread) : 0;
  thread_id = thread ? concierge_thread_get_id (thread) : 0;
  if (contact_id == self->contact_id && thread_id == self->thread_id)
    return;
  self->thread_id = thread_id;

  /* The same customer in another of their conversations: only the mark
   * of the open one moves. */
  if (contact_id != 0 && contact_id == self->contact_id && self->contact != NULL)
    {
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->threads_list));
           row != NULL; row = gtk_widget_get_next_sibling (row))
        concierge_history_row_mark_open (row, self->thread_id);
      return;
    }
  show_contact (self, contact_id);
}

/**
 * concierge_customer_view_get_loading:
 *
 * Returns: whether the panel is still reading the customer from the cache
 */
gboolean
concierge_customer_view_get_loading (ConciergeCustomerView *self)
{
  g_return_val_if_fail (CONCIERGE_IS_CUSTOMER_VIEW (self), FALSE);

  return self->pending > 0;
}

static void
concierge_customer_view_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->pending > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_customer_view_dispose (GObject *object)
{
  ConciergeCustomerView *self = CONCIERGE_CUSTOMER_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->contact);
  g_clear_pointer (&self->threads, g_ptr_array_unref);
  g_clear_pointer (&self->suggestions, g_ptr_array_unref);
  g_clear_object (&self->suggestion_items);
  g_clear_object (&self->fact_items);
  g_clear_pointer (&self->shown_note, g_free);
  self->undo_toast = NULL;
  undo_clear (&self->undo);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_CUSTOMER_VIEW);

  G_OBJECT_CLASS (concierge_customer_view_parent_class)->dispose (object);
}

static void
concierge_customer_view_class_init (ConciergeCustomerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = concierge_customer_view_get_property;
  object_class->dispose = concierge_customer_view_dispose;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CONCIERGE_TYPE_FORGET_PROGRESS);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-customer-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, forget_progress);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, avatar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, name_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, since_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, complaints_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, suggestions_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, suggestions_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, facts_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, facts_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, name_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, email_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, phone_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, customer_number_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, contracts_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, orders_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, tags_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, language_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, note_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, identities_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, threads_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, threads_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeCustomerView, show_all_button);

  gtk_widget_class_install_action (widget_class, "customer.merge", "x", concierge_customer_view_merge_action);
  gtk_widget_class_install_action (widget_class, "customer.merge-search", NULL,
                                   concierge_customer_view_merge_search_action);
  gtk_widget_class_install_action (widget_class, "customer.separate", "x",
                                   concierge_customer_view_separate_action);
  gtk_widget_class_install_action (widget_class, "customer.add-fact", "(is)",
                                   concierge_customer_view_add_fact_action);
  gtk_widget_class_install_action (widget_class, "customer.show-all", NULL,
                                   concierge_customer_view_show_all_action);
  gtk_widget_class_install_action (widget_class, "customer.open-profile", "s",
                                   concierge_customer_view_open_profile_action);
  gtk_widget_class_install_action (widget_class, "customer.forget", NULL,
                                   concierge_customer_view_forget_action);
}

static void
concierge_customer_view_init (ConciergeCustomerView *self)
{
  GtkEventController *focus;

  /* The progress of forgetting above the panel */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  self->suggestion_items = g_list_store_new (CONCIERGE_TYPE_ITEM);
  gtk_list_box_bind_model (self->suggestions_list, G_LIST_MODEL (self->suggestion_items), create_suggestion_row,
                           NULL, NULL);
  self->fact_items = g_list_store_new (CONCIERGE_TYPE_ITEM);
  gtk_list_box_bind_model (self->facts_list, G_LIST_MODEL (self->fact_items), concierge_customer_fact_row_new,
                           NULL, NULL);

  for (ConciergeContactField field = 0; field < CONCIERGE_CONTACT_N_FIELDS; field++)
    if (field_row (self, field) != NULL)
      {
        /* Enter saves as the apply button does. */
        g_signal_connect (field_row (self, field), "apply", G_CALLBACK (entry_row_apply_cb), self);
        g_signal_connect (field_row (self, field), "entry-activated", G_CALLBACK (entry_row_apply_cb), self);
      }
  g_signal_connect_swapped (self->language_row, "notify::selected", G_CALLBACK (language_selected_cb), self);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (note_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->note_view), focus);

  concierge_stack_show (self->stack, "empty");
}
