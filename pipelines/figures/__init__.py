"""Figure extraction from prose: cleaning, candidate scan, meaning and provenance of stated figures.

Public interface (no Dagster here; the lead wires assets on top):
``clean_document``, ``extract_figures``, ``detect_language``, ``detect_survey_year``, ``CleanDocument``.
"""

from pipelines.figures.clean import clean_document
from pipelines.figures.document import CleanDocument
from pipelines.figures.extract import extract_figures
from pipelines.figures.language import detect_language, detect_survey_year

__all__ = ["CleanDocument", "clean_document", "detect_language", "detect_survey_year", "extract_figures"]
