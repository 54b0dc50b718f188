"""The home page and the site-wide pages (privacy, accessibility, health check): the top
layer, free to read every package's services."""
