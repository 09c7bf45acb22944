"""Browser pages: the index, network views (pyvis data, drawn by vis-network) and entity profiles.

Every page has a JSON twin, Datasette style: add ``.json`` to the path (``/index.json``,
``/views/network.json?at=2015``, ``/views/entities/imu.json``) or ask for ``application/json``.

Safety and offline use:

* pages come from this package's Jinja2 templates with autoescaping on; the data a page's script
  needs travels as JSON inside ``<script type="application/json">`` (Jinja's ``tojson`` escapes
  ``<``, ``>``, ``&`` and quotes), and the scripts put names into text nodes or the canvas, never
  into ``innerHTML``; a Content-Security-Policy allows scripts from this server only;
* vis-network 9.1.2 is served from the copy inside the pyvis package (``/static/vis/``): no CDN.

* :mod:`api.views.templating`  the one template environment, security headers, static files
* :mod:`api.views.pages`       ``/`` (index) and ``/views/entities/{id}`` (profiles; also what
  ``GET /entities/{id}`` answers to a browser, through :func:`api.views.pages.entity_page`)
* :mod:`api.views.network`     ``/views/network``: the network view (pyvis data drawn by vis-network)
* :mod:`api.views.changes`     ``/views/changes``: what changed between two dates
* :mod:`api.views.lineage`     ``/views/lineage``: the groups' lineage as lanes over time
* :mod:`api.views.passage`     ``/sources/{id}/passage?lines=a-b``: the cited lines, read from the local text
* :mod:`api.views.models`      the typed JSON twins of the pages
"""

from fastapi import APIRouter

from . import changes, lineage, network, pages, passage, sitenav  # noqa: F401 - sitenav gives the templates site_links

router = APIRouter()
router.include_router(pages.router)
router.include_router(network.router)
router.include_router(changes.router)
router.include_router(lineage.router)
router.include_router(passage.router)

__all__ = ["router"]
