"""Plain Python for the Shopify adapter (no ORM): payload mapping and the GraphQL client."""
