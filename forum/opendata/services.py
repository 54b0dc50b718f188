"""What the open-data page shows of each dataset, and the headers shared by every file."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from forum.core.urls import site_url
from forum.opendata import datasets, versions


@dataclass
class Summary:
    dataset: datasets.Dataset
    rows: int
    modified: datetime | None


def summaries() -> list[Summary]:
    result = []
    for dataset in datasets.DATASETS.values():
        _, modified = versions.validators(dataset, "page")
        result.append(Summary(dataset, datasets.count(dataset), modified))
    return result


def licence_url() -> str:
    return current_app.config["FORUM_OPENDATA_LICENSE_URL"]


def page_links(dataset: datasets.Dataset, page: int, last: int, per_page: int) -> str:
    """An RFC 8288 Link header: first, previous, next and last page of the read API."""
    def link(number: int, rel: str) -> str:
        url = site_url("opendata.download", name=dataset.name, fmt="json", page=number,
                       per_page=per_page)
        return f'<{url}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(page - 1, "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    return ", ".join(links)


def open_to_portals(response):
    """Any site may read the files with a GET (a city's portal shows its own twinnings)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link, X-Total-Count"
    return response
