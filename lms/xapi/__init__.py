"""Learning records: xAPI 1.0.3 statements about what learners do, sent to a learning record
store (LRS) when LMS_XAPI_ENDPOINT is set.

- `statements`: how each statement is written (actor, verb, object, result, context).
- `services`: what the other areas call, in their own transaction, to record a statement.
- `delivery`: a worker posts the queued statements to the LRS, in batches, exactly once.
- `tasks`: the delivery job and the hourly sweep; `cli`: `lms xapi-backfill`.
"""
