/* concierge-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-json.h"

static JsonNode *
value_member (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

/**
 * concierge_json_string:
 * @object: (nullable): an object, or %NULL for none
 *
 * Returns: (nullable): the member @name when it is a string
 */
const char *
concierge_json_string (JsonObject *object,
                       const char *name)
{
  JsonNode *node = value_member (object, name, G_TYPE_STRING);

  return node ? json_node_get_string (node) : NULL;
}

/**
 * concierge_json_int:
 * @object: (nullable): an object, or %NULL for none
 *
 * Returns: the member @name when it is an integer, or 0
 */
gint64
concierge_json_int (JsonObject *object,
                    const char *name)
{
  JsonNode *node = value_member (object, name, G_TYPE_INT64);

  return node ? json_node_get_int (node) : 0;
}

/**
 * concierge_json_object:
 * @object: (nullable): an object, or %NULL for none
 *
 * Returns: (nullable): the member @name when it is an object
 */
JsonObject *
concierge_json_object (JsonObject *object,
                       const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * concierge_json_node_string:
 * @node: any node
 *
 * Returns: (nullable): the member @name of @node when @node is an object
 *   and the member a string
 */
const char *
concierge_json_node_string (JsonNode   *node,
                            const char *name)
{
  return JSON_NODE_HOLDS_OBJECT (node) ? concierge_json_string (json_node_get_object (node), name) : NULL;
}
