"""The address of a post, in one place: the page of its thread that holds it, at the post."""
from forum.core.urls import site_path
from forum.discussions.models import Post, page_of


def post_location(post: Post) -> str:
    """`/discussions/<id>?page=<p>#post-<n>`: every link, redirect and notification to a post,
    built from the site's address (a notification may be made outside a request)."""
    return site_path("discussions.show", discussion_id=post.discussion_id,
                     page=page_of(post.number), _anchor=f"post-{post.number}")
