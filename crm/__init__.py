"""The domain and its persistence: everything the assistant knows about accounts, with no transport.

`crm` imports neither `bot`, `skills` nor `telegram` (a test holds the order). Start at `store`
(the SQLite connection and its numbered migrations), then the records: `users`, `customers`,
`visits/` (one visit model from a dictated note to a saved record), `followups/` (repository,
reminder delivery, digest, chart) and `pricing/`; `parsing/` reads dates, amounts, contacts,
objections and customer names out of free text; `language` is the one language detector.
"""
