"""tree-sitter syntax layer: language registry, chunk boundaries, edit scopes, diagnostics, renames.

Every offset in this package is a 0-based, end-exclusive UTF-8 byte offset into `source: bytes`.
"""

from .diagnostics import SyntaxProblem, introduced_problems, syntax_problems
from .directives import Directive, find_directives
from .index import SyntaxIndex
from .languages import Language, known_languages, language_for
from .rename import comment_ranges, literal_ranges, prose_ranges, rename_draft
from .repair import repair_draft
from .annotations import explicit_types
from .imports import (add_imports, drop_unused_imports, hoist_imports, import_spans, imported_names,
                      new_import_spans, tells_unused_imports, unbound_uses, without_unused_imports)
from .scopes import (DocSite, Unit, definitions, definitions_named, defines_nothing, doc_sites, edit_scope, identifier_at,
                     names_in, region_units, statements_holding)

__all__ = [
    "Directive",
    "DocSite",
    "Language",
    "SyntaxIndex",
    "SyntaxProblem",
    "Unit",
    "add_imports",
    "comment_ranges",
    "drop_unused_imports",
    "without_unused_imports",
    "unbound_uses",
    "definitions",
    "definitions_named",
    "defines_nothing",
    "doc_sites",
    "hoist_imports",
    "edit_scope",
    "explicit_types",
    "find_directives",
    "identifier_at",
    "import_spans",
    "imported_names",
    "tells_unused_imports",
    "introduced_problems",
    "known_languages",
    "literal_ranges",
    "language_for",
    "names_in",
    "new_import_spans",
    "prose_ranges",
    "region_units",
    "rename_draft",
    "statements_holding",
    "repair_draft",
    "syntax_problems",
]
