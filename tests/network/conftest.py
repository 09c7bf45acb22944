"""Fixtures of the network tests: the fixture graph's catalog and its projection."""

import pytest

import graph.network as nw
from graph.read.catalog import Catalog


@pytest.fixture
def catalog(store):
    return Catalog(store)


@pytest.fixture
def G(catalog):
    return nw.project(catalog)
