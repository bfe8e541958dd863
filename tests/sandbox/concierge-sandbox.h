/* concierge-sandbox.h
 *
 * What the sandbox's platforms share: the faults a test asked for and the
 * record of requests. concierge-sandbox.c serves Mastodon and owns both;
 * concierge-sandbox-oauth.c serves Mastodon's sign-in and
 * concierge-sandbox-telegram.c the Telegram Bot API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  char *path;
  char *method;   /* NULL: any */
  char *kind;
  guint skip;     /* matching requests still to let through untouched */
  guint count;
  guint retry_after;
  guint delay_ms;
  gboolean retry_after_given;     /* "retry_after" was asked for */
  gboolean retry_after_http_date; /* and as an HTTP date */
  gint reset_after;               /* seconds to X-RateLimit-Reset; -1: the window's end */
} Fault;

/* The next fault for a request of @method to a path that starts with the
 * fault's path, or NULL, also while that fault still lets requests
 * through. */
Fault *sandbox_take_fault      (const char        *method,
                                const char        *path);

/* What a fault does once the answer is ready: drop the connection after
 * it, hold the answer back or slow it down. @paused says that the answer
 * was deferred, so that the message is still paused and must be let go. */
void   sandbox_finish_fault    (SoupServerMessage *msg,
                                Fault             *fault,
                                gboolean           paused);

void   sandbox_drop_connection (SoupServerMessage *msg);

/* Answers with the JSON @builder holds, or with Mastodon's error shape. */
void   sandbox_reply_json      (SoupServerMessage *msg,
                                guint              status_code,
                                JsonBuilder       *builder);
void   sandbox_reply_error     (SoupServerMessage *msg,
                                guint              status_code,
                                const char        *error);

/* The request's JSON object body; NULL, answered with 400, when it has
 * none. */
JsonObject *sandbox_request_object (SoupServerMessage *msg,
                                    JsonNode         **node);

/* Writes the object @builder holds as one line of the record, if any. */
void   sandbox_write_record    (JsonBuilder       *builder);

/* Adds the members every record has from the request as it came: its
 * "method", its "path" (a bot token in it included) and its
 * "authorization" header (null if it had none). */
void   sandbox_record_request  (JsonBuilder       *builder,
                                SoupServerMessage *msg);

/* The pictures that customers attach, drawn at startup: @draw paints a
 * @width by @height surface, which becomes the bytes of a PNG. */
typedef void (*SandboxDrawFunc) (cairo_t *cr,
                                 double   width,
                                 double   height);

GBytes *sandbox_draw_png       (int                width,
                                int                height,
                                SandboxDrawFunc    draw);

/* Answers with the PNG @png, or with its first half, as a download cut
 * short, when @truncated. */
void    sandbox_reply_png      (SoupServerMessage *msg,
                                GBytes            *png,
                                gboolean           truncated);

/* The Telegram Bot API, served only when it was given a bot token. */
gboolean telegram_token_is_valid     (const char *token);
void     telegram_init               (const char *token,
                                      const char *webhook_url,
                                      guint       reply_delay_ms);
/* For --seed-personal-data, after telegram_init(). */
void     telegram_seed_personal_data (void);
gboolean telegram_enabled            (void);
/* For --seed-telegram-chats, after telegram_init(). */
void     telegram_seed_chats         (void);
/* --telegram-privacy: on, as BotFather makes a bot, or off. */
void     telegram_set_privacy_mode   (gboolean           on);
/* POST /_sandbox/telegram/bot-member {"chat_id": N, "status":
 * "administrator" | "member", "can_delete_messages": BOOL} */
void     telegram_set_bot_member     (SoupServerMessage *msg);
/* Both the methods, /bot<BOT_TOKEN>/<method>, and the downloads of
 * files, /file/bot<BOT_TOKEN>/<file_path>. */
void     telegram_handle             (SoupServerMessage *msg,
                                      const char        *path,
                                      GHashTable        *query);
void     telegram_live_turn          (void);

/* Meta's Graph API for a Facebook page (concierge-sandbox-facebook*.c),
 * served only when it was given a page token. */
void     facebook_init               (const char        *token,
                                      const char        *system_token,
                                      gboolean           personal_data);
gboolean facebook_enabled            (void);
/* @call_limit calls per use case in @window_s seconds; 0 for Meta's. */
void     facebook_limits_init        (int                call_limit,
                                      int                window_s);
/* Whether @path starts with a Graph API version, as "/v25.0/". */
gboolean facebook_handles            (const char        *path);
void     facebook_handle             (SoupServerMessage *msg,
                                      const char        *path,
                                      GHashTable        *query);
/* /_sandbox/facebook/…; TRUE if it answered. */
gboolean facebook_control            (SoupServerMessage *msg,
                                      const char        *path);
/* How long a Messenger customer takes to answer the page; 0 never. */
void     facebook_messenger_set_reply_delay (guint       ms);
/* Whether the app has Meta's Human Agent permission. */
void     facebook_messenger_set_human_agent (gboolean    allowed);

/* The Mastodon sign-in (concierge-sandbox-oauth.c): apps, the metadata,
 * /oauth/authorize, /oauth/token and /oauth/revoke, which need no token.
 * @token is --token, valid until revoked like the tokens issued. */
void        oauth_init                   (const char        *token,
                                          gboolean           pkce);
gboolean    oauth_handles                (const char        *path);
gboolean    oauth_authorization_is_valid (const char        *authorization);
/* A JSON object body as parameters, strings as a form has them, or NULL
 * if it is no JSON object. */
GHashTable *oauth_decode_json            (GBytes            *bytes);
void        oauth_handle                 (SoupServerMessage *msg,
                                          const char        *path,
                                          GHashTable        *params);
/* For POST /_sandbox/revoke-all. */
void        oauth_revoke_all             (void);

/* Mastodon's rate limits (concierge-sandbox-throttle.c), scaled by
 * --rate-limit and --rate-period-s; 0 for Mastodon's own figures. */
void     throttle_init          (guint              limit,
                                 guint              period_s);
/* Counts an API request, by @token (NULL: none) and whether @query pages,
 * and sets the X-RateLimit-* headers; answers 429 and returns FALSE when
 * a throttle is over its limit. */
gboolean throttle_admit         (SoupServerMessage *msg,
                                 const char        *token,
                                 GHashTable        *query);
/* Counts a new status of the account; answers 429 and returns FALSE when
 * it posted its limit in this window. */
gboolean throttle_record_status (SoupServerMessage *msg);
/* The fault "429": as a throttle answers, unless the fault says otherwise. */
void     throttle_reply_fault   (SoupServerMessage *msg,
                                 Fault             *fault);

G_END_DECLS
