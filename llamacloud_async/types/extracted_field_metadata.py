"""Per-field metadata of a v2 extract job: ``llama_cloud.types.extracted_field_metadata``."""

from __future__ import annotations

from ._base import JSONObject, Model

__all__ = ["ExtractedFieldMetadata"]


class ExtractedFieldMetadata(Model):
    """Metadata for extracted fields: per document, per page and per row."""

    document_metadata: JSONObject | None = None
    page_metadata: list[JSONObject] | None = None
    row_metadata: list[JSONObject] | None = None
