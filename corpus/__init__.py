"""corpus/: documents read into pages, paragraphs and tables with exact provenance, and turned into facts.

The doors: `corpus.reader.read_document(path)` (or `corpus.cache.load_document`, cached by content) gives a
`corpus.model.Document`; `corpus.facts.document_facts(doc)` gives its `Fact`s, each placed in the disclosure
schema (`corpus.schema.load_schema`, reviewed data) by `corpus.classify`. Amounts are `Decimal` end to end.
"""
