"""The audit log pages (the web layer of `dangbo.audit`): scoped by the access policy, so above it.

`dangbo.audit` keeps the domain (the hash-chained log, checkpoints, selectors, forms); its tests
cover these pages too (`dangbo/audit/tests/`).
"""
