"""cakg HTTP API and browser views (FastAPI), reading the graph through :mod:`graph.store`."""
