"""Good practices, cerco/offro: offers, requests and stories, matching and interest."""
