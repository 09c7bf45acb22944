"""Reading and checking the curated seeds (``seeds/``; format in ``seeds/README.md``).

* :mod:`graph.seeds.model`     the data model: sources, entities, claims, citations, figures, problems
* :mod:`graph.seeds.reader`    YAML with line numbers, every check of the format, :func:`load_seeds`
* :mod:`graph.seeds.locators`  the cited lines really name what a claim is about
* :mod:`graph.seeds.disputes`  claims that cannot both be right

Every problem carries the file and line it comes from, and all problems of a run are collected
before failing (:class:`SeedError`), so a curator sees the whole list at once.
"""

from .model import Citation, Claim, Dataset, Entity, Origin, Problem, Quantity, SeedError, Source
from .reader import load_seeds, parse_locator

__all__ = ["Citation", "Claim", "Dataset", "Entity", "Origin", "Problem", "Quantity", "SeedError", "Source",
           "load_seeds", "parse_locator"]
