"""Discussions and their posts, in twinnings and networks."""
