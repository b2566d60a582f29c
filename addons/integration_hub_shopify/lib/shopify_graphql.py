"""The Admin GraphQL documents the adapter sends (shopify.dev/docs/api/admin-graphql)."""

# Line items read with each order. Every order of a page is priced at this many lines, so a larger
# first page would shrink the orders page to a handful (max query cost 1000); an order with more
# lines says so (pageInfo.hasNextPage) and the rest is read by cursor (LINE_ITEMS_PAGE per query).
LINE_ITEMS_PER_ORDER = 50
LINE_ITEMS_PAGE = 250
LINE_FIELDS = (
    "id title sku quantity currentQuantity variant { id } requiresShipping isGiftCard "
    "originalUnitPriceSet { shopMoney { amount } }"
)
ORDER_FIELDS = f"""
  id legacyResourceId name createdAt updatedAt cancelledAt cancelReason displayFinancialStatus
  email phone note tags
  customer {{ firstName lastName email phone }}
  shippingAddress {{ name company address1 address2 zip city provinceCode countryCodeV2 phone }}
  shippingLines(first: 5) {{ nodes {{ title code }} }}
  lineItems(first: {LINE_ITEMS_PER_ORDER}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {LINE_FIELDS} }} }}
"""
ORDER_LINES = f"""
query HubOrderLines($id: ID!, $first: Int!, $after: String) {{
  order(id: $id) {{
    lineItems(first: $first, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {LINE_FIELDS} }} }}
  }}
}}"""
ORDERS = f"""
query HubOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {ORDER_FIELDS} }}
  }}
}}"""
ORDER = f"query HubOrder($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
SHOP = "query HubShop { shop { name myshopifyDomain } }"
WEBHOOKS = """
query HubWebhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id topic uri } }
}"""
WEBHOOK_CREATE = """
mutation HubWebhookCreate($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
    webhookSubscription { id topic uri } userErrors { field message }
  }
}"""
WEBHOOK_UPDATE = """
mutation HubWebhookUpdate($id: ID!, $sub: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $sub) {
    webhookSubscription { id topic uri } userErrors { field message }
  }
}"""
VARIANTS = """
query HubVariants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku displayName inventoryItem { id } }
  }
}"""
# %s: the @idempotent directive where the API version takes it
INVENTORY_SET = """
mutation HubInventorySet($input: InventorySetQuantitiesInput!%s) {
  inventorySetQuantities(input: $input)%s { inventoryAdjustmentGroup { id } userErrors { field message code } }
}"""
FULFILLMENT_ORDERS = """
query HubFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 50) { id status trackingInfo { number company url } }
    fulfillmentOrders(first: 20) {
      nodes {
        id status assignedLocation { name location { id } }
        lineItems(first: 100) { nodes { id remainingQuantity lineItem { id } } }
      }
    }
  }
}"""
FULFILLMENT_CREATE = """
mutation HubFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { number company url } } userErrors { field message }
  }
}"""
TRACKING_UPDATE = """
mutation HubTrackingUpdate($id: ID!, $tracking: FulfillmentTrackingInput!, $notify: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $tracking, notifyCustomer: $notify) {
    fulfillment { id trackingInfo { number company url } } userErrors { field message }
  }
}"""
TAGS_ADD = """
mutation HubTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}"""
