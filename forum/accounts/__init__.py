"""Members: accounts, sign-in, profiles and the members directory."""
