"""sohoa: Vietnamese paper backlogs to searchable, validated, signed PDF dossiers.

The `sohoa` package holds the command line and configuration; the stages live in
`sohoa.pipeline`, the typed data in `sohoa.schemas`, the queue actors in `sohoa.workers` and the
synthetic form generator in `sohoa.samples`.
"""

__version__ = "0.1.0"
