"""Figure extraction from prose: cleaning, candidate scan, meaning and provenance of stated figures.

Belongs here: the public interface only (no Dagster; the pipeline wires assets on top):
``clean_document``, ``extract_figures``, ``detect_language``, ``detect_survey_year``, ``CleanDocument``.

Where things live: ``clean`` (raw pages -> text), ``normalise`` (the matching copy), ``document``,
``language``; ``patterns`` + ``numerals`` (surface forms of figures); ``clauses`` (the one sentence
and clause model); the resolvers ``units``, ``kind``, ``period``, ``qualifier``, ``labels`` (named,
ordered rules, listed by ``python -m pipelines.figures.rules``); ``lexicons/`` (cue words per
language, as data; ``suffix`` compiles word lists into fast matchers); ``extract`` (runs it all);
``evaluate`` (scoring against gold).
"""

from pipelines.figures.clean import clean_document
from pipelines.figures.document import CleanDocument
from pipelines.figures.extract import extract_figures
from pipelines.figures.language import detect_language, detect_survey_year

__all__ = ["CleanDocument", "clean_document", "detect_language", "detect_survey_year", "extract_figures"]
