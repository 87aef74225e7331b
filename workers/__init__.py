"""Dramatiq actors that wire the pipeline stages to queues and the state database (issue 13).

Workers hold no image or PDF logic: each actor loads its input from the database and storage,
calls a `sohoa.pipeline` function, stores the output and advances the state. Until the actors
land, `sohoa process` chains the stages in-process (`sohoa.pipeline.process`).
"""
