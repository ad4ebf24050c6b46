"""Drafting benchmark: every document type drafted from the corpus, validated, exported.

    python -m evals.drafting --corpus ../shared/corpus --out evals/reports/drafting

Ingests the corpus (plus the project's fictional ALPA 2025 report, so the projet
associatif update has a newer document) into a temporary base, drafts one document
per type, validates every section, exports the .docx, converts it with LibreOffice and
renders its first three pages as PNG. Reports, per document: the share of mandatory sections
with at least one supporting citation, the share of citations that resolve to the
quoted sentence in the base, and the time to draft — also as a multiple of one answered
question measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.app.container import Container
from assistant.app.settings import Settings
from generators.completeness import report
from generators.sources import resolves
from knowledge.base import Overrides

DATA = Path(__file__).resolve().parent / "data" / "drafting"
WARM_UP_QUESTION = "Quelles actions collectives sont organisées dans les résidences d'Alotra ?"
BASELINE_QUESTION = "Qui finance l'accompagnement social lié au logement de l'ALPA ?"


@dataclass(frozen=True)
class Case:
    name: str
    type_id: str
    facts: dict[str, str]
    call: Path | None = None


CASES = [
    Case("projet-social-alotra", "projet_social",
         {"association": "Alotra", "residence": "Résidence Les Calanques",
          "type_structure": "residence_sociale", "capacite": "64", "commune": "Marseille"}),
    Case("livret-accueil-alotra", "livret_accueil_logement_foyer",
         {"association": "Alotra", "residence": "Résidence Les Calanques",
          "type_structure": "residence_sociale", "adresse": "Marseille",
          "responsable": "la responsable de résidence"}),
    Case("livret-accueil-apremis", "livret_accueil_essms",
         {"association": "APRÉMIS", "etablissement": "Service Accompagnement et Médiation",
          "adresse": "Amiens"}),
    Case("appel-a-projets-alotra", "demande_subvention",
         {"association": "Alotra", "projet": "Créer du lien dans nos résidences",
          "financeur": "DDETS des Bouches-du-Rhône", "montant": "30 000",
          "dates": "du 1er janvier au 31 décembre 2027"},
         DATA / "appel_a_projets_lien_social_2027.md"),
    Case("projet-associatif-alpa", "projet_associatif",
         {"association": "ALPA", "periode": "2026-2031"}),
]


@dataclass
class Outcome:
    name: str
    type_id: str
    sections: int
    mandatory: int
    mandatory_supported: float
    sections_supported: float
    citations: int
    citations_resolving: float
    placeholders: int
    flags: int
    draft_seconds: float
    docx: str
    pngs: list[str] = field(default_factory=list)
    libreoffice: str = ""


def _render(docx: Path, out: Path) -> tuple[list[str], str]:
    """PDF with LibreOffice, then PNGs of the first three pages with pdftoppm."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        return [], "LibreOffice ou poppler absent"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, "--headless", "--norestore",
                        f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                        "--outdir", str(out), str(docx)], check=True, capture_output=True,
                       timeout=300)
    pdf = out / f"{docx.stem}.pdf"
    prefix = out / docx.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf),
                    str(prefix)], check=True, capture_output=True)
    pdf.unlink()
    return sorted(p.name for p in out.glob(f"{docx.stem}-*.png")), "converti sans erreur"


def run(corpus: Path, out: Path, data_dir: Path | None = None) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="canevas-drafting-") as tmp:
        container = Container(Settings(data_dir=data_dir or Path(tmp) / "data"))
        kb = container.knowledge_base
        if data_dir is None:
            kb.ingest(sorted(corpus.glob("*.txt")))
            kb.ingest([DATA / "alpa_rapport_activite_2025.md"],
                      Overrides(organisation="ALPA", doc_type="rapport d'activité", year=2025))
        container.answers.ask(WARM_UP_QUESTION, save=False)
        started = time.perf_counter()
        container.answers.ask(BASELINE_QUESTION, save=False)
        answer_seconds = time.perf_counter() - started
        service = container.drafting
        outcomes: list[Outcome] = []
        for case in CASES:
            draft = service.new(case.type_id, dict(case.facts), case.call)
            service.mark(draft.id, None, "validé", "Évaluation Canevas")
            docx = service.export(draft.id, out / f"{case.name}.docx", by="Évaluation Canevas")
            draft = service.get(draft.id)
            refs = [c for s in draft.sections for c in s.citations]
            completeness = report(draft)
            pngs, converted = _render(docx, out)
            outcomes.append(Outcome(
                case.name, case.type_id, len(draft.sections),
                sum(s.mandatory for s in draft.sections),
                round(completeness.mandatory_supported, 3),
                round(completeness.sections_supported, 3), len(refs),
                round(sum(resolves(c, kb.manifest) for c in refs) / max(1, len(refs)), 3),
                sum(len(s.placeholders) for s in draft.sections),
                sum(len(s.flags) for s in draft.sections),
                draft.timings.get("total_seconds", 0.0), docx.name, pngs, converted))
        container.close()
    result = {"answer_seconds": round(answer_seconds, 3),
              "documents": [o.__dict__ for o in outcomes]}
    (out / "report.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    (out / "report.md").write_text(markdown(result), encoding="utf-8")
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = ["# Drafting benchmark", "",
             "Re-run: `python -m evals.drafting --corpus ../shared/corpus "
             "--out evals/reports/drafting`.", "",
             f"Baseline in the same run: one answered question took "
             f"{result['answer_seconds']:.2f} s.", "",
             "| document | sections (mandatory) | mandatory with a citation | sections with a "
             "citation | citations | resolving | « À compléter » | flags | draft time | "
             "× one answer | pages |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for d in result["documents"]:
        ratio = d["draft_seconds"] / max(result["answer_seconds"], 1e-6)
        pages = ", ".join(d["pngs"]) or d["libreoffice"]
        lines.append(
            f"| {d['docx']} | {d['sections']} ({d['mandatory']}) | "
            f"{d['mandatory_supported']:.0%} | {d['sections_supported']:.0%} | "
            f"{d['citations']} | {d['citations_resolving']:.0%} | {d['placeholders']} | "
            f"{d['flags']} | {d['draft_seconds']:.1f} s | {ratio:.0f}× | {pages} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--out", type=Path, default=Path("evals/reports/drafting"))
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="Existing base to draft from (skips ingestion).")
    args = parser.parse_args()
    result = run(args.corpus, args.out, args.data_dir)
    print(markdown(result))


if __name__ == "__main__":
    main()
