"""Files attached to any kind of content: models, services, permissions, views."""
