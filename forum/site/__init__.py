"""What independent clients read beside the pages: robots.txt, the sitemap, the source archive."""
