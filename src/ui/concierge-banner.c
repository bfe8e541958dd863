/* concierge-banner.c
 *
 * A strip across the top of a conversation that stays put: an icon, a
 * title, a line under it, and at most one button. libadwaita 1.2 has no
 * AdwBanner, and GtkInfoBar is meant for passing messages, not for a
 * state that holds as long as the conversation is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-banner.h"
#include "concierge-ui.h"

struct _ConciergeBanner
{
  GtkWidget  parent_instance;

  GtkImage  *image;
  GtkLabel  *title_label;
  GtkLabel  *subtitle_label;
  GtkButton *button;
};

G_DEFINE_FINAL_TYPE (ConciergeBanner, concierge_banner, GTK_TYPE_WIDGET)

/* A screen reader reads the banner as one group named by its title. */
static void
update_accessible (ConciergeBanner *self)
{
  g_autofree char *label = NULL;
  const char *subtitle = gtk_label_get_text (self->subtitle_label);

  if (subtitle[0] != '\0')
    label = g_strdup_printf ("%s. %s", gtk_label_get_text (self->title_label), subtitle);
  else
    label = g_strdup (gtk_label_get_text (self->title_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
concierge_banner_set_title (ConciergeBanner *self,
                            const char      *title)
{
  g_return_if_fail (CONCIERGE_IS_BANNER (self));

  gtk_label_set_text (self->title_label, title);
  update_accessible (self);
}

void
concierge_banner_set_subtitle (ConciergeBanner *self,
                               const char      *subtitle)
{
  g_return_if_fail (CONCIERGE_IS_BANNER (self));

  gtk_label_set_text (self->subtitle_label, subtitle ? subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL && subtitle[0] != '\0');
  update_accessible (self);
}

void
concierge_banner_set_icon_name (ConciergeBanner *self,
                                const char      *icon_name)
{
  g_return_if_fail (CONCIERGE_IS_BANNER (self));

  gtk_image_set_from_icon_name (self->image, icon_name);
}

/**
 * concierge_banner_set_audience:
 * @audience: whom a reply in the conversation reaches
 *
 * Says so in the title, in words that do not need Mastodon's names, with
 * the public or private look. Unlisted and followers-only conversations
 * are public: more than the customer read them.
 */
void
concierge_banner_set_audience (ConciergeBanner   *self,
                               ConciergeAudience  audience)
{
  gboolean is_public = audience != CONCIERGE_AUDIENCE_DIRECT;
  const char *title;

  g_return_if_fail (CONCIERGE_IS_BANNER (self));

  switch (audience)
    {
    case CONCIERGE_AUDIENCE_UNLISTED:
      title = _("Unlisted: everyone can read this, it is not shown in public timelines");
      break;
    case CONCIERGE_AUDIENCE_FOLLOWERS:
      title = _("Followers only: your reply reaches this account’s followers");
      break;
    case CONCIERGE_AUDIENCE_DIRECT:
      title = _("Private — only the customer reads your reply");
      break;
    case CONCIERGE_AUDIENCE_PUBLIC:
    case CONCIERGE_AUDIENCE_UNKNOWN:
    default:
      title = _("Public — everyone can read your reply");
      break;
    }

  concierge_banner_set_title (self, title);
  concierge_banner_set_icon_name (self, is_public ? "concierge-public-symbolic" : "concierge-private-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self), is_public ? "private" : "public");
  gtk_widget_add_css_class (GTK_WIDGET (self), is_public ? "public" : "private");
}

/**
 * concierge_banner_set_button:
 * @label: (nullable): the button's label, with a mnemonic, or %NULL for
 *   no button
 * @action_name: (nullable): the action it activates
 */
void
concierge_banner_set_button (ConciergeBanner *self,
                             const char      *label,
                             const char      *action_name)
{
  g_return_if_fail (CONCIERGE_IS_BANNER (self));

  gtk_widget_set_visible (GTK_WIDGET (self->button), label != NULL);
  if (label != NULL)
    gtk_button_set_label (self->button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), action_name);
}

static void
concierge_banner_dispose (GObject *object)
{
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_BANNER);

  G_OBJECT_CLASS (concierge_banner_parent_class)->dispose (object);
}

static void
concierge_banner_class_init (ConciergeBannerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_banner_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "banner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeBanner, image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBanner, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBanner, button);
}

static void
concierge_banner_init (ConciergeBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
