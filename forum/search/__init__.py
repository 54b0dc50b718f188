"""Full-text search: schema, analysers, indexing hooks, queries and back-ends."""
