"""The digitisation stages, each a plain function over typed data (docs/architecture.md).

ingest → preprocess → ocr → split → classify → extract → pdf; `process.py` chains them for one
input. Nothing here imports the workers, the database layer, the web app or the sample generator.
"""
