"""A custom import-linter contract for the rules the built-in ones cannot say without one contract per context.

`contexts` (see pyproject.toml): inside `container`, every child package except the kernel and the composition
root is a bounded context, found from the import graph, so a new context is covered the day it appears.
A context may import another context only through that context's `public` module (service.py); its
`sealed` modules (domain, routes) import no other context at all. Direct imports are checked, wherever they
stand (module level, function body, TYPE_CHECKING); the layers contract checks chains.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class ContextsContract(Contract):
    type_name = "contexts"

    container = fields.StringField()
    kernel = fields.ListField(subfield=fields.StringField())
    roots = fields.ListField(subfield=fields.StringField(), required=False)
    public = fields.StringField()
    sealed = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=contract_utils.AlertLevel.ERROR,
        )
        container = str(self.container)
        shared = {*self.kernel, *(self.roots or [])}  # type: ignore[misc]
        contexts = sorted(c for c in graph.find_children(container) if c not in shared)
        owner = {m: c for c in contexts for m in {c, *graph.find_descendants(c)}}
        broken: list[dict[str, Any]] = []
        for importer in sorted(owner):
            home = owner[importer]
            sealed = any(importer == f"{home}.{s}" or importer.startswith(f"{home}.{s}.") for s in self.sealed)  # type: ignore[attr-defined]
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                other = owner.get(imported)
                if other is None or other == home:
                    continue
                if sealed:
                    reason = f"{importer.removeprefix(home + '.')} imports only its own context and the kernel"
                elif imported != f"{other}.{self.public}":
                    reason = f"reach {other} through {other}.{self.public}, a port wired in bootstrap, or an event"
                else:
                    continue
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                broken.append({"importer": importer, "imported": imported, "lines": lines, "reason": reason})
        return ContractCheck(
            kept=not broken,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"broken": broken, "contexts": contexts},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for b in check.metadata["broken"]:
            lines = ", ".join(str(n) for n in b["lines"])
            output.print_error(f"- {b['importer']} -> {b['imported']} (l.{lines}): {b['reason']}", bold=False)
            output.new_line()
