"""What Alembic's autogenerate must leave alone: the index's tables live outside the models
(an FTS5 virtual table and its shadow tables cannot be declared), so without this a
``flask db migrate`` would propose dropping them."""

from __future__ import annotations

SEARCH_TABLE_PREFIX = "article_search"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic ``include_object`` hook: skip the search index's tables and their indexes."""
    table = getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", None)
    return not (reflected and table_name and table_name.startswith(SEARCH_TABLE_PREFIX))
